#pragma once
// A pool of SOCI sessions that opens them only when needed (up to a maximum)
// and drops the ones that broke, so a restarted PostgreSQL costs one failed
// attempt, not a dead pool. Thread-safe.

#include <soci/soci.h>

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace linkhub::catalog {

class SessionPool {
 public:
  using Opener = std::function<std::unique_ptr<soci::session>()>;

  // A session on loan; it returns to the pool when the lease ends, unless discarded.
  class Lease {
   public:
    Lease(SessionPool& pool, std::unique_ptr<soci::session> session) : pool_(&pool), session_(std::move(session)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    soci::session& operator*() const { return *session_; }
    soci::session* operator->() const { return session_.get(); }
    // The session is broken: close it instead of giving it back.
    void discard() { discard_ = true; }

   private:
    SessionPool* pool_;
    std::unique_ptr<soci::session> session_;
    bool discard_ = false;
  };

  SessionPool(Opener opener, size_t max_sessions) : opener_(std::move(opener)), max_sessions_(max_sessions) {}

  // An idle session, a new one while fewer than the maximum are open, else
  // waits for one to come back. Throws what the opener throws.
  Lease acquire();

 private:
  void give_back(std::unique_ptr<soci::session> session, bool discard);

  Opener opener_;
  const size_t max_sessions_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<soci::session>> idle_;
  size_t open_ = 0;
};

}  // namespace linkhub::catalog
