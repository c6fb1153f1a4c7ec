#include "signature.hpp"

#include <linkhub/sigv4.hpp>

#include <openssl/crypto.h>

#include <cctype>

namespace linkhub::whatsapp {

std::string webhook_signature(std::string_view app_secret, std::string_view body) {
  const std::string mac = sdk::sigv4::hmac_sha256(app_secret, body);
  return "sha256=" + sdk::sigv4::to_hex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool signature_matches(std::string_view app_secret, std::string_view body, std::string_view header) {
  constexpr std::string_view kPrefix = "sha256=";
  if (app_secret.empty() || header.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  std::string given(header.substr(kPrefix.size()));
  for (char& c : given) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const std::string expected = webhook_signature(app_secret, body).substr(kPrefix.size());
  return constant_time_equal(expected, given);
}

}  // namespace linkhub::whatsapp
