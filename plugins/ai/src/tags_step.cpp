#include "tags_step.hpp"

#include "backends.hpp"
#include "caption.hpp"
#include "tags.hpp"
#include "taxonomy_file.hpp"

#include <array>
#include <cmath>

namespace linkhub::ai {
namespace {

using sdk::Json;

constexpr size_t kDefaultMaxTags = 12;

std::string text_field(const Json& input, const char* key) {
  const auto it = input.find(key);
  if (it == input.end() || it->is_null()) {
    return {};
  }
  std::string value = it->get<std::string>();
  try {
    check_text(value, std::string("ai.tags: ") + key);
  } catch (const InvalidText& e) {
    throw sdk::StepError(e.what());
  }
  return value;
}

Json category_json(const CategoryMatch& m) {
  return {{"id", m.category->id}, {"path", m.category->path}, {"score", std::round(m.score * 1000) / 1000}};
}

Json builtin_tags(sdk::Context& ctx, const Json& input) {
  TagsRequest request;
  if (const auto it = input.find("hashtags"); it != input.end() && !it->is_null()) {
    for (const Json& h : *it) {
      request.hashtags.push_back(h.get<std::string>());
    }
  }
  request.title = text_field(input, "title");
  request.text = text_field(input, "text");
  request.description = text_field(input, "description");
  request.max_tags = input.value("max_tags", kDefaultMaxTags);

  std::shared_ptr<const Taxonomy> taxonomy;
  try {
    taxonomy = Taxonomy::load(locate_taxonomy(ctx.plugin_config(), ctx.workflow_dir()));
  } catch (const TaxonomyError& e) {
    throw sdk::StepError(std::string("ai.tags: ") + e.what());
  }
  const TagsResult result = suggest_tags(request, taxonomy.get());
  Json alternatives = Json::array();
  for (size_t i = 1; i < result.categories.size(); ++i) {
    alternatives.push_back(category_json(result.categories[i]));
  }
  return {{"backend", "builtin"},
          {"tags", result.tags},
          {"category", result.categories.empty() ? Json(nullptr) : category_json(result.categories[0])},
          {"alternatives", std::move(alternatives)}};
}

constexpr std::array<Backend, 1> kBackends = {{{"builtin", &builtin_tags}}};

Json category_schema() {
  return {
      {"type", "object"},
      {"properties", {{"id", {{"type", "integer"}}}, {"path", {{"type", "string"}}}, {"score", {{"type", "number"}}}}},
      {"required", {"id", "path", "score"}}};
}

}  // namespace

Json TagsStep::input_schema() {
  const Json text = {{"type", "string"}};
  return {{"type", "object"},
          {"properties",
           {{"hashtags",
             {{"type", "array"},
              {"items", {{"type", "string"}}},
              {"description", "Hashtags, with or without '#' (e.g. ai.caption's hashtags)"}}},
            {"title", {{"type", "string"}, {"description", "Product title; weighs most after hashtags"}}},
            {"text", {{"type", "string"}, {"description", "Caption or other text"}}},
            {"description", {{"type", "string"}, {"description", "Long description; weighs least"}}},
            {"max_tags",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", 100},
              {"default", kDefaultMaxTags},
              {"description", "How many tags at most"}}},
            {"backend",
             {{"type", "string"},
              {"enum", backend_names(kBackends)},
              {"default", "builtin"},
              {"description", "Which tagger runs: builtin (offline, Google product taxonomy)"}}}}},
          {"additionalProperties", false},
          {"examples", {{{"hashtags", Json::array({"sneakers", "running"})}, {"title", "Red running sneakers"}}}}};
}

Json TagsStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"backend", {{"type", "string"}}},
            {"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"category", {{"anyOf", Json::array({category_schema(), {{"type", "null"}}})}}},
            {"alternatives", {{"type", "array"}, {"items", category_schema()}}}}},
          {"required", {"backend", "tags", "category", "alternatives"}}};
}

Json TagsStep::run(sdk::Context& ctx, const Json& input) {
  return pick_backend(kBackends, input, "ai.tags").run(ctx, input);
}

}  // namespace linkhub::ai
