#!/usr/bin/env bash
# A WhatsApp conversation, offline: starts the Cloud API stand-in
# (`linkhub whatsapp-sandbox serve`) and `linkhub serve` with the whatsapp
# plugin pointed at it, plays the customer's lines as signed webhook
# deliveries (`linkhub whatsapp-sandbox chat`), prints the transcript, and
# stops both. The main job runs it with workflows/whatsapp-buy.yaml.
# Usage: scripts/whatsapp-chat.sh WORKFLOW.yaml [LINE...]
#   env: LINKHUB_BUILD_DIR, LINKHUB_CONFIG (default examples/linkhub.yaml),
#        LINKHUB_CHAT_FROM (the customer's number, default 5511987654321)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LINKHUB_BUILD_DIR:-$root/build}
linkhub="$build/bin/linkhub"
workflow=${1:?usage: scripts/whatsapp-chat.sh WORKFLOW.yaml [LINE...]}
shift
lines=("$@")
((${#lines[@]})) || lines=("hi" "BUY 1" "2" "yes")
config=${LINKHUB_CONFIG:-$root/examples/linkhub.yaml}
from=${LINKHUB_CHAT_FROM:-5511987654321}
# The shop answers a line with several messages at once; the stand-in has no
# pace of its own (the plugin's pace rule is tested in plugins/whatsapp/tests).
export LINKHUB_PLUGIN_WHATSAPP_RECIPIENT_INTERVAL_MS=${LINKHUB_PLUGIN_WHATSAPP_RECIPIENT_INTERVAL_MS:-0}

work=$(mktemp -d /tmp/linkhub-whatsapp-chat.XXXXXX)
# shellcheck source=scripts/whatsapp-sandbox-lib.sh
source "$root/scripts/whatsapp-sandbox-lib.sh"
trap 'sandbox_cleanup; rm -rf "$work"' EXIT

# Only this workflow (and the Lua rules beside it) is served: no other
# trigger or schedule takes part in the conversation.
workflow=$(cd "$(dirname "$workflow")" && pwd)/$(basename "$workflow")
mkdir -p "$work/workflows"
ln -s "$workflow" "$work/workflows/"
[[ -d "$(dirname "$workflow")/rules" ]] && ln -s "$(dirname "$workflow")/rules" "$work/workflows/rules"

start_sandbox
start_serve --config "$config" --workflows "$work/workflows" --threads 2
echo "(Cloud API stand-in at $sandbox_url; linkhub serve at http://127.0.0.1:$serve_port)"
status=0
"$linkhub" whatsapp-sandbox chat --webhook "$webhook_url" --sandbox "$sandbox_url" \
  --app-secret-env WHATSAPP_APP_SECRET --from "$from" --name "Ana" "${lines[@]}" || status=$?
if ((status != 0)); then
  echo "== the conversation failed; linkhub serve's log:" >&2
  tail -n 40 "$work/serve.log" >&2
fi
exit $status
