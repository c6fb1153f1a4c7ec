#!/usr/bin/env bash
# Runs the benchmarks and prints ONE table of measured values against the
# goals of issue 16 (same machine, same run):
#   in memory   engine_bench: 1,000-step chain (µs per step), foreach over 10,000 items (µs per item), 1 thread
#   SQLite      durable_bench, one node: 1,000 three-step runs back to back (runs/s, median
#               trigger-to-finish), one three-step run at a time (median), a 40-step chain (median)
#   PostgreSQL  durable_bench: 1,000 three-step runs with 1 node and with 3 nodes (runs/s, the median of 5 each), on a
#               PostgreSQL cluster of this script's own (its own port and data directory)
#   HTTP        `linkhub serve` on SQLite: POST ...?wait=30s of a three-step workflow on 8
#               connections (finished runs/s), and triggers at a fixed 1,000/s (p99, open loop)
#   Node-RED    the same three steps (http in -> 3 function nodes -> http response), installed
#               from npm into a scratch folder, driven by the same load program (tests/tools/lh_load.cpp)
#   n8n         the same three steps (webhook -> 3 Code nodes, the last one's item answered), from npm
#               too (~1.8 GB, 6-15 minutes the first time; the folder is kept between runs)
# Then it runs the other benchmarks (waits_bench, ai_bench, media_bench when
# built, scripts/bench-serve.sh) and prints their own output after the table;
# BENCH_GOALS_ONLY=1 leaves them out.
#
# Usage: scripts/bench.sh [BUILD_DIR]
# Env: BENCH_SECONDS (10: each HTTP phase), BENCH_RATE (1000), BENCH_NODE_RED_DIR and
# BENCH_N8N_DIR (the scratch folders, kept between runs: /tmp/linkhub-bench-node-red,
# /tmp/linkhub-bench-n8n), BENCH_N8N_VERSION (1.123), BENCH_SKIP (space-separated: engine
# sqlite postgres http nodered n8n), BENCH_GOALS_ONLY.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${LINKHUB_BUILD_DIR:-$root/build}}
build=$(cd "$build" 2>/dev/null && pwd || echo "$build")
bin=$build/bin
seconds=${BENCH_SECONDS:-10}
rate=${BENCH_RATE:-1000}
nodered_dir=${BENCH_NODE_RED_DIR:-/tmp/linkhub-bench-node-red}
n8n_dir=${BENCH_N8N_DIR:-/tmp/linkhub-bench-n8n}
# n8n 1.123 runs on Node.js 20 (from 20.19), which Debian-based machines here have; n8n 2 needs Node.js 24.
n8n_version=${BENCH_N8N_VERSION:-1.123}
skip=" ${BENCH_SKIP:-} "
for f in linkhub engine_bench durable_bench lh_load; do
  [[ -x $bin/$f ]] || { echo "bench: $bin/$f is missing (cmake --build build --target $f)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/linkhub-bench.XXXXXX)
server_pid="" peer_pid="" pg_root=""
cleanup() {
  for p in $server_pid $peer_pid; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null || true
  done
  [[ -n $pg_root ]] && LINKHUB_PG_ROOT=$pg_root LINKHUB_PG_PORT=$pg_port "$root/scripts/pg.sh" stop >/dev/null 2>&1 || true
  [[ -n $pg_root ]] && rm -rf "$pg_root"
  rm -rf "$work"
}
trap cleanup EXIT

# Rows of the table: goal, measured, target, verdict.
rows=$work/rows.tsv
: >"$rows"
row() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$rows"; }
# verdict VALUE OP TARGET  (OP: le, ge, lt)
verdict() {
  python3 -c "import sys; v, op, t = float(sys.argv[1]), sys.argv[2], float(sys.argv[3]); \
print('met' if {'le': v <= t, 'ge': v >= t, 'lt': v < t}[op] else 'MISSED')" "$1" "$2" "$3" 2>/dev/null || echo "?"
}
# A counter or time of one benchmark from Google Benchmark's JSON: json_value FILE NAME FIELD
json_value() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for b in data["benchmarks"]:
    if b.get("aggregate_name", "median") != "median":  # repeated benchmarks: their median
        continue
    if b["name"].split("/manual_time")[0].split("/real_time")[0].split("/iterations")[0] == sys.argv[2]:
        if b.get("error_occurred"):
            print("error"); break
        print("%.3f" % b[sys.argv[3]]); break
else:
    print("n/a")
PY
}
# A field of lh_load's JSON line.
load_value() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
echo "bench: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), build $build"

