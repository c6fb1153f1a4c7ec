#!/usr/bin/env bash
# A chaos run: N `linkhub worker` nodes and a `linkhub serve --no-worker` on one
# database (PostgreSQL: a cluster of this script's own, on its own port and
# data directory; SQLite: every process on one file), a steady load of
# triggers with idempotency keys through the REST API (tests/tools/lh_load.cpp),
# and random faults for the whole duration:
#   kill        kill -9 of a worker, started again at once
#   stop        SIGSTOP of a worker for 2 x lease + 1 s (its runs are taken over), then SIGCONT
#   pgrestart   `pg_ctl restart -m immediate` of the PostgreSQL cluster (postgres only)
# Every fault is logged with its time, node and pid. At the end, once the
# queue has drained, it checks and prints:
#   - every acknowledged trigger (2xx) is exactly one run, with that id, succeeded;
#   - every effect of every succeeded run exists, once (tests/plugins/effects.cpp: one
#     file per idempotency key), and no effect exists for a step that did not run;
#   - no step.succeeded or run.succeeded event recorded twice;
#   - a step executed more than once only where a fault (kill, stop, a crash or a
#     database restart) hit its node after the execution began;
#   - no run stuck or failed; no node ended on its own (a crash: its log is shown);
#   - the API never answered 5xx other than 503, nor dropped a connection;
#   - the RSS of each long-lived process grew by at most --rss-growth-mb after warm-up;
#   - how busy each node was (runs in flight, sampled every second).
# Exit status: 0 nothing violated, 1 a violation (evidence printed), 2 bad usage
# or a setup failure, 77 PostgreSQL asked for but its server binaries missing.
#
# Usage: scripts/chaos.sh [--backend postgres|sqlite] [--nodes N] [--minutes M | --seconds S]
#          [--faults kill,stop,pgrestart] [--fault-every S] [--rate R] [--lease S] [--step-ms MS]
#          [--threads T] [--rss-growth-mb MB] [--seed N] [--serve-worker] [--keep] [--build DIR]
# --serve-worker: serve runs a node too, so it takes the runs it receives
# (created claimed, docs/durable-runs.md) while it has room; faults still hit
# the workers only (and every node through pgrestart).
# Defaults: postgres, 3 nodes, 5 minutes, every fault the backend has, a fault every 4 s,
# 30 triggers/s, lease 2 s, steps of 80 ms, 4 threads a node, RSS growth 64 MB.
# Traffic only to 127.0.0.1; every process it starts is stopped on exit.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LINKHUB_BUILD_DIR:-$root/build}
backend=postgres nodes=3 seconds=300 faults="" fault_every=4 rate=30 lease=2 step_ms=80 threads=4
rss_growth_mb=64 seed=$$ keep=0 serve_worker=0

die() { echo "chaos: $*" >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --backend) backend=$2; shift 2 ;;
    --nodes) nodes=$2; shift 2 ;;
    --minutes) seconds=$(($2 * 60)); shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --faults) faults=$2; shift 2 ;;
    --fault-every) fault_every=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --lease) lease=$2; shift 2 ;;
    --step-ms) step_ms=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --rss-growth-mb) rss_growth_mb=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --serve-worker) serve_worker=1; shift ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (--help lists them)" ;;
  esac
done
for v in nodes seconds fault_every rate lease step_ms threads rss_growth_mb seed; do
  [[ ${!v} =~ ^[0-9]+$ ]] || die "--${v//_/-}: expected a whole number, found '${!v}'"
done
[[ $nodes -ge 1 && $nodes -le 16 ]] || die "--nodes: from 1 to 16"
[[ $backend == postgres || $backend == sqlite ]] || die "--backend: postgres or sqlite, found '$backend'"
if [[ -z $faults ]]; then
  faults=kill,stop
  [[ $backend == postgres ]] && faults=kill,stop,pgrestart
