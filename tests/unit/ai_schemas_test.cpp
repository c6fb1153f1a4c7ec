// The ai plugin's input schemas as the engine applies them (its JSON Schema
// validator on the loaded plugin's schemas): an engine-and-plugin test, so it
// lives here rather than in plugins/ai/tests, which use only the SDK.
#include "builtin_plugins.hpp"

#include <linkhub/engine/json_schema.hpp>
#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

namespace linkhub {
namespace {

const JsonSchema& input_schema(std::string_view uses) {
  const LoadedStep* step = test::builtin_plugins().step(uses);
  if (step == nullptr) {
    throw std::runtime_error("the build's plugins have no step " + std::string(uses));
  }
  return step->input_validator;
}

TEST(AiSchemas, CaptionRefusesAnUnknownBackendBeforeTheStepRuns) {
  EXPECT_FALSE(input_schema("ai.caption").validate({{"caption", "x"}, {"backend", "gpt"}}).empty());
  EXPECT_TRUE(input_schema("ai.caption").validate({{"caption", "x"}, {"backend", "builtin"}}).empty());
}

TEST(AiSchemas, CaptionChecksTheCurrencyHintAndUnknownFields) {
  const JsonSchema& schema = input_schema("ai.caption");
  EXPECT_TRUE(schema.validate({{"caption", "x"}, {"default_currency", "VND"}}).empty());
  EXPECT_FALSE(schema.validate({{"caption", "x"}, {"default_currency", "dong"}}).empty());
  EXPECT_FALSE(schema.validate({{"caption", "x"}, {"currency", "VND"}}).empty());
  EXPECT_FALSE(schema.validate({{"caption", 42}}).empty());
  EXPECT_FALSE(schema.validate(Json::object()).empty());
}

TEST(AiSchemas, TagsNeedsAtLeastOneTag) {
  EXPECT_FALSE(input_schema("ai.tags").validate({{"max_tags", 0}}).empty());
  EXPECT_TRUE(input_schema("ai.tags").validate({{"max_tags", 1}}).empty());
}

}  // namespace
}  // namespace linkhub
