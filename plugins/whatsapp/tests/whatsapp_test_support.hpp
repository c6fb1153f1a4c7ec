#pragma once
// Shared by the whatsapp plugin's tests: the built plugin through its C ABI
// on the SDK's fake host, a loopback Cloud API stand-in on 127.0.0.1 that
// replays the recorded answers and counts the calls, signed webhook
// deliveries, and direct SQL on the plugin's SQLite tables.

#include "checked_step.hpp"
#include "loopback_server.hpp"
#include "temp_dir.hpp"

#include <linkhub/sigv4.hpp>
#include <linkhub/testing.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace linkhub::whatsapp_test {

using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;
namespace fs = std::filesystem;

inline constexpr const char* kToken = "EAAG-t0ken-S3CRET-4b1d";
inline constexpr const char* kAppSecret = "app-S3CRET-77e0";
inline constexpr const char* kVerifyToken = "verify-S3CRET-19aa";
inline constexpr const char* kPhoneNumberId = "1122334455667";
inline constexpr const char* kMessagesPath = "/v21.0/1122334455667/messages";
inline constexpr const char* kMediaPath = "/v21.0/1122334455667/media";
inline constexpr const char* kMediaId = "4490709327384033";
// A number whose endpoint holds every request until the test releases it (timeouts).
inline constexpr const char* kSlowPhoneNumberId = "999";
inline constexpr const char* kSlowMessagesPath = "/v21.0/999/messages";

inline std::string read_fixture(const std::string& name) {
  const fs::path path = fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures" / "whatsapp" / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
inline Json fixture_json(const std::string& name) {
  return Json::parse(read_fixture(name));
}

// The body of the first error example in Meta's OpenAPI document with `code`
// (and `where_contains` in where it was found).
inline Json openapi_error(int code, const std::string& where_contains = "") {
  for (const Json& example : fixture_json("meta_whatsapp_openapi_error_examples.json")) {
    if (example["body"]["error"].value("code", 0) == code &&
        example["where"].get<std::string>().find(where_contains) != std::string::npos) {
      return example["body"];
    }
  }
  ADD_FAILURE() << "no OpenAPI error example with code " << code;
  return Json();
}

inline const sdk::testing::Plugin& plugin() {
  static const sdk::testing::Plugin whatsapp(fs::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_whatsapp.so");
  return whatsapp;
}

inline long long unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The Cloud API's messages endpoint on 127.0.0.1: answers from a queue
// (the recorded success body when the queue is empty) and keeps every request.
class CloudStandIn {
 public:
  CloudStandIn() {
    server_.on(kMessagesPath, [this](const test::Request& request) {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (before_answer_) {
        before_answer_();
      }
      const Json sent = Json::parse(request.body, nullptr, false);
      const std::string to =
          sent.is_object() && sent.contains("to") && sent["to"].is_string() ? sent["to"].get<std::string>() : "";
      if (const auto it = by_recipient_.find(to); it != by_recipient_.end()) {
        return it->second;
      }
      if (answers_.empty() && numbered_) {
        return test::Response{200,
                              "application/json",
                              Json{{"messaging_product", "whatsapp"},
                                   {"contacts", {{{"input", to}, {"wa_id", to}}}},
                                   {"messages", {{{"id", "wamid.standin." + std::to_string(requests_.size())}}}}}
                                  .dump(),
                              {}};
      }
      if (answers_.empty()) {
        return test::Response{
            200, "application/json", read_fixture("whatsapp_send_message_success_response_openapi.json"), {}};
      }
      test::Response next = answers_.front();
      answers_.pop_front();
      return next;
    });
    server_.on(kMediaPath, [this](const test::Request& request) {
      std::lock_guard lock(mutex_);
      uploads_.push_back(request);
      return test::Response{200, "application/json", Json{{"id", kMediaId}}.dump(), {}};
    });
    server_.on_blocking(kSlowMessagesPath);
    server_.start();
  }
  void answer(int status, const std::string& body, std::map<std::string, std::string> headers = {}) {
    std::lock_guard lock(mutex_);
    answers_.push_back({status, "application/json", body, std::move(headers)});
  }
  // Every message to `to` (digits) gets this answer, whatever the queue holds.
  void answer_for(const std::string& to, int status, const std::string& body) {
    std::lock_guard lock(mutex_);
    by_recipient_[to] = {status, "application/json", body, {}};
  }
  // Successes carry a new wamid each (wamid.standin.<n>) instead of the recorded one.
  void number_wamids() {
    std::lock_guard lock(mutex_);
    numbered_ = true;
  }
  // The recipients (digits) of every message request so far, in arrival order.
  std::vector<std::string> recipients() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& r : requests_) {
      const Json body = Json::parse(r.body, nullptr, false);
      out.push_back(body.is_object() ? body.value("to", "") : "");
    }
    return out;
  }
  // Runs when a request has arrived, before it is answered.
  void before_answer(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    before_answer_ = std::move(hook);
  }
  int calls() const { return server_.requests(kMessagesPath); }
  std::vector<test::Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::vector<test::Request> uploads() const {
    std::lock_guard lock(mutex_);
    return uploads_;
  }
  Json last_body() const {
    std::lock_guard lock(mutex_);
    return requests_.empty() ? Json() : Json::parse(requests_.back().body);
  }
  std::string base_url() const {
    const std::string url = server_.url("/");
    return url.substr(0, url.size() - 1);
  }
  test::LoopbackServer& server() { return server_; }

 private:
  test::LoopbackServer server_;
  mutable std::mutex mutex_;
  std::deque<test::Response> answers_;
  std::map<std::string, test::Response> by_recipient_;
  bool numbered_ = false;
  std::vector<test::Request> requests_;
  std::vector<test::Request> uploads_;
  std::function<void()> before_answer_;
};

