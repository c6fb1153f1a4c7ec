// The word folding behind catalog search, called directly.
#include "text_fold.hpp"

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using catalog::search_words;
using Words = std::vector<std::string>;

TEST(CatalogTextFold, LowersCaseAndDropsLatinAccents) {
  EXPECT_EQ(search_words("Café CRÈME, brûlée!"), (Words{"cafe", "creme", "brulee"}));
  EXPECT_EQ(search_words("Straße Größe ÇOK güzel ŁÓDŹ Ærø șosea"),
            (Words{"strasse", "grosse", "cok", "guzel", "lodz", "aero", "sosea"}));
  EXPECT_EQ(search_words("Tiếng Việt"), (Words{"tieng", "viet"}));
}

TEST(CatalogTextFold, LowersGreekAndCyrillicWithoutMergingLetters) {
  EXPECT_EQ(search_words("КРОССОВКИ Йогурт"), (Words{"кроссовки", "йогурт"}));  // й is not и
  EXPECT_EQ(search_words("Άλφα ΤΕΛΟΣ"), (Words{"αλφα", "τελοσ"}));
}

TEST(CatalogTextFold, SplitsAtPunctuationSymbolsAndEmoji) {
  EXPECT_EQ(search_words("#deal🔥t-shirt, 50%off…«nuevo»"), (Words{"deal", "t", "shirt", "50", "off", "nuevo"}));
  EXPECT_EQ(search_words("  \t\n "), Words{});
  EXPECT_EQ(search_words("ＡＢＣ１２"), Words{"abc12"});
}

TEST(CatalogTextFold, HandlesDecomposedAccentsAndBrokenBytes) {
  EXPECT_EQ(search_words("Cafe\xcc\x81"), Words{"cafe"});  // e + combining acute
  EXPECT_EQ(search_words(std::string("ab\xff"
                                     "cd\xc3")),
            (Words{"ab", "cd"}));
  EXPECT_EQ(catalog::utf8_length("héllo"), 5u);
  EXPECT_EQ(catalog::search_text("Hello,  World"), "hello world");
}

TEST(CatalogTextFold, KeepsScriptsItDoesNotFold) {
  EXPECT_EQ(search_words("東京 大阪"), (Words{"東京", "大阪"}));
  EXPECT_EQ(search_words("مرحبا"), Words{"مرحبا"});
  EXPECT_EQ(search_words("साड़ी ₹499"), (Words{"साड़ी", "499"}));  // a matra is part of its word
}

TEST(CatalogTextFold, SplitsScriptsWrittenWithoutSpacesIntoWords) {
  EXPECT_EQ(search_words("เสื้อยืดสีขาว"), (Words{"เสื้อ", "ยืด", "สี", "ขาว"}));
  EXPECT_EQ(search_words("ราคา 299 บาท"), (Words{"ราคา", "299", "บาท"}));
  // Han and kana words of three characters or more: their overlapping pairs.
  EXPECT_EQ(search_words("東京タワーのマグカップ"),
            (Words{"東京", "京タ", "タワ", "ワー", "の", "マグ", "グカ", "カッ", "ップ"}));
  EXPECT_EQ(search_words("白色 运动"), (Words{"白色", "运动"}));
}

TEST(CatalogTextFold, FoldsWhatNfkcFolds) {
  // Half-width kana (then paired, as kana of three characters), a ligature.
  EXPECT_EQ(search_words("ｶﾌｪ ﬁne ＳＡＬＥ"), (Words{"カフ", "フェ", "fine", "sale"}));
  EXPECT_EQ(search_words("İstanbul"), Words{"istanbul"});
  EXPECT_EQ(search_words("don't"), (Words{"don", "t"}));
  EXPECT_EQ(search_words("ɶ ᴀʙᴄ"), (Words{"oe", "abc"}));  // small capitals: lower case (found by fuzzing)
}

}  // namespace
}  // namespace linkhub
