// ai.caption's second source, `screen_text` (the text on screen, as media.ocr
// reads it), through the real C ABI: a price shown only on screen is found and
// says so, a caption price the screen contradicts is flagged, and OCR noise
// (unsure words, numbers without a currency) never becomes a price.
#include "ai_test_calls.hpp"

namespace linkhub {
namespace {

Json caption_with_screen(const std::string& caption, const Json& screen, const Json& more = Json::object()) {
  Json input = {{"caption", caption}, {"screen_text", screen}};
  input.update(more);
  const StepResult out = ai_test::call("ai.caption", input);
  EXPECT_EQ(out.status, LH_OK) << out.error;
  return out.output;
}

Json word(const std::string& text, double confidence, int line, int y = 100) {
  return {{"text", text},
          {"confidence", confidence},
          {"line", line},
          {"box", {{"x", 10}, {"y", y}, {"width", 80}, {"height", 40}}}};
}

// media.ocr's output with one frame of these words.
Json ocr_output(const Json& words) {
  return {{"text", ""}, {"word_count", words.size()}, {"frames", Json::array({{{"rank", 1}, {"words", words}}})}};
}

TEST(AiCaptionScreenText, APriceOnlyOnScreenIsFoundAndSaysItCameFromTheScreen) {
  const Json out = caption_with_screen("Linen shirt, 4 colours, sizes S-XXL #linenshirt", "SUMMER SALE\nonly $24.99");
  ASSERT_EQ(out["prices"].size(), 1u) << out.dump(2);
  EXPECT_EQ(out["prices"][0]["amount"], 24.99);
  EXPECT_EQ(out["prices"][0]["currency"], "USD");
  EXPECT_EQ(out["prices"][0]["source"], "screen");
  EXPECT_EQ(out["price_source"], "screen");
  EXPECT_TRUE(out["price_conflict"].is_null());
  ASSERT_EQ(out["screen"]["prices"].size(), 1u);
  EXPECT_EQ(out["screen"]["prices"][0]["line"], "only $24.99");
}

TEST(AiCaptionScreenText, ACaptionPriceTheScreenContradictsIsFlaggedAndKept) {
  const Json out = caption_with_screen("Linen shirt only $24.99 today! #linenshirt", "NOW $19.99");
  ASSERT_EQ(out["prices"].size(), 1u) << out.dump(2);
  EXPECT_EQ(out["prices"][0]["amount"], 24.99);
  EXPECT_EQ(out["prices"][0]["source"], "caption");
  EXPECT_EQ(out["price_source"], "caption");
  ASSERT_TRUE(out["price_conflict"].is_object()) << out.dump(2);
  EXPECT_EQ(out["price_conflict"]["caption"]["amount"], 24.99);
  EXPECT_EQ(out["price_conflict"]["screen"]["amount"], 19.99);
  EXPECT_EQ(out["price_conflict"]["screen"]["text"], "$19.99");
  EXPECT_FALSE(out["screen"]["confirmed"].get<bool>());
}

TEST(AiCaptionScreenText, AScreenShowingOneOfTheCaptionsPricesConfirmsIt) {
  const Json out = caption_with_screen("Luminária LED: De R$ 129,90 por R$ 79,90! #decoracao", "SÓ HOJE R$ 79,90");
  EXPECT_TRUE(out["price_conflict"].is_null()) << out.dump(2);
  EXPECT_TRUE(out["screen"]["confirmed"].get<bool>());
  EXPECT_EQ(out["prices"].size(), 2u) << "the screen adds nothing when the caption has prices";
}

TEST(AiCaptionScreenText, ShorthandOnScreenTakesTheCaptionsCurrency) {
  const Json out = caption_with_screen("Tai nghe bluetooth chống ồn giá chỉ 299k, freeship toàn quốc", "SALE 199K");
  ASSERT_TRUE(out["price_conflict"].is_object()) << out.dump(2);
  EXPECT_EQ(out["price_conflict"]["screen"]["amount"], 199000);
  EXPECT_EQ(out["price_conflict"]["screen"]["currency"], "VND");
}

TEST(AiCaptionScreenText, MediaOcrsOutputIsReadWordByWordAboveTheConfidenceFloor) {
  const Json sure = caption_with_screen("Serum vitamin C #skincare",
                                        ocr_output({word("Cuma", 91, 0), word("Rp", 93, 0), word("89.000", 95, 0)}));
  ASSERT_EQ(sure["prices"].size(), 1u) << sure.dump(2);
  EXPECT_EQ(sure["prices"][0]["amount"], 89000);
  EXPECT_EQ(sure["prices"][0]["currency"], "IDR");
  EXPECT_EQ(sure["prices"][0]["source"], "screen");
  EXPECT_EQ(sure["screen"]["prices"][0]["ocr_confidence"], 91);

  // The same words, the price one read with little confidence: noise, not a price.
  const Json unsure = caption_with_screen("Serum vitamin C #skincare",
                                          ocr_output({word("Cuma", 91, 0), word("Rp", 93, 0), word("89.000", 62, 0)}));
  EXPECT_TRUE(unsure["prices"].empty()) << unsure.dump(2);
  EXPECT_EQ(unsure["price_source"], "none");
  EXPECT_EQ(unsure["screen"]["words_dropped"], 1);
  EXPECT_EQ(unsure["screen"]["min_confidence"], 80);

  // ... unless the workflow lowers the floor.
  const Json lowered = caption_with_screen("Serum vitamin C #skincare",
                                           ocr_output({word("Cuma", 91, 0), word("Rp", 93, 0), word("89.000", 62, 0)}),
                                           {{"screen_min_confidence", 60}});
  EXPECT_EQ(lowered["prices"].size(), 1u) << lowered.dump(2);
}

TEST(AiCaptionScreenText, AnUnsureWordBetweenCurrencyAndAmountSplitsThem) {
  const Json out = caption_with_screen("Linen shirt #linenshirt",
                                       ocr_output({word("$", 96, 0), word("~7", 31, 0), word("24.99", 94, 0)}));
  EXPECT_TRUE(out["prices"].empty()) << "never assembled across an unsure word: " << out.dump(2);
}

TEST(AiCaptionScreenText, NumbersWithoutACurrencyOnScreenAreNoPrice) {
  const Json out =
      caption_with_screen("Linen shirt #linenshirt", "NEW COLLECTION 2024\n4 colours 45\nsizes 38 40 42\n#1 seller");
  EXPECT_TRUE(out["prices"].empty()) << out.dump(2);
  EXPECT_EQ(out["price_source"], "none");
}

TEST(AiCaptionScreenText, WordsWithoutALineAreGroupedByTheirBoxes) {
  Json apart = {word("Rp", 95, 0, 100), word("89.000", 95, 0, 400)};
  Json together = {word("Rp", 95, 0, 100), word("89.000", 95, 0, 104)};
  for (Json* words : {&apart, &together}) {
    for (Json& w : *words) {
      w.erase("line");
    }
  }
  EXPECT_TRUE(caption_with_screen("Serum #skincare", apart)["prices"].empty());
  const Json out = caption_with_screen("Serum #skincare", together);
  ASSERT_EQ(out["prices"].size(), 1u) << out.dump(2);
  EXPECT_EQ(out["prices"][0]["amount"], 89000);
}

TEST(AiCaptionScreenText, WithoutScreenTextTheOutputIsAsBefore) {
  const StepResult out =
      ai_test::call("ai.caption", {{"caption", "Linen shirt only $24.99"}, {"screen_text", nullptr}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_FALSE(out.output.contains("price_source")) << out.output.dump(2);
  EXPECT_FALSE(out.output["prices"][0].contains("source"));
}

TEST(AiCaptionScreenText, BadScreenTextIsAnErrorNamingWhere) {
  const StepResult number = ai_test::call("ai.caption", {{"caption", "shirt"}, {"screen_text", 42}});
  EXPECT_EQ(number.status, LH_ERROR);
  EXPECT_NE(number.error.find("screen_text"), std::string::npos) << number.error;

  const StepResult confidence = ai_test::call(
      "ai.caption", {{"caption", "shirt"}, {"screen_text", ocr_output(Json::array({word("$9", 150, 0)}))}});
  EXPECT_EQ(confidence.status, LH_ERROR);
  EXPECT_NE(confidence.error.find("screen_text.frames[0].words[0].confidence"), std::string::npos) << confidence.error;

  const StepResult no_text = ai_test::call("ai.caption", {{"caption", "shirt"}, {"screen_text", {{"rank", 1}}}});
  EXPECT_EQ(no_text.status, LH_ERROR);
  EXPECT_NE(no_text.error.find("neither words nor text"), std::string::npos) << no_text.error;
}

}  // namespace
}  // namespace linkhub
