#include "step_support.hpp"

#include "product.hpp"

#include <algorithm>

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr int64_t kDefaultPoolSize = 4;
constexpr int64_t kMaxPoolSize = 64;

}  // namespace

CatalogDatabase& catalog_database(const sdk::Context& ctx, const std::string& step) {
  Json config = ctx.plugin_config();
  if (!config.is_object()) {
    config = Json::object();
  }
  std::string url;
  if (const auto it = config.find("database"); it != config.end() && !it->is_null()) {
    if (!it->is_string()) {
      throw sdk::StepError(step + ": plugin config `database` must be a string (a SQLite path or postgresql:// URL)");
    }
    url = it->get<std::string>();
  }
  if (url.empty()) {
    url = ctx.database_url();
  }
  if (url.empty()) {
    throw sdk::StepError(step +
                         ": no database: this host gives the plugin no run database and the plugin config has no "
                         "`database` (set plugins.catalog.database in linkhub.yaml)");
  }
  int64_t pool_size = kDefaultPoolSize;
  if (const auto it = config.find("pool_size"); it != config.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kMaxPoolSize) {
      throw sdk::StepError(step + ": plugin config `pool_size` must be a whole number from 1 to " +
                           std::to_string(kMaxPoolSize));
    }
    pool_size = it->get<int64_t>();
  }
  return ctx.plugin_state<CatalogDatabases>().at(url, static_cast<size_t>(pool_size));
}

void check_known_fields(const Json& input, const std::vector<std::string>& known, FieldErrors& errors) {
  for (const auto& [key, ignored] : input.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      const std::string guess = closest_name(key, known);
      errors.add("`" + key + "`",
                 "is not an input of this step" + (guess.empty() ? std::string() : " (did you mean `" + guess + "`?)"));
    }
  }
}

std::optional<int64_t> read_product_id(const Json& input, FieldErrors& errors, bool required) {
  const auto it = input.find("product_id");
  if (it == input.end() || it->is_null()) {
    if (required) {
      errors.add("`product_id`", "is required (a whole number)");
    }
    return std::nullopt;
  }
  if (!it->is_number_integer() || it->get<int64_t>() < 1) {
    errors.add("`product_id`", "must be a whole number from 1, found " + describe(*it));
    return std::nullopt;
  }
  return it->get<int64_t>();
}

