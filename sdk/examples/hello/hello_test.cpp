// The hello plugin's tests: the built library through its C ABI, with the
// SDK's fake host (linkhub/testing.hpp) and nothing of linkhub itself.
#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

namespace {

namespace lt = linkhub::sdk::testing;

// One load per test process, as linkhub loads a plugin once.
const lt::Plugin& hello() {
  static const lt::Plugin plugin(HELLO_PLUGIN_PATH);
  return plugin;
}

TEST(HelloGreet, GreetsAndLogsWhom) {
  lt::FakeContext ctx;
  const lt::StepResult r = hello().run("greet", ctx, {{"who", "plugin author"}});
  ASSERT_EQ(r.status, LH_OK) << r.error;
  EXPECT_EQ(r.output, (linkhub::sdk::Json{{"greeting", "hello, plugin author"}}));
  ASSERT_EQ(r.logs.size(), 1u);
  EXPECT_EQ(r.logs[0].level, LH_LOG_INFO);
  EXPECT_EQ(r.logs[0].message, "greeted plugin author");
}

TEST(HelloGreet, ShoutsWhenAsked) {
  lt::FakeContext ctx;
  const lt::StepResult r = hello().run("greet", ctx, {{"who", "you"}, {"shout", true}});
  ASSERT_EQ(r.status, LH_OK) << r.error;
  EXPECT_EQ(r.output["greeting"], "HELLO, YOU");
}

TEST(HelloGreet, InputWithoutWhoIsAnInvalidInputNotACrash) {
  lt::FakeContext ctx;
  const lt::StepResult r = hello().run("greet", ctx, linkhub::sdk::Json::object());
  EXPECT_EQ(r.status, LH_INVALID_INPUT);
  EXPECT_FALSE(r.error.empty());
}

}  // namespace
