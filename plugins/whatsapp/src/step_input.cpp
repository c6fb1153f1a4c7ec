#include "step_input.hpp"

namespace linkhub::whatsapp {

using sdk::Json;

int int_field(const Json& input, const char* field, int fallback, int min, int max, const std::string& step) {
  const auto it = input.find(field);
  if (it == input.end() || it->is_null()) {
    return fallback;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < min || it->get<int64_t>() > max) {
    throw sdk::StepError(
        sdk::errors::invalid_input,
        step + ": `" + field + "` must be a whole number from " + std::to_string(min) + " to " + std::to_string(max),
        false, {{"field", field}});
  }
  return static_cast<int>(it->get<int64_t>());
}

std::string text_field(const Json& input, const char* field, size_t max_chars, const std::string& step) {
  const auto it = input.find(field);
  if (it == input.end() || it->is_null()) {
    return {};
  }
  if (!it->is_string() || it->get_ref<const std::string&>().size() > max_chars) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         step + ": `" + field + "` must be text of at most " + std::to_string(max_chars) + " bytes",
                         false, {{"field", field}});
  }
  return it->get<std::string>();
}

}  // namespace linkhub::whatsapp