fi
[[ $faults == none ]] && faults=""
IFS=, read -r -a fault_list <<<"$faults"
for f in "${fault_list[@]}"; do
  case "$f" in
    kill|stop) ;;
    pgrestart) [[ $backend == postgres ]] || die "--faults: pgrestart needs --backend postgres" ;;
    *) die "--faults: kill, stop, pgrestart or none, found '$f'" ;;
  esac
done
bin=$build/bin/linkhub load=$build/bin/lh_load plugins=$build/test-effects-plugin
for f in "$bin" "$load" "$plugins"; do
  [[ -e $f ]] || die "$f is missing (cmake --build build --target linkhub lh_load test_effects)"
done
RANDOM=$seed

work=$(mktemp -d /tmp/linkhub-chaos.XXXXXX)
mkdir -p "$work/workflows" "$work/logs" "$work/out"
faultlog=$work/faults.log samples=$work/samples.log
: >"$faultlog"
: >"$samples"
now_ms() { date +%s%3N; }
log_fault() { echo "$(now_ms) $*" >>"$faultlog"; echo "chaos: +$(( ($(now_ms) - t0) / 1000 ))s $*"; }

# --- cleanup: every process this script started, by its pid -------------------
declare -a worker_pid
serve_pid="" load_pid="" sampler_pid="" pg_dir="" pg_bin=""
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  local status=$?
  for p in "${worker_pid[@]}"; do
    [[ -n $p ]] && { kill -CONT "$p"; kill -KILL "$p"; } 2>/dev/null || true
  done
  for p in $load_pid $sampler_pid $serve_pid; do
    kill -KILL "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [[ -n $pg_dir && -f $pg_dir/data/postmaster.pid ]]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [[ -n $pg_dir ]] && rm -rf "$pg_dir"
  if [[ $keep == 1 || $status == 1 ]]; then
    echo "chaos: evidence kept in $work (faults.log, samples.log, acks.log, out/executions.log, logs/)"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# --- the database --------------------------------------------------------------
