#!/usr/bin/env bash
# Benchmarks POST /api/v1/uploads: one upload of BENCH_UPLOAD_MB (500) MB to
# `linkhub serve` on loopback (SQLite, a temporary folder), reporting the
# server's memory growth (VmHWM, its peak resident set, from /proc before and
# after) and the upload's MB/s as curl measured it (sending, streaming to
# disk, the magic-byte look, media.inspect's decode, the SHA-256 and the
# rename into the store: the whole request).
#
# The file is a real video, so every check runs as it would for a user: a
# small MP4 fixture (its moov box first) followed by one ISO BMFF `free` box
# of zeros up to the size. `free` boxes are part of the format (players and
# FFmpeg skip them), so the server sees a valid MP4 whose first frame decodes.
# curl streams it from disk (-T), so the client holds no copy in memory either.
# Usage: scripts/bench-upload.sh [BUILD_DIR]   (env: BENCH_UPLOAD_MB)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${LINKHUB_BUILD_DIR:-$root/build}}
build=$(cd "$build" 2>/dev/null && pwd || echo "$build")
bin=$build/bin/linkhub
megabytes=${BENCH_UPLOAD_MB:-500}
fixture=$root/tests/fixtures/videos/moviepy_smpte-2997_1920x1080_25fps_10s.mp4
for tool in curl python3; do
  command -v $tool >/dev/null || { echo "bench-upload: $tool is missing (scripts/setup.sh installs it)" >&2; exit 2; }
done
[[ -x "$bin" ]] || { echo "bench-upload: $bin is missing (scripts/build.sh builds it)" >&2; exit 2; }

work=$(mktemp -d /tmp/linkhub-bench-upload.XXXXXX)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The fixture, then a `free` box (4-byte big-endian size, "free", zeros) up to the size.
python3 - "$fixture" "$work/big.mp4" "$megabytes" <<'PY'
import struct, sys
src, dst, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
head = open(src, "rb").read()
pad = mb * 1024 * 1024 - len(head)
assert 8 <= pad < 2**32, "BENCH_UPLOAD_MB must be between 2 and 4095"
with open(dst, "wb") as out:
    out.write(head)
    out.write(struct.pack(">I", pad) + b"free")
    zeros = bytes(1 << 20)
    left = pad - 8
    while left:
        n = min(left, len(zeros))
        out.write(zeros[:n])
        left -= n
PY
bytes=$(stat -c %s "$work/big.mp4")

KEY=$("$bin" keys create --role operator --name bench --db "$work/bench.db" 2>/dev/null)
[[ "$KEY" == lhk_* ]] || { echo "bench-upload: linkhub keys create failed" >&2; exit 1; }
export LINKHUB_SERVE_MAX_UPLOAD_BYTES=$((bytes + 1))
export LINKHUB_SERVE_BODY_TIMEOUT=${LINKHUB_SERVE_BODY_TIMEOUT:-600s}
export LINKHUB_SERVE_STEP_TIMEOUT=${LINKHUB_SERVE_STEP_TIMEOUT:-120s}

(cd "$work" && exec "$bin" serve --listen 127.0.0.1:0 --db "$work/bench.db" --no-worker 2>"$work/server.log" >/dev/null) &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -m1 '"serve.listening"' "$work/server.log" 2>/dev/null | sed -E 's/.*"port":([0-9]+).*/\1/' || true)
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1  # waiting for a child process to start, in a script: no test depends on it
done
[[ -n "$port" ]] || { echo "bench-upload: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
url="http://127.0.0.1:$port/api/v1/uploads"
hwm() { awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status"; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }

# Warm up: the first upload loads the media plugin's decoders and the server's handler paths.
warm=$(curl -s -o "$work/warm.json" -w '%{http_code}' -H "Authorization: Bearer $KEY" -H 'Content-Type: video/mp4' \
  -X POST -T "$fixture" "$url")
[[ "$warm" == 201 ]] || { echo "bench-upload: the warm-up upload failed ($warm):" >&2; cat "$work/warm.json" >&2; exit 1; }

before_hwm=$(hwm)
before_rss=$(rss)
result=$(curl -s -o "$work/answer.json" -w '%{http_code} %{time_total} %{speed_upload}' \
  -H "Authorization: Bearer $KEY" -H 'Content-Type: video/mp4' -H 'Expect:' -X POST -T "$work/big.mp4" "$url?filename=big.mp4")
after_hwm=$(hwm)
after_rss=$(rss)
read -r status seconds speed <<<"$result"
[[ "$status" == 201 ]] || { echo "bench-upload: the upload failed ($status):" >&2; cat "$work/answer.json" >&2; exit 1; }
expected="sha256:$(sha256sum "$work/big.mp4" | cut -d' ' -f1)"
grep -q "\"$expected\"" "$work/answer.json" || { echo "bench-upload: the answer's hash is not the file's" >&2; exit 1; }

echo "upload of $bytes bytes ($megabytes MiB, a valid MP4): HTTP $status in ${seconds}s"
awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "throughput:        %.1f MB/s (whole request: receive, check, hash, store)\n", b / s / 1e6 }'
echo "server VmHWM:      ${before_hwm} kB before, ${after_hwm} kB after: growth $(((after_hwm - before_hwm) / 1024)) MiB (goal < 30)"
echo "server VmRSS:      ${before_rss} kB before, ${after_rss} kB after"
