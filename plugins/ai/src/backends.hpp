#pragma once
// Each ai step runs on a backend chosen by its `backend` input. "builtin" is
// the offline extractors of this plugin. A later backend (an OpenAI-compatible
// "llm") is one more row in the step's table: the step's input and output
// stay the same, and the input schema's enum lists the rows.

#include <linkhub/plugin.hpp>

#include <span>
#include <string>
#include <string_view>

namespace linkhub::ai {

struct Backend {
  std::string_view name;
  sdk::Json (*run)(sdk::Context& ctx, const sdk::Json& input);
};

inline sdk::Json backend_names(std::span<const Backend> backends) {
  sdk::Json names = sdk::Json::array();
  for (const Backend& b : backends) {
    names.push_back(b.name);
  }
  return names;
}

// The backend named by the input (default: the first), or a StepError that
// lists the available ones.
inline const Backend& pick_backend(std::span<const Backend> backends, const sdk::Json& input, std::string_view step) {
  const std::string name = input.value("backend", std::string(backends.front().name));
  for (const Backend& b : backends) {
    if (b.name == name) {
      return b;
    }
  }
  std::string available;
  for (const Backend& b : backends) {
    available += (available.empty() ? "" : ", ") + std::string(b.name);
  }
  throw sdk::StepError(std::string(step) + ": unknown backend \"" + name + "\"; available: " + available);
}

}  // namespace linkhub::ai
