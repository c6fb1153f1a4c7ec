// /api/v1/orders, /api/v1/products/feed.csv and the products' whatsapp_link
// on a real server over the real catalog and whatsapp plugins, on the
// fixture's database (SQLite, and PostgreSQL with LINKHUB_TEST_PG). Products
// and orders are made by invoking the catalog's steps through the plugin
// host, as a run would.
#include "serve_fixture.hpp"

#include "http/product_feed.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace linkhub::test {
namespace {

using nlohmann::json;

// RFC 4180 back into rows of fields, to check the feed as a reader sees it.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      ++i;
    } else {
      field += c;
    }
  }
  EXPECT_TRUE(row.empty() && field.empty()) << "the feed does not end with CRLF";
  return rows;
}

// A server with the catalog's steps at hand; `business_number` is plugins.whatsapp.business_number (null: none).
class OrdersServer : public ServeTest {
 protected:
  void start_with(const json& business_number = json()) {
    start([&](http::ServeOptions& o) {
      if (!business_number.is_null()) {
        o.executor.plugin_configs["whatsapp"]["business_number"] = business_number;
      }
    });
  }

  json invoke(const std::string& uses, const json& input) {
    const LoadedStep* step = builtin_plugins().step(uses);
    EXPECT_NE(step, nullptr) << uses << ": the plugin is not built";
    if (step == nullptr) {
      return json();
    }
    StepCall call;
    call.database_url = database_url_;
    const StepOutcome out = builtin_plugins().invoke(*step, call, input.dump());
    EXPECT_EQ(out.status, LH_OK) << uses << ": " << out.error;
    return out.output;
  }

  int64_t seed(const json& product) { return invoke("catalog.upsert", product).value("product_id", int64_t{0}); }

  int64_t order(int64_t product, int quantity, const std::string& wa_id) {
    return invoke("catalog.order_create",
                  {{"product_id", product}, {"quantity", quantity}, {"customer_wa_id", wa_id}})["order"]
        .value("id", int64_t{0});
  }

  static std::vector<int64_t> ids(const HttpAnswer& answer) {
    std::vector<int64_t> out;
    const json body = answer.json();
    for (const auto& o : body["orders"]) {
      out.push_back(o["id"].get<int64_t>());
    }
    return out;
  }

  HttpAnswer patch(const std::string& target, const std::string& body, HttpClient* client = nullptr) {
    return (client != nullptr ? client : client_.get())
        ->send(HttpRequest{"PATCH", target, body, "application/json", {}, false, false});
  }

  static std::string path(int64_t id) { return "/api/v1/orders/" + std::to_string(id); }
};

// On SQLite, and PostgreSQL with LINKHUB_TEST_PG.
class ServeOrders : public OrdersServer, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << postgres_unavailable_reason() << " ***\n";
    }
    backend_ = GetParam();
    OrdersServer::SetUp();
    start_with();
  }
};

