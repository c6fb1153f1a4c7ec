#pragma once
// What every catalog step shares: finding its database, reading a
// product_id, refusing unknown fields, and the product's output schema.

#include "catalog_database.hpp"
#include "field_errors.hpp"

#include <linkhub/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::catalog {

// The plugin config's `database` when set, else the run database
// (ctx.database_url()); opened and migrated on first use. Plugin config
// `pool_size` (default 4) caps the sessions per database.
CatalogDatabase& catalog_database(const sdk::Context& ctx, const std::string& step);

// Adds "`key` is not a field of <step>" problems for keys outside `known`.
void check_known_fields(const sdk::Json& input, const std::vector<std::string>& known, FieldErrors& errors);

// The positive whole number at input[key]; nullopt when absent (required: a problem).
std::optional<int64_t> read_product_id(const sdk::Json& input, FieldErrors& errors, bool required = true);

// A product as the steps return it (product_json).
sdk::Json product_output_schema();

// The JSON Schema of catalog.upsert's input: one product.
sdk::Json product_input_schema();

}  // namespace linkhub::catalog
