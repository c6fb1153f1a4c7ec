// workflows/whatsapp-buy.yaml end to end, as a shop runs it: the real
// `linkhub serve` on 127.0.0.1 with a fresh SQLite file, Meta's signed
// webhook deliveries posted to it, and a Cloud API stand-in on 127.0.0.1
// answering every send with the recorded success body. A conversation is
// one run that waits on wa:<number> between the customer's messages; the
// order is read back from the catalog's own table.
#include "child_process.hpp"
#include "http_client.hpp"
#include "loopback_server.hpp"
#include "temp_dir.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/sql_store.hpp>
#include <linkhub/sigv4.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kAppSecret = "buyflow-app-S3CRET-41c2";
constexpr const char* kToken = "EAAG-buyflow-t0ken-9e1f";
constexpr const char* kPhoneNumberId = "1122334455667";
constexpr const char* kMessagesPath = "/v21.0/1122334455667/messages";
constexpr const char* kShopNumber = "+4915550001234";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The Cloud API's messages endpoint: the recorded success answer, each with
// its own wamid (Meta never repeats one), and every request kept.
class CloudStandIn {
 public:
  CloudStandIn() {
    const json recorded = json::parse(read_file(
        fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures/whatsapp/whatsapp_send_message_success_response_openapi.json"));
    server_.on(kMessagesPath, [this, recorded](const test::Request& request) {
      std::lock_guard lock(mutex_);
      json answer = recorded;
      answer["messages"][0]["id"] = "wamid.standin." + std::to_string(requests_.size() + 1);
      requests_.push_back(json::parse(request.body, nullptr, false));
      return test::Response{200, "application/json", answer.dump(), {}};
    });
    server_.start();
  }
  std::string base_url() const {
    const std::string url = server_.url("/");
    return url.substr(0, url.size() - 1);
  }
  std::vector<json> sent() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // The messages sent to `to` (digits), in order.
  std::vector<json> sent_to(const std::string& to) const {
    std::vector<json> out;
    for (const json& m : sent()) {
      if (m.value("to", "") == to) {
        out.push_back(m);
      }
    }
    return out;
  }

 private:
  test::LoopbackServer server_;
  mutable std::mutex mutex_;
  std::vector<json> requests_;
};

// What a message says, for assertions: its text or its interactive body.
std::string body_of(const json& m) {
  if (m.value("type", "") == "text") {
    return m["text"].value("body", "");
  }
  if (m.contains("interactive")) {
    return m["interactive"]["body"].value("text", "");
  }
  return "";
}

std::string signature_of(const std::string& body) {
  const std::string mac = sdk::sigv4::hmac_sha256(kAppSecret, body);
  return "sha256=" + sdk::sigv4::to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

// A delivery as Meta sends it: one entry, one change, one message.
std::string delivery(const json& message, const std::string& name) {
  const json value = {{"messaging_product", "whatsapp"},
                      {"metadata", {{"display_phone_number", "15550001111"}, {"phone_number_id", kPhoneNumberId}}},
                      {"contacts", {{{"profile", {{"name", name}}}, {"wa_id", message["from"]}}}},
                      {"messages", {message}}};
  return json{{"object", "whatsapp_business_account"},
              {"entry", {{{"id", "5467539754836534"}, {"changes", {{{"field", "messages"}, {"value", value}}}}}}}}
      .dump();
}

json text_message(const std::string& from, const std::string& wamid, const std::string& text) {
  return {{"from", from},
          {"id", wamid},
          {"timestamp", std::to_string(std::time(nullptr))},
          {"type", "text"},
          {"text", {{"body", text}}}};
}

json button_reply(const std::string& from, const std::string& wamid, const std::string& id, const std::string& title) {
  return {{"from", from},
          {"id", wamid},
          {"timestamp", std::to_string(std::time(nullptr))},
          {"type", "interactive"},
          {"interactive", {{"type", "button_reply"}, {"button_reply", {{"id", id}, {"title", title}}}}}};
}

class BuyFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::fresh_database("sqlite");
    const fs::path flows = dir_.path() / "workflows";
    fs::create_directories(flows);
    fs::copy_file(fs::path(LINKHUB_SOURCE_DIR) / "workflows/whatsapp-buy.yaml", flows / "whatsapp-buy.yaml");
    fs::copy(fs::path(LINKHUB_SOURCE_DIR) / "workflows/rules", flows / "rules", fs::copy_options::recursive);
    std::ofstream(dir_.path() / "linkhub.yaml")
        << "lease: 2s\n"
        << "artifact_dir: artifacts\n"
        << "env_allowlist: [SHOP_WHATSAPP_NUMBER]\n"
        << "http:\n  allow: [\"127.0.0.1\"]\n"
        << "plugins:\n  whatsapp:\n    base_url: " << api_.base_url() << "\n    api_version: v21.0\n"
        << "    phone_number_id: \"" << kPhoneNumberId << "\"\n    recipient_interval_ms: 0\n    timeout_ms: 10000\n"
        << "secrets:\n  WHATSAPP_TOKEN: " << kToken << "\n  WHATSAPP_APP_SECRET: " << kAppSecret
        << "\n  WHATSAPP_VERIFY_TOKEN: verify-buyflow\n";
    seed();
  }

  void TearDown() override { stop(); }

  std::vector<std::string> linkhub(std::vector<std::string> args) const {
    std::vector<std::string> argv{LINKHUB_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), {"--db", db_, "--config", (dir_.path() / "linkhub.yaml").string()});
    return argv;
  }

