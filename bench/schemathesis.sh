#!/usr/bin/env bash
# Schema-driven API fuzzing of the demo host with schemathesis, from our own /openapi.json.
#
#   bash bench/schemathesis.sh [extra schemathesis run options, e.g. --max-examples 200]
#
# Installs schemathesis (Python) into bench/.venv on first use (pip; not part of npm test), starts
# the demo host on a free loopback port with a fresh data directory (token rate limits off, so the
# generated traffic exercises the real answers instead of 429; an extra client with the `admin`
# role and all grants, so that the admin API is exercised too), gets a bearer token for it (the
# token endpoint's Basic auth uses the demo client `hello`), and runs every phase (examples, coverage, fuzzing, stateful) with these checks:
# no 5xx, documented status codes, content types, headers and response schemas. The summary and a
# JUnit report (bench/.schemathesis/junit.xml) tell how many 5xx and schema violations were found;
# the exit status is schemathesis's (0 = none).
#
# Not selected, by design (PROTOCOL.md §2 and our choices, not defects): `ignored_auth` and
# `missing_required_header` expect 401/403 without a token, but PACT requires 400 BadRequest on
# footprints and events; `unsupported_method` expects 405, we answer 404 NotFound for any method a
# path does not serve; `positive_data_acceptance` sends made-up `pageToken` values, which are
# refused with 400 (a page token is only ever taken from a `Link` URL). `--checks all` shows them.
#
# Environment: SCHEMATHESIS_VERSION (default 4.32.5), PYTHON (default python3), MAX_EXAMPLES
# (default 100 per operation), SEED (optional, for a reproducible run).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=bench/.venv
OUT=bench/.schemathesis
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  echo "== installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi
echo "== $("$VENV/bin/schemathesis" --version)"

DATA_DIR="$(mktemp -d)"
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
BASE="http://127.0.0.1:$PORT"
LOG="$DATA_DIR/server.log"
mkdir -p "$OUT"

# An admin client besides the demo clients, so that the admin API is exercised too.
ADMIN_SECRET="$(node -e 'console.log(require("crypto").randomBytes(18).toString("base64url"))')"
ADMIN_HASH="$(printf '%s' "$ADMIN_SECRET" | node scripts/ileap-dev.js hash-secret)"
printf '{"auth": {"clients": [{"id": "schemathesis-admin", "secretHash": "%s", "grants": ["*"], "roles": ["admin"]}]}}\n' \
  "$ADMIN_HASH" >"$DATA_DIR/ileap.json"

ILEAP_LOG_LEVEL=warn ILEAP_TOKEN_RATE_PER_CLIENT=0 ILEAP_TOKEN_RATE_PER_ADDRESS=0 \
  ILEAP_COMPANY_NAME="Schemathesis GmbH" ILEAP_COMPANY_IDS="urn:company:schemathesis" \
  node scripts/ileap-dev.js serve --demo --config "$DATA_DIR/ileap.json" --host 127.0.0.1 --port "$PORT" \
  --data-dir "$DATA_DIR" >"$LOG" 2>&1 &
SERVER_PID=$!
cleanup() {
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$DATA_DIR"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  if curl -fs "$BASE/health" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fs "$BASE/health" >/dev/null || { echo "the demo host did not start:"; cat "$LOG"; exit 2; }

TOKEN="$(curl -fs -u "schemathesis-admin:$ADMIN_SECRET" -d grant_type=client_credentials "$BASE/auth/token" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).access_token))')"

CONFIG="$DATA_DIR/schemathesis.toml"
cat >"$CONFIG" <<EOF
[auth.openapi.bearerAuth]
bearer = "$TOKEN"

[auth.openapi.basicAuth]
username = "hello"
password = "pathfinder"
EOF

echo "== schemathesis against $BASE/openapi.json"
set +e
"$VENV/bin/schemathesis" --config-file "$CONFIG" run "$BASE/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
  --max-examples "${MAX_EXAMPLES:-100}" \
  ${SEED:+--seed "$SEED"} \
  --workers 2 \
  --report junit --report-junit-path "$OUT/junit.xml" \
  --no-color "$@"
STATUS=$?
set -e
if grep -q '"level":50\|"level":60' "$LOG"; then
  echo "== the host logged errors:"
  grep '"level":50\|"level":60' "$LOG" | head -20
  STATUS=1
fi
echo "== schemathesis exit status $STATUS (0 = no 5xx, no schema violations)"
exit "$STATUS"
