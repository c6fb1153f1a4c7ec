#include "settings.hpp"

#include <cctype>

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

std::string env_name(const std::string& key) {
  std::string out = "LINKHUB_PLUGIN_WHATSAPP_";
  for (char c : key) {
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

[[noreturn]] void bad(const std::string& step, const std::string& key, const std::string& why) {
  throw sdk::StepError(sdk::errors::invalid_input,
                       step + ": plugins.whatsapp." + key + " (or " + env_name(key) + ") " + why, false,
                       {{"config_key", key}});
}

std::string text(const Json& config, const std::string& key, const std::string& step, const std::string& fallback) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) {
    return fallback;
  }
  if (it->is_number_integer()) {
    return std::to_string(it->get<int64_t>());  // an id written as a number in YAML
  }
  if (!it->is_string()) {
    bad(step, key, "must be a string");
  }
  return it->get<std::string>();
}

// Environment values arrive as strings; YAML ones as numbers.
int64_t number(const Json& config, const std::string& key, const std::string& step, int64_t fallback, int64_t min,
               int64_t max) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) {
    return fallback;
  }
  int64_t value = 0;
  if (it->is_number_integer()) {
    value = it->get<int64_t>();
  } else if (it->is_string()) {
    try {
      size_t used = 0;
      value = std::stoll(it->get<std::string>(), &used);
      if (used != it->get<std::string>().size()) {
        bad(step, key, "must be a whole number, found '" + it->get<std::string>().substr(0, 40) + "'");
      }
    } catch (const std::logic_error&) {
      bad(step, key, "must be a whole number, found '" + it->get<std::string>().substr(0, 40) + "'");
    }
  } else {
    bad(step, key, "must be a whole number");
  }
  if (value < min || value > max) {
    bad(step, key,
        "must be from " + std::to_string(min) + " to " + std::to_string(max) + ", found " + std::to_string(value));
  }
  return value;
}

}  // namespace

std::string Settings::messages_url() const {
  return base_url + "/" + api_version + "/" + phone_number_id + "/messages";
}

Settings read_settings(const sdk::Context& ctx, const std::string& step) {
  Json config = ctx.plugin_config();
  if (!config.is_object()) {
    config = Json::object();
  }
  Settings s;
  s.base_url = text(config, "base_url", step, s.base_url);
  while (!s.base_url.empty() && s.base_url.back() == '/') {
    s.base_url.pop_back();
  }
  if (s.base_url.rfind("https://", 0) != 0 && s.base_url.rfind("http://", 0) != 0) {
    bad(step, "base_url", "must be an http(s) URL such as https://graph.facebook.com");
  }
  s.api_version = text(config, "api_version", step, s.api_version);
  if (s.api_version.size() < 2 || s.api_version[0] != 'v' ||
      s.api_version.find_first_not_of("0123456789.", 1) != std::string::npos) {
    bad(step, "api_version", "must be a Graph API version such as v21.0, found '" + s.api_version.substr(0, 40) + "'");
  }
  s.phone_number_id = text(config, "phone_number_id", step, "");
  if (!s.phone_number_id.empty() && s.phone_number_id.find_first_not_of("0123456789") != std::string::npos) {
    bad(step, "phone_number_id", "must be the number's id from Meta's WhatsApp Manager (digits only)");
  }
  s.database = text(config, "database", step, "");
  s.timeout = std::chrono::milliseconds(number(config, "timeout_ms", step, 15000, 100, 300000));
  s.recipient_interval =
      std::chrono::milliseconds(number(config, "recipient_interval_ms", step, 1000, 0, 24 * 3600 * 1000));
  s.number_rate_per_second = number(config, "number_rate_per_second", step, 80, 1, 10000);
  return s;
}

std::string required_secret(const sdk::Context& ctx, const std::string& name, const std::string& step) {
  auto value = ctx.secret(name);
  if (!value || value->empty()) {
    throw sdk::StepError(sdk::errors::unauthorized,
                         step + ": the secret " + name + " is not set (secrets." + name +
                             " in linkhub.yaml, or "
                             "LINKHUB_SECRET_" +
                             name + ")",
                         false, {{"secret", name}});
  }
  return *value;
}

}  // namespace linkhub::whatsapp
