#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (the whole tree instrumented:
# cmake/Fuzz.cmake) and runs each one for a bounded time over its corpus.
#   scripts/fuzz.sh                 every target, FUZZ_SECONDS each (default 60)
#   scripts/fuzz.sh expression_fuzz one target
# A crash, a sanitizer report, a leak or an input slower than FUZZ_TIMEOUT
# seconds (default 10: a hang is a finding) fails the script; the input is
# saved under build-fuzz/findings/. New coverage found goes to a scratch
# directory, never into tests/fuzz/corpus: copy an input there by hand (with
# a name that says what it is) when it is worth keeping.
set -euo pipefail
# ccache caches files built with a precompiled header (cmake/Pch.cmake) only
# with this sloppiness (kept on top of the user's own).
if [[ -z "${CCACHE_SLOPPINESS:-}" ]] && command -v ccache >/dev/null; then
  sloppy=$(ccache --get-config sloppiness 2>/dev/null || true)
  [[ "$sloppy" == *pch_defines* && "$sloppy" == *time_macros* ]] ||
    export CCACHE_SLOPPINESS="${sloppy:+$sloppy, }pch_defines, time_macros"
fi
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LINKHUB_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
timeout=${FUZZ_TIMEOUT:-10}

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (scripts/setup.sh installs it)" >&2; exit 1; }
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLINKHUB_FUZZ=ON \
    -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang -DLINKHUB_BUILD_BENCH=OFF >/dev/null
fi
mapfile -t all < <(cd "$root/tests/fuzz" && ls ./*_fuzz.cpp | sed 's|^\./||; s|\.cpp$||')
targets=("${@:-${all[@]}}")
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"

# The loader validates against the built-in plugins' schemas: those of the
# regular build (scripts/build.sh) unless told otherwise.
export LINKHUB_FUZZ_PLUGIN_DIR=${LINKHUB_FUZZ_PLUGIN_DIR:-$root/build/lib/linkhub/plugins}
[[ -d "$LINKHUB_FUZZ_PLUGIN_DIR" ]] || echo "fuzz: no plugins in $LINKHUB_FUZZ_PLUGIN_DIR: the loader uses a fixed catalog" >&2

mkdir -p "$build/findings"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
status=0
for t in "${targets[@]}"; do
  corpus=("$root/tests/fuzz/corpus/$t")
  [[ "$t" == workflow_loader_fuzz ]] && corpus+=("$root/tests/validate/valid" "$root/tests/validate/invalid")
  mkdir -p "$scratch/$t"
  echo "fuzz: $t for ${seconds}s (timeout ${timeout}s per input)"
  if ! "$build/bin/$t" "$scratch/$t" "${corpus[@]}" -max_total_time="$seconds" -timeout="$timeout" \
    -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/findings/$t-" \
    2>"$scratch/$t.log"; then
    echo "fuzz: $t FOUND A PROBLEM (input in $build/findings/):" >&2
    grep -E "ERROR|SUMMARY|Test unit written" "$scratch/$t.log" | head -20 >&2
    status=1
  else
    grep -E "^stat::(number_of_executed_units|new_units_added)|cov: " "$scratch/$t.log" | tail -3
  fi
done
exit $status