  // Two products through catalog.upsert, as any workflow adds them: a shirt
  // with a picture and no sizes, a cap in three sizes.
  void seed() {
    std::ofstream(dir_.path() / "seed.yaml") << R"(name: seed
steps:
  - id: shirt
    uses: catalog.upsert
    with:
      source: manual
      video_id: linen-shirt
      title: Linen shirt
      description: Light linen shirt, white
      price: { amount: 24.5, currency: USD }
      extra: { image_url: "https://cdn.example.com/linen-shirt.jpg" }
  - id: cap
    uses: catalog.upsert
    with:
      source: manual
      video_id: sun-cap
      title: Sun cap
      price: { amount: 12, currency: EUR }
      extra: { variants: [S, M, L] }
outputs:
  shirt: "${{ steps.shirt.outputs.product_id }}"
  cap: "${{ steps.cap.outputs.product_id }}"
)";
    test::ChildProcess run(linkhub({"run", (dir_.path() / "seed.yaml").string(), "--format", "json"}), {}, dir_.str());
    const auto status = run.wait();
    ASSERT_TRUE(status.exited && status.code == 0) << run.transcript();
    const std::string& out = run.transcript();
    // The run's JSON is the document that starts on a line of its own ("{"); log lines are single-line objects.
    const size_t start = out.rfind("\n{\n") == std::string::npos ? out.find("{\n") : out.rfind("\n{\n") + 1;
    ASSERT_NE(start, std::string::npos) << out;
    const json result = json::parse(out.substr(start, out.rfind('}') - start + 1), nullptr, false);
    ASSERT_TRUE(result.is_object()) << out;
    shirt_ = std::to_string(result["outputs"]["shirt"].get<long long>());
    cap_ = std::to_string(result["outputs"]["cap"].get<long long>());
  }

  void serve() {
    server_ = std::make_unique<test::ChildProcess>(
        linkhub({"serve", "--listen", "127.0.0.1:0", "--workflows", (dir_.path() / "workflows").string(), "--threads",
                 "4"}),
        std::map<std::string, std::string>{{"SHOP_WHATSAPP_NUMBER", kShopNumber}}, dir_.str());
    const auto listening = server_->read_until("serve.listening");
    ASSERT_TRUE(listening.has_value()) << server_->transcript();
    client_ = std::make_unique<test::HttpClient>(json::parse(*listening)["port"].get<uint16_t>());
  }

  void stop() {
    client_.reset();
    server_.reset();  // kills and reaps
  }

  json post(const json& message, const std::string& name = "Ana") {
    const std::string body = delivery(message, name);
    test::HttpRequest request;
    request.method = "POST";
    request.target = "/api/v1/whatsapp/webhook";
    request.body = body;
    request.content_type = "application/json";
    request.headers["X-Hub-Signature-256"] = signature_of(body);
    const auto answer = client_->send(request);
    EXPECT_EQ(answer.status, 200) << answer.body;
    return answer.json();
  }

  std::vector<RunRecord> runs() const {
    auto store = SqlStore::open(db_);
    EXPECT_TRUE(store.ok());
    std::vector<RunRecord> out;
    for (auto& r : (*store)->list_runs(1000)) {
      if (r.workflow == "whatsapp-buy") {
        out.push_back(std::move(r));
      }
    }
    return out;
  }

  std::optional<RunRecord> run_of(const std::string& wa_id) const {
    for (auto& r : runs()) {
      if (r.inputs.value("from", "") == wa_id) {
        return r;
      }
    }
    return std::nullopt;
  }

  // Bounded: until the stand-in has `count` messages for `to` and the
  // customer's run is parked (or finished), or 60 s passed (a failure).
  // The run must be waiting before the customer's next message, or that
  // message would start a new conversation.
  std::vector<json> settle(const std::string& to, size_t count, bool finished = false) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    for (;;) {
      auto sent = api_.sent_to(to);
      const auto run = run_of(to);
      const bool parked = run && (finished ? is_terminal(run->status) : run->status == RunStatus::Waiting);
      if (sent.size() >= count && parked) {
        return sent;
      }
      if (std::chrono::steady_clock::now() >= until) {
        ADD_FAILURE() << to << ": " << sent.size() << " of " << count << " messages, run "
                      << (run ? to_string(run->status) : std::string("missing")) << "\n"
                      << (server_ ? server_->transcript().substr(0, 4000) : "");
        return sent;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
  }

  static bool is_terminal(RunStatus s) {
    return s == RunStatus::Succeeded || s == RunStatus::Failed || s == RunStatus::Cancelled;
  }

  // The catalog's orders of `wa_id`: [{number, product_id, quantity, variant, total_micros, currency}].
  json orders_of(const std::string& wa_id) const {
    json out = json::array();
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << db_;
      sqlite3_close(db);
      return out;
    }
    sqlite3_stmt* st = nullptr;
    const char* sql =
        "SELECT id, product_id, quantity, COALESCE(variant, ''), unit_price_micros, total_micros, currency, status "
        "FROM catalog_orders WHERE customer_wa_id = ? ORDER BY id";
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, wa_id.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(st) == SQLITE_ROW) {
        out.push_back({{"id", sqlite3_column_int64(st, 0)},
                       {"product_id", sqlite3_column_int64(st, 1)},
                       {"quantity", sqlite3_column_int64(st, 2)},
                       {"variant", reinterpret_cast<const char*>(sqlite3_column_text(st, 3))},
                       {"unit_price_micros", sqlite3_column_int64(st, 4)},
                       {"total_micros", sqlite3_column_int64(st, 5)},
                       {"currency", reinterpret_cast<const char*>(sqlite3_column_text(st, 6))},
                       {"status", reinterpret_cast<const char*>(sqlite3_column_text(st, 7))}});
      }
    } else {
      ADD_FAILURE() << "no orders table: " << sqlite3_errmsg(db);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
  }

  // The workflow copy waits 1 s for the customer instead of 30 minutes.
  void wait_one_second() {
    const fs::path yaml = dir_.path() / "workflows" / "whatsapp-buy.yaml";
    std::string text = read_file(yaml);
    const std::string idle = "idle_timeout: { type: string, default: 30m,";
    ASSERT_NE(text.find(idle), std::string::npos);
    text.replace(text.find(idle), idle.size(), "idle_timeout: { type: string, default: 1s,");
    std::ofstream(yaml, std::ios::trunc) << text;
  }

  test::TempDir dir_{"linkhub-buyflow-"};
  CloudStandIn api_;
  std::string db_;
  std::string shirt_;
  std::string cap_;
  std::unique_ptr<test::ChildProcess> server_;
  std::unique_ptr<test::HttpClient> client_;
};

