#!/usr/bin/env bash
# Builds the web console (ui/) into $1 (scripts/build.sh passes
# <build>/share/linkhub/ui, where `linkhub serve` looks beside its binary).
# npm ci runs only when package-lock.json changed since the last install, and
# the bundle is rebuilt only when a file of ui/ is newer than the last build.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: build-ui.sh OUTPUT_DIR}
mkdir -p "$out" && out=$(cd "$out" && pwd)  # absolute: the build runs in ui/
ui=$root/ui
if ! command -v npm >/dev/null 2>&1; then
  echo "build-ui: npm is missing (scripts/setup.sh installs it); the console is not built" >&2
  exit 1
fi
cd "$ui"
stamp=node_modules/.linkhub-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
if [[ -f "$out/index.html" ]] &&
  [[ -z $(find . -path ./node_modules -prune -o -path ./dist -prune -o -type f -newer "$out/index.html" -print -quit) ]]; then
  echo "build-ui: the console in $out is up to date"
  exit 0
fi
mkdir -p "$out"
LINKHUB_UI_OUT=$out npm run --silent build
