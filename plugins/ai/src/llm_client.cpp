#include "llm_client.hpp"

#include "json_check.hpp"

#include <linkhub/http_client.hpp>

#include <algorithm>
#include <thread>

namespace linkhub::ai {
namespace {

using sdk::Json;
using sdk::StepError;
namespace errors = sdk::errors;

constexpr size_t kMaxAnswerBytes = 4 << 20;

// Waits `delay` unless the run is cancelled meanwhile (checked every 50 ms).
void pause(const sdk::Context& ctx, std::chrono::milliseconds delay) {
  const auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    ctx.throw_if_cancelled();
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        std::chrono::milliseconds(50),
        std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()) +
            std::chrono::milliseconds(1)));
  }
}

// Fields of a model's answer, read without trusting their types: a server
// that sends "12" for a token count or a number for a message gets a clear
// bad_output further on, never a JSON library exception.
std::string text_field(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}
int64_t count_field(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// The API's own words for an error body ({"error": {"message", "type", "code"}}), short.
std::string api_error(const std::string& body) {
  const Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()) {
    const Json& e = parsed["error"];
    std::string out = text_field(e, "message");
    if (e.contains("code") && e["code"].is_string()) {
      out += " (" + e["code"].get<std::string>() + ")";
    }
    return out.substr(0, 300);
  }
  return {};
}

// One HTTP exchange with the retries 429, 5xx and transport failures deserve.
sdk::http::Response post(const sdk::Context& ctx, const LlmSettings& s, const sdk::http::Client& http,
                         const sdk::http::Request& req, int& requests) {
  for (int attempt = 1;; ++attempt) {
    const bool last = attempt >= s.max_attempts;
    std::chrono::milliseconds wait{std::min<int64_t>(250LL << std::min(attempt, 6), s.max_retry_wait.count())};
    sdk::http::Response response;
    try {
      ++requests;
      response = http.send(req);
    } catch (const StepError& e) {
      const bool circuit_open = e.details().is_object() && e.details().contains("host");
      if (!e.retryable() || circuit_open || last) {
        throw;
      }
      ctx.info("ai: " + std::string(e.what()) + "; attempt " + std::to_string(attempt + 1) + " of " +
               std::to_string(s.max_attempts));
      pause(ctx, wait);
      continue;
    }
    if (response.status == 429 || response.status >= 500) {
      if (last) {
        try {
          http.fail_on_status(response, http.describe("POST", req.url));
        } catch (const StepError& e) {
          const std::string why = api_error(response.body);
          throw StepError(sdk::ErrorCode{e.code()},
                          http.redact(std::string(e.what()) + (why.empty() ? "" : ": " + why)) + " after " +
                              std::to_string(attempt) + " attempts",
                          true, e.details());
        }
      }
      if (response.retry_after) {
        wait = std::min(*response.retry_after, s.max_retry_wait);
      }
      ctx.info("ai: the model answered " + std::to_string(response.status) + "; attempt " +
               std::to_string(attempt + 1) + " of " + std::to_string(s.max_attempts) + " in " +
               std::to_string(wait.count()) + " ms");
      pause(ctx, wait);
      continue;
    }
    if (response.status >= 400) {
      try {
        http.fail_on_status(response, http.describe("POST", req.url));
      } catch (const StepError& e) {
        const std::string why = api_error(response.body);
        throw StepError(sdk::ErrorCode{e.code()}, http.redact(std::string(e.what()) + (why.empty() ? "" : ": " + why)),
                        false, e.details());
      }
    }
    return response;
  }
}

Json json_body(const sdk::http::Client& http, const sdk::http::Request& req, const sdk::http::Response& response) {
  Json body = Json::parse(response.body, nullptr, false);
  if (!body.is_object()) {
    throw StepError(errors::bad_output,
                    http.who() + ": " + http.describe("POST", req.url) + " answered " +
                        std::to_string(response.status) + " with a body that is not a JSON object",
                    true);
  }
  return body;
}

}  // namespace

