// catalog.search through the C ABI on SQLite and PostgreSQL: words in any
// language and accent, filters, sort orders, cursor paging.
#include "catalog_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace linkhub {
namespace {

using catalog_test::CatalogTest;

class CatalogSearch : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    sneakers_ = add("1", "Zapatillas de correr rojas", "Cómodas y ligeras", {"calzado"}, "sneakers",
                    "fashion/shoes/sneakers", 59.99, "USD", "shoeshop", "es");
    mug_ = add("2", "Café Crème Mug", "Ceramic mug for crème brûlée lovers", {}, "mugs", "home/kitchen/mugs", 12, "EUR",
               "homegoods", "fr");
    boots_ = add("3", "Leather boots", "Warm and waterproof", {"boots", "winter"}, "boots", "fashion/shoes/boots", 120,
                 "USD", "shoeshop", "en-GB");
    scarf_ =
        add("4", "Silk scarf", "Hand made", {}, "scarves", "fashion/accessories/scarves", -1, "", "styleguru", "en");
    russian_ = add("5", "Кроссовки для бега", "Удобные и лёгкие", {}, "sneakers", "fashion/shoes/sneakers", 45, "USD",
                   "runner", "ru");
    german_ =
        add("6", "Straße Schuhe Größe 42", "Für jeden Tag", {}, "shoes", "fashion/shoes", 80, "EUR", "schuhhaus", "de");
  }

  // amount < 0: no price.
  int64_t add(const std::string& video_id, const std::string& title, const std::string& description,
              const std::vector<std::string>& tags, const std::string& category_id, const std::string& path,
              double amount, const std::string& currency, const std::string& author_id, const std::string& language) {
    Json p = {{"source", "tiktok"},
              {"video_id", video_id},
              {"title", title},
              {"description", description},
              {"tags", tags},
              {"category", {{"id", category_id}, {"path", path}}},
              {"author", "Display " + author_id},
              {"author_id", author_id},
              {"language", language}};
    if (amount >= 0) {
      p["price"] = {{"amount", amount}, {"currency", currency}};
    }
    return upsert(p);
  }

  std::set<int64_t> found(const Json& input) const {
    const std::vector<int64_t> ids = search_ids(input);
    return {ids.begin(), ids.end()};
  }

  int64_t sneakers_ = 0, mug_ = 0, boots_ = 0, scarf_ = 0, russian_ = 0, german_ = 0;
};

TEST_P(CatalogSearch, FindsWordsInTitleDescriptionAndTags) {
  EXPECT_EQ(found({{"query", "zapatillas"}}), std::set<int64_t>{sneakers_});
  EXPECT_EQ(found({{"query", "ligeras"}}), std::set<int64_t>{sneakers_});
  EXPECT_EQ(found({{"query", "winter"}}), std::set<int64_t>{boots_});
  EXPECT_EQ(found({{"query", "mug"}}), std::set<int64_t>{mug_});
  EXPECT_EQ(found({{"query", "leather winter"}}), std::set<int64_t>{boots_});
  EXPECT_TRUE(found({{"query", "leather scarf"}}).empty());  // every word must match
  EXPECT_TRUE(found({{"query", "nonexistentword"}}).empty());
}

TEST_P(CatalogSearch, MatchesWordsWhateverTheirCaseAndAccents) {
  EXPECT_EQ(found({{"query", "cafe creme"}}), std::set<int64_t>{mug_});
  EXPECT_EQ(found({{"query", "CAFÉ"}}), std::set<int64_t>{mug_});
  EXPECT_EQ(found({{"query", "brulee"}}), std::set<int64_t>{mug_});
  EXPECT_EQ(found({{"query", "comodas"}}), std::set<int64_t>{sneakers_});
  EXPECT_EQ(found({{"query", "strasse"}}), std::set<int64_t>{german_});
  EXPECT_EQ(found({{"query", "GRÖSSE"}}), std::set<int64_t>{german_});
  EXPECT_EQ(found({{"query", "fur"}}), std::set<int64_t>{german_});
  EXPECT_EQ(found({{"query", "кроссовки"}}), std::set<int64_t>{russian_});
  EXPECT_EQ(found({{"query", "КРОССОВКИ бега"}}), std::set<int64_t>{russian_});
  EXPECT_EQ(found({{"query", "лёгкие"}}), std::set<int64_t>{russian_});
}