TEST_P(ServeOrders, ListsOrdersNewestFirstFilteredAndPaged) {
  const int64_t shoes =
      seed({{"source", "tiktok"}, {"video_id", "s1"}, {"price", {{"amount", 10}, {"currency", "USD"}}}});
  const int64_t hat = seed({{"source", "tiktok"}, {"video_id", "s2"}, {"price", {{"amount", 5}, {"currency", "USD"}}}});
  const int64_t a = order(shoes, 1, "15550000001");
  const int64_t b = order(hat, 2, "15550000002");
  const int64_t c = order(shoes, 3, "15550000002");

  const auto all = get("/api/v1/orders");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(ids(all), (std::vector<int64_t>{c, b, a}));
  EXPECT_TRUE(all.json()["next_cursor"].is_null());
  EXPECT_EQ(all.json()["orders"][1]["total"], (json{{"amount", 10}, {"currency", "USD"}}));
  EXPECT_EQ(ids(get("/api/v1/orders?customer=15550000002")), (std::vector<int64_t>{c, b}));
  EXPECT_EQ(ids(get("/api/v1/orders?customer=%2B15550000001")), (std::vector<int64_t>{a}));
  EXPECT_EQ(ids(get("/api/v1/orders?product=" + std::to_string(shoes))), (std::vector<int64_t>{c, a}));
  EXPECT_EQ(ids(get("/api/v1/orders?status=requested&product=" + std::to_string(hat))), (std::vector<int64_t>{b}));
  EXPECT_TRUE(ids(get("/api/v1/orders?status=confirmed")).empty());

  std::vector<int64_t> paged;
  std::string target = "/api/v1/orders?limit=2";
  for (int pages = 0; pages < 5; ++pages) {
    const auto page = get(target);
    ASSERT_EQ(page.status, 200) << page.body;
    for (int64_t id : ids(page)) {
      paged.push_back(id);
    }
    if (page.json()["next_cursor"].is_null()) {
      break;
    }
    target = "/api/v1/orders?limit=2&cursor=" + page.json()["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(paged, (std::vector<int64_t>{c, b, a}));

  for (const auto& [query, parameter] :
       std::vector<std::pair<std::string, std::string>>{{"colour=red", "colour"},
                                                        {"limit=0", "limit"},
                                                        {"limit=101", "limit"},
                                                        {"product=shoes", "product"},
                                                        {"status=shipped", "status"},
                                                        {"customer=abc", "customer"}}) {
    const auto r = get("/api/v1/orders?" + query);
    EXPECT_EQ(r.status, 400) << query << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["parameter"], parameter) << query << ": " << r.body;
  }
  const auto foreign = get("/api/v1/orders?limit=1&status=requested&cursor=" +
                           get("/api/v1/orders?limit=1").json()["next_cursor"].get<std::string>());
  EXPECT_EQ(foreign.status, 400) << foreign.body;
  EXPECT_EQ(foreign.json()["error"]["code"], "bad_cursor") << foreign.body;
}

TEST_P(ServeOrders, ShowsAnOrderByIdOrNumber) {
  const int64_t shoes = seed({{"source", "tiktok"},
                              {"video_id", "s1"},
                              {"title", "Sneakers"},
                              {"price", {{"amount", 59.99}, {"currency", "USD"}}}});
  const int64_t id = order(shoes, 2, "15551234567");
  const auto r = get(path(id));
  ASSERT_EQ(r.status, 200) << r.body;
  const json o = r.json();
  EXPECT_EQ(o["id"], id);
  EXPECT_EQ(o["product_title"], "Sneakers");
  EXPECT_EQ(o["unit_price"], (json{{"amount", 59.99}, {"currency", "USD"}}));
  EXPECT_EQ(o["total"], (json{{"amount", 119.98}, {"currency", "USD"}}));
  EXPECT_EQ(o["status"], "requested");
  EXPECT_EQ(get("/api/v1/orders/" + o["number"].get<std::string>()).json()["id"], id);

  const auto missing = get(path(id + 1000));
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(missing.json()["error"]["code"], "unknown_order");
  EXPECT_EQ(get("/api/v1/orders/banana").status, 400);
  EXPECT_EQ(get("/api/v1/orders/LH-banana").status, 400);
}

TEST_P(ServeOrders, PatchMovesAnOrderOnAndRefusesWhatTheLifecycleForbids) {
  const int64_t shoes =
      seed({{"source", "tiktok"}, {"video_id", "s1"}, {"price", {{"amount", 10}, {"currency", "EUR"}}}});
  const int64_t id = order(shoes, 1, "15551234567");
  const std::string operator_key = make_key("operator", "shop floor");
  auto operator_client = client_with(operator_key);
  const auto confirmed = patch(path(id), R"({"status": "confirmed", "note": "paid"})", operator_client.get());
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;
  const json history = confirmed.json()["history"];
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1]["status"], "confirmed");
  EXPECT_EQ(history[1]["note"], "paid");
  EXPECT_EQ(history[1]["by"].get<std::string>().rfind("key:", 0), 0u) << history[1];
  EXPECT_EQ(get(path(id)).json()["status"], "confirmed");

  ASSERT_EQ(patch(path(id), R"({"status": "fulfilled"})").status, 200);
  const auto late = patch(path(id), R"({"status": "cancelled"})");
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(late.json()["error"]["code"], "invalid_transition");
  EXPECT_EQ(late.json()["error"]["details"]["from"], "fulfilled");
  EXPECT_EQ(late.json()["error"]["details"]["to"], "cancelled");
  EXPECT_EQ(get(path(id)).json()["history"].size(), 3u);

  EXPECT_EQ(patch(path(id + 1000), R"({"status": "confirmed"})").status, 404);
  for (const char* body : {R"({"note": "no status"})", R"({"status": "confirmed", "colour": "red"})",
                           R"({"status": 3})", R"({"status": "shipped"})", R"(["confirmed"])", "{"}) {
    const auto r = patch(path(id), body);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
  }
  auto viewer = client_with(make_key("viewer"));
  EXPECT_EQ(patch(path(id), R"({"status": "cancelled"})", viewer.get()).status, 403);
  EXPECT_EQ(viewer->get(path(id)).status, 200);
}

