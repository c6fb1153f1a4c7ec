#pragma once
// One structured answer from an OpenAI-compatible chat completions endpoint
// (OpenAI, OpenRouter, a local server): the request asks for
// response_format json_schema (strict) with the caller's schema, and the
// answer is parsed and checked against that schema here, never trusted.
//
// - 429, 5xx, timeouts and dropped connections are sent again (max_attempts
//   in all), after the Retry-After the server asked for (capped), through the
//   SDK's HTTP client and so its per-host circuit breaker; an open circuit
//   fails at once.
// - Invalid JSON or an answer that breaks the schema is sent back to the
//   model with what is wrong (max_repairs more requests).
// - finish_reason "length", a refusal, no choices, an empty message: a
//   StepError that says which (code bad_output).

#include "llm_settings.hpp"

#include <linkhub/plugin.hpp>

#include <cstdint>
#include <string>

namespace linkhub::ai {

struct LlmAnswer {
  sdk::Json value;  // valid against the schema
  std::string model;
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int requests = 0;  // HTTP requests sent, retries and repairs included
  int repairs = 0;
};

struct LlmRequest {
  sdk::Json messages;  // [{role, content}, ...]
  std::string schema_name;
  sdk::Json schema;
};

// Fills `answer`; throws sdk::StepError (retryable when waiting may help),
// whose message never holds the API key. The tokens of every answer the
// model gave are in `answer` either way (a failed answer is paid for too).
// With settings.stream the request asks for server-sent events and the
// whole event stream is read, then joined (streamed_answer).
void complete_structured(const sdk::Context& ctx, const LlmSettings& settings, const std::string& api_key,
                         const LlmRequest& request, LlmAnswer& answer);

// A text/event-stream body of chat.completion.chunk events as the
// chat.completion body it adds up to: the deltas' content (and refusal)
// joined, the last finish_reason, the usage of the last chunk (stream_options
// include_usage). An event that is not a JSON object, or a chunk without a
// choices list, is a StepError (bad_output) naming the event.
sdk::Json streamed_answer(std::string_view sse);

// The content of choices[0] when it is a usable answer, else a StepError
// naming why (length, refusal, no choices, empty). Tokens are added to `answer`.
std::string answer_content(const sdk::Json& body, LlmAnswer& answer);

}  // namespace linkhub::ai
