#!/usr/bin/env bash
# The main job, offline, on the embedded default: installs what is missing,
# builds, renders the bundled sample videos, runs tiktok-to-catalog over every
# sample link into SQLite (.linkhub/linkhub.db), shows the price it read on
# screen for the sample whose caption has none, prints the catalog, then
# plays a WhatsApp conversation with the buy flow against a loopback Cloud API
# stand-in (scripts/whatsapp-chat.sh) and prints its transcript.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
LINKHUB_BUILD_TARGET=runtime "$root/scripts/build.sh"
build=${LINKHUB_BUILD_DIR:-$root/build}
linkhub="$build/bin/linkhub"
cd "$root"

echo "== checking the shipped workflows"
"$linkhub" validate workflows/*.yaml

echo "== rendering the sample videos"
examples/make-samples.sh .linkhub/samples

echo "== tiktok-to-catalog over examples/links.jsonl"
# Running it again makes new runs, and the catalog still holds one product per
# video: catalog.upsert is keyed by the video.
"$linkhub" run workflows/tiktok-to-catalog.yaml --config examples/linkhub.yaml --inputs-file examples/links.jsonl

echo "== a price shown only on screen (the mug sample's caption has none; media.ocr reads the video)"
# The same link again: catalog.upsert keeps one product; the run's outputs say where its price came from.
"$linkhub" run workflows/tiktok-to-catalog.yaml --config examples/linkhub.yaml --format json \
  --input url=https://www.tiktok.com/@clay.by.maya/video/7378901234567890123 |
  python3 -c '
import json, sys
out = json.load(sys.stdin)["outputs"]
price = out["product"]["price"] if out.get("product") else None
print("  %s: %s (price_source: %s)" % (out["reason"], price and "%s %s" % (price["amount"], price["currency"]), out["price_source"]))'

echo "== the catalog"
"$linkhub" run workflows/catalog-report.yaml --config examples/linkhub.yaml --output table 2>/dev/null

echo "== a WhatsApp conversation with the shop (offline: a loopback Cloud API stand-in)"
if [[ -f workflows/whatsapp-buy.yaml ]]; then
  scripts/whatsapp-chat.sh workflows/whatsapp-buy.yaml "hi" "BUY 1" "2" "yes"
else
  echo "skipped: workflows/whatsapp-buy.yaml (the buy flow) is not in this checkout yet"
fi

echo "== the web console on this catalog"
cat <<HINT
  $linkhub users create admin --role admin --config examples/linkhub.yaml   # asks for a password
  $linkhub serve --config examples/linkhub.yaml --workflows workflows
  then open http://127.0.0.1:8080/ and sign in; tiktok-to-catalog's form takes any link of examples/links.jsonl
HINT