// Thai, Japanese and Chinese write words without spaces between them: the
// index holds each word (ICU's dictionary breaks), so one word of a title
// finds it, and a part of a word does not.
TEST_P(CatalogSearch, FindsWordsOfScriptsWrittenWithoutSpaces) {
  const int64_t thai_ =
      add("7", "เสื้อยืดสีขาว ราคา 299 บาท", "ผ้าฝ้าย", {}, "tshirts", "fashion/tops", 299, "THB", "bkkshop", "th");
  const int64_t japanese_ =
      add("8", "東京タワーのマグカップ", "陶器", {}, "mugs", "home/kitchen/mugs", 1980, "JPY", "tokyoya", "ja");
  const int64_t chinese_ =
      add("9", "白色运动鞋仅需99元", "", {}, "sneakers", "fashion/shoes/sneakers", 99, "CNY", "shoes88", "zh");
  EXPECT_EQ(found({{"query", "เสื้อยืด"}}), std::set<int64_t>{thai_});
  EXPECT_EQ(found({{"query", "สีขาว"}}), std::set<int64_t>{thai_});
  EXPECT_EQ(found({{"query", "บาท"}}), std::set<int64_t>{thai_});
  EXPECT_TRUE(found({{"query", "เส"}}).empty()) << "a syllable is not a word";
  EXPECT_EQ(found({{"query", "東京"}}), std::set<int64_t>{japanese_});
  EXPECT_EQ(found({{"query", "マグカップ"}}), std::set<int64_t>{japanese_});
  EXPECT_EQ(found({{"query", "タワー"}}), std::set<int64_t>{japanese_});
  EXPECT_EQ(found({{"query", "東京タワー"}}), std::set<int64_t>{japanese_});
  EXPECT_EQ(found({{"query", "运动鞋"}}), std::set<int64_t>{chinese_});
  EXPECT_EQ(found({{"query", "白色"}}), std::set<int64_t>{chinese_});
  EXPECT_EQ(found({{"query", "鞋"}}), std::set<int64_t>{chinese_});
  EXPECT_TRUE(found({{"query", "京都"}}).empty());
}

TEST_P(CatalogSearch, AQueryOfPunctuationOnlyFindsNothing) {
  const Json out = ok("search", {{"query", "!!! 🔥"}, {"include_total", true}});
  EXPECT_TRUE(out["items"].empty());
  EXPECT_EQ(out["total"], 0);
  EXPECT_TRUE(out["next_cursor"].is_null());
}

TEST_P(CatalogSearch, GoogleTaxonomyPathsUseTheirOwnSeparator) {
  // As ai.tags gives them: " > " between names, and names that hold a '/'.
  const int64_t card = add("7", "Sound card", "USB audio", {}, "286",
                           "Electronics > Electronics Accessories > Computer Components > I/O Cards & Adapters > "
                           "Audio Cards & Adapters",
                           25, "USD", "techshop", "en");
  EXPECT_EQ(found({{"category_path", "Electronics > Electronics Accessories"}}), std::set<int64_t>{card});
  EXPECT_EQ(found({{"category_path", "Electronics>Electronics Accessories>Computer Components>I/O Cards & Adapters"}}),
            std::set<int64_t>{card});
  EXPECT_TRUE(found({{"category_path", "Electronics > Electronics Acc"}}).empty());
  EXPECT_TRUE(found({{"category_path", "Electronics/Electronics Accessories"}}).empty());
}

