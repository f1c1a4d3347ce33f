#!/usr/bin/env bash
# API reference page in a real browser (run by .ci/run after `npm run build`): starts the compiled
# demo host, loads /docs in headless Chromium and checks that every operation of /openapi.json is
# rendered (Swagger UI gives each one the element id `operations-<tag>-<operationId>`).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

browser="$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)"
[ -n "$browser" ] || { echo "no chromium found (apt-get install -y chromium)" >&2; exit 1; }

port="$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
ILEAP_LOG_LEVEL=error node "$repo/bin/ileap.js" serve --demo --port "$port" --data-dir "$work/data" &
server_pid=$!
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { echo "the server exited" >&2; exit 1; }
  sleep 0.2
done

curl -fsS "http://127.0.0.1:$port/openapi.json" >"$work/openapi.json"
"$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
  --user-data-dir="$work/profile" --virtual-time-budget=20000 --dump-dom \
  "http://127.0.0.1:$port/docs" >"$work/dom.html" 2>"$work/browser.log" || {
  cat "$work/browser.log" >&2
  exit 1
}

node --input-type=module - "$work/openapi.json" "$work/dom.html" <<'JS'
import { readFileSync } from "node:fs";
const [doc, dom] = process.argv.slice(2).map((f) => readFileSync(f, "utf8"));
const spec = JSON.parse(doc);
const ops = [];
for (const [path, item] of Object.entries(spec.paths))
  for (const [method, op] of Object.entries(item))
    if (["get", "put", "post", "delete", "patch", "head", "options"].includes(method))
      ops.push({ path, method, id: `operations-${(op.tags?.[0] ?? "default").replaceAll(" ", "_")}-${op.operationId}` });
const missing = ops.filter((o) => !dom.includes(`id="${o.id}"`));
if (ops.length === 0 || missing.length > 0) {
  console.error(`docs page: ${missing.length} of ${ops.length} operations not rendered:`);
  for (const o of missing) console.error(`  ${o.method.toUpperCase()} ${o.path} (${o.id})`);
  console.error(dom.slice(0, 2000));
  process.exit(1);
}
console.log(`docs page: all ${ops.length} operations rendered by headless Chromium`);
JS
