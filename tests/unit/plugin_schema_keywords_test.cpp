// The plugin host refuses a step schema with a keyword its validator would
// silently ignore, naming the keyword, where it is and the step.
#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

namespace linkhub {
namespace {

TEST(PluginSchemaKeywords, AnUnsupportedKeywordIsRefusedAtLoadNamingItAndTheStep) {
  PluginHost host;
  EXPECT_FALSE(host.load_file(std::filesystem::path(LINKHUB_TEST_PLUGIN_DIR) / "linkhub_test_unsupported_keyword.so"));
  ASSERT_EQ(host.problems().size(), 1u);
  EXPECT_EQ(host.problems()[0].message,
            "step 'unsupported_keyword.loose': its input schema uses 'patternProperties' at '/properties/tags', a "
            "keyword linkhub's validator does not support (sdk/README.md, Schemas, lists them)");
  EXPECT_EQ(host.plugin("unsupported_keyword"), nullptr);
}

}  // namespace
}  // namespace linkhub
