#!/usr/bin/env bash
# Configures and builds linkhub into ./build (or $LINKHUB_BUILD_DIR).
# Extra arguments go to cmake's configure step, e.g. -DLINKHUB_SANITIZE=ON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LINKHUB_BUILD_DIR:-$root/build}
werror=OFF
[[ "${CI:-}" == "true" || "${LINKHUB_WERROR:-}" == "ON" ]] && werror=ON
cmake -S "$root" -B "$build" -G Ninja -DLINKHUB_WERROR=$werror "$@" >/dev/null
# LINKHUB_BUILD_TARGET=runtime builds only the binary and its plugins (the main job).
cmake --build "$build" -j"$(nproc)" ${LINKHUB_BUILD_TARGET:+--target "$LINKHUB_BUILD_TARGET"}
