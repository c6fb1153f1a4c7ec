// /api/v1/products on a real server over the real catalog plugin, on the
// fixture's database (SQLite, and PostgreSQL with LINKHUB_TEST_PG); products
// are seeded by invoking catalog.upsert through the plugin host, as a run would.
#include "serve_fixture.hpp"

#include "http/error_status.hpp"
#include "http/products.hpp"

#include <set>

namespace linkhub::test {
namespace {

using nlohmann::json;

class ServeProducts : public ServeOnBackend {
 protected:
  void SetUp() override {
    ServeOnBackend::SetUp();
    if (IsSkipped()) {
      return;
    }
    start();
    shoes_ = seed({{"source", "tiktok"},
                   {"video_id", "v1"},
                   {"title", "Red running sneakers"},
                   {"description", "Lightweight sneakers for daily runs"},
                   {"price", {{"amount", 59.99}, {"currency", "USD"}}},
                   {"category", {{"id", "sneakers"}, {"path", "fashion/shoes/sneakers"}}},
                   {"tags", {"sneakers", "running"}}});
    shirt_ = seed({{"source", "tiktok"},
                   {"video_id", "v2"},
                   {"title", "Blue linen shirt"},
                   {"price", {{"amount", 25}, {"currency", "USD"}}},
                   {"category", {{"id", "shirts"}, {"path", "fashion/shirts"}}}});
    espresso_ = seed({{"source", "tiktok"},
                      {"video_id", "v3"},
                      {"title", "Espresso machine"},
                      {"price", {{"amount", 199}, {"currency", "EUR"}}},
                      {"category", {{"id", "kitchen"}, {"path", "home/kitchen"}}}});
    trail_ = seed({{"source", "tiktok"},
                   {"video_id", "v4"},
                   {"title", "Trail shoes"},
                   {"price", {{"amount", 80}, {"currency", "USD"}}},
                   {"category", {{"id", "187"}, {"path", "Apparel & Accessories > Shoes"}}}});
    gadget_ = seed({{"source", "tiktok"},
                    {"video_id", "v5"},
                    {"title", "Mystery gadget"},
                    {"category", {{"id", "odd"}, {"path", "fashionista/odd"}}}});
  }

  int64_t seed(const json& product) {
    const LoadedStep* step = builtin_plugins().step("catalog.upsert");
    EXPECT_NE(step, nullptr) << "the catalog plugin is not built";
    if (step == nullptr) {
      return 0;
    }
    StepCall call;
    call.database_url = database_url_;
    const StepOutcome out = builtin_plugins().invoke(*step, call, product.dump());
    EXPECT_EQ(out.status, LH_OK) << out.error;
    return out.output.value("product_id", int64_t{0});
  }

  // The product ids of a list answer, in order.
  static std::vector<int64_t> ids(const HttpAnswer& answer) {
    std::vector<int64_t> out;
    const json body = answer.json();
    for (const auto& p : body["products"]) {
      out.push_back(p["product_id"].get<int64_t>());
    }
    return out;
  }

  HttpAnswer patch(const std::string& target, const std::string& body,
                   const std::map<std::string, std::string>& headers = {}) {
    return send(HttpRequest{"PATCH", target, body, "application/json", headers, false, false});
  }
  HttpAnswer del(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return send(HttpRequest{"DELETE", target, "", "", headers, false, false});
  }
  static std::string path(int64_t id) { return "/api/v1/products/" + std::to_string(id); }

  // 400 naming `parameter`.
  void expect_bad_parameter(const std::string& target, const std::string& parameter) {
    const auto r = get(target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["parameter"], parameter) << target << ": " << r.body;
    EXPECT_NE(r.json()["error"]["message"].get<std::string>().find(parameter), std::string::npos) << r.body;
  }