TEST_F(BuyFlow, HiBuyTwoYesCreatesOneOrderAtTheCatalogPriceAndThanksWithItsNumber) {
  serve();
  const std::string ana = "5511987650001";
  const json first = post(text_message(ana, "wamid.A1", "hi"), "Ana");
  EXPECT_EQ(first["runs_started"], 1) << first;

  auto sent = settle(ana, 1);
  ASSERT_EQ(sent.size(), 1u);
  // The product list: every seeded product a row, its id in the row's id.
  ASSERT_EQ(sent[0]["type"], "interactive") << sent[0];
  EXPECT_EQ(sent[0]["interactive"]["type"], "list") << sent[0];
  EXPECT_NE(body_of(sent[0]).find("Ana"), std::string::npos) << sent[0];
  std::set<std::string> rows;
  for (const json& row : sent[0]["interactive"]["action"]["sections"][0]["rows"]) {
    rows.insert(row["id"].get<std::string>());
  }
  EXPECT_EQ(rows, (std::set<std::string>{"buy:" + shirt_, "buy:" + cap_}));

  EXPECT_EQ(post(text_message(ana, "wamid.A2", "BUY " + shirt_))["to_waiting_runs"], 1);
  sent = settle(ana, 2);
  ASSERT_EQ(sent.size(), 2u);
  // The product card: the picture, title and price, quantities as buttons.
  EXPECT_EQ(sent[1]["interactive"]["type"], "button") << sent[1];
  EXPECT_EQ(sent[1]["interactive"]["header"]["image"]["link"], "https://cdn.example.com/linen-shirt.jpg") << sent[1];
  EXPECT_NE(body_of(sent[1]).find("Linen shirt\n24.50 USD"), std::string::npos) << sent[1];
  EXPECT_EQ(sent[1]["interactive"]["action"]["buttons"][1]["reply"]["id"], "qty:2") << sent[1];

  EXPECT_EQ(post(text_message(ana, "wamid.A3", "2"))["to_waiting_runs"], 1);
  sent = settle(ana, 3);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(body_of(sent[2]), "2 x Linen shirt = 49.00 USD. Shall I place the order?") << sent[2];

  EXPECT_EQ(post(text_message(ana, "wamid.A4", "yes"))["to_waiting_runs"], 1);
  sent = settle(ana, 4, true);
  ASSERT_EQ(sent.size(), 4u);

  const json orders = orders_of(ana);
  ASSERT_EQ(orders.size(), 1u) << orders;
  EXPECT_EQ(std::to_string(orders[0]["product_id"].get<long long>()), shirt_);
  EXPECT_EQ(orders[0]["quantity"], 2);
  EXPECT_EQ(orders[0]["unit_price_micros"], 24500000);
  EXPECT_EQ(orders[0]["total_micros"], 49000000);
  EXPECT_EQ(orders[0]["currency"], "USD");

  const auto run = run_of(ana);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, RunStatus::Succeeded) << run->error;
  const std::string number = run->outputs.value("order_number", "");
  ASSERT_FALSE(number.empty()) << run->outputs;
  EXPECT_EQ(body_of(sent[3]), "Thank you! Your order " + number +
                                  " is in: 2 x Linen shirt = 49.00 USD. We'll message you about delivery.");
  // The seller's template, to the shop's number from the environment.
  const auto seller = api_.sent_to(std::string(kShopNumber).substr(1));
  ASSERT_EQ(seller.size(), 1u);
  EXPECT_EQ(seller[0]["type"], "template");
  EXPECT_EQ(seller[0]["template"]["name"], "new_order");
  EXPECT_EQ(seller[0]["template"]["components"][0]["parameters"][0]["text"], number) << seller[0];
  EXPECT_EQ(runs().size(), 1u) << "one run for the whole conversation";
  EXPECT_EQ(server_->transcript().find(kToken), std::string::npos) << "the token reached the log";
}

