#pragma once
// The answer of a language model checked against a step's output schema,
// before the step trusts it. Plugins see only the SDK, which has no schema
// validator, so this is the subset step schemas use (the engine's JsonSchema
// checks the same keywords on every step output afterwards): type, properties,
// required, additionalProperties: false, items, enum, minimum, maximum,
// minItems, maxItems, minLength, maxLength.

#include <linkhub/plugin.hpp>

#include <string>

namespace linkhub::ai {

// "" when `value` matches `schema`; else the first violation, as
// "/pointer: expected ..., found ...".
std::string schema_violation(const sdk::Json& schema, const sdk::Json& value);

}  // namespace linkhub::ai