  int64_t shoes_ = 0, shirt_ = 0, espresso_ = 0, trail_ = 0, gadget_ = 0;
};

TEST_P(ServeProducts, ListsEveryProductNewestFirst) {
  const auto r = get("/api/v1/products");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<int64_t>{gadget_, trail_, espresso_, shirt_, shoes_}));
  EXPECT_TRUE(r.json()["next_cursor"].is_null());
  EXPECT_FALSE(r.json()["products"][0].contains("price_history"));
  EXPECT_EQ(r.json()["products"][4]["price"]["currency"], "USD");
}

TEST_P(ServeProducts, FullTextSearchFindsEveryWordAndMissesOthers) {
  EXPECT_EQ(ids(get("/api/v1/products?q=sneakers")), std::vector<int64_t>{shoes_});
  EXPECT_EQ(ids(get("/api/v1/products?q=RUNNING+Sneakers")), std::vector<int64_t>{shoes_});
  EXPECT_EQ(ids(get("/api/v1/products?q=daily")), std::vector<int64_t>{shoes_});  // in the description
  const auto miss = get("/api/v1/products?q=submarine");
  ASSERT_EQ(miss.status, 200) << miss.body;
  EXPECT_TRUE(miss.json()["products"].empty());
  EXPECT_TRUE(ids(get("/api/v1/products?q=sneakers+submarine")).empty());
}

TEST_P(ServeProducts, CategoryIsAPathPrefixIncludingGoogleTaxonomyPaths) {
  EXPECT_EQ(ids(get("/api/v1/products?category=fashion")), (std::vector<int64_t>{shirt_, shoes_}));
  EXPECT_EQ(ids(get("/api/v1/products?category=fashion/shoes")), std::vector<int64_t>{shoes_});
  EXPECT_EQ(ids(get("/api/v1/products?category=Apparel%20%26%20Accessories")), std::vector<int64_t>{trail_});
  EXPECT_EQ(ids(get("/api/v1/products?category_id=sneakers")), std::vector<int64_t>{shoes_});
  EXPECT_TRUE(ids(get("/api/v1/products?category=fash")).empty());
}

TEST_P(ServeProducts, PriceRangeIsInclusiveAndLeavesOutProductsWithoutAPrice) {
  const auto r = get("/api/v1/products?min_price=25&max_price=59.99&sort=price_asc");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<int64_t>{shirt_, shoes_}));
  EXPECT_EQ(ids(get("/api/v1/products?min_price=100&currency=eur")), std::vector<int64_t>{espresso_});
  EXPECT_EQ(ids(get("/api/v1/products?max_price=1000&sort=price_desc")),
            (std::vector<int64_t>{espresso_, trail_, shoes_, shirt_}));
  const auto counted = get("/api/v1/products?min_price=26&include_total=true&limit=1");
  ASSERT_EQ(counted.status, 200) << counted.body;
  EXPECT_EQ(counted.json()["total"], 3);
  EXPECT_EQ(counted.json()["products"].size(), 1u);
}

TEST_P(ServeProducts, PagesWithTheCursorToTheEndWithoutDuplicates) {
  for (int i = 0; i < 6; ++i) {
    seed({{"source", "tiktok"},
          {"video_id", "extra" + std::to_string(i)},
          {"title", "Same price"},
          {"price", {{"amount", 10}, {"currency", "USD"}}}});
  }
  for (const std::string sort : {"newest", "price_asc"}) {
    std::vector<int64_t> seen;
    std::string cursor;
    int pages = 0;
    do {
      const auto r = get("/api/v1/products?limit=2&sort=" + sort + (cursor.empty() ? "" : "&cursor=" + cursor));
      ASSERT_EQ(r.status, 200) << r.body;
      const auto page = ids(r);
      EXPECT_LE(page.size(), 2u);
      seen.insert(seen.end(), page.begin(), page.end());
      cursor = r.json()["next_cursor"].is_null() ? "" : r.json()["next_cursor"].get<std::string>();
      ASSERT_LT(++pages, 20) << "paging does not end";
    } while (!cursor.empty());
    EXPECT_EQ(seen.size(), 11u) << sort;
    EXPECT_EQ(std::set<int64_t>(seen.begin(), seen.end()).size(), seen.size()) << sort << ": a product came twice";
  }
}

