#!/usr/bin/env bash
# Consumer test (run by .ci/run): packs the package, installs the tarball into a fresh project and
# uses it as a user would — (a) plain `node` imports `ileap-ts` and `ileap-ts/client` and walks the
# pages of `ileap serve --demo` from the package, (b) a strict TypeScript consumer (NodeNext, no
# skipLibCheck) type-checks, (c) `npx ileap --version` answers.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "-- npm pack"
tarball="$(cd "$repo" && npm pack --silent --pack-destination "$work" | tail -n 1)"
tar -tzf "$work/$tarball" | wc -l | xargs printf -- "-- %s files, "
du -k "$work/$tarball" | cut -f1 | xargs printf -- "%s KiB packed\n"

mkdir "$work/consumer"
cd "$work/consumer"
cat > package.json <<'JSON'
{ "name": "ileap-consumer", "version": "1.0.0", "private": true, "type": "module",
  "allowScripts": { "better-sqlite3": true } }
JSON
echo "-- npm install the tarball"
# As the Dockerfile's install stage (plus @types/node for the TypeScript check).
npm install --no-audit --no-fund --prefer-offline "$work/$tarball" "@types/node@20" >/dev/null
cp "$repo/scripts/consumer/walk.mjs" "$repo/scripts/consumer/consumer.ts" "$repo/scripts/consumer/tsconfig.json" .

for dep in tsx typescript; do
  if [ -e "node_modules/$dep" ]; then echo "the package pulled in the devDependency $dep" >&2; exit 1; fi
done

echo "-- (c) npx ileap --version"
version="$(npx --no-install ileap --version)"
expected="$(node -p 'require("ileap-ts/package.json").version')"
[ "$version" = "$expected" ] || { echo "ileap --version said '$version', expected '$expected'" >&2; exit 1; }
echo "ileap $version"

echo "-- (a) plain node against the packed 'ileap serve --demo'"
port="$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
# The bin link itself (not npx), so that $! is the server's own process.
ILEAP_LOG_LEVEL=error node_modules/.bin/ileap serve --demo --port "$port" --data-dir "$work/data" &
server_pid=$!
# The Dockerfile's HEALTHCHECK command, verbatim.
healthy() {
  PORT="$port" node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
}
for _ in $(seq 1 100); do
  if healthy; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { echo "the packed server exited" >&2; exit 1; }
  sleep 0.2
done
healthy || { echo "the packed server is not healthy" >&2; exit 1; }
node walk.mjs "http://127.0.0.1:$port"
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

echo "-- (b) strict TypeScript consumer (module NodeNext, no skipLibCheck)"
node "$repo/node_modules/typescript/bin/tsc" -p tsconfig.json
echo "consumer test passed"
