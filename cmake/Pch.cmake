# Precompiled headers: the heavy, stable third-party headers (nlohmann/json
# above all, which nearly every file reaches through the SDK or the engine's
# headers, and GoogleTest in the tests) are parsed once per PCH instead of once
# per file: clean builds are most of CI's time.
#
# Only third-party and standard headers go into a PCH, never one of ours: a
# PCH is force-included into every file of its target, so one of our headers
# there could hide a missing #include (and an include-rule break) from the
# compiler. -DLINKHUB_PCH=OFF builds without them (the same code, every
# #include checked as written).
#
# With ccache, set sloppiness pch_defines,time_macros (scripts/build.sh and
# scripts/fuzz.sh export it), or every file that uses a PCH is a cache miss.
option(LINKHUB_PCH "Precompile the heavy third-party headers (JSON, GoogleTest)" ON)

# What the engine and the plugins (the test plugins too) precompile. The
# server and the binary do not: GCC 12 reports a false -Warray-bounds in
# std::string with a PCH in some files (server/src/http/session.cpp, at -O1
# too), as in the tiktok plugin (plugins/CMakeLists.txt).
set(LINKHUB_PCH_HEADERS <nlohmann/json.hpp> <string> <vector> <map>)
# What the test executables precompile (one PCH, built for unit_tests, reused
# by the other test executables: tests/CMakeLists.txt, linkhub_test_pch).
set(LINKHUB_TEST_PCH_HEADERS <gtest/gtest.h> <nlohmann/json.hpp>)

# linkhub_precompile(<target> HEADERS <h>...): a PCH of its own.
# linkhub_precompile(<target> REUSE_FROM <other>): <other>'s PCH. GCC rejects a
# PCH built with other code-generation flags (-fPIC against -fPIE, visibility)
# and -Winvalid-pch makes that an error under -Werror, so a wrong reuse breaks
# the build instead of silently parsing everything again.
function(linkhub_precompile target)
  cmake_parse_arguments(ARG "" "REUSE_FROM" "HEADERS" ${ARGN})
  if(NOT LINKHUB_PCH)
    return()
  endif()
  if(ARG_REUSE_FROM)
    target_precompile_headers(${target} REUSE_FROM ${ARG_REUSE_FROM})
  else()
    target_precompile_headers(${target} PRIVATE ${ARG_HEADERS})
  endif()
endfunction()
