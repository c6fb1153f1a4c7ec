#include "upsert_step.hpp"

#include "clock.hpp"
#include "idempotency.hpp"
#include "product.hpp"
#include "product_store.hpp"
#include "step_support.hpp"

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr const char* kStep = "catalog.upsert";

Json result(const StoredProduct& stored, bool created, bool updated) {
  return {{"product_id", stored.id},
          {"created", created},
          {"updated", updated},
          {"version", stored.version},
          {"product", product_json(stored)}};
}

StoredProduct written(int64_t id, const Product& p, int64_t version, int64_t added_ms, int64_t now,
                      const std::string& run_id) {
  StoredProduct s;
  s.id = id;
  s.document = p.document;
  s.version = version;
  s.added_ms = added_ms;
  s.updated_ms = now;
  if (!run_id.empty()) {
    s.run_id = run_id;
  }
  if (p.category) {
    s.category_path = p.category->path;
  }
  s.price = p.price;
  return s;
}

}  // namespace

Json UpsertStep::input_schema() {
  return product_input_schema();
}

Json UpsertStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"product_id", {{"type", "integer"}}},
            {"created", {{"type", "boolean"}, {"description", "The product was new"}}},
            {"updated", {{"type", "boolean"}, {"description", "An existing product changed"}}},
            {"version", {{"type", "integer"}}},
            {"product", product_output_schema()},
            {"replayed",
             {{"type", "boolean"},
              {"description",
               "Present and true when this is the recorded result of an earlier call with the same "
               "idempotency key (nothing was written)"}}}}},
          {"required", {"product_id", "created", "updated", "version", "product"}}};
}

Json UpsertStep::run(sdk::Context& ctx, const Json& input) {
  const Product product = normalize_product(input, kStep);
  CatalogDatabase& db = catalog_database(ctx, kStep);
  const std::string key(ctx.idempotency_key());
  const std::string run_id(ctx.run_id());
  return db.write([&](soci::session& sql) {
    AppliedKey applied(sql, key, kStep, input);
    if (auto previous = applied.claim()) {
      (*previous)["replayed"] = true;  // callers that answer a client say so (HTTP: Idempotent-Replayed)
      return *previous;
    }
    ProductStore store(sql, db.dialect());
    const int64_t now = now_ms();
    Json out;
    auto existing = store.find(product.source, product.video_id, true);
    if (!existing) {
      if (const auto id = store.insert(product, now, run_id)) {
        if (product.price) {
          store.record_price(*id, product.price, now, run_id);
        }
        out = result(written(*id, product, 1, now, now, run_id), true, false);
      } else {
        existing = store.find(product.source, product.video_id, true);  // inserted meanwhile by another transaction
        if (!existing) {
          throw sdk::StepError(std::string(kStep) + ": the product was inserted and removed concurrently", true);
        }
      }
    }
    if (existing) {
      if (existing->document == product.document) {
        out = result(*existing, false, false);
      } else {
        store.update(existing->id, product, existing->version + 1, now, run_id);
        if (existing->price != product.price) {
          store.record_price(existing->id, product.price, now, run_id);
        }
        out =
            result(written(existing->id, product, existing->version + 1, existing->added_ms, now, run_id), false, true);
      }
    }
    applied.record(out);
    return out;
  });
}

}  // namespace linkhub::catalog
