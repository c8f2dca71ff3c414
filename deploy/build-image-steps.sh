#!/usr/bin/env bash
# The Dockerfile's stages, run outside a container (no container engine runs on CI's machine), so
# that what the image does is run on every CI build, not only written:
#   build  the server's build and `npm pack` of @latchkey/server, in a temp dir (the checkout is only read)
#   deps   that tarball installed with production dependencies only, in a temp dir (the image's /opt/latchkey)
#   final  the installed server started with the image's ENV (read from the Dockerfile), a temp dir as
#          /data, asked with the image's own HEALTHCHECK command until healthy, then stopped with
#          the image's STOPSIGNAL; it must exit 0.
# What it cannot run: apt-get, the base image, the USER switch, VOLUME. docs/deploy.md says so.
#
# Usage: deploy/build-image-steps.sh [WORK_DIR]   (default: a new dir under ${TMPDIR:-/tmp}; kept on failure)
# Environment passed through to npm: e.g. npm_config_better_sqlite3_binary_host (a prebuild mirror).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-$(mktemp -d "${TMPDIR:-/tmp}/latchkey-image-XXXXXX")}"
dockerfile="$repo/Dockerfile"
step() { echo "--- $*"; }

# The Dockerfile's instructions, continuation lines joined; a value read from here cannot drift.
instruction() { node -e '
  const lines = require("fs").readFileSync(process.argv[1], "utf8").replace(/\\\n/g, " ").split("\n");
  const hit = lines.filter((l) => l.startsWith(process.argv[2] + " ")).map((l) => l.slice(process.argv[2].length + 1).trim());
  console.log(hit.join("\n"));' "$dockerfile" "$1"; }

step "build: compile the server and npm pack it, in $work/build (the checkout is only read)"
mkdir -p "$work/pack" "$work/build/server"
cp -R "$repo/packages/server/package.json" "$repo/packages/server/README.md" "$repo/packages/server/bin" "$repo/LICENSE" "$work/build/server/"
(cd "$repo/packages/server" && node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.json --outDir "$work/build/server/dist")
# The operator console's page (docs/console.md), bundled beside the compiled server.
(cd "$repo/packages/server" && node "$repo/node_modules/vite/bin/vite.js" build -c console/vite.config.ts --logLevel warn --outDir "$work/build/server/dist/console-ui")
# The prepack script only copies LICENSE from the repository root, done above.
(cd "$work/build/server" && npm pack --ignore-scripts --pack-destination "$work/pack" >/dev/null)
tarball="$(ls "$work"/pack/latchkey-server-*.tgz)"

step "deps: npm install --omit=dev of the tarball into $work/opt/latchkey"
mkdir -p "$work/opt/latchkey"
( cd "$work/opt/latchkey"
  echo '{"name":"latchkey-image","private":true,"allowScripts":{"better-sqlite3":true}}' > package.json
  npm install --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error "$tarball" )
for dev in typescript vitest tsx @types/node @latchkey/testkit; do
  if [ -e "$work/opt/latchkey/node_modules/$dev" ]; then echo "a development dependency reached the image: $dev"; exit 1; fi
done

step "final: start with the image's ENV, /data -> $work/data"
mkdir -p "$work/data"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
env_file="$work/image.env"
# ENV lines: KEY=VALUE pairs; the temp /data and a free port replace the image's fixed ones.
instruction ENV | tr ' ' '\n' | grep = | sed "s#/data/#$work/data/#; s#^LATCHKEY_PORT=.*#LATCHKEY_PORT=$port#; s#^LATCHKEY_HOST=.*#LATCHKEY_HOST=127.0.0.1#" > "$env_file"
cat "$env_file"
entrypoint="$(instruction ENTRYPOINT | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).map((a)=>a.replace("/opt/latchkey", process.argv[1])).join("\n"))' "$work/opt/latchkey")"
cmd="$(instruction CMD | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).join("\n"))')"
mapfile -t argv < <(printf '%s\n%s\n' "$entrypoint" "$cmd")
(cd "$work/data" && exec env $(cat "$env_file") "${argv[@]}" > "$work/serve.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT

step "HEALTHCHECK (the Dockerfile's command) until healthy"
mapfile -t health < <(instruction HEALTHCHECK | sed 's/.*CMD //' | node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).join("\n"))')
healthy=""
for _ in $(seq 1 60); do
  if env $(cat "$env_file") "${health[@]}"; then healthy=yes; break; fi
  kill -0 $server 2>/dev/null || break
  sleep 0.5
done
if [ -z "$healthy" ]; then echo "never healthy"; cat "$work/serve.log"; exit 1; fi
echo "healthy: GET /readyz answered 200 on port $port"
[ -f "$work/data/latchkey.sqlite" ] || { echo "no SQLite file in the /data stand-in"; exit 1; }

step "STOPSIGNAL $(instruction STOPSIGNAL)"
kill -"$(instruction STOPSIGNAL | sed 's/^SIG//')" $server
set +e; wait $server; code=$?; set -e
trap - EXIT
if [ "$code" != 0 ]; then echo "latchkey serve exited $code on SIGTERM"; cat "$work/serve.log"; exit 1; fi
echo "stopped cleanly (exit 0)"
[ -n "${1:-}" ] || rm -rf "$work"
echo "image steps: ok"
