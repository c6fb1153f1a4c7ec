#include <linkhub/engine/error_codes.hpp>

#include <algorithm>

namespace linkhub::error_codes {

const std::vector<std::string_view>& all() {
  static const std::vector<std::string_view> codes{
      invalid_input, not_found,  conflict, unauthorized, forbidden, rate_limited,     unavailable,
      timeout,       bad_output, internal, step_failed,  cancelled, expression_error, invalid_workflow};
  return codes;
}

bool is_valid(std::string_view code) {
  if (code.empty() || code.size() > 64 || code[0] < 'a' || code[0] > 'z') {
    return false;
  }
  return std::all_of(code.begin(), code.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

std::string_view from_status(lh_status status) {
  switch (status) {
    case LH_INVALID_INPUT:
      return invalid_input;
    case LH_CANCELLED:
      return cancelled;
    default:
      return step_failed;
  }
}

}  // namespace linkhub::error_codes