TEST_F(BuyFlow, TheSameDeliveryTwiceStartsOneRun) {
  serve();
  const std::string bia = "5511987650002";
  const json message = text_message(bia, "wamid.B1", "hello");
  EXPECT_EQ(post(message)["runs_started"], 1);
  const json again = post(message);
  EXPECT_EQ(again["runs_started"], 0) << again;
  EXPECT_EQ(again["duplicates"], 1) << again;
  const auto sent = settle(bia, 1);
  EXPECT_EQ(sent.size(), 1u) << "the repeat was answered again";
  EXPECT_EQ(runs().size(), 1u);
}

TEST_F(BuyFlow, TwoCustomersAtOnceKeepTheirOwnConversations) {
  serve();
  const std::string ana = "5511987650003";
  const std::string ben = "6281234567004";
  post(text_message(ana, "wamid.C1", "oi"), "Ana");
  post(text_message(ben, "wamid.D1", "halo"), "Ben");
  settle(ana, 1);
  settle(ben, 1);
  // Ana by typing, Ben by tapping the list row and the card's buttons.
  post(text_message(ana, "wamid.C2", "quero comprar " + cap_));
  post(button_reply(ben, "wamid.D2", "buy:" + shirt_, "Linen shirt"));
  settle(ana, 2);
  settle(ben, 2);
  post(text_message(ana, "wamid.C3", "M"));
  post(button_reply(ben, "wamid.D3", "qty:3", "3"));
  settle(ana, 3);
  auto ben_sent = settle(ben, 3);
  post(text_message(ana, "wamid.C4", "dois"));
  post(button_reply(ben, "wamid.D4", "no", "Tidak"));
  auto ana_sent = settle(ana, 4);
  ben_sent = settle(ben, 4);
  post(text_message(ana, "wamid.C5", "sim"));
  ana_sent = settle(ana, 5, true);

  ASSERT_EQ(ana_sent.size(), 5u);
  EXPECT_EQ(ana_sent[0]["interactive"]["action"]["button"], "Ver produtos") << ana_sent[0];
  EXPECT_EQ(body_of(ana_sent[3]), "2 x Sun cap (M) = 24.00 EUR. Posso fazer o pedido?") << ana_sent[3];
  EXPECT_EQ(body_of(ana_sent[4]).rfind("Obrigado! Seu pedido ", 0), 0u) << ana_sent[4];
  const json ana_orders = orders_of(ana);
  ASSERT_EQ(ana_orders.size(), 1u) << ana_orders;
  EXPECT_EQ(ana_orders[0]["variant"], "M");
  EXPECT_EQ(ana_orders[0]["total_micros"], 24000000);

  ASSERT_EQ(ben_sent.size(), 4u);
  EXPECT_EQ(ben_sent[0]["interactive"]["action"]["button"], "Lihat produk") << ben_sent[0];
  EXPECT_EQ(body_of(ben_sent[2]), "3 x Linen shirt = 73.50 USD. Pesan sekarang?") << ben_sent[2];
  EXPECT_EQ(body_of(ben_sent[3]).rfind("Baik, tidak ada yang dipesan", 0), 0u) << ben_sent[3];
  EXPECT_TRUE(orders_of(ben).empty()) << "Ben said no";
  const auto ben_run = run_of(ben);
  ASSERT_TRUE(ben_run.has_value());
  EXPECT_EQ(ben_run->status, RunStatus::Waiting) << "after a no, Ben's conversation goes on";
  EXPECT_EQ(runs().size(), 2u);
}

