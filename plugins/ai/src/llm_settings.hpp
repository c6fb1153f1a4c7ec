#pragma once
// plugins.ai settings for the language-model backend. Every key can come
// from the environment as LINKHUB_PLUGIN_AI_<KEY>, nested ones flattened
// (llm.base_url: LINKHUB_PLUGIN_AI_LLM_BASE_URL).
//
//   plugins:
//     ai:
//       backend: llm                 # builtin (default) | llm: the steps' default
//       database: sqlite:///...      # the cache and budget tables; default the run database
//       llm:
//         base_url: https://api.openai.com/v1   # or https://openrouter.ai/api/v1
//         model: gpt-4o-mini
//         api_key_secret: OPENAI_API_KEY       # the secret holding the key
//         headers: {HTTP-Referer: https://shop.example, X-Title: linkhub}
//         timeout_ms: 60000
//         max_attempts: 3            # per request, on 429 / 5xx / timeouts
//         max_retry_wait_ms: 10000   # cap on one Retry-After wait
//         max_repairs: 1             # requests more after invalid JSON or a schema violation
//         daily_token_budget: 0      # per workflow and UTC day; 0: none
//         fallback: true             # builtin answers when the model cannot
//         stream: false              # ask for a streamed answer (server-sent events)
//         prices: {gpt-4o-mini: {input_per_million: 0.15, output_per_million: 0.6}}

#include <linkhub/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::ai {

struct LlmSettings {
  std::string base_url;  // without the trailing slash
  std::string model;
  std::string api_key_secret = "OPENAI_API_KEY";
  std::vector<std::string> headers;  // "Name: value"
  std::chrono::milliseconds timeout{60000};
  int max_attempts = 3;
  std::chrono::milliseconds max_retry_wait{10000};
  int max_repairs = 1;
  int64_t daily_token_budget = 0;
  bool fallback = true;
  bool stream = false;                      // ask for server-sent events (stream: true, include_usage)
  std::optional<double> input_per_million;  // the model's price, when the table has it
  std::optional<double> output_per_million;
  std::string database;  // empty: the run database
};

struct AiSettings {
  std::string backend = "builtin";
  std::optional<LlmSettings> llm;  // set when base_url and model are
  std::string llm_missing;         // else what is missing, for the fallback reason
};

// Throws StepError(invalid_input) naming the key and the environment variable.
AiSettings read_ai_settings(const sdk::Json& config, const std::string& step);

}  // namespace linkhub::ai
