#include <linkhub/engine/template.hpp>

#include <gtest/gtest.h>

namespace linkhub {
namespace {

class TemplateTest : public ::testing::Test {
 protected:
  Json render(const Json& value) {
    auto t = ValueTemplate::compile(value);
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().message);
    auto r = t->render(sandbox_, bindings_);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : Json("<error>");
  }

  lua::Sandbox sandbox_;
  Json inputs_ = {{"n", 3}, {"name", "Ana"}, {"tags", {"a", "b"}}, {"price", 2.5}, {"flag", false}};
  lua::Bindings bindings_{{"inputs", &inputs_}};
};

TEST_F(TemplateTest, AWholeExpressionKeepsItsType) {
  EXPECT_EQ(render("${{ inputs.n * 2 }}"), 6);
  EXPECT_EQ(render("  ${{ inputs.flag }}  "), false);
  EXPECT_EQ(render("${{ inputs.tags }}"), Json({"a", "b"}));
  EXPECT_TRUE(render("${{ nil }}").is_null());
  EXPECT_EQ(render("${{ {x = inputs.n} }}"), Json({{"x", 3}}));
}

TEST_F(TemplateTest, TextAroundExpressionsInterpolates) {
  EXPECT_EQ(render("hi ${{ inputs.name }}, n=${{ inputs.n }}"), "hi Ana, n=3");
  EXPECT_EQ(render("${{ inputs.price }}/${{ inputs.n * 1.0 }}"), "2.5/3");
  EXPECT_EQ(render("[${{ nil }}] ${{ inputs.flag }} ${{ inputs.tags }}"), "[] false [\"a\",\"b\"]");
}

TEST_F(TemplateTest, RendersNestedObjectsAndArrays) {
  const Json v = {{"a", {{"b", "${{ inputs.n }}"}, {"c", "plain"}}}, {"list", {1, "${{ inputs.name }}"}}};
  EXPECT_EQ(render(v), Json({{"a", {{"b", 3}, {"c", "plain"}}}, {"list", {1, "Ana"}}}));
}

TEST_F(TemplateTest, KnowsWhatIsConstant) {
  EXPECT_TRUE(ValueTemplate::compile(Json{{"a", {1, "x"}}})->is_constant());
  EXPECT_FALSE(ValueTemplate::compile(Json{{"a", {1, "${{ 1 }}"}}})->is_constant());
}

TEST_F(TemplateTest, ReportsUnterminatedTemplatesWithTheirPointer) {
  auto t = ValueTemplate::compile(Json{{"with", {{"url", "https://x/${{ inputs.n"}}}});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("/with/url"), std::string::npos) << t.error().message;
  EXPECT_NE(t.error().message.find("no closing }}"), std::string::npos);
}

TEST_F(TemplateTest, RenderErrorsNameTheExpressionAndPointer) {
  auto t = ValueTemplate::compile(Json{{"text", "${{ inputs.missing.deeper }}"}});
  ASSERT_TRUE(t.ok());
  auto r = t->render(sandbox_, bindings_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("`inputs.missing.deeper`"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("/text"), std::string::npos) << r.error().message;
}

TEST_F(TemplateTest, ConditionsMayBeBareExpressions) {
  auto bare = ValueTemplate::compile_condition(Json("inputs.n > 2"));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(*bare->render(sandbox_, bindings_), true);
  auto templated = ValueTemplate::compile_condition(Json("${{ inputs.flag }}"));
  EXPECT_EQ(*templated->render(sandbox_, bindings_), false);
  auto literal = ValueTemplate::compile_condition(Json(true));
  EXPECT_TRUE(literal->is_constant());
}

TEST(ScanExpressions, FindsEveryExpressionWithItsPointer) {
  std::vector<std::pair<std::string, std::string>> found;
  std::vector<std::string> errors;
  scan_expressions(
      Json{{"a", "x ${{ one }} y ${{ two }}"}, {"b", {"${{ three }}", "${{ broken"}}},
      [&](const std::string& p, const std::string& e) { found.emplace_back(p, e); },
      [&](const std::string& p, TemplateProblem problem, const std::string&) {
        errors.push_back(p);
        EXPECT_EQ(problem, TemplateProblem::Unterminated);
      });
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0], std::make_pair(std::string("/a"), std::string("one")));
  EXPECT_EQ(found[1], std::make_pair(std::string("/a"), std::string("two")));
  EXPECT_EQ(found[2], std::make_pair(std::string("/b/0"), std::string("three")));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "/b/1");
}

TEST(ScanExpressions, SaysWhichProblemATemplateHasWithoutReadingItsMessage) {
  std::vector<TemplateProblem> problems;
  const auto record = [&](const std::string&, TemplateProblem problem, const std::string&) {
    problems.push_back(problem);
  };
  const auto ignore = [](const std::string&, const std::string&) {};
  scan_expressions(Json{{"a", "${{   }}"}, {"b", "x ${{ y"}, {"c", "${{ ok }}"}}, ignore, record);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0], TemplateProblem::EmptyExpression);
  EXPECT_EQ(problems[1], TemplateProblem::Unterminated);
}

}  // namespace
}  // namespace linkhub