if [[ $backend == postgres ]]; then
  pg_bin=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
  if [[ -z $pg_bin || ! -x $pg_bin/initdb ]]; then
    echo "chaos: no PostgreSQL server binaries under /usr/lib/postgresql: skipped" >&2
    exit 77
  fi
  pg_dir=$(mktemp -d /tmp/linkhub-chaos-pg.XXXXXX)
  [[ $(id -u) == 0 ]] && chown postgres:postgres "$pg_dir"
  chmod 700 "$pg_dir"
  # A port of our own: the first free one from a random start (never 55432, the tests' cluster).
  pg_port=""
  for _ in $(seq 1 50); do
    p=$((56000 + RANDOM % 2000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then pg_port=$p; break; fi
  done
  [[ -n $pg_port ]] || die "no free port for PostgreSQL"
  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$work/logs/initdb.log" 2>&1 || { cat "$work/logs/initdb.log" >&2; die "initdb failed"; }
  pg_opts="-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off -c max_connections=200"
  as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 -o "$pg_opts" start >/dev/null \
    || { cat "$pg_dir/server.log" >&2; die "PostgreSQL did not start"; }
  as_pg "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 \
    -c "create role linkhub login password 'linkhub'" -c "create database linkhub owner linkhub" >/dev/null
  db="postgresql://linkhub:linkhub@127.0.0.1:$pg_port/linkhub"
  sql() { PGPASSWORD=linkhub psql -X -q -A -t -F ' ' -h 127.0.0.1 -p "$pg_port" -U linkhub linkhub -c "$1"; }
else
  command -v sqlite3 >/dev/null || die "sqlite3 is missing (apt-get install sqlite3)"
  db=$work/chaos.db
  sql() { sqlite3 -cmd '.timeout 5000' -separator ' ' "$db" "$1"; }
fi

cat >"$work/linkhub.yaml" <<YAML
lease: ${lease}s
shutdown_grace: 5s
artifact_dir: $work/artifacts
plugins:
  effects:
    dir: $work/out
YAML
cat >"$work/workflows/chaos.yaml" <<YAML
name: chaos
inputs:
  n: { type: string, required: true }
steps:
  - id: a
    uses: effects.record
    with: { label: "a \${{ inputs.n }}", sleep_ms: $step_ms }
  # Pure (its end is stored with b's, or before b is called): b's label
  # comes through it, so a resumed run must run it again to call b right.
  - id: label
    uses: core.transform
    needs: [a]
    with: { value: "b \${{ inputs.n }}" }
  - id: b
    uses: effects.record
    needs: [label]
    with: { label: "\${{ steps.label.outputs.value }}", sleep_ms: $step_ms }
  - id: c
    uses: effects.record
    needs: [b]
    with: { label: "c \${{ inputs.n }}", sleep_ms: $step_ms }
YAML
common=(--db "$db" --config "$work/linkhub.yaml" --plugin-dir "$plugins")
export LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND=1000000 LINKHUB_RATE_LIMIT_BURST=1000000
key=$(cd "$work" && "$bin" keys create --role operator --name chaos "${common[@]}" 2>"$work/logs/keys.log") \
  || { cat "$work/logs/keys.log" >&2; die "linkhub keys create failed"; }

# --- the processes -----------------------------------------------------------
# Each line a worker writes, after the time it was read (ms since the epoch, as
# in faults.log): what a node says about losing the database or a run can
# then be set beside the faults and the executions.
stamp_lines() {
  local line t
  while IFS= read -r line; do
    t=${EPOCHREALTIME/./}
    printf '%s %s\n' "${t:0:${#t}-3}" "$line"
  done
}
start_worker() {
  local i=$1
  # setsid: each node in a session of its own, as on a real host (no job-control signals from this script's group).
  (cd "$work" && exec setsid "$bin" worker --name "w$i" --threads "$threads" "${common[@]}" \
    > >(stamp_lines >>"$work/logs/w$i.log") 2>&1) &
  worker_pid[$i]=$!
  echo "${worker_pid[$i]}" >"$work/logs/w$i.pid"
  echo "$(now_ms) w$i ${worker_pid[$i]}" >>"$work/logs/incarnations"
}
serve_node=(--no-worker)
[[ $serve_worker == 1 ]] && serve_node=(--threads "$threads")
(cd "$work" && exec setsid "$bin" serve "${serve_node[@]}" --listen 127.0.0.1:0 --workflows "$work/workflows" \
  "${common[@]}" >"$work/logs/serve.log" 2>&1) &
serve_pid=$!
port=""
for _ in $(seq 1 200); do
  port=$(grep -m1 '"serve.listening"' "$work/logs/serve.log" 2>/dev/null | sed -E 's/.*"port":([0-9]+).*/\1/' || true)
  [[ -n $port ]] && break
  kill -0 "$serve_pid" 2>/dev/null || break
  sleep 0.1  # waiting for a child process to start
done
[[ -n $port ]] || { cat "$work/logs/serve.log" >&2; die "linkhub serve did not start"; }
for i in $(seq 1 "$nodes"); do start_worker "$i"; done

t0=$(now_ms)
echo "chaos: $backend, $nodes workers + serve ${serve_node[*]} on 127.0.0.1:$port, ${seconds}s, faults [${faults:-none}]" \
  "every ~${fault_every}s, $rate triggers/s, lease ${lease}s, 3 steps of ${step_ms} ms and a pure one, seed $seed, in $work"

# Every second: runs in flight per node (from the database) and each process's RSS.
sampler() {
  while true; do
    local t
    t=$(now_ms)
    sql "SELECT lease_owner, count(*) FROM lh_runs WHERE status = 'running' AND lease_owner <> '' GROUP BY lease_owner" \
      2>/dev/null | sed "s/^/$t inflight /" >>"$samples" || true
    for i in $(seq 1 "$nodes"); do
      local p
      p=$(cat "$work/logs/w$i.pid" 2>/dev/null || true)
      [[ -n $p ]] && echo "$t rss w$i $p $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)" >>"$samples"
    done
    echo "$t rss serve $serve_pid $(awk '/^VmRSS/ {print $2}' "/proc/$serve_pid/status" 2>/dev/null || echo 0)" \
      >>"$samples"
    sleep 1
  done
}
sampler &
sampler_pid=$!

"$load" "http://127.0.0.1:$port/api/v1/workflows/chaos/runs" --rate "$rate" --duration "$seconds" \
  --connections 16 --timeout 30 --header "Authorization: Bearer $key" --body '{"inputs": {"n": "x"}}' \
  --key-prefix "chaos-$seed-" --acks "$work/acks.log" --progress 10 >"$work/load.json" 2>"$work/logs/load.log" &
load_pid=$!

# A node that ended without being killed by us crashed: log it (with its
# last lines) and start it again, so the run goes on and every crash is counted.
check_nodes() {
  for i in $(seq 1 "$nodes"); do
    local p=${worker_pid[$i]} state
    state=$(ps -o stat= -p "$p" 2>/dev/null || true)
    if [[ -z $state || $state == Z* ]]; then
      local code=0
      wait "$p" 2>/dev/null || code=$?
      log_fault "crash w$i $p exit=$code"
      { echo "--- w$i pid $p ended on its own (exit $code); its last lines:"
        grep -v '^[0-9]* {' "$work/logs/w$i.log" | tail -4 || true; } >>"$work/crashes.txt"
      echo "--- w$i pid $p restarted" >>"$work/logs/w$i.log"
      start_worker "$i"
    fi
  done
  local s
  s=$(ps -o stat= -p "$serve_pid" 2>/dev/null || true)
  if [[ -z $s || $s == Z* ]] && [[ ! -f $work/serve-died ]]; then
    log_fault "crash serve $serve_pid"
    touch "$work/serve-died"
  fi
}

end=$((t0 + seconds * 1000))
while [[ $(now_ms) -lt $end ]]; do
  # A fault every fault_every seconds, give or take half of it.
  pause=$((fault_every * 1000 / 2 + RANDOM % (fault_every * 1000 + 1)))
  step_end=$(($(now_ms) + pause))
  while [[ $(now_ms) -lt $step_end && $(now_ms) -lt $end ]]; do
    check_nodes
    sleep 0.2
  done
  [[ ${#fault_list[@]} -gt 0 && $(now_ms) -lt $end ]] || continue
  fault=${fault_list[$((RANDOM % ${#fault_list[@]}))]}
  i=$((1 + RANDOM % nodes))
  p=${worker_pid[$i]}
  case "$fault" in
    kill)
      kill -KILL "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
      log_fault "kill w$i $p"  # after it is gone: whatever it logged came before
      echo "--- w$i pid $p killed" >>"$work/logs/w$i.log"
      start_worker "$i"
      ;;
    stop)
      kill -STOP "$p" 2>/dev/null || true
      log_fault "stop w$i $p"
      frozen_until=$(($(now_ms) + 2 * lease * 1000 + 1000))
      while [[ $(now_ms) -lt $frozen_until ]]; do sleep 0.2; done
      # Logged before the signal: the node may act the moment it wakes, and
      # an execution stamped before a later-logged thaw looked like one made
      # while frozen (a 10-minute run flagged one so, 1 ms apart).
      log_fault "cont w$i $p"
      kill -CONT "$p" 2>/dev/null || true
      ;;
    pgrestart)
      log_fault "pgrestart - -"
      as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -m immediate -w -t 60 -o "$pg_opts" \
        restart >/dev/null 2>&1 || log_fault "pgrestart-failed - -"
      log_fault "pgrestarted - -"
      ;;
  esac
done
log_fault "faults-end - -"
wait "$load_pid" || true
load_pid=""
check_nodes

# --- drain: every run finished, or stuck ------------------------------------
drain_deadline=$(($(now_ms) + (60 + 3 * lease) * 1000))
pending=""
while [[ $(now_ms) -lt $drain_deadline ]]; do
  check_nodes
  pending=$(sql "SELECT count(*) FROM lh_runs WHERE status NOT IN ('succeeded', 'failed', 'cancelled')" 2>/dev/null \
    || echo "?")
  [[ $pending == 0 ]] && break
  sleep 0.5
done
drained_ms=$(($(now_ms) - t0 - seconds * 1000))
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""
# SIGTERM: every node must stop by itself, 0; a node started again a moment
# ago first gets to where it handles SIGTERM (its "worker wN on" line).
for i in $(seq 1 "$nodes"); do
  started=$(grep -c '^--- w.* restarted\|^--- w.* killed' "$work/logs/w$i.log" || true)
  for _ in $(seq 1 100); do
    [[ $(grep -c "^[0-9]* worker w$i on " "$work/logs/w$i.log" || true) -gt $started ]] && break
    sleep 0.1
  done
done
for i in $(seq 1 "$nodes"); do kill -TERM "${worker_pid[$i]}" 2>/dev/null || true; done
kill -TERM "$serve_pid" 2>/dev/null || true
for i in $(seq 1 "$nodes"); do
  code=0
  wait "${worker_pid[$i]}" 2>/dev/null || code=$?
  [[ $code == 0 ]] || log_fault "bad-exit w$i ${worker_pid[$i]} exit=$code"
  worker_pid[$i]=""
done
code=0
wait "$serve_pid" 2>/dev/null || code=$?
[[ $code == 0 ]] || log_fault "bad-exit serve $serve_pid exit=$code"
serve_pid=""

# --- the checks ---------------------------------------------------------------
sql "SELECT idempotency_key, id, status FROM lh_runs WHERE workflow = 'chaos'" >"$work/runs.txt"
violations=0
violation() { violations=$((violations + 1)); echo "VIOLATION: $*"; }
echo
echo "== load"
cat "$work/load.json"
if grep -qE ' (5[0-9][0-9]|0) ' "$work/acks.log"; then
  echo "answers every 10 s (status x count):"
  grep 'lh_load +' "$work/logs/load.log" | tail -30 || true
fi

acked=$(awk '$2 >= 200 && $2 < 300' "$work/acks.log" | wc -l)
runs_total=$(wc -l <"$work/runs.txt")
echo "== triggers: $acked acknowledged, $runs_total runs in the database"
# Every acknowledged key: one run, the id the answer gave, succeeded.
awk 'NR == FNR { id[$1] = $2; st[$1] = $3; next }
     $2 >= 200 && $2 < 300 {
       if (!($1 in id)) print "acknowledged " $1 " (run " $3 ") has no run";
       else if (id[$1] != $3) print "acknowledged " $1 " answered run " $3 " but the key is run " id[$1];
       else if (st[$1] != "succeeded") print "acknowledged " $1 " run " $3 " is " st[$1];
     }' "$work/runs.txt" "$work/acks.log" >"$work/lost.txt"
if [[ -s $work/lost.txt ]]; then
  violation "$(wc -l <"$work/lost.txt") acknowledged triggers are not one succeeded run:"
  head -20 "$work/lost.txt"
fi
bad_status=$(awk '$3 != "succeeded"' "$work/runs.txt")
if [[ -n $bad_status ]]; then
  violation "$(echo "$bad_status" | wc -l) runs not succeeded after ${drained_ms} ms of drain (stuck or failed):"
  echo "$bad_status" | head -20
  echo "$bad_status" | awk '{print $3}' | sort | uniq -c
  # Their stories, for the evidence: every event and step record of each.
  for id in $(echo "$bad_status" | awk '{print $2}' | head -5); do
    echo "-- run $id: events (seq, ms, type, step, payload), then steps (step, item, attempt, status, error)"
    sql "SELECT seq, time_ms, type, step_id, payload FROM lh_events WHERE run_id = '$id' ORDER BY seq"
    sql "SELECT step_id, item_index, attempt, status, error FROM lh_steps WHERE run_id = '$id' ORDER BY started_ms"
  done | tee "$work/bad_runs.txt" | head -60
fi

# Effects: one file per idempotency key <run>/<step>; each succeeded run has all three, nothing else has any.
ls "$work/out/effects" 2>/dev/null | sort >"$work/effects.txt" || true
awk '$3 == "succeeded" { print $2 "_a"; print $2 "_b"; print $2 "_c" }' "$work/runs.txt" | sort >"$work/expected.txt"
missing=$(comm -23 "$work/expected.txt" "$work/effects.txt" | head -20)
extra=$(comm -13 "$work/expected.txt" "$work/effects.txt" | head -20)
echo "== effects: $(wc -l <"$work/effects.txt") files for $(wc -l <"$work/expected.txt") steps of succeeded runs"
[[ -z $missing ]] || { violation "effects missing for succeeded runs:"; echo "$missing"; }
[[ -z $extra ]] || { violation "effects of runs that did not succeed:"; echo "$extra"; }
# b's label comes through the pure step `label`: every b made its effect with it.
mislabelled=$(cd "$work/out/effects" 2>/dev/null && find . -name '*_b' -type f -size +0 -exec grep -L -x 'b x' {} + | head -20)
[[ -z $mislabelled ]] || { violation "b effects without the label the pure step made:"; echo "$mislabelled"; }

# Events: a step's or a run's end recorded once (a stale node's write would double it).
sql "SELECT run_id, type, step_id, count(*) FROM lh_events WHERE type IN ('step.succeeded', 'run.succeeded')
     GROUP BY run_id, type, step_id, item_index HAVING count(*) > 1" >"$work/doubled.txt"
if [[ -s $work/doubled.txt ]]; then
  violation "$(wc -l <"$work/doubled.txt") step or run ends recorded more than once (run, event, step, count):"
  head -10 "$work/doubled.txt"
fi

# Executions: a key run more than once needs a fault on the node of each
# earlier execution, after that execution began. A PostgreSQL restart is every
# node's fault from its start until it is back (a step that began during it
# cannot record its end): a node may run the step again as soon as the server
# accepts connections, before `pg_ctl restart` returns and "pgrestarted" is
# logged, so the restart spans both lines. On SQLite a frozen node that holds the file's write lock stalls every
# node's writes past their busy timeout: those runs are dropped and run again
# (their effects still once), so there a stop is every node's fault too.
# A node frozen right after it recorded a step's start, before the step's
# call, calls it on waking after the node that took the run over did: fencing
# cannot reach into a plugin already being called (its key keeps the effect
# once), so a later execution by a node that was frozen during the earlier
# one is explained by that stop.
awk -v backend="$backend" '
     NR == FNR { if ($2 == "stop") frozen[$4] = $1
                 if ($2 == "cont" && ($4 in frozen)) { z++; zs[z] = frozen[$4]; ze[z] = $1; zp[z] = $4 }
                 if ($2 ~ /^(kill|stop|crash)$/) { n++; ft[n] = $1; fk[n] = $2; fp[n] = $4 }
                 if ($2 == "cont" && backend == "sqlite") { n++; ft[n] = $1; fk[n] = "stop"; fp[n] = "*" }
                 if ($2 == "pgrestart") restarting = $1
                 if ($2 == "pgrestarted") { n++; ft[n] = $1; fs[n] = restarting; fk[n] = "pgrestart"; fp[n] = "*" } next }
     { key = $1; sub("pid=", "", $3); sub("at=", "", $4); c[key]++; pid[key, c[key]] = $3; at[key, c[key]] = $4 }
     END {
       for (key in c) if (c[key] > 1) {
         dup++
         for (j = 1; j < c[key]; j++) {
           why = ""
           for (f = 1; f <= n; f++)
             if ((fp[f] == pid[key, j] || fp[f] == "*") && ft[f] >= at[key, j] && (f in fs ? fs[f] : ft[f]) <= at[key, j + 1]) { why = fk[f]; break }
           for (f = 1; f <= z && why == ""; f++)
             if (zp[f] == pid[key, j + 1] && zs[f] <= at[key, j] && ze[f] >= at[key, j] && ze[f] <= at[key, j + 1]) why = "stop-of-the-later-node"
           if (why == "") print "UNEXPLAINED " key " executed at " at[key, j] " by pid " pid[key, j] " and again at " at[key, j + 1] " by pid " pid[key, j + 1]
           else by[why]++
         }
       }
       printf "SUMMARY %d keys executed more than once;", dup + 0
       for (w in by) printf " %d after %s", by[w], w
       printf "\n"
     }' "$faultlog" "$work/out/executions.log" >"$work/dups.txt"
execs=$(wc -l <"$work/out/executions.log")
echo "== executions: $execs; $(grep '^SUMMARY' "$work/dups.txt" | sed 's/^SUMMARY //')"
if grep -q '^UNEXPLAINED' "$work/dups.txt"; then
  violation "$(grep -c '^UNEXPLAINED' "$work/dups.txt") re-executions with no fault on the node between them:"
  grep '^UNEXPLAINED' "$work/dups.txt" | head -10
fi

echo "== faults: $(awk '{print $2}' "$faultlog" | grep -E '^(kill|stop|pgrestart)$' | sort | uniq -c | awk '{printf "%s %s  ", $1, $2}')"
if grep -q ' crash ' "$faultlog"; then
  violation "$(grep -c ' crash ' "$faultlog") nodes ended on their own (crashes):"
  grep ' crash ' "$faultlog" | head -10
  echo "their last lines:"
  grep -E 'terminate|error|what|Abort' "$work/crashes.txt" | cut -c1-300 | sort | uniq -c | sort -rn | head -10 || true
fi
if grep -q ' bad-exit ' "$faultlog"; then
  violation "nodes that did not exit 0 on SIGTERM:"
  grep ' bad-exit ' "$faultlog"
fi
server_errors=$(awk '$2 >= 500 && $2 != 503 || $2 == 0' "$work/acks.log" | wc -l)
if [[ $server_errors -gt 0 ]]; then
  violation "$server_errors triggers answered 5xx other than 503, or not at all (status 0):"
  awk '$2 >= 500 && $2 != 503 || $2 == 0 {print $2}' "$work/acks.log" | sort | uniq -c
  { grep -h -E '"status":5[0-9][0-9]|error' "$work/logs/serve.log" | grep -v '"status":503' | head -3 | cut -c1-300; } || true
fi

# Busy: runs in flight per node, from the samples taken while the load ran.
echo "== runs in flight per node (sampled each second while the load ran)"
awk -v t0="$t0" -v t1="$end" '$1 >= t0 && $1 <= t1 && $3 == "serve" { s[$1] = 1 }
     $2 == "inflight" && $1 >= t0 && $1 <= t1 { sum[$3] += $4; if ($4 > mx[$3]) mx[$3] = $4; busy[$3]++ }
     END { for (n in sum) printf "  %-4s mean %.1f  max %d  busy in %d of %d samples\n", n, sum[n] / length(s), mx[n], busy[n], length(s) }' \
  "$samples" | sort

# Memory: per long-lived process (pid), RSS once warmed up (warmup after its
# first sample) vs at the end; a process that did not live past its warm-up is left out.
warmup=$(( (seconds < 60 ? seconds / 4 : 15) * 1000 ))
echo "== RSS (MB) of each process that lived $((warmup / 1000)) s past its start: then -> last sample"
awk -v warmup="$warmup" -v bound="$rss_growth_mb" '$2 == "rss" && $5 > 0 { key = $3 " pid " $4
       if (!(key in born)) born[key] = $1
       if ($1 >= born[key] + warmup && !(key in first)) { first[key] = $5 }
       if (key in first) last[key] = $5 }
     END { for (k in first) { g = (last[k] - first[k]) / 1024
             printf "  %-18s %6.1f -> %6.1f  %+6.1f%s\n", k, first[k] / 1024, last[k] / 1024, g, (g > bound ? "  OVER THE BOUND" : "") } }' \
  "$samples" | sort | tee "$work/rss.txt"
if grep -q 'OVER THE BOUND' "$work/rss.txt"; then
  violation "RSS grew by more than $rss_growth_mb MB after warm-up"
fi

echo
if [[ $violations -gt 0 ]]; then
  echo "chaos: FAILED, $violations violations (faults: ${faults:-none}; $backend)"
  exit 1
fi
echo "chaos: passed: $acked acknowledged triggers, each one succeeded run, every effect once (faults: ${faults:-none}; $backend)"
