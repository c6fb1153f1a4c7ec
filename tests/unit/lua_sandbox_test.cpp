#include <linkhub/lua/sandbox.hpp>

#include <gtest/gtest.h>

namespace linkhub::lua {
namespace {

Json eval(Sandbox& s, const std::string& expr, const Bindings& b = {}) {
  auto r = s.eval_expression(expr, b);
  EXPECT_TRUE(r.ok()) << expr << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Json("<error>");
}

std::string error_of(Sandbox& s, const std::string& expr, const Bindings& b = {}) {
  auto r = s.eval_expression(expr, b);
  EXPECT_FALSE(r.ok()) << expr << " should fail";
  return r.ok() ? "" : r.error().message;
}

TEST(LuaSandbox, KeepsTypesWhenConvertingToJson) {
  Sandbox s;
  EXPECT_EQ(eval(s, "1 + 2"), 3);
  EXPECT_TRUE(eval(s, "1 + 2").is_number_integer());
  EXPECT_EQ(eval(s, "1 / 2"), 0.5);
  EXPECT_EQ(eval(s, "'a' .. 'b'"), "ab");
  EXPECT_EQ(eval(s, "3 > 2"), true);
  EXPECT_TRUE(eval(s, "nil").is_null());
  EXPECT_EQ(eval(s, "{1, 2, 3}"), Json::array({1, 2, 3}));
  EXPECT_EQ(eval(s, "{a = 1, b = {true}}"), Json({{"a", 1}, {"b", {true}}}));
  EXPECT_EQ(eval(s, "{}"), Json::array());
}

TEST(LuaSandbox, ExposesBindingsLazilyWithLenPairsAndIpairs) {
  Sandbox s;
  const Json inputs = {{"title", "Linen shirt"}, {"sizes", {"S", "M", "L"}}, {"price", 19.5}, {"none", nullptr}};
  const Bindings b{{"inputs", &inputs}};
  EXPECT_EQ(eval(s, "inputs.title", b), "Linen shirt");
  EXPECT_EQ(eval(s, "#inputs.sizes", b), 3);
  EXPECT_EQ(eval(s, "inputs.sizes[1]", b), "S");
  EXPECT_EQ(eval(s, "inputs.price * 2", b), 39.0);
  EXPECT_TRUE(eval(s, "inputs.none", b).is_null());
  EXPECT_TRUE(eval(s, "inputs.missing", b).is_null());
  EXPECT_EQ(eval(s, "(function() local n = 0 for _, v in ipairs(inputs.sizes) do n = n + #v end return n end)()", b),
            3);
  EXPECT_EQ(eval(s, "(function() local n = 0 for k in pairs(inputs) do n = n + 1 end return n end)()", b), 4);
  EXPECT_EQ(eval(s, "inputs.sizes", b), Json({"S", "M", "L"}));
  EXPECT_EQ(eval(s, "inputs", b), inputs);
}

// Paths of names are read without running Lua (Sandbox::read_path): each
// answer must be the one Lua gives (the same expression in parentheses is
// not a path, so Lua evaluates it), errors included.
TEST(LuaSandbox, APathReadWithoutLuaGivesWhatLuaGives) {
  Sandbox s;
  const Json inputs = Json::parse(R"({"title": "Linen shirt", "n": 5, "big": 18446744073709551615, "neg": -3,
      "price": 19.5, "yes": true, "none": null, "sizes": ["S", "M"], "empty": {}, "no_items": [],
      "deep": {"a": {"b": {"c": "d"}}}, "end": 1, "_x1": "u"})");
  const Json steps = {{"fetch", {{"outputs", {{"title", "Shirt"}, {"tags", {"a"}}}}}}};
  const Json item = "one";
  const Json null_item = nullptr;
  const Bindings b{
      {"inputs", &inputs}, {"steps", &steps}, {"item", &item}, {"nothing", &null_item}, {"unbound", nullptr}};
  for (const char* expr : {"inputs",
                           "inputs.title",
                           "inputs.n",
                           "inputs.big",
                           "inputs.neg",
                           "inputs.price",
                           "inputs.yes",
                           "inputs.none",
                           "inputs.sizes",
                           "inputs.empty",
                           "inputs.no_items",
                           "inputs.deep.a.b.c",
                           "inputs.deep.a",
                           "inputs._x1",
                           "inputs.missing",
                           "inputs.missing.deeper",
                           "inputs.title.len",
                           "inputs.sizes.x",
                           "steps.fetch.outputs.title",
                           "steps.fetch.outputs.tags",
                           "steps.nope.outputs",
                           "item",
                           "nothing",
                           "unbound",
                           "string",
                           "math.pi",
                           "nil",
                           "true"}) {
    const std::string paren = std::string("(") + expr + ")";
    auto fast = s.eval_expression(expr, b);
    auto lua = s.eval_expression(paren, b);
    ASSERT_EQ(fast.ok(), lua.ok()) << expr;
    if (fast.ok()) {
      EXPECT_EQ(*fast, *lua) << expr;
      EXPECT_EQ(fast->type(), lua->type()) << expr;
    }
  }
  EXPECT_TRUE(Sandbox::read_path("inputs.deep.a.b.c", b).has_value());
  EXPECT_EQ(*Sandbox::read_path("inputs.big", b), 18446744073709551615.0) << "as Lua's float";
  for (const char* not_a_path : {"inputs.missing", "inputs.end", "nothing", "unbound", "string", "inputs .title",
                                 "inputs.", "inputs..title", "inputs['title']", "1", "", "true", "inputs.sizes.x"}) {
    EXPECT_FALSE(Sandbox::read_path(not_a_path, b).has_value()) << not_a_path;
  }
  const Json bad_utf8 = std::string("\xff\xfe");
  EXPECT_FALSE(Sandbox::read_path("item", Bindings{{"item", &bad_utf8}}).has_value()) << "Lua refuses it";
  const Json first = 1, second = 2;
  EXPECT_EQ(*Sandbox::read_path("item", Bindings{{"item", &first}, {"item", &second}}), 2) << "the last binding";
}

TEST(LuaSandbox, HasNoDangerousGlobals) {
  Sandbox s;
  for (const char* name : {"io", "os", "package", "debug", "require", "load", "loadstring", "dofile", "loadfile",
                           "collectgarbage", "print"}) {
    EXPECT_TRUE(eval(s, name).is_null()) << name;
  }
  EXPECT_TRUE(eval(s, "string.dump").is_null());
  EXPECT_EQ(eval(s, "string.upper('x')"), "X");
  EXPECT_EQ(eval(s, "math.max(1, 5)"), 5);
}

TEST(LuaSandbox, StopsInfiniteLoopsEvenThroughPcall) {
  Limits limits;
  limits.max_instructions = 100'000;
  Sandbox s(limits);
  EXPECT_NE(error_of(s, "(function() while true do end end)()").find("instruction budget"), std::string::npos);
  EXPECT_NE(error_of(s, "(function() while true do pcall(function() while true do end end) end end)()")
                .find("instruction budget"),
            std::string::npos);
  EXPECT_EQ(eval(s, "1 + 1"), 2);  // still usable
}

TEST(LuaSandbox, StopsMemoryBombs) {
  Limits limits;
  limits.max_memory_bytes = 4u << 20;
  Sandbox s(limits);
  EXPECT_NE(error_of(s, "string.rep('x', 1024 * 1024 * 1024)").find("memory limit"), std::string::npos);
  EXPECT_NE(error_of(s, "(function() local t = {} for i = 1, 1e8 do t[i] = i end return t end)()").find("memory"),
            std::string::npos);
  EXPECT_EQ(eval(s, "'ok'"), "ok");
}

TEST(LuaSandbox, StopsLongRunningCallsByWallClock) {
  Limits limits;
  limits.max_instructions = UINT64_MAX / 2;
  limits.max_wall = std::chrono::milliseconds(30);
  Sandbox s(limits);
  EXPECT_NE(error_of(s, "(function() while true do end end)()").find("time limit"), std::string::npos);
}

TEST(LuaSandbox, GlobalsDoNotLeakBetweenEvaluations) {
  Sandbox s;
  eval(s, "(function() leaked = 42 return 1 end)()");
  EXPECT_TRUE(eval(s, "leaked").is_null());
  const std::string err = error_of(s, "(function() string.upper = nil return 1 end)()");
  EXPECT_NE(err.find("read-only"), std::string::npos) << err;
  EXPECT_EQ(eval(s, "string.upper('a')"), "A");
}

TEST(LuaSandbox, RejectsBinaryChunksAndSyntaxErrors) {
  EXPECT_FALSE(Sandbox::expression_syntax_error("1 + 2").has_value());
  auto e = Sandbox::expression_syntax_error("1 +");
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->find("ends too early"), std::string::npos) << *e;
  EXPECT_TRUE(Sandbox::expression_syntax_error("a b").has_value());
  Sandbox s;
  auto r = s.run_script(std::string("\x1bLua", 4), "bin", {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("binary"), std::string::npos) << r.error().message;
}

TEST(LuaSandbox, ErrorsDoNotShowBoundValues) {
  Sandbox s;
  const Json secrets = {{"TOKEN", "hunter2-secret"}};
  const std::string err = error_of(s, "secrets.TOKEN + 1", {{"secrets", &secrets}});
  EXPECT_EQ(err.find("hunter2"), std::string::npos) << err;
}

TEST(LuaSandbox, RejectsValuesJsonCannotHold) {
  Sandbox s;
  EXPECT_NE(error_of(s, "function() end").find("function"), std::string::npos);
  EXPECT_NE(error_of(s, "0/0").find("NaN"), std::string::npos);
  EXPECT_NE(error_of(s, "(function() local t = {} t.self = t return t end)()").find("nested"), std::string::npos);
}

TEST(LuaSandbox, RunsScriptsWithRequireLimitedToTheResolver) {
  Sandbox s;
  const Json input = {{"n", 4}};
  ModuleResolver resolver = [](std::string_view name) -> std::optional<std::string> {
    if (name == "util.math") {
      return "return { double = function(x) return x * 2 end }";
    }
    return std::nullopt;
  };
  auto r = s.run_script("local m = require('util.math') return m.double(input.n)", "rule.lua", {{"input", &input}},
                        resolver);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(*r, 8);
  auto missing = s.run_script("return require('nope')", "rule.lua", {}, resolver);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no such module"), std::string::npos);
  auto escape = s.run_script("return require('../etc/passwd')", "rule.lua", {}, resolver);
  ASSERT_FALSE(escape.ok());
  auto none = s.run_script("return require('util.math')", "rule.lua", {});
  ASSERT_FALSE(none.ok());
  auto located = s.run_script("local x = nil\nreturn x.y", "rules/r.lua", {});
  ASSERT_FALSE(located.ok());
  EXPECT_NE(located.error().message.find("rules/r.lua:2:"), std::string::npos) << located.error().message;
}

}  // namespace
}  // namespace linkhub::lua
