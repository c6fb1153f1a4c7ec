#include "extract_step.hpp"

#include "caption.hpp"
#include "llm_backend.hpp"

namespace linkhub::ai {
namespace {

using sdk::Json;

constexpr const char* kPromptVersion = "extract.v1";

Json confidence() {
  return {{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
}

// Strict structured output wants every property required and no others.
Json strict_object(Json properties) {
  Json required = Json::array();
  for (const auto& [key, value] : properties.items()) {
    required.push_back(key);
  }
  return {{"type", "object"},
          {"properties", std::move(properties)},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

Json text_field(bool nullable) {
  return strict_object({{"value", {{"type", nullable ? Json::array({"string", "null"}) : Json("string")}}},
                        {"confidence", confidence()}});
}

Json list_field() {
  return strict_object({{"value", {{"type", "array"}, {"items", {{"type", "string"}}}}}, {"confidence", confidence()}});
}

std::string caption_of(const Json& input) {
  const auto it = input.contains("caption") ? input.find("caption") : input.find("text");
  if (it == input.end() || !it->is_string()) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         "ai.extract: the input has no caption (give `caption`, or `text`)");
  }
  return it->get<std::string>();
}

// An optional text input; the engine validates inputs, but a direct call may not.
std::string optional_text(const Json& input, const char* key, std::string fallback) {
  const auto it = input.find(key);
  if (it == input.end() || it->is_null()) {
    return fallback;
  }
  if (!it->is_string()) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         std::string("ai.extract: `") + key + "` must be a string, found " + it->dump().substr(0, 40));
  }
  return it->get<std::string>();
}

// Low confidences: the heuristics know the title, the language and the tags,
// not brands, variants or sentiment.
Json builtin_extract(const std::string& caption, const std::string& translate_to) {
  CaptionAnalysis a;
  try {
    a = analyse_caption(caption);
  } catch (const InvalidText& e) {
    throw sdk::StepError(sdk::errors::invalid_input, std::string("ai.extract: ") + e.what());
  }
  Json keywords = Json::array();
  for (const std::string& tag : a.hashtags) {
    if (keywords.size() < 10) {
      keywords.push_back(tag);
    }
  }
  const bool titled = !a.title.empty();
  const double keywords_confidence = keywords.empty() ? 0.0 : 0.3;
  const Json nothing = {{"value", Json::array()}, {"confidence", 0}};
  return {{"product_name", {{"value", titled ? Json(a.title) : Json(nullptr)}, {"confidence", titled ? 0.3 : 0.0}}},
          {"brand", {{"value", nullptr}, {"confidence", 0}}},
          {"sizes", nothing},
          {"colours", nothing},
          {"materials", nothing},
          {"description", {{"value", a.title}, {"language", a.language.code}, {"confidence", titled ? 0.2 : 0.0}}},
          {"translated_description",
           {{"value", nullptr},
            {"language", translate_to.empty() ? Json(nullptr) : Json(translate_to)},
            {"confidence", 0}}},
          {"sentiment", {{"value", "neutral"}, {"confidence", 0}}},
          {"keywords", {{"value", std::move(keywords)}, {"confidence", keywords_confidence}}}};
}

}  // namespace

Json ExtractStep::answer_schema() {
  return strict_object(
      {{"product_name", text_field(true)},
       {"brand", text_field(true)},
       {"sizes", list_field()},
       {"colours", list_field()},
       {"materials", list_field()},
       {"description",
        strict_object(
            {{"value", {{"type", "string"}}}, {"language", {{"type", "string"}}}, {"confidence", confidence()}})},
       {"translated_description", strict_object({{"value", {{"type", {"string", "null"}}}},
                                                 {"language", {{"type", {"string", "null"}}}},
                                                 {"confidence", confidence()}})},
       {"sentiment",
        strict_object({{"value", {{"type", "string"}, {"enum", {"positive", "neutral", "negative", "mixed"}}}},
                       {"confidence", confidence()}})},
       {"keywords", list_field()}});
}

Json ExtractStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"caption", {{"type", "string"}, {"description", "The caption (video description), UTF-8"}}},
            {"text", {{"type", "string"}, {"description", "Same as caption"}}},
            {"backend",
             {{"type", "string"},
              {"enum", {"builtin", "llm"}},
              {"description", "builtin (offline) or llm (an OpenAI-compatible model); default plugins.ai.backend"}}},
            {"translate_to",
             {{"type", {"string", "null"}},
              {"pattern", "^[a-z]{2}$"},
              {"description", "An ISO 639-1 code: the description is also given in that language (null: none)"}}},
            {"budget_key",
             {{"type", "string"},
              {"minLength", 1},
              {"maxLength", 200},
              {"description", "Whose daily token budget pays (default: the workflow's folder)"}}}}},
          {"anyOf", Json::array({{{"required", {"caption"}}}, {{"required", {"text"}}}})},
          {"additionalProperties", false},
          {"examples",
           {{{"caption", "Nike Air Max 90, sizes 38-44, white/red, genuine leather. Only $89! #sneakers"},
             {"backend", "llm"}}}}};
}

Json ExtractStep::output_schema() {
  Json schema = answer_schema();
  add_report_schema(schema);
  schema.erase("additionalProperties");
  return schema;
}

Json ExtractStep::run(sdk::Context& ctx, const Json& input) {
  const std::string caption = caption_of(input);
  const std::string translate_to = optional_text(input, "translate_to", "");
  const AiSettings settings = read_ai_settings(ctx.plugin_config(), "ai.extract");
  Json out;
  if (chosen_backend(settings, input, "ai.extract") == "llm") {
    const std::string workflow(ctx.workflow_dir());
    LlmTask task{"ai.extract",
                 kPromptVersion,
                 "Caption:\n" + caption + "\n\nTranslate the description to: " +
                     (translate_to.empty() ? std::string("(none)") : translate_to),
                 "catalog_entry",
                 answer_schema(),
                 optional_text(input, "budget_key", workflow.empty() ? std::string("default") : workflow)};
    LlmOutcome llm = run_llm(ctx, settings, task);
    if (llm.value) {
      out = std::move(*llm.value);
      out.update(llm.report);
      return out;
    }
    out = builtin_extract(caption, translate_to);
    out["backend"] = "builtin";
    out["fallback_reason"] = llm.fallback_reason;
    return out;
  }
  out = builtin_extract(caption, translate_to);
  out["backend"] = "builtin";
  return out;
}

}  // namespace linkhub::ai
