#pragma once
// The ai plugin's tests call its steps through the real C ABI, on the plugin
// this build produced, with the SDK's fake host (linkhub/testing.hpp), and
// read their cases from this folder.

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace linkhub {

using Json = sdk::Json;
using sdk::testing::StepResult;

namespace ai_test {

// What the host tells a step besides its input.
struct Call {
  Json plugin_config = Json::object();
  std::string workflow_dir;
};

inline const sdk::testing::Plugin& plugin() {
  static const sdk::testing::Plugin ai(std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_ai.so");
  return ai;
}

// Input as JSON text, so tests can also send what a Json value cannot hold
// (ill-formed UTF-8). `uses` is "ai.<step>".
inline StepResult call_text(std::string_view uses, std::string_view input_json, const Call& c = {}) {
  if (uses.rfind("ai.", 0) != 0) {
    throw std::invalid_argument("not an ai step: " + std::string(uses));
  }
  sdk::testing::FakeContext ctx;
  ctx.plugin_config = c.plugin_config;
  ctx.workflow_dir = c.workflow_dir;
  return plugin().run_text(uses.substr(3), ctx, input_json);
}

inline StepResult call(std::string_view uses, const Json& input, const Call& c = {}) {
  return call_text(uses, input.dump(), c);
}

// A file of this folder: plugins/ai/tests/<name>.
inline std::string test_file(const std::string& name) {
  // Appended, not string + literal + string: compiled in a unity batch
  // (cmake/Unity.cmake), that chain gets a false -Warray-bounds from GCC 12.
  std::string path = LINKHUB_SOURCE_DIR "/plugins/ai/tests/";
  path += name;
  return path;
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

}  // namespace ai_test
}  // namespace linkhub
