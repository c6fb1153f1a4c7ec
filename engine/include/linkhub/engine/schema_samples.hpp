#pragma once
// Inputs made from a step's input schema, for `linkhub plugins check`: one
// that satisfies the schema, ones that break it in a named way, and random
// ones from a seeded generator (the same seed gives the same documents).

#include <linkhub/engine/json.hpp>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace linkhub::schema_samples {

// A value the schema accepts, built from `examples`, `default`, `const`,
// `enum`, the types and the length and range bounds; nullopt when this simple
// generator cannot satisfy the schema (a `pattern`, say). The caller checks
// the result with the engine's validator before relying on it.
std::optional<Json> valid_sample(const Json& schema);

// An input that breaks the schema, and how ("'url' is missing (required)").
struct BrokenInput {
  std::string how;
  Json input;
};

// From a valid object input: each required property removed, each typed
// property given a value of another type, an unknown property added when
// additionalProperties is false, and the whole input replaced by an array.
std::vector<BrokenInput> broken_inputs(const Json& schema, const Json& valid);

// A random document: any JSON (depth and sizes bounded) or, every other call,
// `valid` with some properties replaced by random values, which reaches
// deeper into a step than a document it rejects at the first field.
Json random_input(std::mt19937_64& rng, const Json& schema, const Json& valid);

}  // namespace linkhub::schema_samples
