#!/usr/bin/env bash
# Plugins and the SDK see only the SDK. Checks, for every source under
# plugins/ and sdk/ (the plugins' tests included):
#  1. each `#include <linkhub/...>` (or "linkhub/...") names a header of the
#     SDK (sdk/include/linkhub/, sdk/testing/include/linkhub/) or of the
#     plugins' text library (plugins/text/include/linkhub/), or is one of
#     the ALLOWED exceptions below;
#  2. each test helper a plugin's test takes from tests/support/ (by
#     `#include "name.hpp"`) includes no engine or server header either,
#     directly or through another helper there.
# The plugins' tests compile into unit_tests, where the engine's include
# folder is on the path, so the build alone would not catch either. (The
# helpers' .cpp files may use the engine: tests/support/checked_step.cpp
# checks outputs with linkhub's own JSON Schema validator.)
# Exits 1 naming each offending line; there is no list of files still to fix.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"

# Exceptions: "<folder prefix>:<header>", each with its reason.
# - The lua plugin links linkhub::lua_sandbox (engine/lua/): a library of its
#   own, which includes nothing of the engine and exports only its own include
#   folder (engine/lua/include), shared by the engine's expressions and the
#   lua plugin. It stays one library rather than moving into the header-only
#   SDK (which would then need Lua 5.4) or being copied into the plugin (two
#   sandboxes to keep safe). Only plugins/lua/ may include it.
ALLOWED=(
  "plugins/lua/:linkhub/lua/sandbox.hpp"
)

# plugins/text (linkhub/text/): not the engine but a library of the plugins'
# own (the search folding the ai and catalog plugins share, on ICU), under
# this same rule; any plugin may include it.
sdk_headers=$( (cd sdk/include && find linkhub -type f) && (cd sdk/testing/include && find linkhub -type f) &&
  (cd plugins/text/include && find linkhub -type f))
is_sdk_header() { grep -qxF "$1" <<<"$sdk_headers"; }
is_allowed() {
  local file=$1 header=$2 entry
  for entry in "${ALLOWED[@]}"; do
    [[ "$file" == "${entry%%:*}"* && "$header" == "${entry#*:}" ]] && return 0
  done
  return 1
}

failed=0
sources=(--include='*.cpp' --include='*.hpp' --include='*.h' --include='*.c' --include='*.inc')
while IFS= read -r hit; do
  [[ -z "$hit" ]] && continue
  file=${hit%%:*}
  header=$(sed -E 's/.*#[[:space:]]*include[[:space:]]*[<"](linkhub\/[^">]+)[">].*/\1/' <<<"${hit#*:*:}")
  if ! is_sdk_header "$header" && ! is_allowed "$file" "$header"; then
    echo "include rule broken (not an SDK header): $hit" >&2
    failed=1
  fi
done < <(grep -rnE '#[[:space:]]*include[[:space:]]*[<"]linkhub/' plugins sdk "${sources[@]}" || true)

# The tests/support headers the plugins' tests include, and the ones those include.
declare -A seen=()
queue=()
while IFS= read -r name; do
  [[ -f "tests/support/$name" ]] && queue+=("$name")
done < <(grep -rhoE '#[[:space:]]*include[[:space:]]*"[^"/]+"' plugins/*/tests 2>/dev/null | sed -E 's/.*"(.*)"/\1/' | sort -u)
while ((${#queue[@]})); do
  name=${queue[0]}
  queue=("${queue[@]:1}")
  [[ -n "${seen[$name]:-}" ]] && continue
  seen[$name]=1
  if grep -HnE '#[[:space:]]*include[[:space:]]*[<"]linkhub/(engine|server)/' "tests/support/$name" >&2; then
    echo "include rule broken: tests/support/$name (used by a plugin's tests) includes an engine or server header" >&2
    failed=1
  fi
  while IFS= read -r inner; do
    [[ -f "tests/support/$inner" ]] && queue+=("$inner")
  done < <(grep -hoE '#[[:space:]]*include[[:space:]]*"[^"/]+"' "tests/support/$name" | sed -E 's/.*"(.*)"/\1/')
done

if ((failed)); then
  echo "plugins and the SDK may include only SDK headers (<linkhub/plugin.hpp>, <linkhub/testing.hpp>, ...)" >&2
  exit 1
fi
echo "include rule: plugins and the SDK include only SDK headers (and plugins/lua the Lua sandbox);" \
  "the plugins' tests use no tests/support header that includes the engine (${#seen[@]} checked)"
