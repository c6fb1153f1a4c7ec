# The allocator of the programs we ship and measure (the linkhub binary and the
# benchmarks): gperftools' tcmalloc (Debian: libtcmalloc-minimal4) instead of
# glibc's malloc. A step allocates dozens of small blocks (JSON values,
# records, events); with glibc they were ~40 % of a step's instructions, and
# its heap trims and consolidation showed up as page faults. tcmalloc serves
# them from per-thread caches (callgrind, 1,000-step chain: 39,300 -> 31,300
# instructions a step). Plugins are loaded into the same process and so use it
# too. Not with the sanitizers, which bring their own.
option(LINKHUB_TCMALLOC "Link the linkhub binary and the benchmarks with tcmalloc (gperftools)" ON)

function(linkhub_use_tcmalloc target)
  if(NOT LINKHUB_TCMALLOC OR LINKHUB_SANITIZE)
    return()
  endif()
  find_library(LINKHUB_TCMALLOC_LIBRARY NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(NOT LINKHUB_TCMALLOC_LIBRARY)
    message(FATAL_ERROR "tcmalloc not found: install libtcmalloc-minimal4 (scripts/setup.sh does), "
                        "or configure with -DLINKHUB_TCMALLOC=OFF for glibc's malloc")
  endif()
  # Nothing calls it by name: without --no-as-needed the linker would drop it.
  target_link_libraries(${target} PRIVATE "-Wl,--push-state,--no-as-needed" "${LINKHUB_TCMALLOC_LIBRARY}"
                                          "-Wl,--pop-state")
endfunction()
