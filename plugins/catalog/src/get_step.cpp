#include "get_step.hpp"

#include "product_store.hpp"
#include "step_support.hpp"

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr const char* kStep = "catalog.get";

// Artifacts move (another store, another machine): the store knows where a hash lives now.
void resolve_artifact(const sdk::Context& ctx, Json& artifact) {
  if (!artifact.is_object() || !artifact.contains("hash") || !artifact["hash"].is_string()) {
    return;
  }
  const std::string path = ctx.artifact_path(artifact["hash"].get<std::string>());
  if (!path.empty()) {
    artifact["path"] = path;
  }
}

bool flag(const Json& input, const char* key, bool fallback, FieldErrors& errors) {
  const auto it = input.find(key);
  if (it == input.end() || it->is_null()) {
    return fallback;
  }
  if (!it->is_boolean()) {
    errors.add(std::string("`") + key + "`", "must be true or false, found " + describe(*it));
    return fallback;
  }
  return it->get<bool>();
}

}  // namespace

Json GetStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"product_id", {{"type", "integer"}, {"minimum", 1}, {"description", "The product's id"}}},
            {"source", {{"type", "string"}, {"description", "With video_id, instead of product_id"}}},
            {"video_id", {{"type", "string"}, {"description", "With source, instead of product_id"}}},
            {"price_history", {{"type", "boolean"}, {"default", true}, {"description", "Include the price history"}}},
            {"resolve_artifacts",
             {{"type", "boolean"},
              {"default", true},
              {"description", "Set thumbnails[].path and video.path to where the artifact store keeps them now"}}}}},
          {"additionalProperties", false}};
}

Json GetStep::output_schema() {
  Json product = product_output_schema();
  product["type"] = {"object", "null"};  // null when not found
  return {{"type", "object"},
          {"properties", {{"found", {{"type", "boolean"}}}, {"product", product}}},
          {"required", {"found", "product"}}};
}

Json GetStep::run(sdk::Context& ctx, const Json& input) {
  FieldErrors errors;
  if (!input.is_object()) {
    errors.add("the input", "must be a JSON object, found " + describe(input));
    errors.throw_if_any(kStep, "input");
  }
  check_known_fields(input, {"product_id", "source", "video_id", "price_history", "resolve_artifacts"}, errors);
  const auto id = read_product_id(input, errors, false);
  const auto text = [&](const char* key) -> std::string {
    const auto it = input.find(key);
    if (it == input.end() || it->is_null()) {
      return {};
    }
    if (!it->is_string()) {
      errors.add(std::string("`") + key + "`", "must be a string, found " + describe(*it));
      return {};
    }
    return it->get<std::string>();
  };
  const std::string source = text("source");
  const std::string video_id = text("video_id");
  if (id && (!source.empty() || !video_id.empty())) {
    errors.add("`product_id`", "and `source`/`video_id` name a product twice; give one or the other");
  } else if (!id && (source.empty() || video_id.empty()) && errors.empty()) {
    errors.add("the product", "is not named: give `product_id`, or both `source` and `video_id`");
  }
  const bool with_history = flag(input, "price_history", true, errors);
  const bool resolve = flag(input, "resolve_artifacts", true, errors);
  errors.throw_if_any(kStep, "input");

  CatalogDatabase& db = catalog_database(ctx, kStep);
  Json out = db.read([&](soci::session& sql) {
    ProductStore store(sql, db.dialect());
    const auto found = id ? store.find(*id, false) : store.find(source, video_id, false);
    if (!found) {
      return Json{{"found", false}, {"product", nullptr}};
    }
    Json product = product_json(*found);
    if (with_history) {
      product["price_history"] = store.price_history(found->id);
    }
    return Json{{"found", true}, {"product", product}};
  });
  if (resolve && out["found"].get<bool>()) {
    for (Json& thumbnail : out["product"]["thumbnails"]) {
      resolve_artifact(ctx, thumbnail);
    }
    resolve_artifact(ctx, out["product"]["cover"]);
    resolve_artifact(ctx, out["product"]["video"]);
  }
  return out;
}

}  // namespace linkhub::catalog
