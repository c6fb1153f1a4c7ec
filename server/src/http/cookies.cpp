#include "http/cookies.hpp"

#include <algorithm>

namespace linkhub::http {

std::string cookie_value(std::string_view header, std::string_view name) {
  size_t from = 0;
  while (from < header.size()) {
    const size_t end = std::min(header.find(';', from), header.size());
    std::string_view pair = header.substr(from, end - from);
    while (!pair.empty() && pair.front() == ' ') {
      pair.remove_prefix(1);
    }
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
    from = end + 1;
  }
  return "";
}

std::string set_cookie(std::string_view name, std::string_view value, std::string_view path,
                       std::chrono::seconds max_age, bool secure) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
                    "; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Strict";
  if (secure) {
    out += "; Secure";
  }
  return out;
}

}  // namespace linkhub::http