# --- in memory -----------------------------------------------------------------
if [[ $skip != *" engine "* ]]; then
  echo "bench: engine_bench (in memory)..."
  "$bin/engine_bench" --benchmark_filter='BM_(Chain1000|Foreach10000)/1/' --benchmark_format=json \
    --benchmark_min_time=2 >"$work/engine.json" 2>/dev/null
  v=$(json_value "$work/engine.json" BM_Chain1000/1 per_step_us)
  row "in memory: 1,000-step chain, 1 thread, per step" "$v µs" "≤ 2 µs" "$(verdict "$v" le 2)"
  v=$(json_value "$work/engine.json" BM_Foreach10000/1 per_step_us)
  row "in memory: foreach over 10,000 items, 1 thread, per item" "$v µs" "≤ 1 µs" "$(verdict "$v" le 1)"
fi

# --- durable, SQLite -----------------------------------------------------------
if [[ $skip != *" sqlite "* ]]; then
  echo "bench: durable_bench on SQLite..."
  LINKHUB_TEST_PG="" "$bin/durable_bench" --benchmark_filter='/0/1/' --benchmark_format=json \
    >"$work/sqlite.json" 2>/dev/null
  v=$(json_value "$work/sqlite.json" BM_Burst3/0/1/1 runs_per_s)
  row "SQLite, 1 node: 1,000 three-step runs back to back, 1 client" "$v runs/s" "≥ 2,500 runs/s" "$(verdict "$v" ge 2500)"
  v=$(json_value "$work/sqlite.json" BM_Burst3/0/1/4 runs_per_s)
  row "SQLite, 1 node: the same, 4 clients triggering at once" "$v runs/s" "≥ 2,500 runs/s" "$(verdict "$v" ge 2500)"
  v=$(json_value "$work/sqlite.json" BM_Sequential3/0/1 median_ms)
  row "SQLite, 1 node: three-step run, trigger to finish, not queued (median)" "$v ms" "< 1 ms" \
    "$(verdict "$v" lt 1)"
  v=$(json_value "$work/sqlite.json" BM_Burst3/0/1/1 median_ms)
  row "SQLite, 1 node: trigger to finish inside the 1,000 burst (median, queued)" "$v ms" "-" "-"
  v=$(json_value "$work/sqlite.json" BM_Chain40/0/1 median_ms)
  row "SQLite, 1 node: 40-step chain, trigger to finish (median)" "$v ms" "< 5 ms" "$(verdict "$v" lt 5)"
fi

# --- durable, PostgreSQL (a cluster of our own) ----------------------------------
if [[ $skip != *" postgres "* ]]; then
  pg_port=$((57000 + RANDOM % 2000))
  pg_root=$work-pg
  if url=$(LINKHUB_PG_ROOT=$pg_root LINKHUB_PG_PORT=$pg_port "$root/scripts/pg.sh" start 2>"$work/pg.log"); then
    echo "bench: durable_bench on PostgreSQL (127.0.0.1:$pg_port)..."
    # One burst lasts half a second: 1 and 3 nodes are compared on the median
    # of 5 bursts each, in random order (a single burst of each was ±15 %).
    LINKHUB_TEST_PG=$url "$bin/durable_bench" --benchmark_filter='BM_Burst3/1/' --benchmark_format=json \
      --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true \
      --benchmark_report_aggregates_only=true >"$work/pg.json" 2>/dev/null
    for clients in 1 4; do
      one=$(json_value "$work/pg.json" BM_Burst3/1/1/$clients runs_per_s)
      three=$(json_value "$work/pg.json" BM_Burst3/1/3/$clients runs_per_s)
      row "PostgreSQL: 1,000 three-step runs, $clients client(s), 1 node" "$one runs/s" "-" "-"
      row "PostgreSQL: 1,000 three-step runs, $clients client(s), 3 nodes" "$three runs/s" "≥ 1,500 and ≥ 1 node" \
        "$( [[ $(verdict "$three" ge 1500) == met && $(verdict "$three" ge "$one") == met ]] && echo met || echo MISSED)"
    done
    LINKHUB_PG_ROOT=$pg_root LINKHUB_PG_PORT=$pg_port "$root/scripts/pg.sh" stop >/dev/null 2>&1 || true
  else
    row "PostgreSQL: 1,000 three-step runs, 1 and 3 nodes" "not run" "PostgreSQL did not start" "?"
    sed 's/^/  /' "$work/pg.log" >&2
  fi