TEST_P(ServeOrders, TheFeedIsRfc4180CsvInMetasColumns) {
  const std::string hash = "sha256:" + std::string(64, 'c');
  const int64_t plain = seed({{"source", "tiktok"},
                              {"video_id", "f1"},
                              {"url", "https://www.tiktok.com/@shop/video/1"},
                              {"title", "Red sneakers, size 42"},
                              {"description", "The \"best\" ones\nfor running"},
                              {"author", "Shoe Shop"},
                              {"price", {{"amount", 12.5}, {"currency", "USD"}}},
                              {"thumbnails", {{{"hash", hash}}}}});
  const int64_t formula = seed({{"source", "tiktok"},
                                {"video_id", "f2"},
                                {"title", "=HYPERLINK(\"http://evil\")"},
                                {"description", "@SUM(A1)"},
                                {"author", "-2+3"},
                                {"price", {{"amount", 3}, {"currency", "EUR"}}}});
  seed({{"source", "tiktok"}, {"video_id", "f3"}, {"title", "Unpriced"}});

  const auto r = get("/api/v1/products/feed.csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type").rfind("text/csv", 0), 0u) << r.header("content-type");
  const auto rows = parse_csv(r.body);
  ASSERT_EQ(rows.size(), 3u) << r.body;  // the header, and the two priced products
  EXPECT_EQ(rows[0], (std::vector<std::string>{"id", "title", "description", "availability", "condition", "price",
                                               "link", "image_link", "brand"}));
  std::map<std::string, std::vector<std::string>> by_id;
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 9u) << r.body;
    by_id[rows[i][0]] = rows[i];
  }
  const auto& one = by_id[std::to_string(plain)];
  ASSERT_FALSE(one.empty()) << r.body;
  EXPECT_EQ(one[1], "Red sneakers, size 42");
  EXPECT_EQ(one[2], "The \"best\" ones\nfor running");
  EXPECT_EQ(one[3], "in stock");
  EXPECT_EQ(one[4], "new");
  EXPECT_EQ(one[5], "12.50 USD");
  EXPECT_EQ(one[6], "https://www.tiktok.com/@shop/video/1");
  EXPECT_EQ(one[7].rfind("http://127.0.0.1:" + std::to_string(port_) + "/media/" + std::string(64, 'c') + "?exp=", 0),
            0u)
      << one[7];
  EXPECT_EQ(one[8], "Shoe Shop");
  const auto& evil = by_id[std::to_string(formula)];
  ASSERT_FALSE(evil.empty()) << r.body;
  EXPECT_EQ(evil[1], "'=HYPERLINK(\"http://evil\")");
  EXPECT_EQ(evil[2], "'@SUM(A1)");
  EXPECT_EQ(evil[8], "'-2+3");
  EXPECT_EQ(evil[5], "3.00 EUR");
  EXPECT_EQ(evil[7], "");  // no image

  // Viewers may read it; the route is not taken for a product id.
  auto viewer = client_with(make_key("viewer"));
  EXPECT_EQ(viewer->get("/api/v1/products/feed.csv").status, 200);
  EXPECT_EQ(client_with("")->get("/api/v1/products/feed.csv").status, 401);
}

