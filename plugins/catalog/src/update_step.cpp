#include "update_step.hpp"

#include "clock.hpp"
#include "idempotency.hpp"
#include "product.hpp"
#include "product_store.hpp"
#include "step_support.hpp"

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr const char* kStep = "catalog.update";

const std::vector<std::string>& editable_fields() {
  static const std::vector<std::string> fields = {"title", "description", "price", "category", "tags"};
  return fields;
}

}  // namespace

Json UpdateStep::input_schema() {
  Json schema = {{"type", "object"},
                 {"properties", {{"product_id", {{"type", "integer"}, {"minimum", 1}}}}},
                 {"required", {"product_id"}},
                 {"additionalProperties", false}};
  const Json product = product_input_schema();
  for (const std::string& field : editable_fields()) {
    schema["properties"][field] = product["properties"][field];
  }
  return schema;
}

Json UpdateStep::output_schema() {
  Json product = product_output_schema();
  product["type"] = {"object", "null"};  // null when not found
  return {{"type", "object"},
          {"properties",
           {{"product_id", {{"type", "integer"}}},
            {"found", {{"type", "boolean"}}},
            {"updated", {{"type", "boolean"}, {"description", "Something changed"}}},
            {"version", {{"type", {"integer", "null"}}}},
            {"product", product}}},
          {"required", {"product_id", "found", "updated", "version", "product"}}};
}

Json UpdateStep::run(sdk::Context& ctx, const Json& input) {
  FieldErrors errors;
  if (!input.is_object()) {
    errors.add("the input", "must be a JSON object, found " + describe(input));
    errors.throw_if_any(kStep, "input");
  }
  std::vector<std::string> known = editable_fields();
  known.push_back("product_id");
  check_known_fields(input, known, errors);
  const auto id = read_product_id(input, errors);
  bool any = false;
  for (const std::string& field : editable_fields()) {
    any = any || input.contains(field);
  }
  if (!any) {
    errors.add("the input", "changes nothing: give at least one of title, description, price, category, tags");
  }
  errors.throw_if_any(kStep, "input");

  CatalogDatabase& db = catalog_database(ctx, kStep);
  const std::string key(ctx.idempotency_key());
  const std::string run_id(ctx.run_id());
  return db.write([&](soci::session& sql) {
    AppliedKey applied(sql, key, kStep, input);
    if (auto previous = applied.claim()) {
      return *previous;
    }
    ProductStore store(sql, db.dialect());
    Json out;
    const auto existing = store.find(*id, true);
    if (!existing) {
      out = {{"product_id", *id}, {"found", false}, {"updated", false}, {"version", nullptr}, {"product", nullptr}};
    } else {
      Json edited = existing->document;
      for (const std::string& field : editable_fields()) {
        if (input.contains(field)) {
          edited[field] = input[field];
        }
      }
      // The same checks as an upsert: an edit cannot make a product invalid.
      const Product product = normalize_product(edited, kStep);
      StoredProduct stored = *existing;
      if (product.document != existing->document) {
        const int64_t now = now_ms();
        store.update(existing->id, product, existing->version + 1, now, run_id);
        if (existing->price != product.price) {
          store.record_price(existing->id, product.price, now, run_id);
        }
        stored.document = product.document;
        stored.version = existing->version + 1;
        stored.updated_ms = now;
        stored.run_id = run_id.empty() ? std::nullopt : std::optional<std::string>(run_id);
        stored.category_path = product.category ? std::optional<std::string>(product.category->path) : std::nullopt;
        stored.price = product.price;
      }
      out = {{"product_id", *id},
             {"found", true},
             {"updated", stored.version != existing->version},
             {"version", stored.version},
             {"product", product_json(stored)}};
    }
    applied.record(out);
    return out;
  });
}

}  // namespace linkhub::catalog
