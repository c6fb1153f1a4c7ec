// A "catalog" plugin whose every step fails with an error code and a message
// that names no HTTP-ish class ("not found", "conflict"), so the REST API's
// tests see the code alone pick the status.
#include <linkhub/plugin.hpp>

using linkhub::sdk::Json;
namespace errors = linkhub::sdk::errors;

class Search : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "search";
  static constexpr const char* description = "fails with a code linkhub gives no status";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json&) override {
    throw linkhub::sdk::StepError(linkhub::sdk::ErrorCode("shelf_tilted"), "the shelf leans");
  }
};

class Get : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "get";
  static constexpr const char* description = "fails with not_found";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json& input) override {
    throw linkhub::sdk::StepError(errors::not_found, "nothing answers to that number", false,
                                  {{"product_id", input.value("product_id", Json())}});
  }
};

class Update : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "update";
  static constexpr const char* description = "fails with conflict";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json&) override {
    throw linkhub::sdk::StepError(errors::conflict, "somebody else got there first", false, {{"version", 3}});
  }
};

class Delete : public linkhub::sdk::Step {
 public:
  static constexpr const char* name = "delete";
  static constexpr const char* description = "fails with rate_limited, retryable";
  static Json input_schema() { return {{"type", "object"}}; }
  static Json output_schema() { return {{"type", "object"}}; }
  Json run(linkhub::sdk::Context&, const Json&) override {
    throw linkhub::sdk::StepError(errors::rate_limited, "slow down", true);
  }
};

LINKHUB_PLUGIN("catalog", "0.0.1", "a catalog that fails with codes, for the REST API's tests", Search, Get, Update,
               Delete)
