#pragma once
// The answer of a language model checked against a step's output schema,
// before the step trusts it. Plugins see only the SDK, which has no schema
// validator, so this is the subset step schemas use (the engine's JsonSchema
// checks the same keywords on every step output afterwards): type, properties,
// required, additionalProperties: false, items, enum, minimum, maximum,
// minItems, maxItems, minLength, maxLength, pattern.

#include <linkhub/plugin.hpp>

#include <string>

namespace linkhub::ai {

// "" when `value` matches `schema`; else the first violation, as
// "/pointer: expected ..., found ...".
std::string schema_violation(const sdk::Json& schema, const sdk::Json& value);

// The schema as OpenAI's strict structured output wants it: in every object
// every property required and no others; a property `schema` leaves
// optional becomes nullable instead, so the model can still say "none".
// Annotations (examples, default) are dropped.
sdk::Json strict_schema(const sdk::Json& schema);

// Removes from `value` the nulls strict_schema() allowed in place of the
// optional properties of `schema`, so the answer matches `schema` again.
void drop_optional_nulls(const sdk::Json& schema, sdk::Json& value);

}  // namespace linkhub::ai
