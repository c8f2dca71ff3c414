# syntax=docker/dockerfile:1
# Latchkey's container image: `docker build -t latchkey .` at the repository root.
#
# Three stages, the same steps deploy/build-image-steps.sh runs outside a container on CI:
#   build  - the server's own build, then `npm pack` of @latchkey/server (exactly what npm would publish)
#   deps   - that tarball installed with production dependencies only (compiles better-sqlite3 if no
#            prebuilt binary fits, hence the compilers here)
#   final  - Node and the installed server; no compilers, no npm cache, no sources, non-root.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY . .
# Only TypeScript runs here (no native module is loaded), so install scripts stay off; only the
# server's tarball leaves this stage.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm run build -w packages/server \
 && mkdir /pack && npm pack -w packages/server --pack-destination /pack \
 && mv /pack/latchkey-server-*.tgz /pack/latchkey-server.tgz

FROM node:${NODE_VERSION}-bookworm-slim AS deps
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/latchkey
COPY --from=build /pack/latchkey-server.tgz /tmp/latchkey-server.tgz
RUN echo '{"name":"latchkey-image","private":true,"allowScripts":{"better-sqlite3":true}}' > package.json \
 && npm install --omit=dev --no-audit --no-fund /tmp/latchkey-server.tgz \
 && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS final
ENV NODE_ENV=production \
    LATCHKEY_WORKERS=1 \
    LATCHKEY_HOST=0.0.0.0 \
    LATCHKEY_PORT=4000 \
    LATCHKEY_DATABASE_URL=file:/data/latchkey.sqlite
COPY --from=deps /opt/latchkey /opt/latchkey
# The image's `node` user (uid 1000) owns the SQLite folder and nothing else.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
WORKDIR /data
EXPOSE 4000
# No curl in a slim image: Node's own fetch asks /readyz (200 when the store answers, else 503).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.LATCHKEY_PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# One worker per container (LATCHKEY_WORKERS=1): scale with replicas; the CPU count Node sees is the
# host's, not the container's quota. Node runs as PID 1: `latchkey serve` installs its own
# SIGTERM/SIGINT handlers (it finishes requests in flight, closes the store, exits 0) and, with one
# worker, starts no child processes (with more, it forwards signals to its workers and reaps them
# itself), so no init is needed. `docker run --init` adds one anyway if your policy wants it.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/opt/latchkey/node_modules/@latchkey/server/bin/latchkey.js"]
CMD ["serve"]
