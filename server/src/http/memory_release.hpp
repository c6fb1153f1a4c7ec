#pragma once
// glibc keeps freed memory in its per-thread arenas: after a burst of large
// bodies or headers (1 MB each, up to the limits) the server's resident size
// stays at the burst's peak although nothing is in use. The server notes
// large requests, and a timer gives the free memory back to the system at
// most once per interval after them.

#include <atomic>
#include <cstddef>

namespace linkhub::http {

class MemoryRelease {
 public:
  // Caps the number of malloc arenas (before threads start): fewer arenas, less kept.
  static void limit_arenas(int arenas);
  // A request that made the server hold `bytes` at once (body, header buffer).
  void note(size_t bytes) {
    if (bytes >= kLarge) {
      pending_.store(true, std::memory_order_relaxed);
    }
  }
  // Gives free memory back when a large request was seen since the last call; true when it did.
  bool release_if_due();

  static constexpr size_t kLarge = size_t{256} << 10;

 private:
  std::atomic<bool> pending_{false};
};

}  // namespace linkhub::http
