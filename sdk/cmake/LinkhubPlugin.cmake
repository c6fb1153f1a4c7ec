# linkhub_add_plugin(NAME SOURCES src1.cpp ... [LIBRARIES lib ...] [OUTPUT_DIR dir])
#
# Builds a plugin shared library `linkhub_<NAME>.so` that the linkhub host can
# load. Only the two C entry points are exported. The library lands in
# OUTPUT_DIR when given; else, inside the linkhub tree, in the built-in plugin
# directory (LINKHUB_PLUGIN_OUTPUT_DIR).
function(linkhub_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "linkhub_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE linkhub::sdk ${ARG_LIBRARIES})
  # Inside the linkhub tree, plugins get the project's warnings (errors in CI).
  if(TARGET linkhub_warnings)
    target_link_libraries(${name} PRIVATE linkhub_warnings)
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "linkhub_${name}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # Without this, glibc marks template statics STB_GNU_UNIQUE and the library can never unload.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${name} PRIVATE -fno-gnu-unique)
  endif()
  if(ARG_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR})
  elseif(LINKHUB_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${LINKHUB_PLUGIN_OUTPUT_DIR})
    set_property(GLOBAL APPEND PROPERTY LINKHUB_BUILTIN_PLUGINS ${name})
  endif()
endfunction()
