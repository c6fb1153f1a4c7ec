// A "catalog" plugin that misbehaves in every way the REST API must survive:
// search answers a shape no route can use, get breaks its own output schema,
// update fails for a reason that is not the request's (and with a secret in
// its message for the title "leak"), delete is retryable, get of product 2
// runs until it is cancelled. Update's schema caps the title, which the
// server's own checks do not: only the step's schema refuses a long one.
#include <linkhub/plugin.hpp>

#include <chrono>
#include <thread>

using linkhub::sdk::Json;

class Search : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "search";
  static constexpr const char* description = "answers items that are not products";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json&) override {
    return {{"items", Json::array({Json{{"product_id", "seven"}}})}, {"next_cursor", nullptr}};
  }
};

class Get : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "get";
  static constexpr const char* description = "declares a boolean found, answers text; product 2 hangs";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() {
    return {{"type", "object"}, {"properties", {{"found", {{"type", "boolean"}}}}}, {"required", {"found"}}};
  }
  Json run(linkhub::sdk::Context& ctx, const Json& input) override {
    if (input.value("product_id", 0) == 2) {
      // Until the host cancels (bounded, so a host that never does fails the test instead of hanging it).
      for (int k = 0; k < 6000 && !ctx.cancelled(); ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      throw linkhub::sdk::StepError("catalog: stopped");
    }
    return {{"found", "maybe"}};
  }
};

class Update : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "update";
  static constexpr const char* description = "fails permanently, not for the caller's input";
  static Json input_schema() {
    return {{"type", "object"}, {"properties", {{"title", {{"type", "string"}, {"maxLength", 20}}}}}};
  }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context& ctx, const Json& input) override {
    if (input.value("title", "") == "leak") {
      throw linkhub::sdk::StepError("catalog: login refused for token " + ctx.secret("CATALOG_TOKEN").value_or("?"));
    }
    throw linkhub::sdk::StepError("catalog: database error on catalog.db: disk full");
  }
};

class Delete : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "delete";
  static constexpr const char* description = "fails for now";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json&) override {
    throw linkhub::sdk::StepError("catalog: the database catalog.db is unavailable or busy: locked", true);
  }
};

LINKHUB_PLUGIN("catalog", "0.0.1", "a catalog that misbehaves, for the REST API's tests", Search, Get, Update, Delete)
