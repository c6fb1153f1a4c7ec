#pragma once
// Secrets and their hashes for `linkhub serve`'s authentication: random
// tokens from the kernel's CSPRNG, SHA-256 for API keys and refresh tokens
// (long random secrets need no slow hash), Argon2id (libsodium) for passwords
// with PBKDF2-HMAC-SHA256 hashes of older releases still verified, and
// comparisons in constant time. Nothing here logs.

#include <linkhub/engine/result.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub {

// The roles, in increasing power. A user or key has exactly one.
inline constexpr const char* kRoleNames[] = {"viewer", "operator", "admin"};
bool valid_role(std::string_view role);

// `bytes` bytes from getrandom(2), hex-encoded (2 * bytes characters).
// Throws std::runtime_error when the kernel gives none (it never blocks once booted).
std::string random_hex(size_t bytes);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

// HMAC-SHA256 of `data` under `key`, base64url without padding (a JWS signature).
std::string hmac_sha256_base64url(std::string_view key, std::string_view data);

// Compares in time that depends only on the lengths, never on where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

// A secret token with an id in front: "<prefix>_<id>_<secret>", id 16 and
// secret 64 hex characters. The id finds the stored record; only the
// secret's SHA-256 is stored.
struct SplitToken {
  std::string id;
  std::string secret;
};
struct NewToken {
  std::string id;
  std::string secret;
  std::string token;        // what the client keeps: prefix_id_secret
  std::string secret_hash;  // what the database keeps: sha256_hex(secret)
};
NewToken new_token(std::string_view prefix);
// Splits a token made by new_token with this prefix; nullopt when it is not one.
std::optional<SplitToken> split_token(std::string_view token, std::string_view prefix);

inline constexpr std::string_view kApiKeyPrefix = "lhk";
inline constexpr std::string_view kRefreshTokenPrefix = "lhr";

// Passwords are hashed with Argon2id in libsodium's self-describing string
// form ("$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>"), so the parameters can
// change later and old hashes still verify. The default cost is OWASP's
// (19 MiB, 2 passes, 1 lane; libsodium has one lane only).
struct PasswordCost {
  unsigned long long passes = 2;           // Argon2 t (libsodium's opslimit)
  size_t memory_bytes = size_t{19} << 20;  // Argon2 m (libsodium's memlimit), bytes
};
inline constexpr PasswordCost kDefaultPasswordCost{};
// The cheapest cost libsodium accepts: only for tests that make many users.
inline constexpr PasswordCost kMinimalPasswordCost{1, 8192};
inline constexpr size_t kMinPasswordLength = 12;
// Throws std::runtime_error when libsodium cannot hash (out of memory).
std::string hash_password(std::string_view password, PasswordCost cost = kDefaultPasswordCost);
// False for a wrong password and for a hash this code cannot read. Reads
// Argon2id hashes and the "pbkdf2-sha256$<iterations>$<salt>$<hash hex>"
// hashes of releases before Argon2id.
bool verify_password(std::string_view password, std::string_view encoded);
// True when `encoded` is not an Argon2id hash of `cost` (an old PBKDF2 hash,
// or other parameters): hash the password again after it verified.
bool password_needs_rehash(std::string_view encoded, PasswordCost cost = kDefaultPasswordCost);
// The hash of releases before Argon2id; kept so tests can make one and prove
// it is still read and upgraded. Never used for new passwords.
std::string hash_password_pbkdf2(std::string_view password, unsigned iterations);
// Why a new password is refused (empty, shorter than kMinPasswordLength); nullopt when acceptable.
std::optional<std::string> password_problem(std::string_view password);

}  // namespace linkhub
