#!/usr/bin/env bash
# A throwaway S3-protocol server for the tests: s3rver (npm, pinned in
# tests/s3server/package-lock.json) on 127.0.0.1, its data in its own folder,
# with the bucket `linkhub-test`. Credentials: access key S3RVER, secret S3RVER.
#   scripts/s3.sh start   prints the endpoint URL to export as LINKHUB_TEST_S3
#   scripts/s3.sh stop
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
S3ROOT=${LINKHUB_S3_ROOT:-/tmp/linkhub-s3}
S3PORT=${LINKHUB_S3_PORT:-54568}
server="$root/tests/s3server/node_modules/s3rver/bin/s3rver.js"

stop() {
  if [ -f "$S3ROOT/pid" ]; then
    pid=$(cat "$S3ROOT/pid")
    kill "$pid" 2>/dev/null || true
    # Gone before the port is reused: at most 5 s.
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    rm -f "$S3ROOT/pid"
  fi
}

case "${1:-}" in
  start)
    if [ ! -f "$server" ]; then
      (cd "$root/tests/s3server" && npm ci --no-audit --no-fund --silent) >&2 \
        || { echo "s3.sh: npm ci in tests/s3server failed" >&2; exit 1; }
    fi
    stop
    rm -rf "$S3ROOT"
    mkdir -p "$S3ROOT/data"
    nohup node "$server" -d "$S3ROOT/data" -a 127.0.0.1 -p "$S3PORT" --no-vhost-buckets \
      --configure-bucket linkhub-test >"$S3ROOT/server.log" 2>&1 &
    echo $! >"$S3ROOT/pid"
    # Ready when it answers (any status): at most 30 s.
    for _ in $(seq 1 60); do
      if curl -s -o /dev/null "http://127.0.0.1:$S3PORT/"; then
        echo "http://127.0.0.1:$S3PORT"
        exit 0
      fi
      if ! kill -0 "$(cat "$S3ROOT/pid")" 2>/dev/null; then
        break
      fi
      sleep 0.5
    done
    cat "$S3ROOT/server.log" >&2
    stop
    echo "s3.sh: s3rver did not start on 127.0.0.1:$S3PORT" >&2
    exit 1
    ;;
  stop)
    stop
    ;;
  *)
    echo "usage: scripts/s3.sh start|stop" >&2
    exit 2
    ;;
esac
