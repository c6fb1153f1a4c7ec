#include "http/memory_release.hpp"

#include <malloc.h>

namespace linkhub::http {

void MemoryRelease::limit_arenas(int arenas) {
  mallopt(M_ARENA_MAX, arenas);
}

bool MemoryRelease::release_if_due() {
  if (!pending_.exchange(false, std::memory_order_relaxed)) {
    return false;
  }
  malloc_trim(0);
  return true;
}

}  // namespace linkhub::http
