// The plugin's check of a model's answer against a schema (json_check.hpp).
#include "json_check.hpp"

#include <gtest/gtest.h>

namespace linkhub::ai {
namespace {

using sdk::Json;

const Json kSchema = {{"type", "object"},
                      {"properties",
                       {{"name", {{"type", {"string", "null"}}}},
                        {"score", {{"type", "number"}, {"minimum", 0}, {"maximum", 1}}},
                        {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                        {"mood", {{"type", "string"}, {"enum", {"happy", "sad"}}}}}},
                      {"required", {"name", "score"}},
                      {"additionalProperties", false}};

TEST(AiSchemaCheck, AcceptsAMatchingValue) {
  EXPECT_EQ(schema_violation(kSchema, {{"name", nullptr}, {"score", 0.5}, {"tags", {"a"}}, {"mood", "sad"}}), "");
}

TEST(AiSchemaCheck, NamesWhereAndWhat) {
  EXPECT_EQ(schema_violation(kSchema, {{"score", 0.5}}), "/: the field \"name\" is missing");
  EXPECT_EQ(schema_violation(kSchema, {{"name", "x"}, {"score", 2}}), "/score: 2 is above the maximum 1");
  EXPECT_EQ(schema_violation(kSchema, {{"name", "x"}, {"score", 0}, {"tags", {"a", 3}}}),
            "/tags/1: expected string, found a number (3)");
  EXPECT_EQ(schema_violation(kSchema, {{"name", "x"}, {"score", 0}, {"extra", 1}}), "/: unknown field \"extra\"");
  EXPECT_NE(schema_violation(kSchema, {{"name", "x"}, {"score", 0}, {"mood", "meh"}}).find("/mood: expected one of"),
            std::string::npos);
  EXPECT_EQ(schema_violation(kSchema, Json::array()), "/: expected object, found an array");
}

TEST(AiSchemaCheck, StrictFormRequiresEverythingAndNullsTheOptional) {
  const Json schema = {{"type", "object"},
                       {"properties", {{"a", {{"type", "string"}}}, {"b", {{"type", "integer"}}}}},
                       {"required", {"a"}},
                       {"examples", Json::array()}};
  const Json strict = strict_schema(schema);
  EXPECT_EQ(strict["required"], Json({"a", "b"}));
  EXPECT_EQ(strict["additionalProperties"], false);
  EXPECT_EQ(strict["properties"]["a"]["type"], "string");
  EXPECT_EQ(strict["properties"]["b"]["type"], Json({"integer", "null"}));
  EXPECT_FALSE(strict.contains("examples"));
  Json answer = {{"a", "x"}, {"b", nullptr}};
  EXPECT_EQ(schema_violation(strict, answer), "");
  drop_optional_nulls(schema, answer);
  EXPECT_EQ(answer, Json({{"a", "x"}}));
  EXPECT_EQ(schema_violation(schema, answer), "");
}

TEST(AiSchemaCheck, ChecksPatterns) {
  const Json schema = {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}};
  EXPECT_EQ(schema_violation(schema, "USD"), "");
  EXPECT_EQ(schema_violation(schema, "usd"), "/: \"usd\" does not match ^[A-Z]{3}$");
}

}  // namespace
}  // namespace linkhub::ai