TEST_P(ServeProducts, AProductComesWithItsPriceHistory) {
  const auto r = get(path(shoes_));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto p = r.json();
  EXPECT_EQ(p["product_id"], shoes_);
  EXPECT_EQ(p["title"], "Red running sneakers");
  EXPECT_EQ(p["category"]["path"], "fashion/shoes/sneakers");
  ASSERT_EQ(p["price_history"].size(), 1u);
  EXPECT_DOUBLE_EQ(p["price_history"][0]["amount"].get<double>(), 59.99);
}

TEST_P(ServeProducts, AnUnknownProductIs404AndAMalformedId400) {
  const auto missing = get(path(shoes_ + 1000));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["code"], "unknown_product");
  const auto bad = get("/api/v1/products/abc");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["details"]["parameter"], "id");
  EXPECT_EQ(get("/api/v1/products/0").status, 400);
}

TEST_P(ServeProducts, PatchReplacesTheGivenFieldsAndRecordsThePriceChange) {
  const auto r = patch(path(shoes_), R"({"title": "Red trail sneakers", "price": {"amount": 49.5, "currency": "usd"},
                                        "tags": null})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["title"], "Red trail sneakers");
  EXPECT_EQ(r.json()["price"]["currency"], "USD");
  EXPECT_EQ(r.json()["tags"], json::array());
  EXPECT_EQ(r.json()["version"], 2);
  EXPECT_EQ(r.json()["description"], "Lightweight sneakers for daily runs");  // left out, kept
  const auto now = get(path(shoes_)).json();
  EXPECT_EQ(now["title"], "Red trail sneakers");
  ASSERT_EQ(now["price_history"].size(), 2u);
  EXPECT_DOUBLE_EQ(now["price_history"][1]["amount"].get<double>(), 49.5);
  // The search index follows the edit.
  const auto found = ids(get("/api/v1/products?q=trail"));
  EXPECT_EQ(std::set<int64_t>(found.begin(), found.end()), (std::set<int64_t>{trail_, shoes_}));
  const auto cleared = patch(path(shoes_), R"({"price": null})");
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.json()["price"].is_null());
}

TEST_P(ServeProducts, PatchRefusesWrongTypesUnknownFieldsAndInvalidValuesNamingTheField) {
  const auto check = [&](const std::string& body, int status, const std::string& code, const std::string& field) {
    const auto r = patch(path(shoes_), body);
    EXPECT_EQ(r.status, status) << body << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], code) << body << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["field"], field) << body << ": " << r.body;
  };
  check(R"({"title": 5})", 400, "wrong_type", "title");
  check(R"({"price": "cheap"})", 400, "wrong_type", "price");
  check(R"({"tags": ["ok", 7]})", 400, "wrong_type", "tags[1]");
  check(R"({"titel": "x"})", 400, "unknown_field", "titel");
  check(R"({"video_id": "x"})", 400, "unknown_field", "video_id");
  // Caught by catalog.update's input schema before the plugin runs (the StepInvoker).
  check(R"({"price": {"amount": -1, "currency": "USD"}})", 400, "invalid_input", "price.amount");
  check(R"({"title": ")" + std::string(600, 'x') + R"("})", 400, "invalid_input", "title");
  EXPECT_EQ(patch(path(shoes_), "{}").json()["error"]["code"], "empty_patch");
  EXPECT_EQ(patch(path(shoes_), "[1]").status, 400);
  EXPECT_EQ(patch(path(shoes_), "{oops").json()["error"]["code"], "malformed_json");
  EXPECT_EQ(patch(path(shoes_ + 1000), R"({"title": "x"})").status, 404);
  // Nothing changed.
  EXPECT_EQ(get(path(shoes_)).json()["version"], 1);
}

