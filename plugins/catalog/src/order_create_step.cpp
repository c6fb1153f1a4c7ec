// catalog.order_create: the price is read and copied in the same write
// transaction as the order, with the idempotency key claimed there too, so a
// retried step never makes a second order and a later price change never
// changes this one.
#include "clock.hpp"
#include "idempotency.hpp"
#include "order_input.hpp"
#include "order_steps.hpp"
#include "order_store.hpp"
#include "product_store.hpp"
#include "step_support.hpp"

#include <algorithm>
#include <cctype>

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr const char* kStep = "catalog.order_create";
constexpr int64_t kMaxQuantity = 999;
constexpr size_t kMaxVariantChars = 100;

struct OrderRequest {
  int64_t product_id = 0;
  int64_t quantity = 0;
  std::optional<std::string> variant;
  std::string customer_wa_id;
  std::optional<std::string> customer_name;
  std::optional<std::string> note;
};

OrderRequest parse(const Json& input) {
  require_object(input, kStep);
  FieldErrors errors;
  check_known_fields(input, {"product_id", "quantity", "variant", "customer_wa_id", "customer_name", "note"}, errors);
  OrderRequest r;
  r.product_id = read_product_id(input, errors).value_or(0);
  r.quantity = read_integer(input, "quantity", 1, kMaxQuantity, errors, true).value_or(0);
  r.variant = read_text(input, "variant", kMaxVariantChars, errors);
  r.customer_wa_id = read_wa_id(input, "customer_wa_id", errors, true).value_or("");
  r.customer_name = read_text(input, "customer_name", kMaxOrderNameChars, errors);
  r.note = read_text(input, "note", kMaxOrderNoteChars, errors);
  errors.throw_if_any(kStep, "input");
  return r;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The variants a product offers: its extra.variants, strings or objects with a
// `name` ("S", "M", "L"); none when it has no such list.
std::vector<std::string> variants_of(const Json& document) {
  std::vector<std::string> out;
  const Json* extra = document.contains("extra") ? &document["extra"] : nullptr;
  if (extra == nullptr || !extra->is_object() || !extra->contains("variants") || !(*extra)["variants"].is_array()) {
    return out;
  }
  for (const Json& v : (*extra)["variants"]) {
    if (v.is_string() && !v.get<std::string>().empty()) {
      out.push_back(v.get<std::string>());
    } else if (v.is_object() && v.contains("name") && v["name"].is_string()) {
      out.push_back(v["name"].get<std::string>());
    }
  }
  return out;
}

// The product's own spelling of the variant asked for (case does not matter).
std::optional<std::string> checked_variant(const StoredProduct& product, const std::optional<std::string>& asked) {
  const std::vector<std::string> offered = variants_of(product.document);
  if (offered.empty()) {
    return asked;  // a product without a variant list takes any note of size or colour as given
  }
  std::string choices;
  for (const std::string& v : offered) {
    choices += (choices.empty() ? "" : ", ") + v;
  }
  const Json details = {{"step", kStep}, {"kind", "input"}, {"fields", {"variant"}}, {"variants", offered}};
  if (!asked) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         std::string(kStep) + ": invalid input: `variant` is required: product " +
                             std::to_string(product.id) + " comes in " + choices,
                         false, details);
  }
  for (const std::string& v : offered) {
    if (lower(v) == lower(*asked)) {
      return v;
    }
  }
  throw sdk::StepError(sdk::errors::invalid_input,
                       std::string(kStep) + ": invalid input: `variant` \"" + *asked +
                           "\" is not a variant of product " + std::to_string(product.id) + "; it comes in " + choices,
                       false, details);
}

Order new_order(const OrderRequest& r, const StoredProduct& product, const std::string& run_id) {
  if (!product.price) {
    throw sdk::StepError(sdk::ErrorCode("no_price"),
                         std::string(kStep) + ": product " + std::to_string(product.id) +
                             " has no price, so it cannot be ordered; set its price first (catalog.update)",
                         false, {{"step", kStep}, {"product_id", product.id}});
  }
  Order o;
  o.product_id = product.id;
  if (product.document.contains("title") && product.document["title"].is_string()) {
    o.product_title = product.document["title"].get<std::string>();
  }
  o.quantity = r.quantity;
  o.variant = checked_variant(product, r.variant);
  o.unit_micros = product.price->micros;
  o.currency = product.price->currency;
  if (__builtin_mul_overflow(o.unit_micros, o.quantity, &o.total_micros)) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         std::string(kStep) + ": invalid input: `quantity` " + std::to_string(r.quantity) +
                             " times the price of product " + std::to_string(product.id) + " is too large an amount",
                         false, {{"step", kStep}, {"kind", "input"}, {"fields", {"quantity"}}});
  }
  o.customer_wa_id = r.customer_wa_id;
  o.customer_name = r.customer_name;
  o.status = "requested";
  o.created_ms = o.updated_ms = now_ms();
  if (!run_id.empty()) {
    o.run_id = run_id;
  }
  o.history.push_back({o.status, o.created_ms, r.note, r.customer_wa_id});
  return o;
}

}  // namespace

Json OrderCreateStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"product_id", {{"type", "integer"}, {"minimum", 1}, {"description", "The product ordered"}}},
            {"quantity", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxQuantity}}},
            {"variant",
             {{"type", {"string", "null"}},
              {"maxLength", kMaxVariantChars},
              {"description", "Size or colour; one of the product's extra.variants when it lists them"}}},
            {"customer_wa_id", {{"type", "string"}, {"description", "The customer's WhatsApp id (digits)"}}},
            {"customer_name", {{"type", {"string", "null"}}, {"maxLength", kMaxOrderNameChars}}},
            {"note", {{"type", {"string", "null"}}, {"maxLength", kMaxOrderNoteChars}}}}},
          {"required", {"product_id", "quantity", "customer_wa_id"}},
          {"additionalProperties", false}};  // no `examples`: each needs a product that `plugins check` lacks
}

Json OrderCreateStep::output_schema() {
  Json schema = order_output_schema();
  schema["properties"]["replayed"] = {
      {"type", "boolean"},
      {"description", "Present and true when an earlier call with the same idempotency key made this order"}};
  return schema;
}

Json OrderCreateStep::run(sdk::Context& ctx, const Json& input) {
  const OrderRequest request = parse(input);
  CatalogDatabase& db = catalog_database(ctx, kStep);
  const std::string key(ctx.idempotency_key());
  const std::string run_id(ctx.run_id());
  return db.write([&](soci::session& sql) {
    OrderStore orders(sql, db.dialect());
    AppliedKey applied(sql, key, kStep, input);
    if (auto previous = applied.claim()) {
      // The same order as it is now (it may have been confirmed meanwhile).
      const auto current = orders.find((*previous)["order"]["id"].get<int64_t>(), false);
      Json out = current ? Json{{"order", order_json(*current)}} : *previous;
      out["replayed"] = true;
      return out;
    }
    ProductStore products(sql, db.dialect());
    const auto product = products.find(request.product_id, true);
    if (!product) {
      throw sdk::StepError(sdk::errors::not_found,
                           std::string(kStep) + ": no product with id " + std::to_string(request.product_id), false,
                           {{"step", kStep}, {"product_id", request.product_id}});
    }
    Order order = new_order(request, *product, run_id);
    orders.insert(order);
    const Json out = {{"order", order_json(order)}};
    applied.record(out);
    return out;
  });
}

}  // namespace linkhub::catalog
