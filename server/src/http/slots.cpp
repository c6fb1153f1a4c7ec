#include "http/slots.hpp"

namespace linkhub::http {

void Slots::configure(size_t total, size_t per_principal) {
  std::lock_guard lock(mutex_);
  total_ = total;
  per_principal_ = per_principal;
}

Slots::Taken Slots::acquire(const std::string& principal) {
  std::lock_guard lock(mutex_);
  if (used_ >= total_) {
    return {nullptr, Full::Total};
  }
  size_t& mine = by_principal_[principal];
  if (mine >= per_principal_) {
    return {nullptr, Full::Principal};
  }
  ++mine;
  ++used_;
  return {std::shared_ptr<void>(this, [this, principal](void*) { release(principal); }), Full::No};
}

void Slots::release(const std::string& principal) {
  std::lock_guard lock(mutex_);
  --used_;
  auto it = by_principal_.find(principal);
  if (it != by_principal_.end() && --it->second == 0) {
    by_principal_.erase(it);
  }
}

size_t Slots::in_use() const {
  std::lock_guard lock(mutex_);
  return used_;
}

size_t Slots::total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

size_t Slots::per_principal() const {
  std::lock_guard lock(mutex_);
  return per_principal_;
}

}  // namespace linkhub::http
