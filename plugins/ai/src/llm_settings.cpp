#include "llm_settings.hpp"

#include <cctype>

namespace linkhub::ai {
namespace {

using sdk::Json;

std::string env_name(const std::string& flat) {
  std::string out = "LINKHUB_PLUGIN_AI_";
  for (char c : flat) {
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

[[noreturn]] void bad(const std::string& step, const std::string& key, const std::string& why) {
  std::string flat = key;
  for (char& c : flat) {
    c = c == '.' ? '_' : c;
  }
  throw sdk::StepError(sdk::errors::invalid_input, step + ": plugins.ai." + key + " (or " + env_name(flat) + ") " + why,
                       false, {{"config_key", key}});
}

// config["llm_" + key] (LINKHUB_PLUGIN_AI_LLM_<KEY>: the environment wins,
// as it does for every plugin's top-level keys), else config["llm"][key].
const Json* find(const Json& config, const std::string& key) {
  if (const auto it = config.find("llm_" + key); it != config.end() && !it->is_null()) {
    return &*it;
  }
  if (const auto llm = config.find("llm"); llm != config.end() && llm->is_object()) {
    if (const auto it = llm->find(key); it != llm->end() && !it->is_null()) {
      return &*it;
    }
  }
  return nullptr;
}

std::string text(const Json& config, const std::string& key, const std::string& step) {
  const Json* v = find(config, key);
  if (v == nullptr) {
    return {};
  }
  if (!v->is_string()) {
    bad(step, "llm." + key, "must be a string, found " + v->dump().substr(0, 40));
  }
  return v->get<std::string>();
}

double number(const Json& v, const std::string& key, const std::string& step) {
  if (v.is_number()) {
    return v.get<double>();
  }
  if (v.is_string()) {
    try {
      size_t used = 0;
      const double x = std::stod(v.get<std::string>(), &used);
      if (used == v.get<std::string>().size()) {
        return x;
      }
    } catch (const std::logic_error&) {
    }
  }
  bad(step, key, "must be a number, found " + v.dump().substr(0, 40));
}

int64_t whole(const Json& config, const std::string& key, const std::string& step, int64_t fallback, int64_t min,
              int64_t max) {
  const Json* v = find(config, key);
  if (v == nullptr) {
    return fallback;
  }
  const double x = number(*v, "llm." + key, step);
  if (x != static_cast<double>(static_cast<int64_t>(x)) || x < static_cast<double>(min) ||
      x > static_cast<double>(max)) {
    bad(step, "llm." + key,
        "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
            v->dump().substr(0, 40));
  }
  return static_cast<int64_t>(x);
}

bool flag(const Json& config, const std::string& key, const std::string& step, bool fallback) {
  const Json* v = find(config, key);
  if (v == nullptr) {
    return fallback;
  }
  if (v->is_boolean()) {
    return v->get<bool>();
  }
  if (v->is_string() && (*v == "true" || *v == "false")) {
    return *v == "true";
  }
  bad(step, "llm." + key, "must be true or false, found " + v->dump().substr(0, 40));
}

}  // namespace

AiSettings read_ai_settings(const Json& raw, const std::string& step) {
  const Json config = raw.is_object() ? raw : Json::object();
  AiSettings out;
  if (const auto b = config.find("backend"); b != config.end() && !b->is_null()) {
    if (!b->is_string() || (*b != "builtin" && *b != "llm")) {
      bad(step, "backend", "must be builtin or llm, found " + b->dump().substr(0, 40));
    }
    out.backend = b->get<std::string>();
  }
  LlmSettings s;
  s.base_url = text(config, "base_url", step);
  while (!s.base_url.empty() && s.base_url.back() == '/') {
    s.base_url.pop_back();
  }
  s.model = text(config, "model", step);
  if (const std::string secret = text(config, "api_key_secret", step); !secret.empty()) {
    s.api_key_secret = secret;
  }
  if (const Json* headers = find(config, "headers")) {
    if (!headers->is_object()) {
      bad(step, "llm.headers", "must be a map of header names to values");
    }
    for (const auto& [name, value] : headers->items()) {
      if (!value.is_string() || name.find_first_of(":\r\n") != std::string::npos ||
          value.get<std::string>().find_first_of("\r\n") != std::string::npos) {
        bad(step, "llm.headers." + name, "must be a one-line string");
      }
      s.headers.push_back(name + ": " + value.get<std::string>());
    }
  }
  s.timeout = std::chrono::milliseconds(whole(config, "timeout_ms", step, 60000, 1, 600000));
  s.max_attempts = static_cast<int>(whole(config, "max_attempts", step, 3, 1, 10));
  s.max_retry_wait = std::chrono::milliseconds(whole(config, "max_retry_wait_ms", step, 10000, 0, 120000));
  s.max_repairs = static_cast<int>(whole(config, "max_repairs", step, 1, 0, 3));
  s.daily_token_budget = whole(config, "daily_token_budget", step, 0, 0, int64_t{1} << 40);
  s.fallback = flag(config, "fallback", step, true);
  s.stream = flag(config, "stream", step, false);
  if (const Json* prices = find(config, "prices")) {
    if (!prices->is_object()) {
      bad(step, "llm.prices", "must map model names to {input_per_million, output_per_million}");
    }
    if (const auto p = prices->find(s.model); p != prices->end()) {
      if (!p->is_object() || !p->contains("input_per_million") || !p->contains("output_per_million")) {
        bad(step, "llm.prices." + s.model, "must have input_per_million and output_per_million");
      }
      s.input_per_million = number(p->at("input_per_million"), "llm.prices." + s.model, step);
      s.output_per_million = number(p->at("output_per_million"), "llm.prices." + s.model, step);
    }
  }
  if (const auto db = config.find("database"); db != config.end() && db->is_string()) {
    s.database = db->get<std::string>();
  }
  if (s.base_url.empty() || s.model.empty()) {
    out.llm_missing = std::string("plugins.ai.llm.") + (s.base_url.empty() ? "base_url" : "model") + " is not set";
  } else {
    out.llm = std::move(s);
  }
  return out;
}

}  // namespace linkhub::ai
