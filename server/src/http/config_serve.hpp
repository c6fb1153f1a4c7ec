#pragma once
// linkhub.yaml's `serve:` section (`linkhub serve`'s exposure to the network)
// and its LINKHUB_SERVE_* overrides; server_config.cpp registers them with
// the engine's configuration loader.

#include <linkhub/engine/result.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace linkhub::http {

// docs/security.md, "HTTP exposure and transport": each key also LINKHUB_SERVE_<KEY>.
// A new key: a field here, then a row in config_serve.cpp's tables (durations,
// counts) or a branch of its `apply` (text), and a line in docs/api.md.
struct ServeConfig {
  std::string listen_tls;                    // HOST:PORT of a TLS listener beside `listen`; empty: none
  std::filesystem::path tls_cert;            // PEM certificate chain
  std::filesystem::path tls_key;             // PEM private key
  std::vector<std::string> trusted_proxies;  // addresses or CIDR ranges (env: comma-separated)
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{10000};
  std::chrono::milliseconds step_timeout{30000};  // a step an API route invokes directly
  int64_t max_requests_per_connection = 1000;
  int64_t max_connections = 10000;
  int64_t max_header_bytes = 16384;
  int64_t max_url_bytes = 8192;
  int64_t workers = 16;
  int64_t max_streams = 1000;
  int64_t max_streams_per_principal = 100;
  int64_t max_waits = 8;
  int64_t max_waits_per_principal = 2;
  // POST /api/v1/uploads (docs/api.md, "Uploads"): the largest upload, and
  // how many are received at once, in total and per API key or user.
  int64_t max_upload_bytes = int64_t{1} << 30;
  int64_t max_uploads = 8;
  int64_t max_uploads_per_principal = 2;
  // Media links (docs/api.md, "Artifacts and media links"): the externally
  // reachable base of this server, "https://shop.example.com" (empty: each
  // request's Host), and how long a signed /media link in an API answer stays good.
  std::string public_url;
  std::chrono::milliseconds media_link_ttl{std::chrono::hours(24 * 7)};
  // The web console's built files (docs/api.md, "Web console"); empty: <binary's folder>/../share/linkhub/ui.
  std::filesystem::path ui_dir;
};

std::optional<Error> apply_serve_section(ServeConfig& serve, const std::filesystem::path& file, const YAML::Node& node);
std::optional<Error> apply_serve_environment(ServeConfig& serve);

}  // namespace linkhub::http
