#!/usr/bin/env bash
# Benchmarks artifact downloads from `linkhub serve` on loopback with wrk
# (closed loop, BENCH_CONNECTIONS (16) connections, BENCH_SECONDS (10) per phase):
#   1. GET /api/v1/artifacts/{sha256}    a 4 KiB JPEG, with an API key (viewer)
#   2. GET /media/{sha256}?exp=&sig=     the same through a signed link, no credentials
#   3. GET /api/v1/artifacts/{sha256}    a 4 KiB JPEG answered 304 (If-None-Match)
#   4. GET /api/v1/artifacts/{sha256}    a 5 MiB file: MB/s of the streamed path
# The artifacts are written into the store's layout directly; the link is signed
# with the key the server keeps in its database (sqlite3 and openssl compute it).
# Usage: scripts/bench-media.sh [BUILD_DIR]   (env: BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_THREADS)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-${LINKHUB_BUILD_DIR:-$root/build}}
build=$(cd "$build" 2>/dev/null && pwd || echo "$build")
bin=$build/bin/linkhub
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-16}
threads=${BENCH_THREADS:-2}
for tool in wrk sqlite3 openssl; do
  command -v $tool >/dev/null || { echo "bench-media: $tool is missing (scripts/setup.sh installs it)" >&2; exit 2; }
done
[[ -x "$bin" ]] || { echo "bench-media: $bin is missing (scripts/build.sh builds it)" >&2; exit 2; }

work=$(mktemp -d /tmp/linkhub-bench-media.XXXXXX)
server_pid=""
cleanup() {
  [[ -n "$server_pid" ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Stores a file as the artifact store does (<dir>/objects/<2 hex>/<hex><ext>); prints its hex hash.
store() {
  local file=$1 ext=$2 hex
  hex=$(sha256sum "$file" | cut -d' ' -f1)
  mkdir -p "$work/.linkhub/artifacts/objects/${hex:0:2}"
  cp "$file" "$work/.linkhub/artifacts/objects/${hex:0:2}/$hex$ext"
  echo "$hex"
}
head -c 4096 /dev/urandom >"$work/small.jpg"
head -c $((5 << 20)) /dev/urandom >"$work/big.mp4"
small=$(store "$work/small.jpg" .jpg)
big=$(store "$work/big.mp4" .mp4)

KEY=$("$bin" keys create --role viewer --name bench --db "$work/bench.db" 2>/dev/null)
[[ "$KEY" == lhk_* ]] || { echo "bench-media: linkhub keys create failed" >&2; exit 1; }
echo "wrk.headers[\"Authorization\"] = \"Bearer $KEY\"" >"$work/read.lua"
cat >"$work/cached.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.headers["If-None-Match"] = '"sha256:$small"'
LUA
export LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND=${LINKHUB_RATE_LIMIT_REQUESTS_PER_SECOND:-1000000}
export LINKHUB_RATE_LIMIT_BURST=${LINKHUB_RATE_LIMIT_BURST:-1000000}

(cd "$work" && exec "$bin" serve --listen 127.0.0.1:0 --db "$work/bench.db" --no-worker 2>"$work/server.log" >/dev/null) &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -m1 '"serve.listening"' "$work/server.log" 2>/dev/null | sed -E 's/.*"port":([0-9]+).*/\1/' || true)
  [[ -n "$port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1  # waiting for a child process to start, in a script: no test depends on it
done
[[ -n "$port" ]] || { echo "bench-media: the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }

# The link the server would sign: base64url(HMAC-SHA256(key, "linkhub-media-v1\nsha256:<hex>\n<exp>")).
link_key=$(sqlite3 "$work/bench.db" "SELECT value FROM lh_settings WHERE name = 'serve.media_link_key'")
exp=$(($(date +%s) + 3600))
sig=$(printf 'linkhub-media-v1\nsha256:%s\n%s' "$small" "$exp" |
  openssl dgst -sha256 -mac HMAC -macopt "key:$link_key" -binary | base64 -w0 | tr '+/' '-_' | tr -d '=')
link="http://127.0.0.1:$port/media/$small?exp=$exp&sig=$sig"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$link") == 200 ]] || { echo "bench-media: the signed link failed" >&2; exit 1; }

run_wrk() {
  local title=$1
  shift
  echo "== $title"
  wrk --latency -t"$threads" -c"$connections" -d"${seconds}s" "$@" |
    grep -E 'Requests/sec|Transfer/sec|Latency  |^ +(50|75|90|99)%|Non-2xx|Socket errors|requests in'
}
echo "linkhub serve on loopback: wrk -t$threads -c$connections, ${seconds}s per phase, $(nproc) cores"
run_wrk "GET /api/v1/artifacts/{sha256}: 4 KiB, API key" -s "$work/read.lua" \
  "http://127.0.0.1:$port/api/v1/artifacts/$small"
run_wrk "GET /media/{sha256}?exp&sig: 4 KiB, signed link, no credentials" "$link"
run_wrk "GET /api/v1/artifacts/{sha256} with If-None-Match: 304" -s "$work/cached.lua" \
  "http://127.0.0.1:$port/api/v1/artifacts/$small"
run_wrk "GET /api/v1/artifacts/{sha256}: 5 MiB" -s "$work/read.lua" "http://127.0.0.1:$port/api/v1/artifacts/$big"
echo "server RSS after the phases: $(ps -o rss= -p "$server_pid") KiB"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
