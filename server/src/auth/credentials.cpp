#include "auth/credentials.hpp"

#include <Poco/Base64Encoder.h>
#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/PBKDF2Engine.h>
#include <Poco/SHA2Engine.h>

#include <sodium.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace linkhub {
namespace {

// Poco 1.11's SHA2Engine lacks the BLOCK_SIZE / DIGEST_SIZE that HMACEngine needs.
class Sha256Engine : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
  Sha256Engine() : Poco::SHA2Engine(SHA_256) {}
};

using Pbkdf2Sha256 = Poco::PBKDF2Engine<Poco::HMACEngine<Sha256Engine>>;

constexpr std::string_view kPbkdf2Scheme = "pbkdf2-sha256";
// Far above any sane setting: a stored hash cannot make verification take minutes.
constexpr unsigned long kMaxPasswordIterations = 10000000;

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string pbkdf2_hex(std::string_view password, const std::string& salt, unsigned iterations) {
  Pbkdf2Sha256 engine(salt, iterations, 32);
  engine.update(password.data(), password.size());
  return Poco::DigestEngine::digestToHex(engine.digest());
}

// sodium_init() once, before the first libsodium call; it is thread-safe itself
// but cheap to skip.
void ensure_sodium() {
  static const int ready = sodium_init();
  if (ready < 0) {
    throw std::runtime_error("libsodium could not initialise");
  }
}

bool is_argon2id(std::string_view encoded) {
  return encoded.rfind(crypto_pwhash_argon2id_STRPREFIX, 0) == 0 && encoded.size() < crypto_pwhash_STRBYTES;
}

bool verify_pbkdf2(std::string_view password, std::string_view encoded) {
  // scheme $ iterations $ salt $ hash
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 4) {
    const size_t end = encoded.find('$', start);
    parts.push_back(encoded.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  if (parts.size() != 4 || parts[0] != kPbkdf2Scheme || parts[2].empty() || parts[3].size() != 64 ||
      !is_hex(parts[3])) {
    return false;
  }
  const std::string count(parts[1]);
  char* end = nullptr;
  const unsigned long iterations = std::strtoul(count.c_str(), &end, 10);
  if (count.empty() || *end != '\0' || iterations < 1 || iterations > kMaxPasswordIterations) {
    return false;
  }
  const std::string computed = pbkdf2_hex(password, std::string(parts[2]), static_cast<unsigned>(iterations));
  return constant_time_equal(computed, parts[3]);
}

}  // namespace

bool valid_role(std::string_view role) {
  return std::any_of(std::begin(kRoleNames), std::end(kRoleNames), [&](const char* r) { return role == r; });
}

std::string random_hex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  size_t filled = 0;
  while (filled < bytes) {
    const ssize_t n = ::getrandom(buf.data() + filled, bytes - filled, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw std::runtime_error("getrandom failed: no random bytes for a secret");
    }
    filled += static_cast<size_t>(n);
  }
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char c : buf) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  std::fill(buf.begin(), buf.end(), 0);
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256Engine engine;
  engine.update(data.data(), data.size());
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string hmac_sha256_base64url(std::string_view key, std::string_view data) {
  Poco::HMACEngine<Sha256Engine> hmac(key.data(), key.size());
  hmac.update(data.data(), data.size());
  const Poco::DigestEngine::Digest& digest = hmac.digest();
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder.rdbuf()->setLineLength(0);
  encoder.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
  encoder.close();
  return out.str();
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  // Different lengths are unequal, but the loop still runs over `a` in full.
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
  }
  return diff == 0;
}

NewToken new_token(std::string_view prefix) {
  NewToken t;
  t.id = random_hex(8);
  t.secret = random_hex(32);
  t.token = std::string(prefix) + "_" + t.id + "_" + t.secret;
  t.secret_hash = sha256_hex(t.secret);
  return t;
}

std::optional<SplitToken> split_token(std::string_view token, std::string_view prefix) {
  // prefix _ 16 hex _ 64 hex
  const size_t expected = prefix.size() + 1 + 16 + 1 + 64;
  if (token.size() != expected || token.substr(0, prefix.size()) != prefix || token[prefix.size()] != '_' ||
      token[prefix.size() + 17] != '_') {
    return std::nullopt;
  }
  SplitToken out{std::string(token.substr(prefix.size() + 1, 16)), std::string(token.substr(prefix.size() + 18))};
  if (!is_hex(out.id) || !is_hex(out.secret)) {
    return std::nullopt;
  }
  return out;
}

std::string hash_password(std::string_view password, PasswordCost cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), cost.passes, cost.memory_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("libsodium could not hash the password (out of memory?)");
  }
  return std::string(out);
}

bool verify_password(std::string_view password, std::string_view encoded) {
  if (is_argon2id(encoded)) {
    ensure_sodium();
    const std::string text(encoded);  // libsodium wants it NUL-terminated
    return crypto_pwhash_str_verify(text.c_str(), password.data(), password.size()) == 0;
  }
  return verify_pbkdf2(password, encoded);
}

bool password_needs_rehash(std::string_view encoded, PasswordCost cost) {
  if (!is_argon2id(encoded)) {
    return true;
  }
  ensure_sodium();
  const std::string text(encoded);
  return crypto_pwhash_str_needs_rehash(text.c_str(), cost.passes, cost.memory_bytes) != 0;
}

std::string hash_password_pbkdf2(std::string_view password, unsigned iterations) {
  iterations = std::max(1u, iterations);
  const std::string salt = random_hex(16);
  return std::string(kPbkdf2Scheme) + "$" + std::to_string(iterations) + "$" + salt + "$" +
         pbkdf2_hex(password, salt, iterations);
}

std::optional<std::string> password_problem(std::string_view password) {
  if (password.empty()) {
    return std::string("the password is empty");
  }
  if (password.size() < kMinPasswordLength) {
    return "the password is too short: use at least " + std::to_string(kMinPasswordLength) + " characters";
  }
  return std::nullopt;
}

}  // namespace linkhub
