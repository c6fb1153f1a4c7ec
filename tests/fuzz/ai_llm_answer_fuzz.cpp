// libFuzzer: whatever an OpenAI-compatible server sends back, the ai plugin's
// reading of it ends in an answer or in an sdk::StepError that says what is
// wrong, never in another exception, a crash or a hang. The first byte picks
// the path: a text/event-stream body joined into one answer; a
// chat.completion body; the content checked against a strict schema (the
// repair loop's check).
#include "json_check.hpp"
#include "llm_client.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using linkhub::sdk::Json;

const Json& schema() {
  static const Json s = linkhub::ai::strict_schema(Json::parse(R"({
    "type": "object",
    "properties": {
      "name": {"type": "object", "properties": {"value": {"type": ["string", "null"]},
                                                 "confidence": {"type": "number", "minimum": 0, "maximum": 1}},
               "required": ["value", "confidence"]},
      "sizes": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z0-9]{1,4}$"}, "maxItems": 8},
      "sentiment": {"enum": ["positive", "neutral", "negative"]}
    },
    "required": ["name"]
  })"));
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::ai;
  if (size == 0) {
    return 0;
  }
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    LlmAnswer answer;
    switch (data[0] % 3) {
      case 0:
        answer_content(streamed_answer(text), answer);
        break;
      case 1: {
        const Json body = Json::parse(text, nullptr, false);
        if (!body.is_discarded()) {
          answer_content(body, answer);
        }
        break;
      }
      default: {
        Json value = Json::parse(text, nullptr, false);
        if (!value.is_discarded()) {
          const std::string problem = schema_violation(schema(), value);
          drop_optional_nulls(schema(), value);
          (void)problem;
        }
        break;
      }
    }
  } catch (const linkhub::sdk::StepError&) {
    // The expected refusal: bad_output with the reason.
  }
  return 0;
}
