#pragma once
// Counted places for what holds server resources past a normal request (event
// streams, ?wait): at most `total` at once, and at most `per_principal` for
// one API key or user, so one caller cannot take them all.

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace linkhub::http {

class Slots {
 public:
  void configure(size_t total, size_t per_principal);
  enum class Full { No, Total, Principal };
  struct Taken {
    std::shared_ptr<void> slot;  // released when the last copy goes
    Full full = Full::No;
  };
  Taken acquire(const std::string& principal);
  size_t in_use() const;
  size_t total() const;
  size_t per_principal() const;

 private:
  void release(const std::string& principal);
  mutable std::mutex mutex_;
  size_t total_ = 256;
  size_t per_principal_ = 32;
  size_t used_ = 0;
  std::map<std::string, size_t> by_principal_;
};

}  // namespace linkhub::http
