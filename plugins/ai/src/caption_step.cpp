#include "caption_step.hpp"

#include "caption.hpp"
#include "json_check.hpp"
#include "llm_backend.hpp"
#include "screen_text_input.hpp"

namespace linkhub::ai {
namespace {

using sdk::Json;

Json builtin_caption(sdk::Context& ctx, const Json& input) {
  if (!input.contains("caption") && !input.contains("text")) {
    throw sdk::StepError("ai.caption: the input has no caption (give `caption`, or `text`)");
  }
  const std::string caption =
      input.contains("caption") ? input.at("caption").get<std::string>() : input.at("text").get<std::string>();
  CaptionOptions options;
  if (const auto hint = input.find("default_currency"); hint != input.end() && !hint->is_null()) {
    options.default_currency = hint->get<std::string>();
    for (char& c : options.default_currency) {
      c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 0x20 : c);
    }
  }
  CaptionAnalysis a;
  try {
    a = analyse_caption(caption, options);
  } catch (const InvalidText& e) {
    throw sdk::StepError(std::string("ai.caption: ") + e.what());
  }
  Json prices = Json::array();
  for (const Price& p : a.prices) {
    prices.push_back({{"amount", p.amount},
                      {"currency", p.currency},
                      {"text", p.text},
                      {"kind", kind_name(p.kind)},
                      {"confidence", p.confidence}});
  }
  Json codes = Json::array();
  for (const DiscountCode& c : a.discount_codes) {
    codes.push_back({{"code", c.code}, {"percent", c.percent ? Json(*c.percent) : Json(nullptr)}});
  }
  Json ctas = Json::array();
  for (const CallToAction& c : a.calls_to_action) {
    Json cta = {{"id", c.id}, {"text", c.text}};
    if (!c.keyword.empty()) {
      cta["keyword"] = c.keyword;
    }
    ctas.push_back(std::move(cta));
  }
  Json products = Json::array();
  for (const ProductMention& p : a.products) {
    products.push_back({{"text", p.text}, {"source", p.source}, {"score", p.score}});
  }
  ctx.debug("ai.caption: " + std::to_string(a.prices.size()) + " prices, " + std::to_string(a.hashtags.size()) +
            " hashtags, language " + a.language.code);
  return {{"backend", "builtin"},
          {"hashtags", a.hashtags},
          {"mentions", a.mentions},
          {"prices", std::move(prices)},
          {"discount_codes", std::move(codes)},
          {"calls_to_action", std::move(ctas)},
          {"products", std::move(products)},
          {"title", a.title},
          {"language", a.language.code},
          {"language_confidence", a.language.confidence}};
}

constexpr const char* kPromptVersion = "caption.v1";

// What the model must answer: the step's output without the backend's report,
// in strict form (optional fields nullable, dropped again afterwards).
Json caption_fields() {
  Json schema = CaptionStep::output_schema();
  for (const char* key : {"backend", "fallback_reason", "model", "prompt_version", "cached", "requests", "repairs",
                          "usage", "cached_usage"}) {
    schema["properties"].erase(key);
  }
  for (const char* key : screen_output_keys()) {  // added after the backend answered
    schema["properties"].erase(key);
  }
  schema["properties"]["prices"]["items"]["properties"].erase("source");
  Json required = Json::array();
  for (const Json& name : schema["required"]) {
    if (name != "backend") {
      required.push_back(name);
    }
  }
  schema["required"] = std::move(required);
  return schema;
}

Json llm_caption(sdk::Context& ctx, const AiSettings& settings, const Json& input) {
  if (!input.contains("caption") && !input.contains("text")) {
    throw sdk::StepError("ai.caption: the input has no caption (give `caption`, or `text`)");
  }
  const Json& text = input.contains("caption") ? input.at("caption") : input.at("text");
  if (!text.is_string()) {
    throw sdk::StepError(sdk::errors::invalid_input, "ai.caption: the caption must be a string");
  }
  std::string user = "Caption:\n" + text.get<std::string>();
  if (const auto hint = input.find("default_currency"); hint != input.end() && hint->is_string()) {
    user += "\n\nCurrency of amounts written without one: " + hint->get<std::string>();
  }
  const Json fields = caption_fields();
  const std::string workflow(ctx.workflow_dir());
  LlmTask task{"ai.caption",       kPromptVersion,        std::move(user),
               "caption_analysis", strict_schema(fields), workflow.empty() ? std::string("default") : workflow};
  LlmOutcome llm = run_llm(ctx, settings, task);
  if (!llm.value) {
    Json out = builtin_caption(ctx, input);
    out["fallback_reason"] = llm.fallback_reason;
    return out;
  }
  Json out = std::move(*llm.value);
  drop_optional_nulls(fields, out);
  out.update(llm.report);
  return out;
}

Json string_array() {
  return {{"type", "array"}, {"items", {{"type", "string"}}}};
}

}  // namespace

