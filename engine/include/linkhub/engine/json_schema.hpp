#pragma once

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>

#include <memory>
#include <string>
#include <vector>

namespace linkhub {

// One way a value fails its schema. pointer is the JSON pointer of the
// offending value ("" for the root, "/items/3/name"); message is a sentence
// with the expected and the found, e.g. "expected a string, found a number (42)".
struct SchemaViolation {
  std::string pointer;
  std::string code;  // "type", "required", "unknown-field", "enum", "minimum", ...
  std::string message;
};

// The subset of JSON Schema (draft 2020-12 vocabulary) that step declarations use:
// type (one or a list; "integer" is a number without fraction), properties, required,
// additionalProperties (bool or schema), items, enum, const, minimum, maximum,
// minLength, maxLength, minItems, maxItems, pattern, anyOf, oneOf, default, description.
// Unknown keywords are ignored, as the specification says (the plugin host
// refuses them: unsupported_schema_keywords).
class JsonSchema {
 public:
  static Result<JsonSchema> compile(const Json& schema);
  JsonSchema();
  ~JsonSchema();
  JsonSchema(JsonSchema&&) noexcept;
  JsonSchema& operator=(JsonSchema&&) noexcept;

  std::vector<SchemaViolation> validate(const Json& value) const;
  // Fills absent properties that declare a `default`, recursively through objects.
  void apply_defaults(Json& value) const;
  const Json& source() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The keywords JsonSchema checks (the list above) and the annotations it
// accepts without checking anything (title, description, default, examples,
// format, $comment, ...). Checked against the official JSON-Schema-Test-Suite
// (tests/unit/json_schema_suite_test.cpp).
const std::vector<std::string>& supported_schema_keywords();
const std::vector<std::string>& annotation_schema_keywords();

// A keyword of a schema that JsonSchema would ignore: the plugin host refuses
// such a schema rather than let a step believe `patternProperties` (say) holds.
struct UnsupportedKeyword {
  std::string keyword;
  std::string pointer;  // of the schema object that uses it, "" for the root
};
std::vector<UnsupportedKeyword> unsupported_schema_keywords(const Json& schema);

// "a string", "a number (42)", "an object", ... for messages.
std::string describe_json_type(const Json& value);

}  // namespace linkhub
