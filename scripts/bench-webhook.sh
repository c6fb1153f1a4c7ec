#!/usr/bin/env bash
# Benchmarks the WhatsApp webhook's acknowledgement: `linkhub serve` on
# loopback (a fresh SQLite database) with one workflow that every message
# starts (a whatsapp trigger, one core.transform step), the Cloud API
# stand-in beside it, and `linkhub whatsapp-sandbox bench` sending signed,
# distinct deliveries open loop at a fixed rate. Reports p50/p95/p99/max of
# the time from each delivery's due time to the end of its 200 answer.
# Usage: scripts/bench-webhook.sh [BUILD_DIR]
#   env: BENCH_RATE (500/s), BENCH_SECONDS (10), BENCH_CONNECTIONS (16), BENCH_THREADS (serve's, 2),
#        BENCH_RUNS=0 (no workflow: the ack verifies, stores and deduplicates but starts nothing)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${LINKHUB_BUILD_DIR:-$root/build}}
linkhub="$build/bin/linkhub"
[[ -x "$linkhub" ]] || { echo "bench-webhook: $linkhub is missing (scripts/build.sh builds it)" >&2; exit 2; }

work=$(mktemp -d /tmp/linkhub-bench-webhook.XXXXXX)
# shellcheck source=scripts/whatsapp-sandbox-lib.sh
source "$root/scripts/whatsapp-sandbox-lib.sh"
trap 'sandbox_cleanup; rm -rf "$work"' EXIT

mkdir -p "$work/workflows"
[[ "${BENCH_RUNS:-1}" == 0 ]] || cat >"$work/workflows/note.yaml" <<'YAML'
name: note
inputs:
  from: { type: string, required: true }
  text: { type: string }
triggers:
  - whatsapp: { on: message, type: text }
steps:
  - id: note
    uses: core.transform
    with: { value: "${{ inputs.text }}" }
YAML

start_sandbox
start_serve --db "$work/linkhub.db" --workflows "$work/workflows" --threads "${BENCH_THREADS:-2}"
echo "linkhub serve at http://127.0.0.1:$serve_port (SQLite $work/linkhub.db), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$linkhub" whatsapp-sandbox bench --webhook "$webhook_url" --app-secret-env WHATSAPP_APP_SECRET \
  --rate "${BENCH_RATE:-500}" --duration "${BENCH_SECONDS:-10}" --connections "${BENCH_CONNECTIONS:-16}"
