#include "delete_step.hpp"

#include "idempotency.hpp"
#include "product_store.hpp"
#include "step_support.hpp"

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr const char* kStep = "catalog.delete";

}  // namespace

Json DeleteStep::input_schema() {
  return {{"type", "object"},
          {"properties", {{"product_id", {{"type", "integer"}, {"minimum", 1}}}}},
          {"required", {"product_id"}},
          {"additionalProperties", false}};
}

Json DeleteStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"product_id", {{"type", "integer"}}},
            {"deleted", {{"type", "boolean"}, {"description", "false when there was no such product"}}}}},
          {"required", {"product_id", "deleted"}}};
}

Json DeleteStep::run(sdk::Context& ctx, const Json& input) {
  FieldErrors errors;
  if (!input.is_object()) {
    errors.add("the input", "must be a JSON object, found " + describe(input));
    errors.throw_if_any(kStep, "input");
  }
  check_known_fields(input, {"product_id"}, errors);
  const auto id = read_product_id(input, errors);
  errors.throw_if_any(kStep, "input");

  CatalogDatabase& db = catalog_database(ctx, kStep);
  const std::string key(ctx.idempotency_key());
  return db.write([&](soci::session& sql) {
    // With a key, a retried delete repeats the first answer (deleted: true) instead of "already gone".
    AppliedKey applied(sql, key, kStep, input);
    if (auto previous = applied.claim()) {
      return *previous;
    }
    ProductStore store(sql, db.dialect());
    const Json out = {{"product_id", *id}, {"deleted", store.remove(*id)}};
    applied.record(out);
    return out;
  });
}

}  // namespace linkhub::catalog
