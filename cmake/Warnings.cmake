add_library(linkhub_warnings INTERFACE)
target_compile_options(linkhub_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(LINKHUB_WERROR)
  target_compile_options(linkhub_warnings INTERFACE -Werror)
endif()

if(LINKHUB_SANITIZE)
  # vptr checks need the RTTI of every polymorphic class we touch, and
  # Debian's SOCI libraries do not export theirs: without this the link fails.
  add_compile_options(-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
