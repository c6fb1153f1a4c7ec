#include "http/config_serve.hpp"

#include <linkhub/engine/config.hpp>
#include <linkhub/engine/duration.hpp>

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <string_view>

namespace linkhub::http {
namespace {

namespace fs = std::filesystem;

struct Durations {
  const char* key;
  std::chrono::milliseconds ServeConfig::*field;
};
struct Counts {
  const char* key;
  int64_t ServeConfig::*field;
  int64_t min;
};

constexpr Durations kDurations[] = {{"header_timeout", &ServeConfig::header_timeout},
                                    {"body_timeout", &ServeConfig::body_timeout},
                                    {"idle_timeout", &ServeConfig::idle_timeout},
                                    {"step_timeout", &ServeConfig::step_timeout},
                                    {"media_link_ttl", &ServeConfig::media_link_ttl}};
constexpr Counts kCounts[] = {{"max_requests_per_connection", &ServeConfig::max_requests_per_connection, 1},
                              {"max_connections", &ServeConfig::max_connections, 1},
                              {"max_header_bytes", &ServeConfig::max_header_bytes, 1024},
                              {"max_url_bytes", &ServeConfig::max_url_bytes, 256},
                              {"workers", &ServeConfig::workers, 2},
                              {"max_streams", &ServeConfig::max_streams, 0},
                              {"max_streams_per_principal", &ServeConfig::max_streams_per_principal, 0},
                              {"max_waits", &ServeConfig::max_waits, 0},
                              {"max_waits_per_principal", &ServeConfig::max_waits_per_principal, 0},
                              {"max_upload_bytes", &ServeConfig::max_upload_bytes, 1},
                              {"max_uploads", &ServeConfig::max_uploads, 1},
                              {"max_uploads_per_principal", &ServeConfig::max_uploads_per_principal, 1}};
constexpr const char* kKeys =
    "listen_tls, tls_cert, tls_key, trusted_proxies, header_timeout, body_timeout, idle_timeout, step_timeout, "
    "max_requests_per_connection, max_connections, max_header_bytes, max_url_bytes, workers, max_streams, "
    "max_streams_per_principal, max_waits, max_waits_per_principal, max_upload_bytes, max_uploads, "
    "max_uploads_per_principal, public_url, media_link_ttl or ui_dir";

std::string env_name(std::string_view key) {
  std::string name = "LINKHUB_SERVE_";
  for (char c : key) {
    name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

// "https://shop.example.com[:port][/prefix]" without a trailing slash; nullopt for anything else.
std::optional<std::string> parse_public_url(std::string text) {
  const bool web = text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0;
  const size_t host = text.find("://") + 3;
  if (!web || text.size() <= host || text.find_first_of("?#@ \t\r\n\\") != std::string::npos || text[host] == '/') {
    return std::nullopt;
  }
  while (text.back() == '/') {
    text.pop_back();
  }
  return text;
}

std::optional<int64_t> parse_count(const std::string& text, int64_t min) {
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v < min) {
    return std::nullopt;
  }
  return static_cast<int64_t>(v);
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from <= text.size()) {
    const size_t comma = std::min(text.find(',', from), text.size());
    std::string item = text.substr(from, comma - from);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) {
      out.push_back(item);
    }
    from = comma + 1;
  }
  return out;
}

// One key's text (from the file or the environment) into the config; an error message without a location.
std::optional<std::string> apply(ServeConfig& serve, const std::string& key, const std::string& text) {
  for (const auto& d : kDurations) {
    if (key == d.key) {
      auto v = parse_duration(text);
      if (!v || v->count() < 1) {
        return "serve." + key + ": expected a duration such as 10s or 500ms, found '" + text + "'";
      }
      serve.*d.field = *v;
      return std::nullopt;
    }
  }
  for (const auto& c : kCounts) {
    if (key == c.key) {
      auto v = parse_count(text, c.min);
      if (!v) {
        return "serve." + key + ": expected a whole number of at least " + std::to_string(c.min) + ", found '" + text +
               "'";
      }
      serve.*c.field = *v;
      return std::nullopt;
    }
  }
  if (key == "listen_tls") {
    serve.listen_tls = text;
  } else if (key == "tls_cert") {
    serve.tls_cert = text;
  } else if (key == "tls_key") {
    serve.tls_key = text;
  } else if (key == "trusted_proxies") {
    serve.trusted_proxies = split_commas(text);
  } else if (key == "ui_dir") {
    serve.ui_dir = text;
  } else if (key == "public_url") {
    auto url = parse_public_url(text);
    if (!url && !text.empty()) {
      return "serve.public_url: expected the server's external base such as https://shop.example.com, found '" +
             text.substr(0, 200) + "'";
    }
    serve.public_url = url.value_or("");
  } else {
    return "unknown key 'serve." + key + "' (expected " + kKeys + ")";
  }
  return std::nullopt;
}

}  // namespace

std::optional<Error> apply_serve_section(ServeConfig& serve, const fs::path& file, const YAML::Node& node) {
  if (!node.IsMap()) {
    return Error{config_location(file, node) +
                 ": serve: expected a mapping of settings such as {max_connections: 10000}"};
  }
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (key == "trusted_proxies") {
      if (!kv.second.IsSequence()) {
        return Error{config_location(file, kv.second) +
                     ": serve.trusted_proxies: expected a list such as [127.0.0.1, 10.0.0.0/8]"};
      }
      serve.trusted_proxies.clear();
      for (const auto& item : kv.second) {
        serve.trusted_proxies.push_back(item.as<std::string>());
      }
      continue;
    }
    if (!kv.second.IsScalar()) {
      return Error{config_location(file, kv.second) + ": serve." + key + ": expected a single value"};
    }
    if (auto error = apply(serve, key, kv.second.as<std::string>())) {
      return Error{config_location(file, kv.first) + ": " + *error};
    }
    // Relative certificate paths are relative to the configuration file, like artifact_dir.
    fs::path* path = key == "tls_cert"  ? &serve.tls_cert
                     : key == "tls_key" ? &serve.tls_key
                     : key == "ui_dir"  ? &serve.ui_dir
                                        : nullptr;
    if (path != nullptr && path->is_relative()) {
      *path = file.parent_path() / *path;
    }
  }
  return std::nullopt;
}

std::optional<Error> apply_serve_environment(ServeConfig& serve) {
  std::vector<std::string> keys = {"listen_tls", "tls_cert", "tls_key", "trusted_proxies", "public_url", "ui_dir"};
  for (const auto& d : kDurations) {
    keys.emplace_back(d.key);
  }
  for (const auto& c : kCounts) {
    keys.emplace_back(c.key);
  }
  for (const auto& key : keys) {
    const std::string name = env_name(key);
    if (const char* text = std::getenv(name.c_str())) {
      if (auto error = apply(serve, key, text)) {
        return Error{name + ": " + *error};
      }
    }
  }
  return std::nullopt;
}

}  // namespace linkhub::http