TEST_P(CatalogSearch, FiltersByACategoryAndEveryCategoryBelowIt) {
  EXPECT_EQ(found({{"category", "shoes"}}), (std::set<int64_t>{sneakers_, boots_, russian_, german_}));
  EXPECT_EQ(found({{"category", "sneakers"}}), (std::set<int64_t>{sneakers_, russian_}));
  EXPECT_EQ(found({{"category_path", "fashion"}}), (std::set<int64_t>{sneakers_, boots_, scarf_, russian_, german_}));
  EXPECT_EQ(found({{"category_path", " home / kitchen "}}), std::set<int64_t>{mug_});
  EXPECT_TRUE(found({{"category_path", "fashion/sh"}}).empty());  // a path prefix is whole segments
  EXPECT_TRUE(found({{"category", "no-such-category"}}).empty());
  EXPECT_EQ(found({{"category", "shoes"}, {"query", "boots"}}), std::set<int64_t>{boots_});
}

TEST_P(CatalogSearch, FiltersByPriceRangeAndCurrency) {
  EXPECT_EQ(found({{"price_min", 50}, {"price_max", 100}}), (std::set<int64_t>{sneakers_, german_}));
  EXPECT_EQ(found({{"price_min", 59.99}, {"price_max", 59.99}}), std::set<int64_t>{sneakers_});
  EXPECT_EQ(found({{"price_min", 50}, {"price_max", 100}, {"currency", "USD"}}), std::set<int64_t>{sneakers_});
  EXPECT_EQ(found({{"currency", "eur"}}), (std::set<int64_t>{mug_, german_}));
  EXPECT_EQ(found({{"price_max", 1000}}).count(scarf_), 0u);  // no price: not in any price range
}

TEST_P(CatalogSearch, FiltersByAuthorLanguageAndSource) {
  EXPECT_EQ(found({{"author", "shoeshop"}}), (std::set<int64_t>{sneakers_, boots_}));
  EXPECT_EQ(found({{"author", "Display styleguru"}}), std::set<int64_t>{scarf_});
  EXPECT_EQ(found({{"language", "en"}}), (std::set<int64_t>{boots_, scarf_}));
  EXPECT_EQ(found({{"language", "en-GB"}}), std::set<int64_t>{boots_});
  EXPECT_EQ(found({{"source", "tiktok"}}).size(), 6u);
  EXPECT_TRUE(found({{"source", "instagram"}}).empty());
}

TEST_P(CatalogSearch, SortsNewestFirstUnlessTold) {
  EXPECT_EQ(search_ids(Json::object()), (std::vector<int64_t>{german_, russian_, scarf_, boots_, mug_, sneakers_}));
  EXPECT_EQ(search_ids({{"sort", "price_asc"}}),
            (std::vector<int64_t>{mug_, russian_, sneakers_, german_, boots_, scarf_}));
  EXPECT_EQ(search_ids({{"sort", "price_desc"}}),
            (std::vector<int64_t>{boots_, german_, sneakers_, russian_, mug_, scarf_}));
}

TEST_P(CatalogSearch, SortsByRelevanceWhenAQueryIsGiven) {
  const int64_t in_title = upsert(catalog_test::small_product("10", "Waterproof jacket"));
  // boots_ has "waterproof" only in its description, which weighs less than a title.
  EXPECT_EQ(search_ids({{"query", "waterproof"}}), (std::vector<int64_t>{in_title, boots_}));
  EXPECT_EQ(search_ids({{"query", "waterproof"}, {"sort", "newest"}}), (std::vector<int64_t>{in_title, boots_}));
  EXPECT_EQ(search_ids({{"query", "waterproof"}, {"sort", "price_desc"}}), (std::vector<int64_t>{boots_, in_title}));
}

