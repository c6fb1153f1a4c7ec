#!/usr/bin/env bash
# A/B of two `linkhub` binaries under scripts/bench.sh's HTTP loads, one
# after the other, alternated, each on a fresh SQLite database:
#   ?wait  three-step runs (tests/bench/workflows/bench3.yaml) on 8 connections (runs/s, p50, p99)
#   rate   triggers at a fixed 1,000/s on 32 connections, open loop (p50, p99)
# Usage: scripts/ab-serve.sh BIN_A BIN_B [ROUNDS=3] [SECONDS=5]
# Each binary must sit in a build's bin/ (its plugins are found from there):
# copy the one to compare as, say, build/bin/linkhub_a before rebuilding.
# lh_load comes from the first binary's directory. On a noisy machine runs
# of one binary differ by 15 % and more: compare rounds, not single runs.
set -euo pipefail
[[ $# -ge 2 ]] || { sed -n '2,11p' "$0"; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
a=$(realpath "$1")
b=$(realpath "$2")
rounds=${3:-3}
seconds=${4:-5}
load="$(dirname "$a")/lh_load"
[[ -x $a && -x $b && -x $load ]] || { echo "ab-serve: need two linkhub binaries and lh_load beside the first" >&2; exit 2; }
work=$(mktemp -d /tmp/linkhub-ab.XXXXXX)
pid=""
cleanup() {
  [[ -z $pid ]] || kill -TERM "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/workflows"
cp "$root/tests/bench/workflows/bench3.yaml" "$work/workflows/"
printf 'serve:\n  max_waits: 16\n  max_waits_per_principal: 16\n' >"$work/linkhub.yaml"
body='{"inputs": {"sku": "SKU-42"}}'

# measure BIN URL_SUFFIX LOAD_ARGS...: one server, one load; "runs/s p50 p99" into $work/result
measure() {
  local bin=$1 suffix=$2
  shift 2
  rm -f "$work/bench.db"* "$work/server.log"
  local key
  key=$("$bin" keys create --role operator --name ab --db "$work/bench.db" 2>/dev/null)
  (cd "$work" && LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 LINKHUB_RATE_LIMIT_BURST=1000000 \
    exec "$bin" serve --listen 127.0.0.1:0 --db "$work/bench.db" --workflows "$work/workflows" \
    2>"$work/server.log" >/dev/null) &
  pid=$!
  local port=""
  for _ in $(seq 1 100); do
    port=$(grep -m1 '"serve.listening"' "$work/server.log" 2>/dev/null | sed -E 's/.*"port":([0-9]+).*/\1/' || true)
    [[ -n $port ]] && break
    sleep 0.1  # waiting for the server to start
  done
  [[ -n $port ]] || { echo "ab-serve: $bin did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
  "$load" "http://127.0.0.1:$port/api/v1/workflows/bench3/runs$suffix" --duration "$seconds" \
    --header "Authorization: Bearer $key" --body "$body" "$@" >"$work/out.json"
  kill -TERM "$pid"
  wait "$pid" || true
  pid=""
  python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(d['ok_per_s'], d['p50_ms'], d['p99_ms'])" \
    "$work/out.json" >"$work/result"
}

printf '%-5s %-6s %-5s %10s %8s %8s\n' round load bin 'runs/s' 'p50 ms' 'p99 ms'
for round in $(seq 1 "$rounds"); do
  for which in a b; do
    bin=$a
    [[ $which == b ]] && bin=$b
    measure "$bin" "?wait=30s" --connections 8
    read -r rate p50 p99 <"$work/result"
    printf '%-5s %-6s %-5s %10s %8s %8s\n' "$round" "?wait" "$which" "$rate" "$p50" "$p99"
    measure "$bin" "" --connections 32 --rate 1000
    read -r rate p50 p99 <"$work/result"
    printf '%-5s %-6s %-5s %10s %8s %8s\n' "$round" rate "$which" "$rate" "$p50" "$p99"
  done
done
