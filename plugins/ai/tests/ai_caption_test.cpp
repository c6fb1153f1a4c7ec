// ai.caption through the real C ABI: what it extracts, its backend and
// currency inputs, and input that must fail cleanly (ill-formed UTF-8) or not
// at all (empty, emoji only, 100 KB, numbers that are not prices).
#include "ai_test_calls.hpp"

namespace linkhub {
namespace {

StepResult caption(const Json& input) {
  return ai_test::call("ai.caption", input);
}

Json analyse(const std::string& text, const std::string& default_currency = "") {
  Json input = {{"caption", text}};
  if (!default_currency.empty()) {
    input["default_currency"] = default_currency;
  }
  const StepResult out = caption(input);
  EXPECT_EQ(out.status, LH_OK) << out.error;
  return out.output;
}

size_t code_points(const std::string& s) {
  size_t n = 0;
  for (char c : s) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }
  return n;
}

bool valid_utf8(const std::string& s) {
  try {
    (void)Json(s).dump();  // nlohmann refuses to serialise ill-formed UTF-8
    return true;
  } catch (const Json::exception&) {
    return false;
  }
}

TEST(AiCaption, ExtractsEveryFieldOfAShopCaption) {
  const Json out = analyse(
      "Linen shirt only $24.99 🔥 use code SAVE20 for 20% off! Comment BUY or tap the link in bio @linenco #Linen "
      "#shirt #linen");
  EXPECT_EQ(out["backend"], "builtin");
  EXPECT_EQ(out["title"], "Linen shirt only $24.99");
  EXPECT_EQ(out["hashtags"], Json({"linen", "shirt"}));
  EXPECT_EQ(out["mentions"], Json({"linenco"}));
  ASSERT_EQ(out["prices"].size(), 1u);
  EXPECT_EQ(out["prices"][0]["amount"], 24.99);
  EXPECT_EQ(out["prices"][0]["currency"], "USD");
  EXPECT_EQ(out["prices"][0]["text"], "$24.99");
  EXPECT_EQ(out["prices"][0]["kind"], "exact");
  EXPECT_EQ(out["discount_codes"], Json::parse(R"([{"code": "SAVE20", "percent": 20.0}])"));
  ASSERT_EQ(out["calls_to_action"].size(), 2u);
  EXPECT_EQ(out["calls_to_action"][0]["id"], "comment_keyword");
  EXPECT_EQ(out["calls_to_action"][0]["keyword"], "BUY");
  EXPECT_EQ(out["calls_to_action"][1]["id"], "link_in_bio");
  EXPECT_EQ(out["calls_to_action"][1]["text"], "tap the link in bio");
  ASSERT_FALSE(out["products"].empty());
  EXPECT_EQ(out["products"][0]["text"], "Linen shirt");
  EXPECT_EQ(out["language"], "en");
  EXPECT_GT(out["language_confidence"].get<double>(), 0.5);
}

TEST(AiCaption, TakesTextAsAnotherNameForCaption) {
  const StepResult out = caption({{"text", "Mug £8 #mug"}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["prices"][0]["currency"], "GBP");
  const StepResult none = caption(Json::object());
  EXPECT_EQ(none.status, LH_ERROR);
  EXPECT_NE(none.error.find("no caption"), std::string::npos) << none.error;
}

TEST(AiCaption, RefusesAnUnknownBackendNamingTheAvailableOnes) {
  const StepResult out = caption({{"caption", "Mug £8"}, {"backend", "gpt"}});
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_NE(out.error.find("unknown backend \"gpt\""), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("builtin"), std::string::npos) << out.error;
  // The engine catches it earlier, from the input schema's enum (tests/unit/ai_schemas_test.cpp).
  EXPECT_EQ(caption({{"caption", "Mug £8"}, {"backend", "builtin"}}).status, LH_OK);
}

TEST(AiCaption, DefaultCurrencyNamesBareShorthandAndTheDollar) {
  // "59k" alone says nothing about its currency in English...
  EXPECT_TRUE(analyse("Tote bag 59k")["prices"].empty());
  // ...the hint, the caption's other prices or its language do.
  const Json hinted = analyse("Tote bag 59k", "vnd");
  ASSERT_EQ(hinted["prices"].size(), 1u);
  EXPECT_EQ(hinted["prices"][0]["currency"], "VND");
  EXPECT_EQ(hinted["prices"][0]["amount"], 59000);
  EXPECT_LT(hinted["prices"][0]["confidence"].get<double>(), 0.8);  // shorthand is less sure
  EXPECT_EQ(analyse("Túi tote chỉ 59k")["prices"][0]["currency"], "VND");
  EXPECT_EQ(analyse("Tas tote cuma 59k aja")["prices"][0]["currency"], "IDR");
  EXPECT_EQ(analyse("Áo 99k, quần ₫150.000")["prices"][0]["currency"], "VND");

  const Json dollar = analyse("Hoodie $45");
  EXPECT_EQ(dollar["prices"][0]["currency"], "USD");
  EXPECT_EQ(analyse("Hoodie $45", "AUD")["prices"][0]["currency"], "AUD");
  EXPECT_GT(analyse("Hoodie $45", "AUD")["prices"][0]["confidence"].get<double>(),
            dollar["prices"][0]["confidence"].get<double>());
  // A hint never overrides an explicit mark.
  EXPECT_EQ(analyse("Hoodie €45", "USD")["prices"][0]["currency"], "EUR");
  EXPECT_EQ(analyse("Hoodie $45 SGD", "USD")["prices"][0]["currency"], "SGD");
  // "kr" is only money with a krona hint.
  EXPECT_TRUE(analyse("Sweater 299 kr")["prices"].empty());
  EXPECT_EQ(analyse("Sweater 299 kr", "SEK")["prices"][0]["currency"], "SEK");
}

TEST(AiCaption, ReadsTheShorthandOfVietnameseAndIndonesianShops) {
  const Json vn = analyse("Laptop giá 16.900K, phụ kiện 1tr2, ốp 59.000đ, sạc ₫99.000, cáp 45 nghìn");
  ASSERT_EQ(vn["prices"].size(), 5u) << vn["prices"];
  // "16.900K": the dot groups thousands, then K multiplies: 16,900 thousand.
  EXPECT_EQ(vn["prices"][0]["amount"], 16900000);
  EXPECT_EQ(vn["prices"][1]["amount"], 1200000);
  EXPECT_EQ(vn["prices"][2]["amount"], 59000);
  EXPECT_EQ(vn["prices"][3]["amount"], 99000);
  EXPECT_EQ(vn["prices"][4]["amount"], 45000);
  for (const Json& p : vn["prices"]) {
    EXPECT_EQ(p["currency"], "VND") << p;
  }
  const Json id = analyse("Kaos 150rb, jaket 1,2jt, celana Rp 89.000, topi 35 ribu");
  ASSERT_EQ(id["prices"].size(), 4u) << id["prices"];
  EXPECT_EQ(id["prices"][0]["amount"], 150000);
  EXPECT_EQ(id["prices"][1]["amount"], 1200000);
  EXPECT_EQ(id["prices"][2]["amount"], 89000);
  EXPECT_EQ(id["prices"][3]["amount"], 35000);
  // "1.2k" is a decimal thousand; "2.500k" groups thousands first.
  EXPECT_EQ(analyse("Bag 1.2k", "PHP")["prices"][0]["amount"], 1200);
  EXPECT_EQ(analyse("TV 2.500k", "VND")["prices"][0]["amount"], 2500000);
}

TEST(AiCaption, SharesAMultiplierWrittenOnceAcrossARange) {
  const Json out = analyse("Áo khoác nữ giá 199-299k tùy size nha");
  ASSERT_EQ(out["prices"].size(), 2u);
  EXPECT_EQ(out["prices"][0]["amount"], 199000);
  EXPECT_EQ(out["prices"][0]["kind"], "range_low");
  EXPECT_EQ(out["prices"][1]["amount"], 299000);
  EXPECT_EQ(out["prices"][1]["kind"], "range_high");
  const Json euros = analyse("Sac 10-15€");
  ASSERT_EQ(euros["prices"].size(), 2u);
  EXPECT_EQ(euros["prices"][0]["currency"], "EUR");
  EXPECT_EQ(euros["prices"][0]["text"], "10");
}

TEST(AiCaption, EmptyCaptionGivesEmptyResults) {
  const Json out = analyse("");
  EXPECT_EQ(out["title"], "");
  EXPECT_EQ(out["language"], "und");
  EXPECT_EQ(out["language_confidence"], 0);
  for (const char* list : {"hashtags", "mentions", "prices", "discount_codes", "calls_to_action", "products"}) {
    EXPECT_TRUE(out[list].empty()) << list;
  }
}

TEST(AiCaption, EmojiOnlyCaptionHasNoTitleAndNoLanguage) {
  const Json out = analyse("🔥🔥🔥 ❤️‍🔥 👇👇 1️⃣ 🇻🇳 ✨");
  EXPECT_EQ(out["title"], "");
  EXPECT_EQ(out["language"], "und");
  EXPECT_TRUE(out["prices"].empty());  // a keycap "1️⃣" is not a number
}

TEST(AiCaption, IllFormedUtf8IsAClearErrorAndNeverACrash) {
  for (const std::string& bad : {std::string("{\"caption\": \"Mug \xFF $8\"}"),      // stray byte
                                 std::string("{\"caption\": \"Mug \xC3\"}"),         // truncated sequence
                                 std::string("{\"caption\": \"\xE0\x80\xAF\"}"),     // overlong '/'
                                 std::string("{\"caption\": \"\xED\xA0\x80\"}"),     // UTF-16 surrogate
                                 std::string("{\"caption\": \"\\ud800 lone\"}")}) {  // escaped lone surrogate
    const StepResult out = ai_test::call_text("ai.caption", bad);
    EXPECT_EQ(out.status, LH_INVALID_INPUT) << bad << ": " << out.error;
    EXPECT_FALSE(out.error.empty());
  }
  const StepResult out = ai_test::call_text("ai.caption", std::string("{\"caption\": \"Mug \xFF\"}"));
  EXPECT_NE(out.error.find("UTF-8"), std::string::npos) << out.error;
}

TEST(AiCaption, NumbersThatAreNotPricesStayOut) {
  for (const char* text : {
           "Sale ends 25.12.2024, see you in 2025",   // dates, years
           "2 for 1 on all tees",                     // quantities
           "100% cotton, 95% polyester 5% spandex",   // percentages
           "Call 0912 345 678 or +84 912 345 678",    // phone numbers
           "Sizes 36-45, 2-3 days delivery",          // ranges of other things
           "Opens 10:30, closes 12/25",               // times and dates
           "4K TV, 10k followers, 5kg, 500ml, 3pcs",  // units and counts
           "Top 10 picks for 2024 #1 best seller",    // ranks
           "iPhone 15 Pro Max 256GB",                 // models
       }) {
    EXPECT_TRUE(analyse(text)["prices"].empty()) << text << ": " << analyse(text)["prices"];
  }
  // ...even where shorthand would otherwise be read as money.
  EXPECT_TRUE(analyse("Đã bán 10k đơn, 4.8 sao, 2 năm bảo hành")["prices"].empty());
}

TEST(AiCaption, TitleIsAtMostEightyCodePointsCutOnAWordAndNeverInsideACodePoint) {
  const std::string long_vietnamese =
      "Áo sơ mi lụa nữ tay dài cổ đức phong cách Hàn Quốc thanh lịch sang trọng phù hợp đi làm đi chơi dự tiệc "
      "mùa hè";
  const Json out = analyse(long_vietnamese);
  const std::string title = out["title"];
  EXPECT_LE(code_points(title), 80u);
  EXPECT_TRUE(valid_utf8(title));
  EXPECT_EQ(long_vietnamese.rfind(title, 0), 0u) << title;  // a prefix...
  EXPECT_EQ(long_vietnamese[title.size()], ' ') << title;   // ...ending at a word boundary
  // Scripts without spaces are cut at 80 code points exactly.
  std::string thai;
  for (int i = 0; i < 30; ++i) {
    thai += "เสื้อยืด";
  }
  const std::string thai_title = analyse(thai)["title"];
  EXPECT_EQ(code_points(thai_title), 80u);
  EXPECT_TRUE(valid_utf8(thai_title));
  // A base letter keeps its combining marks: never cut between them.
  std::string marks;
  for (int i = 0; i < 90; ++i) {
    marks += "e\xCC\x81";  // e + combining acute
  }
  const std::string marks_title = analyse(marks)["title"];
  EXPECT_LE(code_points(marks_title), 80u);
  EXPECT_EQ(marks_title.size() % 3, 0u) << "cut between a letter and its accent";
}

TEST(AiCaption, TitleDropsHashtagsMentionsEmojiUrlsAndTheTrailingCallToAction) {
  EXPECT_EQ(
      analyse(
          "  Summer   dress\t🌸 by @shop https://shop.example/d?id=1 www.shop.example #dress  — link in bio")["title"],
      "Summer dress by");
  EXPECT_EQ(analyse("Shop now: Ceramic vase set $28")["title"], "Ceramic vase set $28");
  EXPECT_EQ(analyse("🔥 SALE 🔥\nCeramic vase set $28\nlinktr.ee/vases")["title"], "Ceramic vase set $28");
}

TEST(AiCaption, HashtagsAreLowercaseUnicodeAwareAndDeduplicated) {
  const Json out = analyse("#ÁoThun #áothun #AOTHUN #Ελλάδα #ПРИВЕТ #fyp#viral #コスメ C#sharp a#b #123 &#39; ＃全角");
  EXPECT_EQ(out["hashtags"], Json({"áothun", "aothun", "ελλάδα", "привет", "fyp", "viral", "コスメ", "全角"}));
}

TEST(AiCaption, MentionsLeaveEmailAddressesAlone) {
  const Json out = analyse("Collab with @Shop.Co and @glow_beauty. Mail hi@shop.co or @glow_beauty again");
  EXPECT_EQ(out["mentions"], Json({"shop.co", "glow_beauty"}));
}

TEST(AiCaption, DiscountCodesNeedACodeLikeWord) {
  EXPECT_TRUE(analyse("Use code at checkout for a surprise")["discount_codes"].empty());
  EXPECT_TRUE(analyse("the dress code is smart casual")["discount_codes"].empty());
  EXPECT_EQ(analyse("promo code: \"summer\" for 15% off")["discount_codes"],
            Json::parse(R"([{"code": "summer", "percent": 15.0}])"));
  EXPECT_EQ(analyse("Nhập mã GIAM50K giảm 50%")["discount_codes"],
            Json::parse(R"([{"code": "GIAM50K", "percent": 50.0}])"));
  EXPECT_EQ(analyse("Kode voucher: HEMAT-10 ya")["discount_codes"],
            Json::parse(R"([{"code": "HEMAT-10", "percent": null}])"));
  EXPECT_EQ(analyse("coupon BF2024 + cupón VERANO20 (-20%)")["discount_codes"],
            Json::parse(R"([{"code": "BF2024", "percent": 20.0}, {"code": "VERANO20", "percent": 20.0}])"));
}

TEST(AiCaption, CallsToActionAreNormalisedAcrossLanguages) {
  const std::pair<const char*, const char*> cases[] = {
      {"link in bio", "link_in_bio"},
      {"link di bio ya", "link_in_bio"},
      {"lien en bio", "link_in_bio"},
      {"Link in der Bio", "link_in_bio"},
      {"enlace en la bio", "link_in_bio"},
      {"link na bio", "link_in_bio"},
      {"Shop now", "shop_now"},
      {"mua ngay", "shop_now"},
      {"beli sekarang", "shop_now"},
      {"compra ya", "shop_now"},
      {"jetzt kaufen", "shop_now"},
      {"Order now", "order_now"},
      {"chốt đơn", "order_now"},
      {"pesan sekarang", "order_now"},
      {"commandez", "order_now"},
      {"DM me", "dm"},
      {"ib shop", "dm"},
      {"manda DM", "dm"},
      {"tap the yellow basket", "yellow_basket"},
      {"keranjang kuning", "yellow_basket"},
      {"giỏ hàng", "yellow_basket"},
      {"cesta amarilla", "yellow_basket"},
      {"swipe up", "swipe_up"},
      {"vuốt lên", "swipe_up"},
      {"check the shop tab", "shop_tab"},
      {"cek etalase", "shop_tab"},
      {"click the link", "click_link"},
      {"klik link", "click_link"},
      {"ＳＨＯＰ ＮＯＷ", "shop_now"},  // full-width Latin, as Japanese and Chinese keyboards type it
      {"ＬＩＮＫ ＩＮ ＢＩＯ", "link_in_bio"},
      {"chot don", "order_now"},  // Vietnamese typed without its diacritics
  };
  for (const auto& [text, id] : cases) {
    const Json ctas = analyse(std::string("Mug ") + text)["calls_to_action"];
    ASSERT_EQ(ctas.size(), 1u) << text << ": " << ctas;
    EXPECT_EQ(ctas[0]["id"], id) << text;
  }
  const Json keyword = analyse("Comenta \"QUIERO\" y te lo mando")["calls_to_action"];
  ASSERT_EQ(keyword.size(), 1u);
  EXPECT_EQ(keyword[0]["keyword"], "QUIERO");
  EXPECT_TRUE(analyse("comment below what you think")["calls_to_action"].empty());
}

TEST(AiCaption, GuessesTheLanguageFromScriptsAndWords) {
  const std::pair<const char*, const char*> cases[] = {
      {"This is the best dress for the summer and you will love it", "en"},
      {"El mejor vestido para el verano, ¡envío gratis a toda España!", "es"},
      {"O melhor vestido para o verão, frete grátis para todo o Brasil", "pt"},
      {"Baju ini bagus banget dan murah, cocok untuk kamu yang suka gaya", "id"},
      {"Chiếc váy đẹp nhất cho mùa hè, mua ngay kẻo hết", "vi"},
      {"La meilleure robe pour cet été, livraison gratuite dès aujourd'hui", "fr"},
      {"Das beste Kleid für den Sommer, jetzt mit kostenlosem Versand", "de"},
      {"Il vestito più bello per l'estate, spedizione gratuita per tutti", "it"},
      {"ชุดเดรสสวยที่สุดสำหรับหน้าร้อน ส่งฟรีทั่วประเทศ", "th"},
      {"夏にぴったりのワンピース、送料無料です", "ja"},
      {"夏天最好看的连衣裙，全国包邮", "zh"},
      {"여름에 딱 맞는 원피스, 무료 배송", "ko"},
      {"أفضل فستان لفصل الصيف، شحن مجاني", "ar"},
      {"Лучшее платье для лета, бесплатная доставка", "ru"},
      {"12345 !!! ???", "und"},
  };
  for (const auto& [text, code] : cases) {
    const Json out = analyse(text);
    EXPECT_EQ(out["language"], code) << text;
    if (std::string(code) != "und") {
      EXPECT_GT(out["language_confidence"].get<double>(), 0.3) << text;
    }
  }
}

TEST(AiCaption, HandlesAHundredKilobyteCaption) {
  std::string big;
  int n = 0;
  while (big.size() < 100 * 1024) {
    big += "Ceramic mug " + std::to_string(n) + " only $" + std::to_string(10 + n % 50) + ".99 🔥 use code MUG" +
           std::to_string(n % 7) + " link in bio #mug #mug" + std::to_string(n % 40) + "\n";
    ++n;
  }
  const StepResult out = caption({{"caption", big}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["prices"].size(), static_cast<size_t>(n));
  EXPECT_EQ(out.output["hashtags"].size(), 41u);  // #mug and #mug0..#mug39, each once
  EXPECT_EQ(out.output["discount_codes"].size(), 7u);
  EXPECT_EQ(out.output["calls_to_action"].size(), 1u);
  EXPECT_LE(code_points(out.output["title"]), 80u);
  // One 100 KB word, and 100 KB of digits and separators.
  EXPECT_EQ(caption({{"caption", std::string(100 * 1024, 'a')}}).status, LH_OK);
  std::string digits;
  while (digits.size() < 100 * 1024) {
    digits += "1.2,3 ";
  }
  EXPECT_EQ(caption({{"caption", digits}}).status, LH_OK);
}

}  // namespace
}  // namespace linkhub
