#include "llm_backend.hpp"

#include "llm_client.hpp"
#include "llm_store.hpp"
#include "prompts.hpp"

#include <algorithm>
#include <cmath>

namespace linkhub::ai {
namespace {

using sdk::Json;

Json usage_of(const LlmSettings& s, int64_t prompt_tokens, int64_t completion_tokens) {
  Json usage = {{"prompt_tokens", prompt_tokens},
                {"completion_tokens", completion_tokens},
                {"total_tokens", prompt_tokens + completion_tokens},
                {"cost_usd", nullptr}};
  if (s.input_per_million && s.output_per_million) {
    const double cost = (static_cast<double>(prompt_tokens) * *s.input_per_million +
                         static_cast<double>(completion_tokens) * *s.output_per_million) /
                        1e6;
    usage["cost_usd"] = std::round(cost * 1e8) / 1e8;
  }
  return usage;
}

// What a request's prompt may cost before the model says: the text's bytes
// over 3 (English runs about 4 a token, other scripts fewer) and room for
// the answer. Claimed from the daily budget, then replaced by the real count.
int64_t estimate_tokens(const std::string& system, const std::string& user) {
  constexpr int64_t kAnswerAllowance = 1024;
  return static_cast<int64_t>((system.size() + user.size()) / 3) + kAnswerAllowance;
}

// Sums for /metrics (linkhub_plugin_counter_total{plugin="ai", counter, model, step}).
void count_usage(const sdk::Context& ctx, const LlmSettings& s, const LlmTask& task, const LlmAnswer& answer) {
  const Json labels = {{"model", s.model}, {"step", task.step}};
  ctx.add_counter("llm_requests", labels, answer.requests);
  ctx.add_counter("llm_prompt_tokens", labels, static_cast<double>(answer.prompt_tokens));
  ctx.add_counter("llm_completion_tokens", labels, static_cast<double>(answer.completion_tokens));
  const Json usage = usage_of(s, answer.prompt_tokens, answer.completion_tokens);
  if (usage["cost_usd"].is_number()) {
    ctx.add_counter("llm_cost_usd", labels, usage["cost_usd"].get<double>());
  }
}

LlmOutcome fall_back(const LlmSettings* s, const LlmTask& task, const sdk::Context& ctx, std::string reason,
                     const sdk::StepError* error) {
  if (s != nullptr && !s->fallback && error != nullptr) {
    throw *error;
  }
  if (s != nullptr && !s->fallback) {
    throw sdk::StepError(sdk::errors::unavailable, task.step + ": the language model is unavailable: " + reason);
  }
  ctx.warn(task.step + ": the built-in extractors answer: " + reason);
  ctx.add_counter("llm_fallbacks", {{"step", task.step}}, 1);
  LlmOutcome out;
  out.fallback_reason = std::move(reason);
  return out;
}

}  // namespace

void add_report_schema(Json& schema) {
  Json& p = schema["properties"];
  p["backend"] = {{"type", "string"}, {"enum", {"builtin", "llm"}}};
  p["fallback_reason"] = {{"type", "string"}, {"description", "Why the built-in extractors answered instead of llm"}};
  p["model"] = {{"type", "string"}};
  p["prompt_version"] = {{"type", "string"}};
  p["cached"] = {{"type", "boolean"}};
  p["requests"] = {{"type", "integer"}, {"minimum", 0}};
  p["repairs"] = {{"type", "integer"}, {"minimum", 0}};
  const Json count = {{"type", "integer"}, {"minimum", 0}};
  const Json usage = {{"type", "object"},
                      {"properties",
                       {{"prompt_tokens", count},
                        {"completion_tokens", count},
                        {"total_tokens", count},
                        {"cost_usd", {{"type", {"number", "null"}}}}}}};
  p["usage"] = usage;
  p["cached_usage"] = usage;
  Json& required = schema["required"];
  if (std::find(required.begin(), required.end(), "backend") == required.end()) {
    required.push_back("backend");
  }
}

std::string chosen_backend(const AiSettings& settings, const Json& input, const std::string& step) {
  const auto b = input.find("backend");
  if (b == input.end() || b->is_null()) {
    return settings.backend;
  }
  if (!b->is_string() || (*b != "builtin" && *b != "llm")) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         step + ": unknown backend " + b->dump().substr(0, 40) + "; available: builtin, llm");
  }
  return b->get<std::string>();
}

