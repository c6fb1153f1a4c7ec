// /api/v1/products: the catalog plugin's products, through its steps
// (catalog.search, .get, .update, .delete) invoked by the plugin host. The
// server reads no catalog table itself; without the plugin these answer 503.
#include "http/handlers.hpp"
#include "http/media.hpp"
#include "http/product_create.hpp"
#include "http/product_feed.hpp"
#include "http/products.hpp"
#include "http/step_call.hpp"
#include "http/whatsapp_product_link.hpp"

#include <linkhub/engine/run_store.hpp>

namespace linkhub::http {
namespace {

ApiError unknown_product(int64_t id) {
  return not_found("unknown_product", "no product with id " + std::to_string(id), Json{{"product_id", id}});
}

// The request's Idempotency-Key, checked; empty when absent.
ApiResult<std::string> idempotency_key(Call& call) {
  const std::string header = call.header("Idempotency-Key");
  if (header.empty()) {
    return std::string();
  }
  return parse_idempotency_key(header);
}

// Invokes `uses` and checks its output with `problem_of` (empty: usable).
ApiResult<Json> catalog_step(Call& call, const std::string& uses, const Json& input, const OutputCheck& problem_of,
                             const std::string& key = "") {
  return invoke_checked_step(call, uses, input, problem_of, catalog_failure, key);
}

// Absolute signed links to the product's thumbnails, cover and video, which a
// browser, a WhatsApp message or a feed can load without credentials.
void link_media(Call& call, Json& product) {
  if (!call.services.media_signer) {
    return;
  }
  const std::string base = media_base(call.services.media.public_url, call.header("Host"), call.tls());
  add_media_urls(product, base, *call.services.media_signer, linkhub::now_ms() / 1000,
                 call.services.media.link_ttl.count());
}

}  // namespace

Reply list_products(Call& call) {
  auto input = product_search_input(call.target);
  if (!input) {
    return Reply::error(input.error());
  }
  auto output = catalog_step(call, "catalog.search", *input, search_output_problem);
  if (!output) {
    return Reply::error(output.error());
  }
  Json body{{"products", std::move((*output)["items"])}, {"next_cursor", std::move((*output)["next_cursor"])}};
  for (Json& product : body["products"]) {
    link_media(call, product);
    add_whatsapp_link(call, product);
  }
  if (output->contains("total")) {
    body["total"] = (*output)["total"];
  }
  return Reply::json(200, std::move(body));
}

Reply get_product(Call& call) {
  auto id = product_id_param(call.param("id"));
  if (!id) {
    return Reply::error(id.error());
  }
  const int64_t product_id = *id;
  auto output = catalog_step(call, "catalog.get", Json{{"product_id", product_id}, {"price_history", true}},
                             [product_id](const Json& out) { return get_output_problem(out, product_id); });
  if (!output) {
    return Reply::error(output.error());
  }
  if (!(*output)["found"].get<bool>()) {
    return Reply::error(unknown_product(product_id));
  }
  link_media(call, (*output)["product"]);
  add_whatsapp_link(call, (*output)["product"]);
  return Reply::json(200, std::move((*output)["product"]));
}

Reply product_feed(Call& call) {
  // The whole catalog, a page of catalog.search at a time (keyset paging: a
  // product added meanwhile waits for the next sync, none is repeated);
  // bounded so a cursor that never ends cannot hold the request forever.
  constexpr int kPageSize = 100;
  constexpr int kMaxPages = 10000;
  std::string csv = feed_header();
  Json input{{"limit", kPageSize}, {"sort", "newest"}};
  for (int page = 0; page < kMaxPages; ++page) {
    auto output = catalog_step(call, "catalog.search", input, search_output_problem);
    if (!output) {
      return Reply::error(output.error());
    }
    for (Json& product : (*output)["items"]) {
      link_media(call, product);
      add_whatsapp_link(call, product);
      if (auto row = feed_row(product)) {
        csv += *row;
      }
    }
    if (!(*output)["next_cursor"].is_string()) {
      Reply reply = Reply::plain(200, "text/csv; charset=utf-8", std::move(csv));
      reply.headers.emplace_back("Content-Disposition", "inline; filename=\"products.csv\"");
      return reply;
    }
    input["cursor"] = (*output)["next_cursor"];
  }
  return Reply::error(
      ApiError{500, "feed_too_large",
               "the catalog has more than " + std::to_string(kPageSize * kMaxPages) + " products; the feed stops there",
               Json::object()});
}

Reply create_product(Call& call) {
  auto key = idempotency_key(call);
  if (!key) {
    return Reply::error(key.error());
  }
  auto body = call.parsed_body(parse_json);
  if (!body) {
    return Reply::error(body.error());
  }
  auto input = product_create_input(*body, *key);
  if (!input) {
    return Reply::error(input.error());
  }
  // Media named by hash must be in the store: a product must not point at nothing.
  for (const auto& [field, hash] : referenced_artifacts(*input)) {
    const auto known =
        call.services.artifacts ? call.services.artifacts->stat(hash) : Result<ArtifactInfo>(Error{"none"});
    if (!known) {
      return Reply::error(unprocessable(
          "unknown_artifact",
          field + ": no artifact " + hash.substr(0, 80) + " is stored; upload it first (POST /api/v1/uploads)",
          Json{{"field", field}}));
    }
  }
  auto output = catalog_step(call, "catalog.upsert", *input, upsert_output_problem, *key);
  if (!output) {
    ApiError error = output.error();
    // A field the catalog's input schema refuses is a product that cannot be, like one it refuses itself.
    if (error.code == "invalid_input" && error.details.contains("violations")) {
      error.status = 422;
      error.code = "invalid_product";
    }
    return Reply::error(error);
  }
  const bool created = (*output)["created"].get<bool>();
  const bool replayed = output->value("replayed", false);
  Json product = std::move((*output)["product"]);
  link_media(call, product);
  Reply reply = Reply::json(created ? 201 : 200, std::move(product));
  reply.headers.emplace_back("Location", "/api/v1/products/" + std::to_string((*output)["product_id"].get<int64_t>()));
  if (replayed) {
    reply.headers.emplace_back("Idempotent-Replayed", "true");
  }
  return reply;
}

Reply update_product(Call& call) {
  auto id = product_id_param(call.param("id"));
  if (!id) {
    return Reply::error(id.error());
  }
  const int64_t product_id = *id;
  auto key = idempotency_key(call);
  if (!key) {
    return Reply::error(key.error());
  }
  auto patch = call.parsed_body(parse_json);
  if (!patch) {
    return Reply::error(patch.error());
  }
  auto input = product_patch_input(product_id, *patch);
  if (!input) {
    return Reply::error(input.error());
  }
  auto output = catalog_step(
      call, "catalog.update", *input, [product_id](const Json& out) { return update_output_problem(out, product_id); },
      *key);
  if (!output) {
    return Reply::error(output.error());
  }
  if (!(*output)["found"].get<bool>()) {
    return Reply::error(unknown_product(product_id));
  }
  link_media(call, (*output)["product"]);
  return Reply::json(200, std::move((*output)["product"]));
}

Reply delete_product(Call& call) {
  auto id = product_id_param(call.param("id"));
  if (!id) {
    return Reply::error(id.error());
  }
  const int64_t product_id = *id;
  auto key = idempotency_key(call);
  if (!key) {
    return Reply::error(key.error());
  }
  auto output = catalog_step(
      call, "catalog.delete", Json{{"product_id", product_id}},
      [product_id](const Json& out) { return delete_output_problem(out, product_id); }, *key);
  if (!output) {
    return Reply::error(output.error());
  }
  if (!(*output)["deleted"].get<bool>()) {
    return Reply::error(unknown_product(product_id));
  }
  return Reply::json(204, Json::object());
}

}  // namespace linkhub::http
