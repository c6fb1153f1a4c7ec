// A "catalog" plugin that misbehaves in every way the REST API must survive:
// search answers a shape no route can use, get breaks its own output schema,
// update fails for a reason that is not the request's, delete is retryable.
#include <linkhub/plugin.hpp>

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
  static constexpr const char* description = "declares a boolean found, answers text";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() {
    return {{"type", "object"}, {"properties", {{"found", {{"type", "boolean"}}}}}, {"required", {"found"}}};
  }
  Json run(linkhub::sdk::Context&, const Json&) override { return {{"found", "maybe"}}; }
};

class Update : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "update";
  static constexpr const char* description = "fails permanently, not for the caller's input";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json&) override {
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