LlmOutcome run_llm(const sdk::Context& ctx, const AiSettings& settings, const LlmTask& task) {
  if (!settings.llm) {
    return fall_back(nullptr, task, ctx, "the language model is not configured (" + settings.llm_missing + ")",
                     nullptr);
  }
  const LlmSettings& s = *settings.llm;
  const std::optional<std::string> key = ctx.secret(s.api_key_secret);
  if (!key || key->empty()) {
    return fall_back(&s, task, ctx, "the secret " + s.api_key_secret + " (the API key) is not set", nullptr);
  }

  const CacheKey cache_key{s.base_url, s.model, task.prompt_version, sha256_hex(task.user_content)};
  sdk::PluginDatabase* db = database_for(ctx, s.database);
  Json report = {{"backend", "llm"}, {"model", s.model}, {"prompt_version", task.prompt_version}};
  if (db != nullptr) {
    if (std::optional<Json> hit = cached_answer(*db, cache_key)) {
      LlmOutcome out;
      out.value = hit->at("value");
      report["cached"] = true;
      report["requests"] = 0;
      report["usage"] = usage_of(s, 0, 0);  // nothing paid this time
      report["cached_usage"] = hit->value("usage", Json::object());
      out.report = std::move(report);
      ctx.add_counter("llm_cache_hits", {{"model", s.model}, {"step", task.step}}, 1);
      return out;
    }
  }

  const Prompt& system = prompt(task.prompt_version);
  TokenClaim claim;
  if (db != nullptr && s.daily_token_budget > 0) {
    claim = claim_tokens_today(*db, task.budget_scope, s.daily_token_budget,
                               estimate_tokens(std::string(system.text), task.user_content));
    if (!claim.granted) {
      return fall_back(&s, task, ctx,
                       "the daily token budget of " + std::to_string(s.daily_token_budget) + " for \"" +
                           task.budget_scope + "\" is spent (" + std::to_string(claim.spent) +
                           " tokens spent or claimed today)",
                       nullptr);
    }
  }
  LlmRequest request;
  request.messages = Json::array({{{"role", "system"}, {"content", std::string(system.text)}},
                                  {{"role", "user"}, {"content", task.user_content}}});
  request.schema_name = task.schema_name;
  request.schema = task.schema;
  LlmAnswer answer;
  // Whatever happens, the claim becomes what the model counted.
  const auto settle = [&] {
    count_usage(ctx, s, task, answer);
    if (db != nullptr && claim.granted) {
      settle_tokens(*db, task.budget_scope, claim, answer.prompt_tokens + answer.completion_tokens);
    }
  };
  try {
    complete_structured(ctx, s, *key, request, answer);
  } catch (const sdk::StepError& e) {
    settle();
    if (e.code() == sdk::errors::invalid_input.value) {
      throw;  // a setting is wrong: falling back would hide it
    }
    return fall_back(&s, task, ctx, e.what(), &e);
  } catch (...) {
    settle();
    throw;
  }
  settle();
  const Json usage = usage_of(s, answer.prompt_tokens, answer.completion_tokens);
  if (db != nullptr) {
    store_answer(*db, cache_key, {{"value", answer.value}, {"usage", usage}, {"model", answer.model}});
  }
  report["cached"] = false;
  report["requests"] = answer.requests;
  report["repairs"] = answer.repairs;
  report["usage"] = usage;
  if (!answer.model.empty()) {
    report["model"] = answer.model;  // the snapshot that answered ("gpt-4o-2024-08-06")
  }
  LlmOutcome out;
  out.value = std::move(answer.value);
  out.report = std::move(report);
  return out;
}

}  // namespace linkhub::ai