TEST_P(ServeProducts, APatchWithAnIdempotencyKeyAppliesOnce) {
  const std::map<std::string, std::string> key{{"Idempotency-Key", "edit-1"}};
  const auto first = patch(path(shirt_), R"({"title": "Green linen shirt"})", key);
  ASSERT_EQ(first.status, 200) << first.body;
  const auto again = patch(path(shirt_), R"({"title": "Green linen shirt"})", key);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json()["version"], first.json()["version"]);
  const auto other = patch(path(shirt_), R"({"title": "Another title"})", key);
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(other.json()["error"]["code"], "idempotency_key_reused");
}

TEST_P(ServeProducts, DeleteRemovesTheProductThenIs404) {
  const auto r = del(path(espresso_));
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(get(path(espresso_)).status, 404);
  EXPECT_EQ(del(path(espresso_)).status, 404);
  EXPECT_EQ(ids(get("/api/v1/products?category=home")), std::vector<int64_t>{});
}

TEST_P(ServeProducts, BadQueryParametersAre400NamingTheParameter) {
  expect_bad_parameter("/api/v1/products?min_price=-1", "min_price");
  expect_bad_parameter("/api/v1/products?max_price=cheap", "max_price");
  expect_bad_parameter("/api/v1/products?max_price=nan", "max_price");
  expect_bad_parameter("/api/v1/products?min_price=10&max_price=5", "min_price");
  expect_bad_parameter("/api/v1/products?limit=0", "limit");
  expect_bad_parameter("/api/v1/products?limit=101", "limit");
  expect_bad_parameter("/api/v1/products?include_total=yes", "include_total");
  expect_bad_parameter("/api/v1/products?cursor=garbage", "cursor");
  {  // refused by catalog.search's input schema (the StepInvoker), which names it as a field
    const auto r = get("/api/v1/products?sort=cheapest");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["field"], "sort") << r.body;
  }
  expect_bad_parameter("/api/v1/products?sort=relevance", "sort");  // relevance needs q
  expect_bad_parameter("/api/v1/products?currency=dollars", "currency");
  expect_bad_parameter("/api/v1/products?category=a//b", "category");
  expect_bad_parameter("/api/v1/products?price_min=3", "price_min");
  EXPECT_EQ(get("/api/v1/products?price_min=3").json()["error"]["code"], "unknown_parameter");
  EXPECT_NE(get("/api/v1/products?price_min=3").json()["error"]["message"].get<std::string>().find("min_price"),
            std::string::npos);

  // A cursor belongs to its search.
  const auto page = get("/api/v1/products?limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  const std::string cursor = page.json()["next_cursor"].get<std::string>();
  expect_bad_parameter("/api/v1/products?limit=1&q=shirt&cursor=" + cursor, "cursor");
  expect_bad_parameter("/api/v1/products?limit=1&cursor=" + cursor.substr(0, cursor.size() - 2), "cursor");
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeProducts, ::testing::ValuesIn(all_sql_backends()),
                         [](const auto& info) { return info.param; });

TEST_F(ServeTest, ProductRoutesAnswer503WithoutTheCatalogPluginAndReadinessIsUnaffected) {
  static PluginHost* core_only = [] {
    auto* host = new PluginHost();  // plugins stay loaded for the process
    host->load_file(std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_core.so");
    return host;
  }();
  ASSERT_NE(core_only->plugin("core"), nullptr);
  start({}, *core_only);
  for (const auto& answer :
       {get("/api/v1/products"), get("/api/v1/products/1"),
        send(HttpRequest{"PATCH", "/api/v1/products/1", R"({"title": "x"})", "application/json", {}, false, false}),
        send(HttpRequest{"DELETE", "/api/v1/products/1", "", "", {}, false, false})}) {
    EXPECT_EQ(answer.status, 503) << answer.body;
    EXPECT_EQ(answer.json()["error"]["code"], "plugin_unavailable");
    EXPECT_EQ(answer.json()["error"]["details"]["plugin"], "catalog");
    EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find("catalog"), std::string::npos);
  }
  EXPECT_EQ(get("/readyz").status, 200);
}

