// The text layer under ai.caption and ai.tags (ICU and CLD2): digits of every
// script read as amounts, scripts written without spaces split into words,
// NFKC case folding, and languages the function-word lists do not know.
#include "ai_test_calls.hpp"

namespace linkhub {
namespace {

Json text_caption(const std::string& text) {
  const StepResult out = ai_test::call("ai.caption", {{"caption", text}});
  EXPECT_EQ(out.status, LH_OK) << out.error;
  return out.output;
}

std::vector<std::string> text_cta_ids(const Json& out) {
  std::vector<std::string> ids;
  for (const Json& c : out["calls_to_action"]) {
    ids.push_back(c["id"]);
  }
  return ids;
}

TEST(AiText, DigitsOfEveryScriptReadAsAmounts) {
  struct Case {
    const char* text;
    double amount;
    const char* currency;
  };
  for (const Case& c : {Case{"ราคา ๒๙๙ บาท", 299, "THB"},            // Thai digits
                        Case{"कुर्ता ₹४९९", 499, "INR"},               // Devanagari digits
                        Case{"ワンピース １９８０円", 1980, "JPY"},  // full-width digits
                        Case{"عطر ٩٩٫٥٠ ر.س", 99.5, "SAR"},          // Arabic-Indic digits, Arabic decimal separator
                        Case{"ساعة ١٬٢٩٩ درهم", 1299, "AED"}}) {     // ... and thousands separator
    const Json out = text_caption(c.text);
    ASSERT_EQ(out["prices"].size(), 1u) << c.text << ": " << out.dump();
    EXPECT_DOUBLE_EQ(out["prices"][0]["amount"].get<double>(), c.amount) << c.text;
    EXPECT_EQ(out["prices"][0]["currency"], c.currency) << c.text;
  }
}

TEST(AiText, CallsToActionAreFoundInsideTextWithoutSpaces) {
  EXPECT_EQ(text_cta_ids(text_caption("เสื้อสวยมากสั่งเลยวันนี้")), std::vector<std::string>{"order_now"});
  EXPECT_EQ(text_cta_ids(text_caption("新款连衣裙立即购买")), std::vector<std::string>{"shop_now"});
}

TEST(AiText, PricesGluedToWordsOfScriptsWithoutSpacesAreStillPrices) {
  const Json out = text_caption("ราคาพิเศษ299บาท");
  ASSERT_EQ(out["prices"].size(), 1u) << out.dump();
  EXPECT_EQ(out["prices"][0]["currency"], "THB");
  // ...while a Latin code glued to a number stays a code.
  EXPECT_TRUE(text_caption("use SAVE20 today")["prices"].empty());
}

TEST(AiText, FullWidthLettersFoldLikeTheirAsciiForms) {
  const StepResult out = ai_test::call("ai.tags", {{"hashtags", {"#ＤＲＥＳＳ", "dress"}}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["tags"], Json({"dress"}));
}

TEST(AiText, LatinCaptionsInLanguagesWithoutFunctionWordListsGetCld2sAnswer) {
  EXPECT_EQ(text_caption("Nieuwe zomerjurk van katoen, nu voor maar 25 euro. Bestel vandaag nog!")["language"], "nl");
  EXPECT_EQ(text_caption("Yeni sezon keten gömlek sadece 299 TL, hemen sipariş verin")["language"], "tr");
  // Strong function-word evidence still decides an English caption.
  EXPECT_EQ(text_caption("New linen shirts just dropped! Only $24.99 this week only. Link in bio")["language"], "en");
}

TEST(AiText, BadBytesInScriptsWithoutSpacesAreAClearError) {
  const StepResult out = ai_test::call_text("ai.caption", std::string("{\"caption\": \"ราคา\xE0\xB8 299\"}"));
  EXPECT_EQ(out.status, LH_INVALID_INPUT) << out.error;
  EXPECT_NE(out.error.find("UTF-8"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace linkhub
