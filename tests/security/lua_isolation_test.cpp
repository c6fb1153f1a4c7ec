// Issue 10, item 2: one evaluation (a lua.rule run or a ${{ }} expression)
// must not change what a later one sees, nor observe its data. Each attack
// runs in one evaluation; a second evaluation, on the same thread's sandbox,
// with a planted secret, then checks that the attack left no trace.
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/template.hpp>
#include <linkhub/lua/sandbox.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace linkhub {
namespace {

const char* const kSecret = "s3cr3t-ISOLATION-7f2c";

// An attack: code that tries to persist something past its own evaluation.
struct Attack {
  const char* name;
  const char* code;  // a chunk: may fail, that is fine; it must not leave anything behind
};

const std::vector<Attack>& attacks() {
  static const std::vector<Attack> list = {
      {"hijack the string metatable", "getmetatable('').__index = { upper = function() return 'HIJACKED' end }"},
      {"replace a string method through the metatable",
       "getmetatable('').__index.upper = function(s) spied = s return 'HIJACKED' end"},
      {"set the string metatable",
       "setmetatable(getmetatable(''), { __index = function() return function() return 'HIJACKED' end end })"},
      {"replace a library function", "string.upper = function(s) return 'HIJACKED' end"},
      {"rawset a library function", "rawset(string, 'upper', function(s) return 'HIJACKED' end)"},
      {"rawset into the library view's metatable",
       "rawset(getmetatable(string).__index, 'upper', function() return 'HIJACKED' end)"},
      {"replace a base function", "tostring = function() return 'HIJACKED' end"},
      {"rawset a global through the environment's metatable",
       "rawset(getmetatable(_ENV).__index, 'tostring', function() return 'HIJACKED' end)"},
      {"set a spy global", "spy = {} HIJACKED_GLOBAL = 'HIJACKED'"},
      {"hook every string method lookup",
       "local mt = getmetatable('') mt.__index = function(s, k) return function() return 'HIJACKED' end end"},
      {"hijack the binding proxies' metatable", "getmetatable(input).__index = function(t, k) return 'HIJACKED' end"},
      {"rawset into the binding proxies' metatable",
       "rawset(getmetatable(input), '__index', function() return 'HIJACKED' end)"},
      {"leave a finalizer behind", "setmetatable({}, { __gc = function() HIJACKED_GLOBAL = 'HIJACKED' end })"},
      {"use the debug library", "debug.setmetatable('', { __index = function() return 'HIJACKED' end })"},
      {"leave a coroutine running",
       "local co = coroutine.wrap(function() while true do coroutine.yield(input) end end) co()"},
      {"seed the random generator", "math.randomseed(42)"},
      {"reach the real globals", "_G.tostring = function() return 'HIJACKED' end"},
  };
  return list;
}

// What a later evaluation computes: must be the same after every attack, and
// must never have called anything an attack planted (which would see `input`).
const char* const kProbe =
    "return table.concat({ ('abc'):upper(), string.upper('x'), tostring(1), tostring(HIJACKED_GLOBAL), "
    "tostring(spy), tostring(input.token), type(getmetatable('')) }, ',')";
const std::string kExpected = std::string("ABC,X,1,nil,nil,") + kSecret + ",boolean";

TEST(SecurityLuaIsolation, NoRuleRunSurvivesIntoTheNextOnTheSameSandbox) {
  const Json victim = {{"token", kSecret}};
  const Json attacker = {{"token", "attacker's own"}};
  for (const Attack& attack : attacks()) {
    lua::Sandbox sandbox;  // one per attack, so a failure names the attack that got through
    (void)sandbox.run_script(attack.code, "attack.lua", {{"input", &attacker}});
    auto probe = sandbox.run_script(kProbe, "probe.lua", {{"input", &victim}});
    ASSERT_TRUE(probe.ok()) << attack.name << ": " << probe.error().message;
    EXPECT_EQ(*probe, kExpected) << attack.name;
  }
}

TEST(SecurityLuaIsolation, NoExpressionSurvivesIntoTheNextOnTheSameSandbox) {
  const Json victim = {{"token", kSecret}};
  const Json attacker = {{"token", "attacker's own"}};
  for (const Attack& attack : attacks()) {
    lua::Sandbox sandbox;
    // An expression is one expression: wrap the attack in a called function.
    const std::string expr = std::string("(function() ") + attack.code + " end)()";
    auto rendered = ValueTemplate::compile(Json("${{ " + expr + " }}"));
    ASSERT_TRUE(rendered.ok()) << attack.name;
    (void)rendered->render(sandbox, {{"input", &attacker}});
    auto probe = sandbox.eval_expression(std::string("(function() ") + kProbe + " end)()", {{"input", &victim}});
    ASSERT_TRUE(probe.ok()) << attack.name << ": " << probe.error().message;
    EXPECT_EQ(*probe, kExpected) << attack.name;
  }
}

// The spy: a first evaluation plants a function that records its arguments in
// a place a third evaluation could read back. Nothing of the second (the
// victim's, holding the secret) may come back.
TEST(SecurityLuaIsolation, ASpyCannotCollectALaterRunsInput) {
  const Json victim = {{"token", kSecret}};
  const Json none = Json::object();
  const char* plants[] = {
      "local log = {} getmetatable('').__index.lower = function(s) log[#log + 1] = s return s end "
      "getmetatable('').__index.spylog = log",
      "local log = {} rawset(string, 'spylog', log) rawset(string, 'lower', function(s) log[#log + 1] = s return s "
      "end)",
      "spylog = {} local real = tostring tostring = function(v) spylog[#spylog + 1] = v return real(v) end",
      "local log = {} setmetatable({}, { __gc = function() spylog = log end })",
  };
  for (const char* plant : plants) {
    lua::Sandbox sandbox;
    (void)sandbox.run_script(plant, "plant.lua", {{"input", &none}});
    auto victim_run = sandbox.run_script("return string.lower(input.token) .. tostring(input.token)", "victim.lua",
                                         {{"input", &victim}});
    ASSERT_TRUE(victim_run.ok()) << victim_run.error().message;
    auto harvest = sandbox.run_script(
        "local found = {} "
        "for _, log in ipairs({ rawget(string, 'spylog') or false, string.spylog or false, spylog or false }) do "
        "  if log then for _, v in ipairs(log) do found[#found + 1] = tostring(v) end end "
        "end return table.concat(found, ',')",
        "harvest.lua", {{"input", &none}});
    ASSERT_TRUE(harvest.ok()) << harvest.error().message;
    EXPECT_EQ(harvest->get<std::string>().find(kSecret), std::string::npos) << plant << " collected " << *harvest;
  }
}

TEST(SecurityLuaIsolation, SharedMetatablesAreProtected) {
  lua::Sandbox sandbox;
  const Json input = {{"a", 1}};
  EXPECT_EQ(*sandbox.eval_expression("getmetatable('')", {}), false);
  EXPECT_EQ(*sandbox.eval_expression("getmetatable(string)", {}), false);
  EXPECT_EQ(*sandbox.eval_expression("getmetatable(input)", {{"input", &input}}), false);
  auto set = sandbox.run_script("setmetatable(input, {})", "r.lua", {{"input", &input}});
  ASSERT_FALSE(set.ok());
  EXPECT_NE(set.error().message.find("protected metatable"), std::string::npos) << set.error().message;
  auto gc = sandbox.run_script("setmetatable({}, { __gc = tostring })", "r.lua", {});
  ASSERT_FALSE(gc.ok());
  EXPECT_NE(gc.error().message.find("__gc"), std::string::npos) << gc.error().message;
  // Ordinary metatables of a script's own tables still work.
  EXPECT_EQ(*sandbox.eval_expression("setmetatable({}, { __index = function() return 7 end }).x", {}), 7);
}

// The same attack through the real lua.rule step: two runs of the plugin in
// one process (the host calls steps on a pool; one thread here).
TEST(SecurityLuaIsolation, LuaRuleStepsDoNotShareState) {
  PluginHost host;
  host.load_directory(LINKHUB_PLUGIN_BUILD_DIR);
  const auto* step = host.step("lua.rule");
  ASSERT_NE(step, nullptr);
  StepCall call;
  call.plugin_config = "{}";
  const Json attack = {{"code",
                        "getmetatable('').__index = { upper = function() return 'HIJACKED' end } "
                        "string.upper = function() return 'HIJACKED' end return true"},
                       {"input", Json::object()}};
  (void)host.invoke(*step, call, attack.dump());
  const Json probe = {{"code", "return ('abc'):upper() .. string.upper('d')"}, {"input", Json::object()}};
  StepOutcome out = host.invoke(*step, call, probe.dump());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["result"], "ABCD");
}

}  // namespace
}  // namespace linkhub
