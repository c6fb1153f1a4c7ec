#pragma once
// plugins.whatsapp in linkhub.yaml (each key also LINKHUB_PLUGIN_WHATSAPP_<KEY>)
// and the secrets WHATSAPP_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN
// (LINKHUB_SECRET_<NAME>). Secret values never leave this struct but as the
// request's Authorization header and the HMAC key.

#include <linkhub/plugin.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace linkhub::whatsapp {

struct Settings {
  std::string base_url = "https://graph.facebook.com";
  std::string api_version = "v21.0";
  std::string phone_number_id;
  std::string database;  // empty: the run database
  std::chrono::milliseconds timeout{15000};
  // Rules held in the database for the whole cluster.
  std::chrono::milliseconds recipient_interval{1000};  // at least this long between two sends to one contact
  int64_t number_rate_per_second = 80;                 // sends per second from the number (Meta's default throughput)

  // POST target for messages.
  std::string messages_url() const;
};

// Reads and checks the plugin's config; a bad value is a permanent
// invalid_input error naming the key and its environment variable.
Settings read_settings(const sdk::Context& ctx, const std::string& step);

// A secret's value; a permanent `unauthorized` error naming the secret (never a value) when it is not set.
std::string required_secret(const sdk::Context& ctx, const std::string& name, const std::string& step);

}  // namespace linkhub::whatsapp