TEST_F(ServeTest, AMisbehavingCatalogPluginIsAnErrorAnswerNeverACrash) {
  static PluginHost* fake = [] {
    auto* host = new PluginHost();  // plugins stay loaded for the process
    host->load_file(std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_core.so");
    host->load_file(std::filesystem::path(LINKHUB_TEST_PLUGIN_DIR) / "linkhub_test_fake_catalog.so");
    return host;
  }();
  ASSERT_NE(fake->step("catalog.search"), nullptr);
  start({}, *fake);

  const auto search = get("/api/v1/products");  // items that are not products
  EXPECT_EQ(search.status, 502) << search.body;
  EXPECT_EQ(search.json()["error"]["code"], "bad_plugin_output");
  EXPECT_EQ(search.json()["error"]["details"]["step"], "catalog.search");
  EXPECT_NE(search.body.find("product_id"), std::string::npos) << search.body;

  const auto one = get("/api/v1/products/1");  // output outside the step's own schema
  EXPECT_EQ(one.status, 502) << one.body;
  EXPECT_EQ(one.json()["error"]["code"], "bad_plugin_output");

  const auto edit = send(HttpRequest{
      "PATCH", "/api/v1/products/1", R"({"title": "x"})", "application/json", {}, false, false});  // a failure that is
                                                                                                   // not the request's
  EXPECT_EQ(edit.status, 500) << edit.body;
  EXPECT_EQ(edit.json()["error"]["code"], "step_failed");
  EXPECT_NE(edit.body.find("disk full"), std::string::npos) << edit.body;

  const auto gone = send(HttpRequest{"DELETE", "/api/v1/products/1", "", "", {}, false, false});  // retryable
  EXPECT_EQ(gone.status, 503) << gone.body;
  EXPECT_EQ(gone.json()["error"]["code"], "step_unavailable");

  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(ServeTest, AStepsErrorCodeAloneChoosesTheStatus) {
  static PluginHost* coded = [] {
    auto* host = new PluginHost();  // plugins stay loaded for the process
    host->load_file(std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_core.so");
    host->load_file(std::filesystem::path(LINKHUB_TEST_PLUGIN_DIR) / "linkhub_test_coded_catalog.so");
    return host;
  }();
  ASSERT_NE(coded->step("catalog.get"), nullptr);
  start({}, *coded);

  const auto one = get("/api/v1/products/7");  // not_found, a message without "not found"
  EXPECT_EQ(one.status, 404) << one.body;
  EXPECT_EQ(one.json()["error"]["code"], "not_found");
  EXPECT_EQ(one.json()["error"]["message"], "nothing answers to that number");
  EXPECT_EQ(one.json()["error"]["details"]["product_id"], 7);
  EXPECT_EQ(one.json()["error"]["details"]["step"], "catalog.get");

  const auto edit = send(HttpRequest{
      "PATCH", "/api/v1/products/7", R"({"title": "x"})", "application/json", {}, false, false});  // conflict
  EXPECT_EQ(edit.status, 409) << edit.body;
  EXPECT_EQ(edit.json()["error"]["code"], "conflict");
  EXPECT_EQ(edit.json()["error"]["details"]["version"], 3);

  const auto gone = send(HttpRequest{"DELETE", "/api/v1/products/7", "", "", {}, false, false});  // rate_limited
  EXPECT_EQ(gone.status, 429) << gone.body;
  EXPECT_EQ(gone.json()["error"]["code"], "rate_limited");

  const auto search = get("/api/v1/products");  // a code with no status of its own
  EXPECT_EQ(search.status, 500) << search.body;
  EXPECT_EQ(search.json()["error"]["code"], "shelf_tilted");
}

// A request's step goes the executor's way (StepInvoker): its input schema is
// checked before the plugin runs, it has a deadline, and its errors are redacted.
TEST_F(ServeTest, ADirectStepCallChecksItsInputHasADeadlineAndLeaksNoSecret) {
  static PluginHost* fake = [] {
    auto* host = new PluginHost();  // plugins stay loaded for the process
    host->load_file(std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_core.so");
    host->load_file(std::filesystem::path(LINKHUB_TEST_PLUGIN_DIR) / "linkhub_test_fake_catalog.so");
    return host;
  }();
  ASSERT_NE(fake->step("catalog.update"), nullptr);
  const std::string token = "tok-3f9a-very-secret";
  start(
      [&](http::ServeOptions& options) {
        options.executor.secrets = {{"CATALOG_TOKEN", token}};
        options.limits.step_timeout = std::chrono::milliseconds(200);
      },
      *fake);

  const auto long_title = send(HttpRequest{"PATCH",
                                           "/api/v1/products/1",
                                           R"({"title": "a title far longer than twenty characters"})",
                                           "application/json",
                                           {},
                                           false,
                                           false});
  EXPECT_EQ(long_title.status, 400) << long_title.body;
  EXPECT_EQ(long_title.json()["error"]["code"], "invalid_input");
  EXPECT_EQ(long_title.json()["error"]["details"]["violations"][0]["pointer"], "/title") << long_title.body;
  EXPECT_NE(long_title.json()["error"]["message"].get<std::string>().find("/title"), std::string::npos);

  const auto hangs = get("/api/v1/products/2");
  EXPECT_EQ(hangs.status, 504) << hangs.body;
  EXPECT_EQ(hangs.json()["error"]["code"], "timeout");
  EXPECT_NE(hangs.body.find("timed out after"), std::string::npos) << hangs.body;

  const auto leak =
      send(HttpRequest{"PATCH", "/api/v1/products/1", R"({"title": "leak"})", "application/json", {}, false, false});
  EXPECT_EQ(leak.status, 500) << leak.body;
  EXPECT_NE(leak.body.find("login refused for token ***"), std::string::npos) << leak.body;
  EXPECT_EQ(leak.body.find(token), std::string::npos) << leak.body;
  for (const auto& line : log_lines()) {
    EXPECT_EQ(line.find(token), std::string::npos) << line;
  }
}

// The output checks and the error mapping, on answers the real plugin does not give.
TEST(ServeProductParsing, OutputThatIsNotProductsIsRefused) {
  using http::search_output_problem;
  const json product{{"product_id", 1}, {"source", "tiktok"}, {"video_id", "v"}, {"version", 1}};
  EXPECT_EQ(search_output_problem({{"items", json::array({product})}, {"next_cursor", nullptr}}), "");
  EXPECT_NE(search_output_problem(json::array()), "");
  EXPECT_NE(search_output_problem({{"items", 3}, {"next_cursor", nullptr}}), "");
  EXPECT_NE(search_output_problem({{"items", json::array({json{{"product_id", "1"}}})}, {"next_cursor", nullptr}}), "");
  EXPECT_NE(search_output_problem({{"items", json::array({product})}, {"next_cursor", 5}}), "");
  EXPECT_NE(search_output_problem({{"items", json::array({product})}, {"next_cursor", nullptr}, {"total", "many"}}),
            "");
  EXPECT_EQ(http::get_output_problem({{"found", false}, {"product", nullptr}}, 1), "");
  EXPECT_EQ(http::get_output_problem({{"found", true}, {"product", product}}, 1), "");
  EXPECT_NE(http::get_output_problem({{"found", true}, {"product", product}}, 2), "");  // another product
  EXPECT_NE(http::get_output_problem({{"found", "yes"}}, 1), "");
  EXPECT_NE(http::get_output_problem({{"found", true}, {"product", nullptr}}, 1), "");
  EXPECT_NE(http::update_output_problem({{"found", true}, {"product", {{"product_id", 1}}}}, 1), "");
  EXPECT_EQ(http::delete_output_problem({{"product_id", 1}, {"deleted", true}}, 1), "");
  EXPECT_NE(http::delete_output_problem({{"product_id", 1}, {"deleted", "true"}}, 1), "");
  EXPECT_NE(http::delete_output_problem({{"product_id", 2}, {"deleted", true}}, 1), "");
}

TEST(ServeErrorStatus, OneTableMapsEveryCodeAndUnknownCodesAre500) {
  EXPECT_EQ(http::http_status_for("not_found"), 404);
  EXPECT_EQ(http::http_status_for("conflict"), 409);
  EXPECT_EQ(http::http_status_for("invalid_input"), 400);
  EXPECT_EQ(http::http_status_for("forbidden"), 403);
  EXPECT_EQ(http::http_status_for("unauthorized"), 502);
  EXPECT_EQ(http::http_status_for("rate_limited"), 429);
  EXPECT_EQ(http::http_status_for("unavailable"), 503);
  EXPECT_EQ(http::http_status_for("timeout"), 504);
  EXPECT_EQ(http::http_status_for("bad_output"), 502);
  EXPECT_EQ(http::http_status_for("step_failed"), 500);
  EXPECT_EQ(http::http_status_for("a_plugins_own_code"), 500);
  EXPECT_EQ(http::http_status_for(""), 500);
}

TEST(ServeProductParsing, CatalogErrorsMapToStatusesByCodeAndDetailsNeverByMessage) {
  using http::catalog_failure;
  using http::StepFailure;
  // Messages that say nothing: only the code and the details decide.
  auto search = catalog_failure(StepFailure{"invalid_input", "x",
                                            json{{"step", "catalog.search"},
                                                 {"kind", "search"},
                                                 {"fields", {"price_min", "price_max"}},
                                                 {"problems", {"`price_min` is above `price_max`"}}}});
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, 400);
  EXPECT_EQ(search->details["parameter"], "min_price");
  EXPECT_EQ(search->message, "bad search: 'min_price' is above 'max_price'");
  auto edit = catalog_failure(
      StepFailure{"invalid_input", "x",
                  json{{"step", "catalog.update"}, {"kind", "product"}, {"fields", {"title", "price.currency"}}}});
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->status, 422);
  EXPECT_EQ(edit->details["field"], "title");
  EXPECT_EQ(edit->details["fields"], (json{"title", "price.currency"}));
  auto input = catalog_failure(StepFailure{
      "invalid_input", "x", json{{"step", "catalog.delete"}, {"kind", "input"}, {"fields", {"product_id"}}}});
  ASSERT_TRUE(input);
  EXPECT_EQ(input->status, 400);
  EXPECT_EQ(input->code, "invalid_input");
  auto reused = catalog_failure(StepFailure{"conflict", "x", json{{"reason", "idempotency_key_reused"}}});
  ASSERT_TRUE(reused);
  EXPECT_EQ(reused->status, 409);
  EXPECT_EQ(reused->code, "idempotency_key_reused");
  auto cursor = catalog_failure(
      StepFailure{"invalid_input", "x", json{{"reason", "bad_cursor"}, {"problem", "`cursor` is not a cursor"}}});
  ASSERT_TRUE(cursor);
  EXPECT_EQ(cursor->details["parameter"], "cursor");
  EXPECT_EQ(cursor->message, "query parameter 'cursor': `cursor` is not a cursor");
  // A message that reads like an input error is not one without the code.
  EXPECT_FALSE(catalog_failure(StepFailure{"step_failed", "catalog.update: invalid product: `title` x", json()}));
  EXPECT_FALSE(catalog_failure(StepFailure{"not_found", "catalog.get: idempotency key 'k' was already used", json()}));
  // A malformed details value is no crash.
  EXPECT_TRUE(catalog_failure(StepFailure{"invalid_input", "x", json{{"fields", 3}, {"step", 4}}}));
}

}  // namespace
}  // namespace linkhub::test