fi

# --- HTTP: linkhub serve on SQLite ------------------------------------------------
mkdir -p "$work/workflows"
cp "$root/tests/bench/workflows/bench3.yaml" "$work/workflows/"
body='{"inputs": {"sku": "SKU-42"}}'
export LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 LINKHUB_RATE_LIMIT_BURST=1000000
# ?wait holds a server thread: by default 2 per principal (the rest are
# answered 202 at once, not finished). The load has 8 in flight under one key.
printf 'serve:\n  max_waits: 16\n  max_waits_per_principal: 16\n' >"$work/linkhub.yaml"
start_server() {
  rm -f "$work/bench.db"* "$work/server.log"
  KEY=$("$bin/linkhub" keys create --role operator --name bench --db "$work/bench.db" 2>/dev/null)
  (cd "$work" && exec "$bin/linkhub" serve --listen 127.0.0.1:0 --db "$work/bench.db" --workflows "$work/workflows" \
    2>"$work/server.log" >/dev/null) &
  server_pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -m1 '"serve.listening"' "$work/server.log" 2>/dev/null | sed -E 's/.*"port":([0-9]+).*/\1/' || true)
    [[ -n $port ]] && return 0
    sleep 0.1  # waiting for a child process to start
  done
  echo "bench: linkhub serve did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
}
stop_server() { kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""; }
if [[ $skip != *" http "* ]]; then
  echo "bench: linkhub serve, ?wait on 8 connections, ${seconds}s..."
  start_server
  "$bin/lh_load" "http://127.0.0.1:$port/api/v1/workflows/bench3/runs?wait=30s" --connections 8 \
    --duration "$seconds" --header "Authorization: Bearer $KEY" --body "$body" >"$work/wait.json"
  stop_server
  # Finished runs only: a 202 (the run not finished when answered) is not one.
  lh_rate=$(python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(round(d['statuses'].get('200', 0) / d['seconds'], 1))" "$work/wait.json")
  not_finished=$(python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(d['requests'] - d['statuses'].get('200', 0))" "$work/wait.json")
  [[ $not_finished == 0 ]] || echo "bench: $not_finished ?wait answers were not a finished run (see $work/wait.json)" >&2
  row "HTTP, SQLite: ?wait three-step runs, 8 in flight" "$lh_rate runs/s (p99 $(load_value "$work/wait.json" p99_ms) ms)" \
    "≥ 4,000 runs/s" "$(verdict "$lh_rate" ge 4000)"
  echo "bench: linkhub serve, triggers at $rate/s, ${seconds}s..."
  start_server
  "$bin/lh_load" "http://127.0.0.1:$port/api/v1/workflows/bench3/runs" --connections 32 --rate "$rate" \
    --duration "$seconds" --header "Authorization: Bearer $KEY" --body "$body" >"$work/rate.json"
  stop_server
  v=$(load_value "$work/rate.json" p99_ms)
  row "HTTP, SQLite: trigger at a fixed $rate/s, p99 (p50 $(load_value "$work/rate.json" p50_ms) ms, $(load_value "$work/rate.json" ok_per_s)/s answered)" \
    "$v ms" "< 5 ms" "$(verdict "$v" lt 5)"
fi

# --- the same three steps on Node-RED and n8n ------------------------------------
# npm_install DIR NAME VERSION FILE [OVERRIDES]: installs NAME@VERSION into the
# scratch folder DIR unless DIR/FILE is there already (kept between runs);
# OVERRIDES, a JSON object, goes to npm's "overrides" of that folder.
npm_install() {
  [[ -f $1/$4 ]] && return 0
  command -v npm >/dev/null || return 1
  echo "bench: npm install $2@$3 into $1 (once)..."
  mkdir -p "$1"
  printf '{"private": true, "dependencies": {"%s": "%s"}, "overrides": %s}\n' "$2" "$3" "${5:-"{}"}" >"$1/package.json"
  (cd "$1" && npm install --no-audit --no-fund) >"$work/npm.log" 2>&1 || tail -5 "$work/npm.log" >&2
  [[ -f $1/$4 ]]
}
# peer NAME VERSION URL LOG NOTE: once URL answers a three-step request (waits up to
# TRIES tenths of a second), loads it as linkhub was loaded and adds its rows.
peer() {
  local name=$1 version=$2 url=$3 log=$4 note=$5 ready="" out=$work/peer.json
  for _ in $(seq 1 "${TRIES:-300}"); do
    curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "$url" >/dev/null 2>&1 && { ready=1; break; }
    sleep 0.1  # waiting for the server to start
  done
  if [[ -z $ready ]]; then
    row "$name: the same three steps" "not run" "$name did not start" "?"
    tail -5 "$log" >&2
    return 0
  fi
  echo "bench: $name $version, 8 connections, ${seconds}s..."
  "$bin/lh_load" "$url" --connections 8 --duration "$seconds" --body "$body" >"$out"
  # n8n answered 404 to every request of one run in five here, right after its
  # webhook had answered the readiness request: say so instead of a rate of 0.
  if [[ $(load_value "$out" ok) == 0 ]]; then
    row "$name $version: the same three steps" "not measured" "answers: $(load_value "$out" statuses)" "?"
    return 0
  fi
  local rate
  rate=$(load_value "$out" ok_per_s)
  row "$name $version: the same three steps, 8 in flight ($note)" \
    "$rate req/s (p99 $(load_value "$out" p99_ms) ms)" "-" "-"
  if [[ -n ${lh_rate:-} ]]; then
    row "HTTP: linkhub ?wait rate / $name rate" \
      "$(python3 -c "import sys; print('%.2f' % (float(sys.argv[1]) / float(sys.argv[2])))" "$lh_rate" "$rate")" "≥ 1" \
      "$(verdict "$lh_rate" ge "$rate")"
  fi
}
stop_peer() { kill -TERM "$peer_pid" 2>/dev/null && wait "$peer_pid" 2>/dev/null || true; peer_pid=""; }

if [[ $skip != *" nodered "* ]]; then
  if npm_install "$nodered_dir" node-red latest node_modules/node-red/red.js; then
    nr_port=$((59000 + RANDOM % 900))
    mkdir -p "$work/nodered"
    cat >"$work/nodered/settings.js" <<JS
module.exports = { uiHost: "127.0.0.1", uiPort: $nr_port, httpAdminRoot: false, flowFile: "flows.json",
                   logging: { console: { level: "warn" } }, credentialSecret: false };
JS
    # http in -> normalise -> label -> check -> http response: the three core.transform steps of bench3.
    cat >"$work/nodered/flows.json" <<'JSON'
[
 {"id": "tab", "type": "tab", "label": "bench3"},
 {"id": "in", "z": "tab", "type": "http in", "url": "/bench3", "method": "post", "wires": [["normalise"]]},
 {"id": "normalise", "z": "tab", "type": "function", "outputs": 1,
  "func": "msg.normalise = String(msg.payload.inputs.sku).toLowerCase(); return msg;", "wires": [["label"]]},
 {"id": "label", "z": "tab", "type": "function", "outputs": 1,
  "func": "msg.label = 'sku-' + msg.normalise; return msg;", "wires": [["check"]]},
 {"id": "check", "z": "tab", "type": "function", "outputs": 1,
  "func": "msg.check = msg.label.length > 4; msg.payload = {status: 'succeeded', outputs: {label: msg.label}}; return msg;",
  "wires": [["out"]]},
 {"id": "out", "z": "tab", "type": "http response", "statusCode": "200", "wires": []}
]
JSON
    (cd "$work/nodered" && exec node "$nodered_dir/node_modules/node-red/red.js" --userDir "$work/nodered" \
      --settings "$work/nodered/settings.js" >"$work/nodered.log" 2>&1) &
    peer_pid=$!
    peer Node-RED "$(node -p "require('$nodered_dir/node_modules/node-red/package.json').version")" \
      "http://127.0.0.1:$nr_port/bench3" "$work/nodered.log" "nothing durable"
    stop_peer
  else
    row "Node-RED: the same three steps" "not run" "npm install node-red failed" "?"
  fi
fi

# n8n: a production webhook -> three Code nodes -> the last node's item as the
# answer, with n8n's defaults (each execution saved to its own SQLite file, as
# linkhub keeps each run).
if [[ $skip != *" n8n "* ]]; then
  # Two of n8n 1.123's dependencies do not install on these machines: xlsx
  # comes from cdn.sheetjs.com, not the npm registry, and isolated-vm 6 needs
  # Node.js 22. The npm registry's xlsx 0.18.5 and isolated-vm 5 take their place.
  if npm_install "$n8n_dir" n8n "$n8n_version" node_modules/n8n/bin/n8n '{"xlsx": "0.18.5", "isolated-vm": "5.0.4"}'; then
    n8n_port=$((59000 + RANDOM % 900))
    [[ $n8n_port == "${nr_port:-}" ]] && n8n_port=$((n8n_port + 1))
    # n8n's settings, for its commands only (its data in this run's scratch folder).
    n8n=(env N8N_USER_FOLDER="$work/n8n" N8N_PORT="$n8n_port" N8N_LISTEN_ADDRESS=127.0.0.1
      N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_PERSONALIZATION_ENABLED=false
      N8N_TEMPLATES_ENABLED=false N8N_LOG_LEVEL=warn "$n8n_dir/node_modules/n8n/bin/n8n")
    mkdir -p "$work/n8n"
    cat >"$work/n8n/bench3.json" <<'JSON'
{"id": "lhbench3workflow", "name": "bench3", "active": false, "settings": {},
 "nodes": [
  {"id": "9f0c7c1e-0000-4000-8000-000000000001", "name": "in", "type": "n8n-nodes-base.webhook", "typeVersion": 2,
   "position": [0, 0], "webhookId": "9f0c7c1e-0000-4000-8000-0000000000aa",
   "parameters": {"httpMethod": "POST", "path": "bench3", "responseMode": "lastNode", "options": {}}},
  {"id": "9f0c7c1e-0000-4000-8000-000000000002", "name": "normalise", "type": "n8n-nodes-base.code", "typeVersion": 2,
   "position": [200, 0],
   "parameters": {"jsCode": "const j = $input.first().json;\nreturn [{json: {normalise: String(j.body.inputs.sku).toLowerCase()}}];"}},
  {"id": "9f0c7c1e-0000-4000-8000-000000000003", "name": "label", "type": "n8n-nodes-base.code", "typeVersion": 2,
   "position": [400, 0],
   "parameters": {"jsCode": "const j = $input.first().json;\nreturn [{json: {label: 'sku-' + j.normalise}}];"}},
  {"id": "9f0c7c1e-0000-4000-8000-000000000004", "name": "check", "type": "n8n-nodes-base.code", "typeVersion": 2,
   "position": [600, 0],
   "parameters": {"jsCode": "const j = $input.first().json;\nreturn [{json: {status: 'succeeded', check: j.label.length > 4, outputs: {label: j.label}}}];"}}
 ],
 "connections": {
  "in": {"main": [[{"node": "normalise", "type": "main", "index": 0}]]},
  "normalise": {"main": [[{"node": "label", "type": "main", "index": 0}]]},
  "label": {"main": [[{"node": "check", "type": "main", "index": 0}]]}
 }}
JSON
    if "${n8n[@]}" import:workflow --input="$work/n8n/bench3.json" >"$work/n8n.log" 2>&1 &&
      "${n8n[@]}" update:workflow --id=lhbench3workflow --active=true >>"$work/n8n.log" 2>&1; then
      (exec "${n8n[@]}" start >>"$work/n8n.log" 2>&1) &  # exec: stop_peer's signal reaches n8n itself
      peer_pid=$!
      TRIES=1200 peer n8n "$(node -p "require('$n8n_dir/node_modules/n8n/package.json').version")" \
        "http://127.0.0.1:$n8n_port/webhook/bench3" "$work/n8n.log" "each execution saved"
      stop_peer
    else
      row "n8n: the same three steps" "not run" "the workflow did not import" "?"
      tail -5 "$work/n8n.log" >&2
    fi
  else
    row "n8n: the same three steps" "not run" "npm install n8n failed" "?"
  fi
fi

echo
python3 - "$rows" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
head = ["goal", "measured", "target", "verdict"]
w = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
line = lambda r: "| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |"
print(line(head))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print(line(r))
PY

if [[ -z ${BENCH_GOALS_ONLY:-} ]]; then
  echo
  echo "Other benchmarks (no goal of issue 16; their own output):"
  for b in waits_bench ai_bench media_bench; do
    [[ -x $bin/$b ]] || { echo "== $b: not built (cmake --build build --target $b)"; continue; }
    echo "== $b"
    "$bin/$b" 2>&1 | tail -20 || true
  done
  echo "== scripts/bench-serve.sh"
  BENCH_SECONDS=$seconds "$root/scripts/bench-serve.sh" "$build" || true
fi