TEST_P(CatalogSearch, CursorPagingVisitsEveryItemExactlyOnce) {
  // Ties in every sort key: equal prices, equal relevance.
  for (int i = 0; i < 23; ++i) {
    Json p = catalog_test::small_product("page-" + std::to_string(i), "Paging sample product");
    if (i % 4 != 0) {
      p["price"] = {{"amount", 5 + i % 3}, {"currency", "USD"}};
    }
    upsert(p);
  }
  for (const Json& search : {Json{{"sort", "newest"}}, Json{{"sort", "price_asc"}}, Json{{"sort", "price_desc"}},
                             Json{{"query", "paging sample"}}, Json{{"query", "sample"}, {"sort", "price_asc"}},
                             Json{{"currency", "USD"}, {"sort", "price_desc"}}}) {
    SCOPED_TRACE(search.dump());
    Json all = search;
    all["limit"] = 100;
    const std::vector<int64_t> expected = search_ids(all);
    ASSERT_GE(expected.size(), 17u);
    std::vector<int64_t> walked;
    Json page = search;
    page["limit"] = 4;
    page["include_total"] = true;
    for (int pages = 0; pages < 20; ++pages) {
      const Json out = ok("search", page);
      EXPECT_EQ(out["total"], expected.size());
      for (const Json& item : out["items"]) {
        walked.push_back(item["product_id"].get<int64_t>());
      }
      if (out["next_cursor"].is_null()) {
        break;
      }
      EXPECT_EQ(out["items"].size(), 4u);
      page["cursor"] = out["next_cursor"];
    }
    EXPECT_EQ(walked, expected);
    std::set<int64_t> distinct(walked.begin(), walked.end());
    EXPECT_EQ(distinct.size(), walked.size());
  }
}

TEST_P(CatalogSearch, RefusesAMalformedOrForeignCursor) {
  const Json first = ok("search", {{"limit", 2}});
  ASSERT_TRUE(first["next_cursor"].is_string());
  const std::string cursor = first["next_cursor"];
  for (const std::string& bad : {std::string("not a cursor!"), std::string("abc"), std::string("eyJ2IjoxfQ"),
                                 cursor.substr(0, cursor.size() - 2), std::string(2000, 'A')}) {
    const std::string message = error("search", {{"limit", 2}, {"cursor", bad}});
    EXPECT_NE(message.find("catalog.search: `cursor`"), std::string::npos) << message;
  }
  const std::string other_sort = error("search", {{"limit", 2}, {"cursor", cursor}, {"sort", "price_asc"}});
  EXPECT_NE(other_sort.find("was made for sort 'newest', not 'price_asc'"), std::string::npos) << other_sort;
  const std::string other_filter = error("search", {{"limit", 2}, {"cursor", cursor}, {"currency", "USD"}});
  EXPECT_NE(other_filter.find("another search"), std::string::npos) << other_filter;
  EXPECT_EQ(ok("search", {{"limit", 2}, {"cursor", cursor}})["items"].size(), 2u);
}

TEST_P(CatalogSearch, NamesEveryBadSearchInput) {
  const std::string message = error("search", {{"limit", 101},
                                               {"sort", "cheapest"},
                                               {"price_min", 10},
                                               {"price_max", 5},
                                               {"currency", "dollars"},
                                               {"qeury", "x"}});
  for (const char* part :
       {"`limit` must be a whole number from 1 to 100, found a number (101)",
        "`sort` must be relevance, newest, price_asc or price_desc", "`price_min` is above",
        "`currency` must be a three-letter", "`qeury` is not a search field (did you mean `query`?)"}) {
    EXPECT_NE(message.find(part), std::string::npos) << part << "\n" << message;
  }
  EXPECT_NE(error("search", {{"sort", "relevance"}}).find("needs a `query`"), std::string::npos);
  EXPECT_NE(error("search", {{"limit", 0}}).find("`limit`"), std::string::npos);
  EXPECT_NE(error("search", {{"query", 5}}).find("`query` must be a string"), std::string::npos);
}

TEST_P(CatalogSearch, DefaultsToTwentyItems) {
  for (int i = 0; i < 25; ++i) {
    upsert(catalog_test::small_product("many-" + std::to_string(i), "Many"));
  }
  const Json out = ok("search", Json::object());
  EXPECT_EQ(out["items"].size(), 20u);
  EXPECT_TRUE(out["next_cursor"].is_string());
  EXPECT_FALSE(out.contains("total"));
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogSearch, ::testing::ValuesIn(test::all_sql_backends()),
                         catalog_test::backend_name);

}  // namespace
}  // namespace linkhub
