#pragma once
// What every ai step does to get its answer from the language model: the
// settings, the key, the daily budget, the cache, the request (llm_client),
// and the tokens and cost of it. When the model cannot answer (not
// configured, no key, budget spent, circuit open, rate limited, garbage) and
// plugins.ai.llm.fallback is on, the outcome says why and the step answers
// with its built-in extractors instead.

#include "llm_settings.hpp"

#include <linkhub/plugin.hpp>

#include <optional>
#include <string>

namespace linkhub::ai {

struct LlmTask {
  std::string step;            // "ai.extract", for messages
  std::string prompt_version;  // "extract.v1"
  std::string user_content;    // what the prompt is applied to
  std::string schema_name;     // response_format's name
  sdk::Json schema;            // what the answer must match
  std::string budget_scope;    // whose daily budget pays
};

struct LlmOutcome {
  std::optional<sdk::Json> value;  // the validated answer, or none: fall back
  std::string fallback_reason;
  sdk::Json report = sdk::Json::object();  // backend, model, prompt_version, cached, usage ...
};

// Adds what run_llm reports (backend, fallback_reason, model, usage ...) to a
// step's output schema; `backend` becomes required.
void add_report_schema(sdk::Json& output_schema);

// The `backend` input if given, else plugins.ai.backend; StepError for an unknown one.
std::string chosen_backend(const AiSettings& settings, const sdk::Json& input, const std::string& step);

// Throws StepError only when the fallback is off (or the settings are wrong).
LlmOutcome run_llm(const sdk::Context& ctx, const AiSettings& settings, const LlmTask& task);

}  // namespace linkhub::ai
