// The engine's JSON Schema validator against the official JSON-Schema-Test-Suite
// (Debian's json-schema-test-suite, scripts/setup.sh). Every case whose schema
// uses only keywords the validator supports must pass; the cases that use any
// other keyword are skipped (a plugin cannot declare them: the host refuses
// such schemas at load). Debian ships the suite up to draft 7: for the
// supported keywords draft 7 and 2020-12 agree, except `items` as an array
// (2020-12's prefixItems), which the validator refuses at compile time.
#include <linkhub/engine/json_schema.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

fs::path suite_dir() {
  const char* env = std::getenv("LINKHUB_JSON_SCHEMA_SUITE");
  return env != nullptr && *env != '\0' ? fs::path(env) : fs::path("/usr/share/json-schema-test-suite/tests/draft7");
}

// Cases the validator fails on purpose, each with its reason. The test also
// fails when one of them starts passing, so the list stays true.
struct KnownException {
  const char* file;
  const char* group;
  const char* test;
  const char* why;
};
const KnownException kExceptions[] = {
    // None today: add one only with the reason it cannot be fixed.
    {nullptr, nullptr, nullptr, nullptr},
};

bool is_exception(const std::string& file, const std::string& group, const std::string& test) {
  for (const auto& e : kExceptions) {
    if (e.file != nullptr && file == e.file && group == e.group && test == e.test) {
      return true;
    }
  }
  return false;
}

bool uses_items_array(const Json& schema) {
  if (schema.is_array()) {
    for (const auto& s : schema) {
      if (uses_items_array(s)) {
        return true;
      }
    }
    return false;
  }
  if (!schema.is_object()) {
    return false;
  }
  if (const auto it = schema.find("items"); it != schema.end() && it->is_array()) {
    return true;
  }
  for (const auto& [key, value] : schema.items()) {
    if (key != "enum" && key != "const" && key != "default" && key != "examples" && uses_items_array(value)) {
      return true;
    }
  }
  return false;
}

TEST(JsonSchemaSuite, EveryCaseOfTheSupportedKeywordsPasses) {
  const fs::path dir = suite_dir();
  if (!fs::is_directory(dir)) {
    const char* ci = std::getenv("CI");
    if (ci != nullptr && std::string(ci) == "true") {
      FAIL() << dir << " is missing: scripts/setup.sh installs json-schema-test-suite";
    }
    GTEST_SKIP() << dir << " is missing (apt-get install json-schema-test-suite)";
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  size_t ran = 0;
  size_t skipped_groups = 0;
  std::set<std::string> keywords_run;
  std::vector<std::string> failures;
  std::set<std::string> exceptions_seen;
  for (const auto& file : files) {
    std::ifstream in(file);
    const Json groups = Json::parse(in);
    const std::string name = file.filename().string();
    for (const auto& group : groups) {
      const Json& schema = group["schema"];
      if (!unsupported_schema_keywords(schema).empty() || uses_items_array(schema)) {
        ++skipped_groups;
        continue;
      }
      const std::string group_name = group["description"].get<std::string>();
      auto compiled = JsonSchema::compile(schema);
      if (!compiled) {
        failures.push_back(name + " / " + group_name + ": does not compile: " + compiled.error().message);
        continue;
      }
      keywords_run.insert(file.stem().string());
      for (const auto& test : group["tests"]) {
        ++ran;
        const std::string test_name = test["description"].get<std::string>();
        const bool expected = test["valid"].get<bool>();
        const auto violations = compiled->validate(test["data"]);
        const bool passed = violations.empty() == expected;
        if (is_exception(name, group_name, test_name)) {
          exceptions_seen.insert(name + group_name + test_name);
          EXPECT_FALSE(passed) << name << " / " << group_name << " / " << test_name
                               << " now passes: remove it from kExceptions";
          continue;
        }
        if (!passed) {
          failures.push_back(name + " / " + group_name + " / " + test_name + ": expected " +
                             (expected ? "valid" : "invalid") + ", data " + test["data"].dump() +
                             (violations.empty() ? "" : ", got: " + violations[0].message));
        }
      }
    }
  }
  std::string report;
  for (const auto& f : failures) {
    report += "\n  " + f;
  }
  EXPECT_TRUE(failures.empty()) << failures.size() << " of " << ran << " cases fail:" << report;
  // Not green by accident: the suite was there and reached every keyword.
  EXPECT_GT(ran, 150u);
  for (const auto& keyword : supported_schema_keywords()) {
    EXPECT_TRUE(keywords_run.count(keyword)) << "no case of '" << keyword << "' ran";
  }
  std::cout << "[ suite    ] " << ran << " cases run, " << skipped_groups
            << " groups skipped for keywords the validator does not support\n";
}

TEST(JsonSchemaKeywords, UnsupportedKeywordsAreFoundWithTheirPlace) {
  const Json schema = {{"type", "object"},
                       {"title", "fine"},
                       {"properties",
                        {{"a", {{"type", "string"}, {"format", "uri"}}},
                         {"b", {{"type", "array"}, {"items", {{"uniqueItems", true}}}}}}},
                       {"patternProperties", {{"^x", {{"type", "string"}}}}},
                       {"anyOf", {{{"not", {{"required", {"a"}}}}}}}};
  const auto found = unsupported_schema_keywords(schema);
  std::set<std::string> seen;
  for (const auto& u : found) {
    seen.insert(u.keyword + " at '" + u.pointer + "'");
  }
  EXPECT_EQ(seen, (std::set<std::string>{"patternProperties at ''", "uniqueItems at '/properties/b/items'",
                                         "not at '/anyOf/0'"}));
}

// Each violation names where it is as a JSON pointer (RFC 6901: "~" and "/"
// in a name escaped), through objects, arrays and additionalProperties.
TEST(JsonSchemaViolations, NameTheirPlaceAsAJsonPointer) {
  const Json schema = {{"type", "object"},
                       {"properties",
                        {{"items",
                          {{"type", "array"},
                           {"items",
                            {{"type", "object"},
                             {"required", {"sku"}},
                             {"properties", {{"sku", {{"type", "string"}}}, {"a/b~c", {{"type", "integer"}}}}},
                             {"additionalProperties", false}}}}}}},
                       {"additionalProperties", {{"type", "number"}}}};
  auto compiled = JsonSchema::compile(schema);
  ASSERT_TRUE(compiled) << compiled.error().message;
  const Json value = {{"items", {{{"sku", "A"}}, {{"sku", 7}, {"a/b~c", "x"}, {"extra", 1}}, Json::object()}},
                      {"price", "free"}};
  std::set<std::string> seen;
  for (const auto& v : compiled->validate(value)) {
    seen.insert(v.code + " at '" + v.pointer + "'");
  }
  EXPECT_EQ(seen, (std::set<std::string>{"type at '/items/1/sku'", "type at '/items/1/a~1b~0c'",
                                         "unknown-field at '/items/1/extra'", "required at '/items/2/sku'",
                                         "type at '/price'"}));
  EXPECT_TRUE(compiled->validate(Json{{"items", {{{"sku", "A"}, {"a/b~c", 3}}}}, {"price", 2.5}}).empty());
  const auto root = compiled->validate(Json::array());
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0].pointer, "");
}

}  // namespace
}  // namespace linkhub
