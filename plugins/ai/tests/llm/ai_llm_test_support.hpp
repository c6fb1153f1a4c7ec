#pragma once
// Shared by the language-model backend's tests: the built ai plugin through
// its C ABI on the SDK's fake host, and a loopback OpenAI-compatible
// stand-in on 127.0.0.1 that answers from a queue (recorded payloads from
// plugins/ai/tests/fixtures, or bodies a test writes) and keeps every request.

#include "checked_step.hpp"
#include "loopback_server.hpp"
#include "temp_dir.hpp"

#include <linkhub/circuit_breaker.hpp>
#include <linkhub/testing.hpp>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace linkhub::ai_llm_test {

using Json = sdk::Json;
using sdk::testing::FakeContext;
using sdk::testing::StepResult;
namespace fs = std::filesystem;

inline constexpr const char* kKey = "sk-test-S3CRET-5e1f";
inline constexpr const char* kPath = "/v1/chat/completions";
inline constexpr const char* kModel = "gpt-4o-2024-08-06";

inline std::string read_fixture(const std::string& name) {
  const fs::path path = fs::path(LINKHUB_SOURCE_DIR) / "plugins" / "ai" / "tests" / "fixtures" / name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One of the chat.completion bodies the openai-python tests recorded from the API.
inline Json recorded(const std::string& test_name) {
  return Json::parse(read_fixture("openai_chat_completions_recorded_responses_python_sdk.json")).at(test_name);
}

// The recorded structured answer (usage 17 + 10 tokens) with `content` instead of its own.
inline Json completion(const std::string& content) {
  Json body = Json::parse(read_fixture("openai_chat_structured_response_location_node.json"));
  body["choices"][0]["message"]["content"] = content;
  return body;
}

// A catalog entry as ai.extract's schema wants it.
inline Json valid_entry() {
  return {{"product_name", {{"value", "Air Max 90"}, {"confidence", 0.9}}},
          {"brand", {{"value", "Nike"}, {"confidence", 0.95}}},
          {"sizes", {{"value", {"38", "44"}}, {"confidence", 0.8}}},
          {"colours", {{"value", {"white", "red"}}, {"confidence", 0.8}}},
          {"materials", {{"value", {"leather"}}, {"confidence", 0.7}}},
          {"description",
           {{"value", "Classic Nike Air Max 90 in white and red leather."}, {"language", "en"}, {"confidence", 0.6}}},
          {"translated_description", {{"value", nullptr}, {"language", nullptr}, {"confidence", 0}}},
          {"sentiment", {{"value", "positive"}, {"confidence", 0.7}}},
          {"keywords", {{"value", {"nike", "air max", "sneakers"}}, {"confidence", 0.8}}}};
}

class OpenAiStandIn {
 public:
  OpenAiStandIn() {
    server_.on(kPath, [this](const test::Request& request) {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      if (answers_.empty()) {
        return test::Response{500,
                              "application/json",
                              R"({"error":{"message":"the stand-in has no answer queued","type":"server_error"}})",
                              {}};
      }
      test::Response next = answers_.front();
      answers_.pop_front();
      return next;
    });
    server_.start();
  }
  void answer(int status, const Json& body, std::map<std::string, std::string> headers = {}) {
    std::lock_guard lock(mutex_);
    answers_.push_back({status, "application/json", body.dump(), std::move(headers)});
  }
  void answer_text(int status, const std::string& body, std::map<std::string, std::string> headers = {}) {
    std::lock_guard lock(mutex_);
    answers_.push_back({status, "application/json", body, std::move(headers)});
  }
  void answer_sse(const std::string& body) {
    std::lock_guard lock(mutex_);
    answers_.push_back({200, "text/event-stream", body, {}});
  }
  int calls() const { return server_.requests(kPath); }
  std::vector<test::Request> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  Json body(size_t i) const { return Json::parse(requests().at(i).body); }
  std::string base_url() const { return server_.url("/v1"); }

 private:
  test::LoopbackServer server_;
  mutable std::mutex mutex_;
  std::deque<test::Response> answers_;
  std::vector<test::Request> requests_;
};

inline const sdk::testing::Plugin& plugin() {
  static const sdk::testing::Plugin ai(fs::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_ai.so");
  return ai;
}

// A fresh SQLite database (or LINKHUB_TEST_PG's, when `postgres`), the
// stand-in, and contexts configured for both.
class Harness {
 public:
  Json config() const {
    Json c = {{"backend", "llm"},
              {"database", database},
              {"llm",
               {{"base_url", api.base_url()},
                {"model", kModel},
                {"max_retry_wait_ms", 0},
                {"timeout_ms", 5000},
                {"prices", {{kModel, {{"input_per_million", 2.5}, {"output_per_million", 10}}}}}}}};
    for (const auto& [k, v] : llm_config.items()) {
      c["llm"][k] = v;
    }
    return c;
  }
  void prepare(FakeContext& ctx) const {
    ctx.plugin_config = config();
    ctx.secrets = {{"OPENAI_API_KEY", kKey}};
    ctx.http_allow = {"127.0.0.1"};
    ctx.workflow_dir = "/workflows/shop";
  }
  StepResult extract(const Json& input) const {
    FakeContext ctx;
    prepare(ctx);
    return test::run_checked_step(plugin(), "extract", ctx, input);
  }
  StepResult extract_with_step(const std::string& step, const Json& input) const {
    FakeContext ctx;
    prepare(ctx);
    return test::run_checked_step(plugin(), step, ctx, input);
  }
  StepResult extract_with(FakeContext& ctx, const Json& input) const {
    return test::run_checked_step(plugin(), "extract", ctx, input);
  }
  StepResult tags(const Json& input) const { return extract_with_step("tags", input); }
  long long number(const std::string& query) const {
    sqlite3* db = nullptr;
    long long out = -1;
    if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
      sqlite3_stmt* st = nullptr;
      if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        out = sqlite3_column_int64(st, 0);
      }
      sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
  }

  OpenAiStandIn api;
  Json llm_config = Json::object();

 private:
  test::TempDir dir_{"linkhub-ai-llm-"};

 public:
  std::string database = (dir_.path() / "ai.db").string();
};

// A text/event-stream body as the API streams `content`: a role chunk, the
// content in `pieces` deltas, a finish_reason chunk, the usage chunk, [DONE].
inline std::string sse_of(const std::string& content, int prompt_tokens, int completion_tokens, int pieces = 3,
                          const std::string& finish = "stop") {
  const auto event = [](const Json& chunk) { return "data: " + chunk.dump() + "\n\n"; };
  const Json base = {{"id", "chatcmpl-test"}, {"object", "chat.completion.chunk"}, {"model", kModel}};
  const auto chunk = [&](const Json& choices) {
    Json c = base;
    c["choices"] = choices;
    return c;
  };
  std::string out = event(chunk(
      Json::array({{{"index", 0}, {"delta", {{"role", "assistant"}, {"content", ""}}}, {"finish_reason", nullptr}}})));
  const size_t step = content.size() / static_cast<size_t>(pieces) + 1;
  for (size_t at = 0; at < content.size(); at += step) {
    out += event(chunk(
        Json::array({{{"index", 0}, {"delta", {{"content", content.substr(at, step)}}}, {"finish_reason", nullptr}}})));
  }
  out += event(chunk(Json::array({{{"index", 0}, {"delta", Json::object()}, {"finish_reason", finish}}})));
  Json last = chunk(Json::array());
  last["usage"] = {{"prompt_tokens", prompt_tokens},
                   {"completion_tokens", completion_tokens},
                   {"total_tokens", prompt_tokens + completion_tokens}};
  out += event(last);
  return out + "data: [DONE]\n\n";
}

inline const Json kCaption = {
    {"caption", "Nike Air Max 90, sizes 38-44, white/red, genuine leather. Only $89! #sneakers #nike"}};

}  // namespace linkhub::ai_llm_test
