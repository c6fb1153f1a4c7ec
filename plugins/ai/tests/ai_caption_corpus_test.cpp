// ai.caption on a corpus of shop captions (captions.json): every caption with
// its full expected result. A case's name says what it is about.
#include "ai_test_calls.hpp"

#include <cmath>
#include <set>

namespace linkhub {
namespace {

const Json& corpus() {
  static const Json cases = ai_test::read_cases("captions.json");
  return cases;
}

std::vector<Json> cases() {
  return std::vector<Json>(corpus().begin(), corpus().end());
}

// Thai, Japanese, Chinese, Korean, Arabic and Hindi: prices with their own
// digits and signs, calls to action in scripts written without spaces.
std::vector<Json> asian_cases() {
  const Json cases = ai_test::read_cases("captions_asia.json");
  return std::vector<Json>(cases.begin(), cases.end());
}

TEST(AiCaptionCorpus, HoldsAtLeastSixtyCaptionsInManyLanguagesAndCurrencies) {
  ASSERT_GE(corpus().size(), 60u) << ai_test::test_file("captions.json");
  std::set<std::string> languages;
  std::set<std::string> currencies;
  for (const Json& c : corpus()) {
    languages.insert(c["expect"]["language"].get<std::string>());
    for (const Json& p : c["expect"]["prices"]) {
      currencies.insert(p["currency"].get<std::string>());
    }
  }
  EXPECT_GE(languages.size(), 14u);
  EXPECT_GE(currencies.size(), 18u);
}

class AiCaptionCase : public ::testing::TestWithParam<Json> {};

std::vector<std::string> ids(const Json& calls_to_action) {
  std::vector<std::string> out;
  for (const Json& c : calls_to_action) {
    out.push_back(c["id"].get<std::string>() + (c.contains("keyword") ? ":" + c["keyword"].get<std::string>() : ""));
  }
  return out;
}

TEST_P(AiCaptionCase, GivesItsExpectedResult) {
  const Json& c = GetParam();
  const Json& want = c["expect"];
  Json input = {{"caption", c["caption"]}};
  if (c.contains("default_currency")) {
    input["default_currency"] = c["default_currency"];
  }
  const StepResult out = ai_test::call("ai.caption", input);
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const Json& got = out.output;
  SCOPED_TRACE("caption: " + c["caption"].get<std::string>() + "\noutput: " + got.dump());

  EXPECT_EQ(got["language"], want["language"]);
  EXPECT_EQ(got["title"], want["title"]);
  EXPECT_EQ(got["hashtags"], want["hashtags"]);
  EXPECT_EQ(got["mentions"], want["mentions"]);
  EXPECT_EQ(got["discount_codes"], want["discount_codes"]);
  EXPECT_EQ(ids(got["calls_to_action"]), want["calls_to_action"].get<std::vector<std::string>>());

  ASSERT_EQ(got["prices"].size(), want["prices"].size());
  for (size_t i = 0; i < want["prices"].size(); ++i) {
    const Json& g = got["prices"][i];
    const Json& w = want["prices"][i];
    EXPECT_EQ(g["text"], w["text"]) << "price " << i;
    EXPECT_EQ(g["currency"], w["currency"]) << "price " << i;
    EXPECT_EQ(g["kind"], w["kind"]) << "price " << i;
    EXPECT_NEAR(g["amount"].get<double>(), w["amount"].get<double>(), 1e-9 * std::max(1.0, w["amount"].get<double>()))
        << "price " << i;
    EXPECT_GT(g["confidence"].get<double>(), 0.0) << "price " << i;
    EXPECT_LE(g["confidence"].get<double>(), 1.0) << "price " << i;
  }
  if (want.contains("products_include")) {
    for (const Json& p : want["products_include"]) {
      bool found = false;
      for (const Json& g : got["products"]) {
        found = found || g["text"] == p;
      }
      EXPECT_TRUE(found) << "no product " << p;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Captions, AiCaptionCase, ::testing::ValuesIn(cases()), ai_test::case_name);
INSTANTIATE_TEST_SUITE_P(AsianCaptions, AiCaptionCase, ::testing::ValuesIn(asian_cases()), ai_test::case_name);

}  // namespace
}  // namespace linkhub
