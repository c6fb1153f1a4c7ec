#include "media_error.hpp"

namespace linkhub::media {

bool Interrupt::should_stop() const noexcept {
  try {
    if (cancelled && cancelled()) {
      return true;
    }
    return deadline && std::chrono::system_clock::now() >= *deadline;
  } catch (...) {
    return true;
  }
}

void Interrupt::check(const std::string& doing) const {
  if (cancelled && cancelled()) {
    throw Interrupted();
  }
  if (deadline && std::chrono::system_clock::now() >= *deadline) {
    throw OutOfTime("the step's deadline passed while " + doing);
  }
}

std::string quoted(const std::string& path) {
  return "'" + path + "'";
}

}  // namespace linkhub::media
