#include "http/router.hpp"

#include <algorithm>

namespace linkhub::http {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::Public:
      return "public";
    case Role::Viewer:
      return "viewer";
    case Role::Operator:
      return "operator";
    case Role::Admin:
      return "admin";
  }
  return "admin";
}

std::vector<std::string> split_pattern(const std::string& pattern) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= pattern.size()) {
    const size_t end = std::min(pattern.find('/', start), pattern.size());
    out.push_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
  for (const auto& route : routes_) {
    patterns_.push_back(split_pattern(route.pattern));
  }
}

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& segments) const {
  RouteMatch out;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const auto& pattern = patterns_[i];
    if (pattern.size() != segments.size()) {
      continue;
    }
    std::map<std::string, std::string> params;
    bool matched = true;
    for (size_t k = 0; k < pattern.size() && matched; ++k) {
      const std::string& p = pattern[k];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        matched = !segments[k].empty();
        params[p.substr(1, p.size() - 2)] = segments[k];
      } else {
        matched = p == segments[k];
      }
    }
    if (!matched) {
      continue;
    }
    if (out.pattern.empty()) {
      out.pattern = routes_[i].pattern;
    }
    if (std::find(out.allowed.begin(), out.allowed.end(), routes_[i].method) == out.allowed.end()) {
      out.allowed.push_back(routes_[i].method);
    }
    // The first matching route in table order wins: the table lists literal paths before templates.
    if (routes_[i].method == method && out.route == nullptr) {
      out.route = &routes_[i];
      out.params = std::move(params);
    }
  }
  return out;
}

}  // namespace linkhub::http