Json product_output_schema() {
  return {{"type", "object"},
          {"description", "The product: every field of catalog.upsert's input, canonical, and its catalog record"},
          {"properties",
           {{"product_id", {{"type", "integer"}}},
            {"source", {{"type", "string"}}},
            {"video_id", {{"type", "string"}}},
            {"url", {{"type", {"string", "null"}}}},
            {"title", {{"type", {"string", "null"}}}},
            {"description", {{"type", {"string", "null"}}}},
            {"author", {{"type", {"string", "null"}}}},
            {"author_id", {{"type", {"string", "null"}}}},
            {"price", {{"type", {"object", "null"}}}},
            {"prices", {{"type", "array"}}},
            {"category", {{"type", {"object", "null"}}}},
            {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"hashtags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"cta", {{"type", "array"}}},
            {"language", {{"type", {"string", "null"}}}},
            {"thumbnails", {{"type", "array"}}},
            {"cover", {{"type", {"object", "null"}}}},
            {"video", {{"type", {"object", "null"}}}},
            {"stats", {{"type", "object"}}},
            {"created_at", {{"type", {"string", "null"}}}},
            {"extra", {{"type", "object"}}},
            {"version", {{"type", "integer"}, {"description", "1 when added, +1 at every change"}}},
            {"added_at", {{"type", "string"}, {"description", "When the catalog first saw it (ISO 8601, UTC)"}}},
            {"updated_at", {{"type", "string"}, {"description", "Its last change (ISO 8601, UTC)"}}},
            {"run_id", {{"type", {"string", "null"}}, {"description", "The run that changed it last"}}},
            {"price_history", {{"type", "array"}, {"description", "catalog.get only"}}}}},
          {"required", {"product_id", "source", "video_id", "version", "added_at", "updated_at"}}};
}

Json product_input_schema() {
  const auto text = [](const char* what, size_t max) {
    return Json{{"type", {"string", "null"}}, {"maxLength", max}, {"description", what}};
  };
  // `properties` and `required` apply to objects only, so null passes too.
  const auto nullable = [](Json schema, const char* what) {
    schema["type"] = {"object", "null"};
    schema["description"] = what;
    return schema;
  };
  const Json candidate = {{"type", "object"},
                          {"properties",
                           {{"amount", {{"type", "number"}, {"minimum", 0}, {"maximum", 1e12}}},
                            {"currency", {{"type", "string"}, {"description", "ISO 4217, such as USD"}}}}},
                          {"required", {"amount", "currency"}}};
  Json price = candidate;
  price["additionalProperties"] = false;
  const Json category = {{"type", "object"},
                         {"properties", {{"id", {{"type", "string"}}}, {"path", {{"type", "string"}}}}},
                         {"required", {"id", "path"}},
                         {"additionalProperties", false}};
  const Json artifact = {{"type", "object"},
                         {"properties",
                          {{"hash", {{"type", "string"}, {"description", "sha256:<64 hex digits>, from put_artifact"}}},
                           {"path", {{"type", {"string", "null"}}}}}},
                         {"required", {"hash"}}};
  const auto words = [](const char* what) {
    return Json{{"type", "array"}, {"items", {{"type", "string"}}}, {"maxItems", 100}, {"description", what}};
  };
  return {
      {"type", "object"},
      {"properties",
       {{"source", {{"type", "string"}, {"description", "Where the product comes from, such as \"tiktok\""}}},
        {"video_id", {{"type", "string"}, {"description", "The video's id at the source; with source, the key"}}},
        {"url", text("The video's URL", 4096)},
        {"title", text("Product title", kMaxTitleChars)},
        {"description", text("Product description", kMaxDescriptionChars)},
        {"author", text("Author's display name", 200)},
        {"author_id", text("Author's stable id at the source", 200)},
        {"price", nullable(price, "{amount, currency}, or null")},
        {"prices",
         {{"type", "array"},
          {"items", candidate},
          {"maxItems", 50},
          {"description", "Every price candidate found: {amount, currency, ...}"}}},
        {"category", nullable(category, "{id, path: \"fashion/shoes\"}, or null")},
        {"tags", words("Search tags")},
        {"hashtags", words("The video's hashtags, '#' optional")},
        {"cta", {{"type", "array"}, {"maxItems", 20}, {"description", "Calls to action: strings or objects"}}},
        {"language", text("Language tag, such as en or pt-BR", 35)},
        {"thumbnails",
         {{"type", "array"}, {"items", artifact}, {"maxItems", 50}, {"description", "[{hash, width, height, ...}]"}}},
        {"cover",
         nullable(artifact, "The video's cover image {hash, media_type, ...} (tiktok.fetch's `cover`), or null")},
        {"video", nullable(artifact, "{hash, ...}, or null")},
        {"stats", {{"type", {"object", "null"}}, {"description", "Counts such as plays and likes"}}},
        {"created_at", text("When the video was published (ISO 8601)", 40)},
        {"extra", {{"type", {"object", "null"}}, {"description", "Anything else, kept as given"}}}}},
      {"required", {"source", "video_id"}},
      {"additionalProperties", false},
      {"examples",
       {{{"source", "tiktok"},
         {"video_id", "6718335390845095173"},
         {"title", "Red sneakers"},
         {"price", {{"amount", 49.99}, {"currency", "USD"}}},
         {"tags", Json::array({"sneakers", "shoes"})}}}}};
}

}  // namespace linkhub::catalog