TEST_F(BuyFlow, ANodeKilledWhileTheConversationWaitsLosesNothingAndOrdersOnce) {
  serve();
  const std::string ana = "5511987650005";
  post(text_message(ana, "wamid.K1", "hi"));
  settle(ana, 1);
  post(text_message(ana, "wamid.K2", "BUY " + shirt_));
  settle(ana, 2);
  const auto before = run_of(ana);
  ASSERT_TRUE(before.has_value());
  ASSERT_EQ(before->status, RunStatus::Waiting);

  server_->kill(SIGKILL);
  ASSERT_EQ(server_->wait().signal, SIGKILL);
  stop();
  serve();

  // The next message goes to the parked run, on the new process.
  EXPECT_EQ(post(text_message(ana, "wamid.K3", "2"))["to_waiting_runs"], 1);
  auto sent = settle(ana, 3);
  ASSERT_EQ(sent.size(), 3u) << "a message was sent again after the restart";
  EXPECT_EQ(body_of(sent[2]), "2 x Linen shirt = 49.00 USD. Shall I place the order?");
  EXPECT_EQ(post(text_message(ana, "wamid.K4", "yes"))["to_waiting_runs"], 1);
  sent = settle(ana, 4, true);
  EXPECT_EQ(sent.size(), 4u);
  EXPECT_EQ(orders_of(ana).size(), 1u);
  const auto after = run_of(ana);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->id, before->id) << "the conversation kept its run";
  EXPECT_EQ(after->status, RunStatus::Succeeded) << after->error;
  EXPECT_EQ(runs().size(), 1u);
}

