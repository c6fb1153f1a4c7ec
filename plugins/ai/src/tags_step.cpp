#include "tags_step.hpp"

#include "caption.hpp"
#include "llm_backend.hpp"
#include "tags.hpp"
#include "taxonomy_file.hpp"

#include <algorithm>
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

constexpr const char* kPromptVersion = "tags.v1";

std::shared_ptr<const Taxonomy> taxonomy_for(const sdk::Context& ctx) {
  try {
    return Taxonomy::load(locate_taxonomy(ctx.plugin_config(), ctx.workflow_dir()));
  } catch (const TaxonomyError& e) {
    throw sdk::StepError(std::string("ai.tags: ") + e.what());
  }
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

  const std::shared_ptr<const Taxonomy> taxonomy = taxonomy_for(ctx);
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

// What the model must answer (strict: every property required, no others).
Json answer_schema() {
  const Json confidence = {{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
  const Json alternative = {{"type", "object"},
                            {"properties", {{"path", {{"type", "string"}}}, {"confidence", confidence}}},
                            {"required", {"path", "confidence"}},
                            {"additionalProperties", false}};
  return {{"type", "object"},
          {"properties",
           {{"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
            {"category_path", {{"type", {"string", "null"}}}},
            {"category_confidence", confidence},
            {"alternatives", {{"type", "array"}, {"items", alternative}}}}},
          {"required", {"tags", "category_path", "category_confidence", "alternatives"}},
          {"additionalProperties", false}};
}

// "A > B > C" as the taxonomy file writes it: spaces around each ">" one, ends trimmed.
std::string canonical_path(const std::string& path) {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('>', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    std::string level = path.substr(start, end - start);
    const size_t first = level.find_first_not_of(" \t");
    const size_t last = level.find_last_not_of(" \t");
    level = first == std::string::npos ? std::string() : level.substr(first, last - first + 1);
    out += (out.empty() ? "" : " > ") + level;
    start = end + 1;
  }
  return out;
}

const Category* find_category(const Taxonomy& taxonomy, const std::string& path) {
  const std::string wanted = canonical_path(path);
  for (const Category& c : taxonomy.categories()) {
    if (c.path == wanted) {
      return &c;
    }
  }
  return nullptr;
}

// The model's tags as ai.tags gives them: lower case (ASCII; other scripts
// as written), without '#', trimmed, each once, at most max_tags.
Json clean_tags(const Json& tags, size_t max_tags) {
  Json out = Json::array();
  for (const Json& t : tags) {
    std::string tag = t.get<std::string>();
    tag.erase(0, std::min(tag.find_first_not_of("# \t"), tag.size()));
    tag.erase(tag.find_last_not_of(" \t") + 1);
    std::transform(tag.begin(), tag.end(), tag.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 0x20) : c; });
    if (!tag.empty() && std::find(out.begin(), out.end(), tag) == out.end() && out.size() < max_tags) {
      out.push_back(std::move(tag));
    }
  }
  return out;
}

// The model names categories by path; only paths the taxonomy holds become
// categories (with the taxonomy's id). A path it does not hold is dropped
// with a warning; when that was the first choice, the built-in tagger's
// category stands in and `category_source` says so.
Json llm_tags(sdk::Context& ctx, const AiSettings& settings, const Json& input) {
  const size_t max_tags = input.value("max_tags", kDefaultMaxTags);
  std::string user;
  for (const char* key : {"title", "text", "description"}) {
    if (const std::string value = text_field(input, key); !value.empty()) {
      user += std::string(1, static_cast<char>(key[0] - 0x20)) + (key + 1) + ":\n" + value + "\n\n";
    }
  }
  if (const auto it = input.find("hashtags"); it != input.end() && it->is_array() && !it->empty()) {
    user += "Hashtags: ";
    for (const Json& h : *it) {
      user += "#" + h.get<std::string>() + " ";
    }
    user += "\n\n";
  }
  user += "At most " + std::to_string(max_tags) + " tags.";
  const std::string workflow(ctx.workflow_dir());
  LlmTask task{"ai.tags",      kPromptVersion,  std::move(user),
               "product_tags", answer_schema(), workflow.empty() ? std::string("default") : workflow};
  LlmOutcome llm = run_llm(ctx, settings, task);
  if (!llm.value) {
    Json out = builtin_tags(ctx, input);
    out["fallback_reason"] = llm.fallback_reason;
    return out;
  }
  const Json& answer = *llm.value;
  const std::shared_ptr<const Taxonomy> taxonomy = taxonomy_for(ctx);
  Json out = {{"tags", clean_tags(answer["tags"], max_tags)}, {"category", nullptr}, {"category_source", "llm"}};
  if (answer["category_path"].is_string()) {
    const std::string path = answer["category_path"];
    if (const Category* c = find_category(*taxonomy, path)) {
      out["category"] = {{"id", c->id}, {"path", c->path}, {"score", answer["category_confidence"]}};
    } else {
      ctx.warn("ai.tags: the model's category \"" + path.substr(0, 200) +
               "\" is not in the taxonomy; the built-in tagger's category stands in");
      const Json builtin = builtin_tags(ctx, input);
      out["category"] = builtin["category"];
      out["category_source"] = "builtin";
    }
  }
  Json alternatives = Json::array();
  for (const Json& a : answer["alternatives"]) {
    const Category* c = find_category(*taxonomy, a["path"].get<std::string>());
    if (c != nullptr && alternatives.size() < 3 && (!out["category"].is_object() || out["category"]["id"] != c->id)) {
      alternatives.push_back({{"id", c->id}, {"path", c->path}, {"score", a["confidence"]}});
    }
  }
  out["alternatives"] = std::move(alternatives);
  out.update(llm.report);
  return out;
}

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
              {"enum", {"builtin", "llm"}},
              {"description",
               "Which tagger runs: builtin (offline, Google product taxonomy) or llm (an OpenAI-compatible model); "
               "default plugins.ai.backend"}}}}},
          {"additionalProperties", false},
          {"examples", {{{"hashtags", Json::array({"sneakers", "running"})}, {"title", "Red running sneakers"}}}}};
}

Json TagsStep::output_schema() {
  Json schema = {{"type", "object"},
                 {"properties",
                  {{"tags", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                   {"category", {{"anyOf", Json::array({category_schema(), {{"type", "null"}}})}}},
                   {"alternatives", {{"type", "array"}, {"items", category_schema()}}},
                   {"category_source",
                    {{"type", "string"},
                     {"enum", {"llm", "builtin"}},
                     {"description", "With llm: builtin when the model's category was not in the taxonomy"}}}}},
                 {"required", {"backend", "tags", "category", "alternatives"}}};
  add_report_schema(schema);
  return schema;
}

Json TagsStep::run(sdk::Context& ctx, const Json& input) {
  const AiSettings settings = read_ai_settings(ctx.plugin_config(), "ai.tags");
  if (chosen_backend(settings, input, "ai.tags") == "llm") {
    return llm_tags(ctx, settings, input);
  }
  return builtin_tags(ctx, input);
}

}  // namespace linkhub::ai
