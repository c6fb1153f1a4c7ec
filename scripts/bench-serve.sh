#!/usr/bin/env bash
# Benchmarks `linkhub serve` on loopback with wrk (closed loop: each connection
# sends its next request when the previous answer arrives, so throughput is
# the most the server gives and latency includes queueing). Bounded in time:
# six phases of BENCH_SECONDS (default 10) each.
#   1. GET /api/v1/runs/{id}                 a finished run with its steps
#   2. POST /api/v1/workflows/bench/runs     triggers on 2 connections, the node executing the runs
#   3. the same on BENCH_CONNECTIONS (16)    saturated
#   4. POST .../bench/runs at a fixed BENCH_RATE (1,000) per second: latency below saturation
#      (wrk paces each thread with delay(); latency counts from each send, so
#      a stall delays the next sends instead of being measured: it understates)
#   5. POST .../bench3/runs?wait=30s on 8 connections: finished three-step runs per second
#   6. the saturated trigger again with --no-worker: the API and the database alone
# Usage: scripts/bench-serve.sh [BUILD_DIR]   (env: BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_RATE)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${LINKHUB_BUILD_DIR:-$root/build}}
build=$(cd "$build" 2>/dev/null && pwd || echo "$build")  # the server runs from another directory
bin=$build/bin/linkhub
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
threads=${BENCH_THREADS:-2}
rate=${BENCH_RATE:-1000}
command -v wrk >/dev/null || { echo "bench-serve: wrk is missing (scripts/setup.sh installs it)" >&2; exit 2; }
[[ -x "$bin" ]] || { echo "bench-serve: $bin is missing (scripts/build.sh builds it)" >&2; exit 2; }

work=$(mktemp -d /tmp/linkhub-bench-serve.XXXXXX)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/workflows"
cat >"$work/workflows/bench.yaml" <<'YAML'
name: bench
inputs:
  sku: { type: string, required: true }
steps:
  - id: normalise
    uses: core.transform
    with: { value: "${{ string.lower(inputs.sku) }}" }
outputs:
  sku: "${{ steps.normalise.outputs.value }}"
YAML
cp "$root/tests/bench/workflows/bench3.yaml" "$work/workflows/"
# Requests carry an operator key, made the way a user makes one. The
# per-key rate limit (20/s by default) is raised out of the benchmark's way.
make_key() {
  KEY=$("$bin" keys create --role operator --name bench --db "$work/bench.db" 2>/dev/null)
  [[ "$KEY" == lhk_* ]] || { echo "bench-serve: linkhub keys create failed" >&2; exit 1; }
  cat >"$work/trigger.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"inputs": {"sku": "SKU-42"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
  cat >"$work/read.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $KEY"
LUA
  # Paced: each of wrk's threads sends at rate/threads per second, on a
  # schedule from the monotonic clock (LuaJIT's ffi), whatever the answers do.
  cat >"$work/paced.lua" <<LUA
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } lh_timespec;
int clock_gettime(int clk, lh_timespec *ts);
]]
local ts = ffi.new("lh_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local interval = 1000 * $threads / $rate
local next_at = nil
wrk.method = "POST"
wrk.body = '{"inputs": {"sku": "SKU-42"}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
function delay()
  local now = now_ms()
  if next_at == nil then next_at = now end
  next_at = next_at + interval
  local wait = next_at - interval - now
  if wait < 0 then return 0 end
  return math.floor(wait)
end
LUA
}
export LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND=${LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND:-1000000}
export LINKHUB_RATE_LIMIT_BURST=${LINKHUB_RATE_LIMIT_BURST:-1000000}
# ?wait holds a server thread: by default 2 per principal, and the rest are
# answered 202 at once (not finished). The ?wait load has 8 in flight under one key.
printf 'serve:\n  max_waits: 16\n  max_waits_per_principal: 16\n' >"$work/linkhub.yaml"

# Starts the server on an ephemeral port; sets $port from its "serve.listening" log line.
start_server() {
  rm -f "$work/server.log"
  (cd "$work" && exec "$bin" serve --listen 127.0.0.1:0 --db "$work/bench.db" --workflows "$work/workflows" "$@" \
    2>"$work/server.log" >/dev/null) &
  server_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -m1 '"serve.listening"' "$work/server.log" 2>/dev/null | sed -E 's/.*"port":([0-9]+).*/\1/' || true)
    [[ -n "$port" ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1  # waiting for a child process to start, in a script: no test depends on it
  done
  echo "bench-serve: the server did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || { echo "bench-serve: the server did not exit 0" >&2; exit 1; }
  server_pid=""
}

# The parts of wrk's report worth keeping.
run_wrk() {
  local title=$1
  shift
  echo "== $title"
  wrk --latency -t"$threads" -d"${seconds}s" "$@" | grep -E 'Requests/sec|Latency  |^ +(50|75|90|99)%|Non-2xx|Socket errors|requests in'
}

echo "linkhub serve on loopback: wrk -t$threads, ${seconds}s per phase, $(nproc) cores, SQLite, API key auth"
make_key
start_server
# A finished run to read, made while the queue is empty.
run_id=$(curl -sf -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
  -d '{"inputs": {"sku": "A"}}' \
  "http://127.0.0.1:$port/api/v1/workflows/bench/runs?wait=30s" | sed -E 's/.*"id":"([^"]+)".*/\1/')
run_wrk "GET /api/v1/runs/{id}, $connections connections" -c"$connections" -s "$work/read.lua" \
  "http://127.0.0.1:$port/api/v1/runs/$run_id"
run_wrk "POST /api/v1/workflows/bench/runs, 2 connections (node executing the runs)" -c2 -s "$work/trigger.lua" \
  "http://127.0.0.1:$port/api/v1/workflows/bench/runs"
run_wrk "POST /api/v1/workflows/bench/runs, $connections connections (node executing the runs)" -c"$connections" \
  -s "$work/trigger.lua" "http://127.0.0.1:$port/api/v1/workflows/bench/runs"
queued=$(curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$port/metrics" | grep '^linkhub_queue_depth' || true)
echo "after the phases: $queued (runs triggered faster than the node finished them)"
stop_server

# Phases 4 and 5 start from an empty database and queue.
rm -f "$work/bench.db"*
make_key
start_server
run_wrk "POST /api/v1/workflows/bench/runs at $rate/s fixed rate, 32 connections (node executing the runs)" \
  -c32 -s "$work/paced.lua" "http://127.0.0.1:$port/api/v1/workflows/bench/runs"
stop_server
rm -f "$work/bench.db"*
make_key
start_server
run_wrk "POST /api/v1/workflows/bench3/runs?wait=30s, 8 connections: each answer is a finished 3-step run" \
  -c8 -s "$work/trigger.lua" "http://127.0.0.1:$port/api/v1/workflows/bench3/runs?wait=30s"
stop_server

rm -f "$work/bench.db"*
make_key
start_server --no-worker
run_wrk "POST /api/v1/workflows/bench/runs, $connections connections (--no-worker: API and database only)" \
  -c"$connections" -s "$work/trigger.lua" \
  "http://127.0.0.1:$port/api/v1/workflows/bench/runs"
stop_server
