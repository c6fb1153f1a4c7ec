#!/usr/bin/env bash
# Configures and builds linkhub into ./build (or $LINKHUB_BUILD_DIR).
# Extra arguments go to cmake's configure step, e.g. -DLINKHUB_SANITIZE=ON.
set -euo pipefail
# ccache caches files built with a precompiled header (cmake/Pch.cmake) only
# with this sloppiness (kept on top of the user's own).
if [[ -z "${CCACHE_SLOPPINESS:-}" ]] && command -v ccache >/dev/null; then
  sloppy=$(ccache --get-config sloppiness 2>/dev/null || true)
  [[ "$sloppy" == *pch_defines* && "$sloppy" == *time_macros* ]] ||
    export CCACHE_SLOPPINESS="${sloppy:+$sloppy, }pch_defines, time_macros"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LINKHUB_BUILD_DIR:-$root/build}
# -Werror: on in CI and with LINKHUB_WERROR=ON, off with LINKHUB_WERROR=OFF;
# otherwise an existing build folder keeps what it was configured with (the
# main job after a test build must not flip it and rebuild everything).
werror=()
if [[ "${CI:-}" == "true" ]]; then
  werror=(-DLINKHUB_WERROR=ON)
elif [[ -n "${LINKHUB_WERROR:-}" ]]; then
  werror=(-DLINKHUB_WERROR="$LINKHUB_WERROR")
elif [[ ! -f "$build/CMakeCache.txt" ]]; then
  werror=(-DLINKHUB_WERROR=OFF)
fi
# CI has 30 minutes on 2 cores for the whole build and every test, and the
# build was two thirds of it: no debug info (much of the compile and link time
# of the test binaries), what ships at -O1 (a quarter less compile time than
# -O2; the code is the same, and -Werror builds at -O2 stay a developer's
# choice: LINKHUB_WERROR=ON), the tests' own code at -O0 (half its compile
# time) and no benchmarks (run by hand, scripts/bench-*.sh).
ci=()
[[ "${CI:-}" == "true" ]] && ci=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_CXX_FLAGS_RELEASE=-O1 -DNDEBUG"
  "-DCMAKE_C_FLAGS_RELEASE=-O1 -DNDEBUG" -DLINKHUB_BUILD_BENCH=OFF -DLINKHUB_TESTS_O0=ON)
cmake -S "$root" -B "$build" -G Ninja "${werror[@]}" "${ci[@]}" "$@" >/dev/null
# LINKHUB_BUILD_TARGET=runtime builds only the binary and its plugins (the main job).
cmake --build "$build" -j"$(nproc)" ${LINKHUB_BUILD_TARGET:+--target "$LINKHUB_BUILD_TARGET"}
# The web console (ui/, npm) next to the binary as <build>/share/linkhub/ui,
# for the runtime target too: after the main job, `linkhub serve` serves it.
"$root/scripts/build-ui.sh" "$build/share/linkhub/ui"
