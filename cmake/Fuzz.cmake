# -DLINKHUB_FUZZ=ON (clang only): instrument everything that is compiled, so
# the fuzz targets get coverage feedback and ASan/UBSan checks from the
# engine, the Lua sandbox, the plugins and the server code they reach, not
# only from their own file. Only the fuzz binaries link libFuzzer's main
# (tests/fuzz/CMakeLists.txt).
option(LINKHUB_FUZZ "Build the libFuzzer targets and instrument the whole tree (needs clang)" OFF)
if(LINKHUB_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "LINKHUB_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_C_COMPILER=clang")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