// A fresh SQLite database, the stand-in, and contexts configured for both.
class Harness {
 public:
  Harness() : db_path_((dir_.path() / "whatsapp.db").string()) {}

  Json config() const {
    return {{"base_url", api.base_url()}, {"api_version", "v21.0"},     {"phone_number_id", kPhoneNumberId},
            {"database", database},       {"recipient_interval_ms", 0}, {"timeout_ms", 5000}};
  }
  // A context as linkhub would give the step `key` (its idempotency key).
  void prepare(FakeContext& ctx, const std::string& key = "run-1/send") const {
    ctx.plugin_config = config();
    for (const auto& [k, v] : extra_config.items()) {
      ctx.plugin_config[k] = v;
    }
    ctx.secrets = {
        {"WHATSAPP_TOKEN", kToken}, {"WHATSAPP_APP_SECRET", kAppSecret}, {"WHATSAPP_VERIFY_TOKEN", kVerifyToken}};
    ctx.http_allow = {"127.0.0.1"};
    ctx.idempotency_key = key;
  }
  StepResult call(const std::string& step, const Json& input, const std::string& key = "run-1/send") const {
    FakeContext ctx;
    prepare(ctx, key);
    return test::run_checked_step(plugin(), step, ctx, input);
  }
  StepResult call_with(FakeContext& ctx, const std::string& step, const Json& input) const {
    return test::run_checked_step(plugin(), step, ctx, input);
  }

  // whatsapp.receive of `body`, signed with the app secret.
  StepResult receive(const std::string& body) const;
  // A signed delivery of one text message from `from`, written at `timestamp_s`.
  StepResult inbound_text(const std::string& from, const std::string& text, long long timestamp_s,
                          const std::string& wamid) const;

  // The first column of the first row of `query` on the plugin's tables (-1 when no row).
  long long number(const std::string& query) const {
    sqlite3* db = nullptr;
    long long out = -1;
    if (sqlite3_open_v2(db_path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        out = sqlite3_column_int64(st, 0);
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }
  void execute(const std::string& statement) const {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db_path_.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  CloudStandIn api;
  Json extra_config = Json::object();

 private:
  test::TempDir dir_{"linkhub-whatsapp-"};
  std::string db_path_;

 public:
  std::string database = db_path_;
};

// "sha256=<hex HMAC-SHA256 of body with secret>", computed here independently of the plugin.
inline std::string sign(const std::string& secret, const std::string& body) {
  const std::string mac = sdk::sigv4::hmac_sha256(secret, body);
  return "sha256=" + sdk::sigv4::to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

// A delivery as Meta sends it: one entry, one change, one text message.
inline std::string text_delivery(const std::string& from, const std::string& text, long long timestamp_s,
                                 const std::string& wamid, const std::string& name = "Ana") {
  const Json value = {{"messaging_product", "whatsapp"},
                      {"metadata", {{"display_phone_number", "15550001111"}, {"phone_number_id", kPhoneNumberId}}},
                      {"contacts", {{{"profile", {{"name", name}}}, {"wa_id", from}}}},
                      {"messages",
                       {{{"from", from},
                         {"id", wamid},
                         {"timestamp", std::to_string(timestamp_s)},
                         {"type", "text"},
                         {"text", {{"body", text}}}}}}};
  return Json{{"object", "whatsapp_business_account"},
              {"entry", {{{"id", "5467539754836534"}, {"changes", {{{"field", "messages"}, {"value", value}}}}}}}}
      .dump();
}

inline StepResult Harness::receive(const std::string& body) const {
  return call("receive", {{"body", body}, {"signature", sign(kAppSecret, body)}}, "run-hook/receive");
}

inline StepResult Harness::inbound_text(const std::string& from, const std::string& text, long long timestamp_s,
                                        const std::string& wamid) const {
  return receive(text_delivery(from, text, timestamp_s, wamid));
}

// Everything a result says, to search for secrets.
inline std::string everything(const StepResult& r) {
  return r.error + "\n" + r.details.dump() + "\n" + r.output_text + "\n" + r.log_text();
}

inline void expect_no_secret(const StepResult& r) {
  for (const char* secret : {kToken, kAppSecret, kVerifyToken}) {
    EXPECT_EQ(everything(r).find(secret), std::string::npos) << "a secret leaked: " << everything(r);
  }
}

}  // namespace linkhub::whatsapp_test
