#!/usr/bin/env bash
# Drives bad input at a running `linkhub serve` for a bounded time and prints
# its resident memory after a warm-up round and at the end (issue 10, item 12:
# the end must be within 20 % of the start).
#
#   scripts/soak-bad-input.sh PID BASE_URL ADMIN_KEY [MINUTES]
#   e.g. scripts/soak-bad-input.sh "$(pgrep -n linkhub)" http://127.0.0.1:8080 "$KEY" 10
#
# Each round sends: 1 MiB bodies (413), a 1 MiB header (431), a 20 KB URL
# (414), malformed JSON and YAML, a half-sent request, and triggers of a
# workflow whose expression tries to allocate 1 GiB (stopped by the
# expression memory limit).
set -euo pipefail
pid=${1:?usage: $0 PID BASE_URL ADMIN_KEY [MINUTES]}
base=${2:?base url}
key=${3:?admin key}
minutes=${4:-10}
(( minutes >= 1 && minutes <= 120 )) || { echo "MINUTES must be 1..120" >&2; exit 2; }
host=$(sed -E 's#^https?://([^:/]+).*#\1#' <<<"$base")
port=$(sed -E 's#^https?://[^:/]+:([0-9]+).*#\1#' <<<"$base")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
c() { curl -s -o /dev/null --max-time 20 -H "Authorization: Bearer $key" "$@" || true; }

head -c $((1024 * 1024)) /dev/zero | tr '\0' 'a' >"$tmp/big"
printf '{"inputs": %s' "$(head -c $((1024 * 1024 - 20)) /dev/zero | tr '\0' '[')" >"$tmp/deep.json"
python3 -c 'print("X-Big: " + "b" * (1024 * 1024))' >"$tmp/header"
url=$(python3 -c 'print("/api/v1/runs?x=" + "u" * 20000)')
cat >"$tmp/bomb.yaml" <<'YAML'
name: soak-bomb
steps:
  - id: bomb
    uses: core.transform
    with: { value: "${{ string.rep('x', 1024 * 1024 * 1024) }}" }
YAML
c -X PUT -H 'Content-Type: application/yaml' --data-binary @"$tmp/bomb.yaml" "$base/api/v1/workflows/soak-bomb"

round() {
  c -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/big" "$base/api/v1/workflows/validate"
  c -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/deep.json" "$base/api/v1/workflows/soak-bomb/runs"
  c -X POST -H 'Content-Type: application/yaml' --data-binary @"$tmp/big" "$base/api/v1/workflows/validate"
  c -H @"$tmp/header" "$base/healthz"
  c "$base$url"
  c -X POST -H 'Content-Type: application/json' --data-binary '{"inputs": {"a": ' "$base/api/v1/workflows/soak-bomb/runs"
  c -X POST -H 'Content-Type: application/json' --data-binary '{}' "$base/api/v1/workflows/soak-bomb/runs"
  # Half a request, then hang up.
  { printf 'POST /api/v1/workflows/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\nname: '; } |
    timeout 2 bash -c "cat >/dev/tcp/$host/$port" 2>/dev/null || true
}

for _ in 1 2 3; do round; done  # warm-up: caches, pools and arenas reach their working size
start=$(rss_kb)
echo "rss after warm-up: $((start / 1024)) MB"
deadline=$((SECONDS + minutes * 60))
rounds=0
while ((SECONDS < deadline)); do
  round
  rounds=$((rounds + 1))
done
end=$(rss_kb)
echo "rss at end:        $((end / 1024)) MB after $rounds rounds in $minutes min ($(((end - start) * 100 / start))% change)"