Json streamed_answer(std::string_view sse) {
  std::string content;
  std::string refusal;
  Json finish_reason;  // null until a chunk gives one
  Json usage;
  Json model;
  bool done = false;
  size_t events = 0;
  std::string data;  // the data lines of the event being read, joined by \n
  const auto dispatch = [&] {
    if (data.empty()) {
      return;
    }
    ++events;
    if (data == "[DONE]") {
      done = true;
      data.clear();
      return;
    }
    const Json chunk = Json::parse(data, nullptr, false);
    if (!chunk.is_object()) {
      throw StepError(
          errors::bad_output,
          "ai: the streamed answer's event " + std::to_string(events) + " is not a JSON object: " + data.substr(0, 80),
          true);
    }
    if (const auto e = chunk.find("error"); e != chunk.end() && e->is_object()) {
      throw StepError(errors::bad_output, "ai: the stream ended with an error: " + text_field(*e, "message"), true);
    }
    if (chunk.contains("model") && chunk["model"].is_string()) {
      model = chunk["model"];
    }
    if (const auto u = chunk.find("usage"); u != chunk.end() && u->is_object()) {
      usage = *u;
    }
    const auto choices = chunk.find("choices");
    if (choices == chunk.end() || !choices->is_array()) {
      throw StepError(errors::bad_output,
                      "ai: the streamed answer's event " + std::to_string(events) + " has no choices list", true);
    }
    for (const Json& choice : *choices) {
      if (!choice.is_object() || count_field(choice, "index") != 0) {
        continue;
      }
      if (const auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
        if (const auto c = delta->find("content"); c != delta->end() && c->is_string()) {
          content += c->get<std::string>();
        }
        if (const auto r = delta->find("refusal"); r != delta->end() && r->is_string()) {
          refusal += r->get<std::string>();
        }
      }
      if (const auto f = choice.find("finish_reason"); f != choice.end() && f->is_string()) {
        finish_reason = *f;
      }
    }
    data.clear();
  };
  size_t start = 0;
  while (start < sse.size() && !done) {
    size_t end = sse.find('\n', start);
    if (end == std::string_view::npos) {
      end = sse.size();
    }
    std::string_view line = sse.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      dispatch();
    } else if (line.substr(0, 5) == "data:") {
      line.remove_prefix(line.size() > 5 && line[5] == ' ' ? 6 : 5);
      data += (data.empty() ? "" : "\n") + std::string(line);
    }
    // Comments (":"), event:, id: and retry: lines carry nothing an answer needs.
  }
  dispatch();
  if (events == 0) {
    throw StepError(errors::bad_output, "ai: the streamed answer holds no events", true);
  }
  Json message = {{"role", "assistant"}, {"content", content}};
  if (!refusal.empty()) {
    message["refusal"] = refusal;
  }
  Json body = {{"object", "chat.completion"},
               {"choices", Json::array({{{"index", 0}, {"message", message}, {"finish_reason", finish_reason}}})}};
  if (content.empty() && refusal.empty() && finish_reason.is_null()) {
    body["choices"] = Json::array();  // nothing but the usage chunk came
  }
  if (!model.is_null()) {
    body["model"] = model;
  }
  if (!usage.is_null()) {
    body["usage"] = usage;
  }
  return body;
}

