#pragma once
// The ai plugin's tests call its steps through the real C ABI, on the
// plugins this build produced, and read their cases from this folder.

#include "builtin_plugins.hpp"

#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace linkhub::ai_test {

inline const LoadedStep& step(std::string_view uses) {
  const LoadedStep* s = test::builtin_plugins().step(uses);
  if (s == nullptr) {
    throw std::runtime_error("the build's plugins have no step " + std::string(uses));
  }
  return *s;
}

// Input as JSON text, so tests can also send what a Json value cannot hold
// (ill-formed UTF-8).
inline StepOutcome call_text(std::string_view uses, std::string_view input_json, const StepCall& c = {}) {
  return test::builtin_plugins().invoke(step(uses), c, input_json);
}

inline StepOutcome call(std::string_view uses, const Json& input, const StepCall& c = {}) {
  return call_text(uses, input.dump(), c);
}

// A file of this folder: plugins/ai/tests/<name>.
inline std::string test_file(const std::string& name) {
  return std::string(LINKHUB_SOURCE_DIR) + "/plugins/ai/tests/" + name;
}

inline Json read_cases(const std::string& name) {
  std::ifstream in(test_file(name));
  if (!in) {
    return Json::array();  // the suite's size test reports it
  }
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

// Parameterised test names come from each case's "name".
inline std::string case_name(const ::testing::TestParamInfo<Json>& info) {
  return info.param.at("name").get<std::string>();
}

}  // namespace linkhub::ai_test