TEST_F(BuyFlow, SpanishAndVietnameseCustomersBuyInTheirLanguage) {
  serve();
  const std::string eva = "34600000006";
  const std::string vy = "84900000007";
  post(text_message(eva, "wamid.E1", "¡Hola! ¿Cuánto cuesta?"), "Eva");
  post(text_message(vy, "wamid.V1", "Xin chào"), "Vy");
  auto eva_sent = settle(eva, 1);
  auto vy_sent = settle(vy, 1);
  post(text_message(eva, "wamid.E2", "quiero comprar " + shirt_));
  post(text_message(vy, "wamid.V2", "mua " + shirt_));
  settle(eva, 2);
  settle(vy, 2);
  post(text_message(eva, "wamid.E3", "dos"));
  post(text_message(vy, "wamid.V3", "hai"));
  settle(eva, 3);
  settle(vy, 3);
  post(text_message(eva, "wamid.E4", "sí"));
  post(text_message(vy, "wamid.V4", "có"));
  eva_sent = settle(eva, 4, true);
  vy_sent = settle(vy, 4, true);

  ASSERT_EQ(eva_sent.size(), 4u);
  EXPECT_EQ(body_of(eva_sent[0]).rfind("Nuestros precios:", 0), 0u) << eva_sent[0];
  EXPECT_EQ(body_of(eva_sent[2]), "2 x Linen shirt = 49.00 USD. ¿Hago el pedido?");
  EXPECT_EQ(body_of(eva_sent[3]).rfind("¡Gracias! Tu pedido ", 0), 0u) << eva_sent[3];
  ASSERT_EQ(vy_sent.size(), 4u);
  EXPECT_EQ(vy_sent[0]["interactive"]["action"]["button"], "Xem sản phẩm") << vy_sent[0];
  EXPECT_EQ(body_of(vy_sent[2]), "2 x Linen shirt = 49.00 USD. Đặt hàng nhé?");
  EXPECT_EQ(body_of(vy_sent[3]).rfind("Cảm ơn bạn! Đơn hàng ", 0), 0u) << vy_sent[3];
  EXPECT_EQ(orders_of(eva).size(), 1u);
  EXPECT_EQ(orders_of(vy).size(), 1u);
}

TEST_F(BuyFlow, AConversationLeftIdleEndsPolitely) {
  wait_one_second();
  serve();
  const std::string dan = "4915550009999";
  post(text_message(dan, "wamid.I1", "hallo"));
  const auto sent = settle(dan, 2, true);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(body_of(sent[1]), "Percakapan ini saya tutup dulu. Kirim HALO kapan saja untuk belanja lagi!");
  const auto run = run_of(dan);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, RunStatus::Succeeded) << run->error;
  EXPECT_EQ(run->outputs.value("stage", ""), "ended") << run->outputs;
  EXPECT_TRUE(orders_of(dan).empty());
  // The next message starts a new conversation.
  EXPECT_EQ(post(text_message(dan, "wamid.I2", "hi"))["runs_started"], 1);
}

TEST_F(BuyFlow, ACustomerWhoSaysStopMidConversationGetsNothingMore) {
  wait_one_second();
  serve();
  const std::string eli = "5511987650010";
  post(text_message(eli, "wamid.S1", "hi"));
  settle(eli, 1);
  // The plugin opts the contact out before any workflow sees the message.
  const json stop = post(text_message(eli, "wamid.S2", "PARAR"));
  EXPECT_EQ(stop["opted_out"], 1) << stop;
  EXPECT_EQ(stop["to_waiting_runs"], 0) << stop;
  // The run times out; its goodbye is refused before the API, and the run still ends.
  const auto sent = settle(eli, 1, true);
  EXPECT_EQ(sent.size(), 1u) << "a message reached the API after the opt-out";
  const auto run = run_of(eli);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->status, RunStatus::Succeeded) << run->error;
  EXPECT_EQ(run->outputs.value("stage", ""), "ended") << run->outputs;
}

}  // namespace
}  // namespace linkhub
