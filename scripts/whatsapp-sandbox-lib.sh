# shellcheck shell=bash disable=SC2154,SC2034  # linkhub and work come from, and the URLs go to, the caller
# Sourced by scripts/whatsapp-chat.sh and scripts/bench-webhook.sh: start
# `linkhub whatsapp-sandbox serve` and `linkhub serve` on loopback (ephemeral
# ports, read from their "listening" log lines), and stop both on exit.
# The caller sets `linkhub` (the binary) and `work` (a temporary folder).

sandbox_pid=""
serve_pid=""
sandbox_cleanup() {
  for pid in "$serve_pid" "$sandbox_pid"; do
    if [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
    fi
  done
}

# wait_for_line FILE NEEDLE PID: the first line of FILE containing NEEDLE,
# within 60 s, while PID lives; fails with the log when it never comes.
wait_for_line() {
  local file=$1 needle=$2 pid=$3 i
  for ((i = 0; i < 600; i++)); do
    if grep -m1 -F "$needle" "$file" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      break
    fi
    sleep 0.1
  done
  echo "error: no '$needle' from process $pid; its log:" >&2
  cat "$file" >&2
  return 1
}

# A JSON number field of one log line.
json_field() {
  python3 -c 'import json, sys; line = sys.argv[1]; print(json.loads(line[line.index("{"):])[sys.argv[2]])' "$1" "$2"
}

random_secret() {
  head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'
}

# Sets sandbox_url.
start_sandbox() {
  "$linkhub" whatsapp-sandbox serve --listen 127.0.0.1:0 >"$work/sandbox.log" 2>&1 &
  sandbox_pid=$!
  local line
  line=$(wait_for_line "$work/sandbox.log" sandbox.listening "$sandbox_pid")
  sandbox_url=$(json_field "$line" base_url)
}

# start_serve ARGS...: `linkhub serve` on 127.0.0.1 with the whatsapp plugin
# pointed at the sandbox and fresh secrets in its environment. Sets
# serve_port, webhook_url and exports WHATSAPP_APP_SECRET for the driver.
start_serve() {
  WHATSAPP_APP_SECRET=$(random_secret)
  export WHATSAPP_APP_SECRET
  LINKHUB_PLUGIN_WHATSAPP_BASE_URL="$sandbox_url" \
    LINKHUB_PLUGIN_WHATSAPP_PHONE_NUMBER_ID=${LINKHUB_PLUGIN_WHATSAPP_PHONE_NUMBER_ID:-1122334455667} \
    LINKHUB_SECRET_WHATSAPP_TOKEN="sandbox-$(random_secret)" \
    LINKHUB_SECRET_WHATSAPP_APP_SECRET="$WHATSAPP_APP_SECRET" \
    LINKHUB_SECRET_WHATSAPP_VERIFY_TOKEN="$(random_secret)" \
    LINKHUB_HTTP_ALLOW=127.0.0.1 \
    "$linkhub" serve --listen 127.0.0.1:0 "$@" >"$work/serve.log" 2>&1 &
  serve_pid=$!
  local line
  line=$(wait_for_line "$work/serve.log" serve.listening "$serve_pid")
  serve_port=$(json_field "$line" port)
  webhook_url="http://127.0.0.1:$serve_port/api/v1/whatsapp/webhook"
}