TEST_P(ServeOrders, TheFeedPagesThroughTheWholeCatalog) {
  constexpr int kProducts = 205;  // past two of catalog.search's largest pages (100)
  for (int i = 0; i < kProducts; ++i) {
    seed({{"source", "tiktok"},
          {"video_id", "p" + std::to_string(i)},
          {"title", "Product " + std::to_string(i)},
          {"price", {{"amount", i + 1}, {"currency", "USD"}}}});
  }
  const auto r = get("/api/v1/products/feed.csv");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  const auto rows = parse_csv(r.body);
  ASSERT_EQ(rows.size(), static_cast<size_t>(kProducts + 1));
  std::set<std::string> titles;
  for (size_t i = 1; i < rows.size(); ++i) {
    titles.insert(rows[i][1]);
  }
  EXPECT_EQ(titles.size(), static_cast<size_t>(kProducts)) << "a product is missing or repeated";
  EXPECT_TRUE(titles.count("Product 0") && titles.count("Product 204"));
}

TEST(ProductFeed, QuotesAndNeutralisesCells) {
  EXPECT_EQ(http::csv_field("plain"), "plain");
  EXPECT_EQ(http::csv_field(""), "");
  EXPECT_EQ(http::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(http::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(http::csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(http::csv_field("=1+1"), "'=1+1");
  EXPECT_EQ(http::csv_field("+1"), "'+1");
  EXPECT_EQ(http::csv_field("-1"), "'-1");
  EXPECT_EQ(http::csv_field("@x"), "'@x");
  EXPECT_EQ(http::csv_field("=A1,B1"), "\"'=A1,B1\"");
  EXPECT_EQ(http::csv_field("a=b"), "a=b");
  EXPECT_EQ(http::feed_price(json{{"amount", 12.5}, {"currency", "USD"}}), "12.50 USD");
  EXPECT_EQ(http::feed_price(json{{"amount", 1000}, {"currency", "JPY"}}), "1000.00 JPY");
  EXPECT_FALSE(http::feed_price(json()).has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeOrders, ::testing::ValuesIn(all_sql_backends()),
                         [](const auto& info) { return info.param; });

// The shop's number configured: products carry the whatsapp plugin's click-to-chat link.
using ServeProductLinks = OrdersServer;

TEST_F(ServeProductLinks, ProductAnswersCarryAWaMeLinkThatNamesTheProduct) {
  start_with("+1 555 123 4567");
  const int64_t id = seed({{"source", "tiktok"}, {"video_id", "w1"}, {"title", "Sneakers"}});
  const std::string expected = "https://wa.me/15551234567?text=BUY%20" + std::to_string(id);
  const auto one = get("/api/v1/products/" + std::to_string(id));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.json().value("whatsapp_link", ""), expected) << one.body;
  const auto list = get("/api/v1/products");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json()["products"][0].value("whatsapp_link", ""), expected) << list.body;
}

TEST_F(ServeProductLinks, ANumberGivenAsDigitsAloneWorksToo) {
  start_with(15551234567);  // what LINKHUB_PLUGIN_WHATSAPP_BUSINESS_NUMBER=15551234567 becomes
  const int64_t id = seed({{"source", "tiktok"}, {"video_id", "w1"}});
  EXPECT_EQ(get("/api/v1/products/" + std::to_string(id)).json().value("whatsapp_link", ""),
            "https://wa.me/15551234567?text=BUY%20" + std::to_string(id));
}

TEST_F(ServeProductLinks, ANumberTheWhatsAppPluginRefusesGivesNoLink) {
  start_with("12");
  const int64_t id = seed({{"source", "tiktok"}, {"video_id", "w1"}});
  const auto one = get("/api/v1/products/" + std::to_string(id));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_FALSE(one.json().contains("whatsapp_link")) << one.body;
}

TEST_P(ServeOrders, WithoutABusinessNumberProductsHaveNoWhatsAppLink) {
  const int64_t id = seed({{"source", "tiktok"}, {"video_id", "w1"}, {"title", "Sneakers"}});
  const auto one = get("/api/v1/products/" + std::to_string(id));
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_FALSE(one.json().contains("whatsapp_link")) << one.body;
  EXPECT_FALSE(get("/api/v1/products").json()["products"][0].contains("whatsapp_link"));
}

}  // namespace
}  // namespace linkhub::test
