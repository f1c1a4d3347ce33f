#!/usr/bin/env bash
# Runs the official PACT conformance tool (wbcsd/pact-conformance-service) against our demo host
# over HTTPS, for every PACT version we serve, in CLI mode and in server mode with callbacks
# (cases 13 and 14.B: the host answers event requests by calling the tool back).
#
#   scripts/official-conformance.sh TOOL_SCRIPT
#
# TOOL_SCRIPT is the tool's runner script (`pact-conformance.sh BASE VERSION [--callbacks]
# [--print-peer] [--tool-port P]`, see README "Conformance"). When it does not exist this script
# prints why and exits 0 (a clone without the tool can still run .ci/run).
#
# Environment:
#   ILEAP_CI_PACT_VERSIONS  versions to run (default "V2.2 V2.3 V3.0")
#   ILEAP_CI_PACT_V3        0 = leave V3.0 out of the default versions (default 1)
#   ILEAP_CI_PACT_MODES     "cli callbacks" (default), or one of them
#   ILEAP_CI_TOOL_PORT      port of the tool's own server in callback mode (default 18424)
#   ILEAP_CI_PACT_CLIENT    demo client the tool runs as, ID:SECRET (default hello:pathfinder)
#
# For each version and mode it starts a fresh demo host (own temporary data directory, TLS with a
# throw-away certificate, the tool configured as an event peer), waits until /ready answers, runs
# the tool, stops the host. Fails (exit 1) on any ✗ case, any pending (⧗) case in callback mode,
# or a run that reports no case at all; prints the counts of every run at the end.
set -uo pipefail
cd "$(dirname "$0")/.."

tool=${1:-}
if [ -z "$tool" ] || [ ! -f "$tool" ]; then
  echo "== official PACT conformance: skipped (tool script ${tool:-not given} not found; it lives outside the repository)"
  exit 0
fi

default_versions="V2.2 V2.3 V3.0"
[ "${ILEAP_CI_PACT_V3:-1}" = 0 ] && default_versions="V2.2 V2.3"
versions=${ILEAP_CI_PACT_VERSIONS:-$default_versions}
modes=${ILEAP_CI_PACT_MODES:-cli callbacks}
tool_port=${ILEAP_CI_TOOL_PORT:-18424}
client=${ILEAP_CI_PACT_CLIENT:-hello:pathfinder}

work=$(mktemp -d)
host_pid=""
stop_host() {
  if [ -n "$host_pid" ]; then
    kill -TERM "$host_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$host_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$host_pid" 2>/dev/null
    wait "$host_pid" 2>/dev/null
    host_pid=""
  fi
}
cleanup() { stop_host; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# A throw-away certificate for 127.0.0.1 (the tool runs with certificate checks off).
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 ||
  { echo "openssl could not make a certificate" >&2; exit 2; }

# The runner script of the tool (at 839bfe8) hands the whole test-run JSON to node as one argument;
# a V3.0 run in --callbacks mode is larger than the kernel's 128 KiB limit for one argument
# (E2BIG: "Argument list too long"), so it never reads the run id. Until the runner is fixed, use
# a copy that pipes that JSON instead (the tool itself and its test cases are untouched).
runner=$tool
if grep -qF 'JSON.parse(process.argv[1]).testRunId' "$tool"; then
  runner="$work/pact-conformance.sh"
  fixed='id=$(printf '"'"'%s'"'"' "$run" | node -e '"'"'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).testRunId||"")}catch{console.log("")}})'"'"')'
  awk -v fixed="$fixed" 'index($0, "JSON.parse(process.argv[1]).testRunId") { print fixed; next } { print }' "$tool" >"$runner"
  ln -s "$(cd "$(dirname "$tool")" && pwd)/pact-conformance-service" "$work/pact-conformance-service"
  echo "== note: running a copy of $tool that passes the test-run JSON on stdin (argument-size defect)"
fi

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# The tool as our events peer (its server accepts only its hard-coded client), plus quick retries.
bash "$tool" https://127.0.0.1 V2.3 --print-peer --tool-port "$tool_port" >"$work/ileap.yaml" ||
  { echo "the tool could not print its peer entry" >&2; exit 2; }
printf '  backoffBaseMs: 500\n  backoffMaxMs: 5000\n  pollIntervalMs: 250\n' >>"$work/ileap.yaml"

start_host() { # $1 = run name; sets host_pid and base
  local port data
  port=$(free_port)
  data="$work/data-$1"
  mkdir -p "$data"
  ILEAP_LOG_LEVEL=warn node bin/ileap.js serve --demo --config "$work/ileap.yaml" --host 127.0.0.1 \
    --port "$port" --data-dir "$data" --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" \
    >"$work/host-$1.log" 2>&1 &
  host_pid=$!
  base="https://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    curl -ksf "$base/ready" >/dev/null 2>&1 && return 0
    kill -0 "$host_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "our host did not become ready; its log:" >&2
  tail -20 "$work/host-$1.log" >&2
  return 1
}

summary=()
failed=0
for version in $versions; do
  for mode in $modes; do
    name="$version-$mode"
    args=(--tool-port "$tool_port" --client-id "${client%%:*}" --client-secret "${client#*:}")
    [ "$mode" = callbacks ] && args+=(--callbacks)
    echo "== official PACT conformance $version ($mode)"
    if ! start_host "$name"; then
      summary+=("$version $mode: our host did not start")
      failed=1
      stop_host
      continue
    fi
    started=$SECONDS
    bash "$runner" "$base" "$version" "${args[@]}" 2>&1 | grep -v '^could not change directory' | tee "$work/out-$name.txt"
    rc=${PIPESTATUS[0]}
    stop_host
    counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$work/out-$name.txt" | tail -1)
    pending=$(grep -c '^⧗' "$work/out-$name.txt")
    failures=$(grep -c '^✗' "$work/out-$name.txt")
    # In CLI mode callbacks have nowhere to land: only 13 and 14.B may stay pending there.
    unexpected_pending=$pending
    if [ "$mode" = cli ]; then
      unexpected_pending=$(grep '^⧗' "$work/out-$name.txt" | grep -cvE '^⧗ Test Case (13|14\.B):')
    fi
    verdict=ok
    if [ "$rc" -ne 0 ] || [ -z "$counts" ] || [ "$failures" -gt 0 ] || [ "$unexpected_pending" -gt 0 ]; then
      verdict=FAILED
    fi
    [ "$verdict" = FAILED ] && failed=1
    summary+=("$version $mode: ${counts:-no counts} ($((SECONDS - started)) s) $verdict")
  done
done

echo "== official PACT conformance: summary"
printf '   %s\n' "${summary[@]}"
exit $failed
