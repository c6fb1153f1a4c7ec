# Unity builds of the test executables: CMake compiles several test files in
# one compiler run (a generated file #including them), so what they share is
# compiled once per batch instead of once per file. A test file is cheap to
# parse but expensive to compile: each one instantiates and optimizes the same
# inline code of GoogleTest, nlohmann/json, the SDK's test kit and our test
# support headers (a PCH saves the parsing only). Measured on 3 catalog tests:
# 38.1 s of CPU compiled one by one, 17.7 s as one batch (README.md,
# "CI time"). -DLINKHUB_UNITY=OFF builds every file on its own.
#
# In a batch the files share one translation unit: what a file declares at
# file scope (in an anonymous namespace, static) must not be declared again by
# another file of the batch. The few files whose helpers share a name with
# another file's are compiled ALONE (below); a new test file that collides
# shows as a "redefinition" error: give its helper another name, or add the
# file to its target's ALONE list.
#
# A plugin's test headers put sdk::testing names (StepResult, FakeContext)
# into namespace linkhub, where the engine's headers define their own, so a
# plugin's tests and the engine's or server's tests cannot share a batch: the
# batches are made here, by kind (UNITY_BUILD_MODE GROUP: files under a
# plugins/ folder in their own batches, the others in theirs), in the order
# the target lists them.
option(LINKHUB_UNITY "Compile the test executables in unity batches" ON)
set(LINKHUB_UNITY_BATCH_SIZE 8 CACHE STRING "Test files per unity batch (LINKHUB_UNITY)")

# linkhub_unity(<target> [ALONE <file>...]): <target> in unity batches, each
# ALONE file (path relative to the calling directory, or absolute) on its own.
function(linkhub_unity target)
  cmake_parse_arguments(ARG "" "" "ALONE" ${ARGN})
  if(NOT LINKHUB_UNITY)
    return()
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_MODE GROUP)
  set(alone "")
  foreach(file ${ARG_ALONE})
    get_filename_component(file "${file}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND alone "${file}")
  endforeach()
  get_target_property(sources ${target} SOURCES)
  set(count_plugin 0)
  set(count_host 0)
  foreach(file ${sources})
    if(NOT file MATCHES "\\.cpp$")
      continue()
    endif()
    get_filename_component(file "${file}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(file IN_LIST alone)
      continue()  # not in a group: compiled on its own
    endif()
    if(file MATCHES "/plugins/")
      set(kind plugin)
    else()
      set(kind host)
    endif()
    math(EXPR batch "${count_${kind}} / ${LINKHUB_UNITY_BATCH_SIZE}")
    set_source_files_properties("${file}" PROPERTIES UNITY_GROUP "${target}_${kind}_${batch}")
    math(EXPR count_${kind} "${count_${kind}} + 1")
  endforeach()
endfunction()