std::string answer_content(const Json& body, LlmAnswer& answer) {
  if (const auto usage = body.find("usage"); usage != body.end() && usage->is_object()) {
    answer.prompt_tokens += count_field(*usage, "prompt_tokens");
    answer.completion_tokens += count_field(*usage, "completion_tokens");
  }
  if (body.contains("model") && body["model"].is_string()) {
    answer.model = body["model"].get<std::string>();
  }
  const auto choices = body.find("choices");
  if (choices == body.end() || !choices->is_array() || choices->empty() || !choices->at(0).is_object()) {
    throw StepError(errors::bad_output, "ai: the model's answer has no choices", true);
  }
  const Json& choice = choices->at(0);
  const Json message = choice.contains("message") && choice["message"].is_object() ? choice["message"] : Json::object();
  if (message.contains("refusal") && message["refusal"].is_string() && !message["refusal"].get<std::string>().empty()) {
    throw StepError(errors::bad_output,
                    "ai: the model refused: " + message["refusal"].get<std::string>().substr(0, 300), false,
                    {{"finish_reason", choice.value("finish_reason", Json())}});
  }
  const std::string finish = choice.contains("finish_reason") && choice["finish_reason"].is_string()
                                 ? choice["finish_reason"].get<std::string>()
                                 : std::string();
  if (finish == "length") {
    throw StepError(errors::bad_output,
                    "ai: the model's answer was cut at its token limit (finish_reason length, " +
                        std::to_string(answer.completion_tokens) + " completion tokens)",
                    false, {{"finish_reason", "length"}});
  }
  if (finish == "content_filter") {
    throw StepError(errors::bad_output, "ai: the provider's content filter withheld the answer", false,
                    {{"finish_reason", finish}});
  }
  if (!message.contains("content") || !message["content"].is_string() ||
      message["content"].get<std::string>().empty()) {
    throw StepError(
        errors::bad_output,
        "ai: the model's answer is empty (finish_reason " + (finish.empty() ? std::string("none") : finish) + ")",
        true);
  }
  return message["content"].get<std::string>();
}

void complete_structured(const sdk::Context& ctx, const LlmSettings& s, const std::string& api_key,
                         const LlmRequest& request, LlmAnswer& answer) {
  const sdk::http::Client http(ctx, "ai", s.timeout, kMaxAnswerBytes, {api_key});
  sdk::http::Request req;
  req.method = "POST";
  req.url = s.base_url + "/chat/completions";
  req.headers = {"Content-Type: application/json", s.stream ? "Accept: text/event-stream" : "Accept: application/json"};
  if (!api_key.empty()) {
    req.headers.push_back("Authorization: Bearer " + api_key);
  }
  req.headers.insert(req.headers.end(), s.headers.begin(), s.headers.end());

  Json messages = request.messages;
  for (int round = 0;; ++round) {
    Json body = {{"model", s.model},
                 {"messages", messages},
                 {"temperature", 0},
                 {"response_format",
                  {{"type", "json_schema"},
                   {"json_schema", {{"name", request.schema_name}, {"strict", true}, {"schema", request.schema}}}}}};
    if (s.stream) {
      // The SDK's client hands over whole bodies: the events are read once
      // the stream has ended (bounded by kMaxAnswerBytes and the timeout).
      body["stream"] = true;
      body["stream_options"] = {{"include_usage", true}};
    }
    req.body = body.dump();
    const sdk::http::Response response = post(ctx, s, http, req, answer.requests);
    const Json reply = s.stream ? streamed_answer(response.body) : json_body(http, req, response);
    const std::string content = answer_content(reply, answer);
    std::string problem;
    Json value = Json::parse(content, nullptr, false);
    if (value.is_discarded()) {
      problem = "the answer is not valid JSON";
    } else if (std::string why = schema_violation(request.schema, value); !why.empty()) {
      problem = "the answer breaks the schema: " + why;
    }
    answer.repairs = round;
    if (problem.empty()) {
      answer.value = std::move(value);
      return;
    }
    if (round >= s.max_repairs) {
      throw StepError(
          errors::bad_output,
          "ai: " + problem + " (after " + std::to_string(round) + " repair request" + (round == 1 ? "" : "s") + ")",
          true, {{"repairs", round}});
    }
    ctx.info("ai: " + problem + "; asking the model to correct it");
    messages.push_back({{"role", "assistant"}, {"content", content.substr(0, 20000)}});
    messages.push_back({{"role", "user"},
                        {"content", "That answer cannot be used: " + problem +
                                        ". Reply again with only a JSON object that matches the schema."}});
  }
}

}  // namespace linkhub::ai