Json CaptionStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"caption", {{"type", "string"}, {"description", "The caption (video description), UTF-8"}}},
            {"text", {{"type", "string"}, {"description", "Same as caption, for workflows that call it text"}}},
            {"backend",
             {{"type", "string"},
              {"enum", {"builtin", "llm"}},
              {"description",
               "Which extractor runs: builtin (offline) or llm (an OpenAI-compatible model); default "
               "plugins.ai.backend"}}},
            {"default_currency",
             {{"type", "string"},
              {"pattern", "^[A-Za-z]{3}$"},
              {"description", "ISO 4217 code for amounts written without one (\"59k\", \"$\" in Canada)"}}},
            {"screen_text", screen_input_properties()["screen_text"]},
            {"screen_min_confidence", screen_input_properties()["screen_min_confidence"]}}},
          {"anyOf", Json::array({{{"required", {"caption"}}}, {{"required", {"text"}}}})},
          {"additionalProperties", false},
          {"examples",
           {{{"caption", "Red sneakers, now $49.99 (was $79)! Code SAVE20 for 20% off #sneakers #fashion"}},
            {{"text", "Serum vitamin C chỉ 159k, link ở bio #skincare"}, {"default_currency", "VND"}},
            {{"caption", "Linen shirt, 4 colours #linenshirt"}, {"screen_text", "SUMMER SALE\nonly $24.99"}}}}};
}

Json CaptionStep::output_schema() {
  const Json number_0_1 = {{"type", "number"}, {"minimum", 0}, {"maximum", 1}};
  Json schema = {
      {"type", "object"},
      {"properties",
       {{"backend", {{"type", "string"}}},
        {"hashtags", string_array()},
        {"mentions", string_array()},
        {"prices",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"amount", {{"type", "number"}}},
              {"currency", {{"type", "string"}, {"pattern", "^[A-Z]{3}$"}}},
              {"text", {{"type", "string"}}},
              {"kind", {{"type", "string"}, {"enum", {"exact", "range_low", "range_high", "max", "min"}}}},
              {"confidence", number_0_1},
              {"source",
               {{"type", "string"},
                {"enum", {"caption", "screen"}},
                {"description", "With screen_text: where the price was read"}}}}},
            {"required", {"amount", "currency", "text", "kind", "confidence"}}}}}},
        {"discount_codes",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties", {{"code", {{"type", "string"}}}, {"percent", {{"type", {"number", "null"}}}}}},
            {"required", {"code", "percent"}}}}}},
        {"calls_to_action",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"id", {{"type", "string"}}}, {"text", {{"type", "string"}}}, {"keyword", {{"type", "string"}}}}},
            {"required", {"id", "text"}}}}}},
        {"products",
         {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties", {{"text", {{"type", "string"}}}, {"source", {{"type", "string"}}}, {"score", number_0_1}}},
            {"required", {"text", "source", "score"}}}}}},
        {"title", {{"type", "string"}}},
        {"language", {{"type", "string"}}},
        {"language_confidence", number_0_1}}},
      {"required",
       {"backend", "hashtags", "mentions", "prices", "discount_codes", "calls_to_action", "products", "title",
        "language", "language_confidence"}}};
  schema["properties"].update(screen_output_properties());
  add_report_schema(schema);
  return schema;
}

Json CaptionStep::run(sdk::Context& ctx, const Json& input) {
  const AiSettings settings = read_ai_settings(ctx.plugin_config(), "ai.caption");
  Json out = chosen_backend(settings, input, "ai.caption") == "llm" ? llm_caption(ctx, settings, input)
                                                                    : builtin_caption(ctx, input);
  if (has_screen_text(input)) {
    add_screen_source(out, input);
  }
  return out;
}

}  // namespace linkhub::ai
