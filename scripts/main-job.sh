#!/usr/bin/env bash
# Installs what is missing, builds, then runs the main job on the embedded
# default (no network): validates and runs every shipped workflow in workflows/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build=${LINKHUB_BUILD_DIR:-$root/build}
linkhub="$build/bin/linkhub"
cd "$root"
shopt -s nullglob
for wf in workflows/*.yaml; do
  echo "== linkhub validate $wf"
  "$linkhub" validate "$wf"
  echo "== linkhub run $wf"
  "$linkhub" run "$wf"
done
