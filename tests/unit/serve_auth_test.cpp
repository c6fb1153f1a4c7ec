// linkhub serve's authentication on the real in-process server: every route
// against every role, API keys (and revoking them), console logins with JWT
// access tokens and rotating refresh tokens, forged, expired and garbage
// tokens, rate limits with Retry-After, the `keys` and `users` commands of
// the real binary, and secrets kept out of the log.
#include "cli_runner.hpp"
#include "serve_fixture.hpp"

#include "auth/credentials.hpp"

#include <Poco/Base64Encoder.h>

#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <regex>
#include <set>
#include <sstream>

namespace linkhub::test {
namespace {

using nlohmann::json;

const std::string kPassword = "correct horse battery";

std::string base64url(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

// A JWT signed with `secret` (HS256), or unsigned with alg "none".
std::string make_jwt(const json& header, const json& payload, const std::string& secret) {
  const std::string signing_input = base64url(header.dump()) + "." + base64url(payload.dump());
  if (header.value("alg", "") == "none") {
    return signing_input + ".";
  }
  return signing_input + "." + hmac_sha256_base64url(secret, signing_input);
}

// The JSON payload of a JWT, unverified.
json jwt_payload(const std::string& jwt) {
  const size_t a = jwt.find('.');
  const size_t b = jwt.find('.', a + 1);
  std::string part = jwt.substr(a + 1, b - a - 1);
  std::replace(part.begin(), part.end(), '-', '+');
  std::replace(part.begin(), part.end(), '_', '/');
  while (part.size() % 4 != 0) {
    part += '=';
  }
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int value = 0, bits = -8;
  for (char c : part) {
    if (c == '=') {
      break;
    }
    value = (value << 6) + static_cast<int>(chars.find(c));
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((value >> bits) & 0xff);
      bits -= 8;
    }
  }
  return json::parse(out);
}

CliResult shell(const std::string& command) {
  return run_shell(command);
}

std::string quote(const std::string& s) {
  return shell_quote(s);
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.pop_back();
  }
  return s;
}

class ServeAuthTest : public ServeTest {
 protected:
  // Makes user `name` straight in the database (as `linkhub users create` does, with a cheap hash).
  void make_user(const std::string& name, const std::string& role, const std::string& password = kPassword) {
    auto user = AuthStore(*store_).create_user(name, hash_password(password, kMinimalPasswordCost), role);
    ASSERT_TRUE(user.ok()) << user.error().message;
  }

  HttpAnswer login(const std::string& user, const std::string& password = kPassword) {
    return client_with("")->post_json("/api/v1/auth/login", json{{"username", user}, {"password", password}}.dump());
  }

  HttpAnswer refresh(const std::string& token) {
    return client_with("")->post_json("/api/v1/auth/refresh", json{{"refresh_token", token}}.dump());
  }

  // The answer to GET /api/v1/runs with this bearer credential.
  HttpAnswer read_with(const std::string& credential) { return client_with(credential)->get("/api/v1/runs"); }

  std::atomic<int64_t> clock_ms_{linkhub::now_ms()};
};

void expect_error(const HttpAnswer& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], code) << r.body;
  if (status == 401) {
    EXPECT_EQ(r.header("www-authenticate").rfind("Bearer", 0), 0u) << "401 without WWW-Authenticate: Bearer";
  }
}

// ------------------------------------------------------------------ roles

TEST_F(ServeAuthTest, EveryRouteAnswersEachRoleAsItDeclares) {
  start([](http::ServeOptions& o) { o.worker = false; });
  const std::map<http::Role, std::string> keys{{http::Role::Viewer, make_key("viewer")},
                                               {http::Role::Operator, make_key("operator")},
                                               {http::Role::Admin, make_key("admin")}};
  std::set<http::Role> declared;
  for (const auto& route : app_->router().routes()) {
    declared.insert(route.role);
    HttpRequest request;
    request.method = route.method;
    request.target = std::regex_replace(route.pattern, std::regex("\\{[a-z_]+\\}"), "dummy");
    if (route.pattern == "/api/v1/runs/stream") {
      request.target += "?after=x";  // an accepted stream never ends: a bad resume id answers 400 at once
    }
    // The console's session routes want their CSRF header from every caller
    // (docs/security.md); it changes nothing for keys, which never use cookies.
    request.headers["X-Linkhub-Console"] = "1";
    if (route.method == "POST") {
      request.body = "{}";
      request.content_type = "application/json";
    }
    const std::string what = route.method + " " + route.pattern;

    // No credentials at all.
    const auto anonymous = client_with("")->send(request);
    if (route.pattern == "/media/{hash}") {
      // The signed link is the credential: without a valid one every caller gets 403 bad_link.
      for (const auto& key : {std::string(), keys.at(http::Role::Admin)}) {
        expect_error(client_with(key)->send(request), 403, "bad_link");
      }
      continue;
    }
    if (route.pattern == "/api/v1/whatsapp/webhook") {
      // Meta's verify token (GET) and signature (POST) are the credential: a
      // linkhub key is neither, so every caller without them is refused alike.
      const bool get = route.method == "GET";
      for (const auto& key : {std::string(), keys.at(http::Role::Admin)}) {
        expect_error(client_with(key)->send(request), get ? 403 : 401,
                     get ? "verification_refused" : "missing_signature");
      }
      continue;
    }
    if (route.pattern == "/api/v1/auth/session/refresh") {
      // Its credential is the console's refresh cookie: no key stands in for it.
      for (const auto& key : {std::string(), keys.at(http::Role::Admin)}) {
        expect_error(client_with(key)->send(request), 401, "unauthenticated");
      }
      continue;
    }
    if (route.role == http::Role::Public) {
      EXPECT_NE(anonymous.status, 401) << what << ": a public route asked for credentials: " << anonymous.body;
      EXPECT_NE(anonymous.status, 403) << what << ": " << anonymous.body;
    } else {
      expect_error(anonymous, 401, "unauthenticated");
    }
    for (const auto& [role, key] : keys) {
      const auto answer = client_with(key)->send(request);
      const std::string as = what + " as " + std::string(http::to_string(role));
      if (static_cast<int>(role) >= static_cast<int>(route.role)) {
        EXPECT_NE(answer.status, 401) << as << ": " << answer.body;
        EXPECT_NE(answer.status, 403) << as << ": " << answer.body;
      } else {
        EXPECT_EQ(answer.status, 403) << as << ": " << answer.body;
        EXPECT_EQ(answer.json()["error"]["code"], "forbidden") << as;
        EXPECT_EQ(answer.json()["error"]["details"]["required_role"], std::string(http::to_string(route.role))) << as;
      }
    }
  }
  // The walk covered every level.
  EXPECT_EQ(declared,
            (std::set<http::Role>{http::Role::Public, http::Role::Viewer, http::Role::Operator, http::Role::Admin}));
}

TEST_F(ServeAuthTest, TheRolesOfTheRoutesAreTheOnesTheIssueAsksFor) {
  start();
  // Operators act on runs and edit products; admins manage keys, users and
  // the registered workflows; webhooks authenticate by their signature;
  // everything else that is not public is a read, for viewers (validating
  // YAML included).
  const std::map<std::string, http::Role> acts{
      {"POST /api/v1/workflows/{name}/runs", http::Role::Operator},
      {"POST /api/v1/runs/{id}/cancel", http::Role::Operator},
      {"POST /api/v1/runs/{id}/retry", http::Role::Operator},
      {"POST /api/v1/events/{key}", http::Role::Operator},
      {"POST /api/v1/dead-letters/{run}/{step}/requeue", http::Role::Operator},
      {"POST /api/v1/products", http::Role::Operator},
      {"PATCH /api/v1/products/{id}", http::Role::Operator},
      {"POST /api/v1/uploads", http::Role::Operator},
      {"DELETE /api/v1/products/{id}", http::Role::Operator},
      {"PATCH /api/v1/orders/{id}", http::Role::Operator},
      {"PUT /api/v1/workflows/{name}", http::Role::Admin},
      {"DELETE /api/v1/workflows/{name}", http::Role::Admin},
      {"POST /api/v1/hooks/{workflow}", http::Role::Public},
      {"POST /api/v1/whatsapp/webhook", http::Role::Public},
      {"POST /api/v1/workflows/validate", http::Role::Viewer},
      {"POST /api/v1/auth/login", http::Role::Public},
      {"POST /api/v1/auth/refresh", http::Role::Public},
      {"POST /api/v1/auth/logout", http::Role::Public},
      {"POST /api/v1/auth/session", http::Role::Public},
      {"DELETE /api/v1/auth/session", http::Role::Public},
      {"POST /api/v1/auth/session/refresh", http::Role::Public},
  };
  const std::set<std::string> public_reads{"/healthz", "/readyz", "/api/v1/openapi.json", "/media/{hash}",
                                           "/api/v1/whatsapp/webhook"};
  for (const auto& route : app_->router().routes()) {
    const std::string what = route.method + " " + route.pattern;
    http::Role expected = http::Role::Viewer;
    if (route.pattern.rfind("/api/v1/keys", 0) == 0 || route.pattern.rfind("/api/v1/users", 0) == 0) {
      expected = http::Role::Admin;
    } else if (auto it = acts.find(what); it != acts.end()) {
      expected = it->second;
    } else if (route.method == "GET" && public_reads.count(route.pattern)) {
      expected = http::Role::Public;
    } else {
      ASSERT_EQ(route.method, "GET") << what << " changes something: add it to this test with its role";
    }
    EXPECT_EQ(route.role, expected) << what << " declares " << http::to_string(route.role);
  }
}

// ------------------------------------------------------------------ API keys

TEST_F(ServeAuthTest, ApiKeysWorkInEitherHeaderAndStopWhenRevoked) {
  start();
  const std::string key = make_key("operator", "ci");
  EXPECT_EQ(read_with(key).status, 200);
  EXPECT_EQ(client_with("")->get("/api/v1/runs", {{"X-API-Key", key}}).status, 200);
  const auto me = client_with(key)->get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()["kind"], "key");
  EXPECT_EQ(me.json()["role"], "operator");
  EXPECT_EQ(me.json()["name"], "ci");
  const std::string id = me.json()["id"];

  // Revoked in the database, as `linkhub keys revoke` does from another process.
  ASSERT_TRUE(AuthStore(*store_).revoke_key(id));
  expect_error(read_with(key), 401, "key_revoked");

  // Revoked through the API (the admin's own cache is dropped at once).
  const std::string other = make_key("viewer");
  const std::string other_id = client_with(other)->get("/api/v1/auth/me").json()["id"];
  const auto revoked = post("/api/v1/keys/" + other_id + "/revoke");
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_TRUE(revoked.json()["revoked_ms"].is_number());
  expect_error(read_with(other), 401, "key_revoked");
  expect_error(post("/api/v1/keys/" + other_id + "/revoke"), 409, "key_revoked");
  expect_error(post("/api/v1/keys/0000000000000000/revoke"), 404, "unknown_key");

  // A key with the right id and a wrong secret is no key at all.
  const std::string forged = "lhk_" + key.substr(4, 16) + "_" + std::string(64, 'a');
  expect_error(read_with(forged), 401, "invalid_token");
}

TEST_F(ServeAuthTest, AdminsMakeAndListKeysThroughTheApi) {
  start();
  const auto made = post("/api/v1/keys", R"({"role": "viewer", "name": "dashboard"})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string key = made.json()["key"];
  EXPECT_EQ(key.rfind("lhk_", 0), 0u);
  EXPECT_EQ(made.header("cache-control"), "no-store");
  EXPECT_EQ(client_with(key)->get("/api/v1/auth/me").json()["role"], "viewer");
  expect_error(client_with(key)->post_json("/api/v1/workflows/hello/runs", ""), 403, "forbidden");

  const auto list = get("/api/v1/keys");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(key.substr(21)), std::string::npos) << "a listing shows a secret";
  EXPECT_EQ(list.body.find("secret_hash"), std::string::npos);
  bool found = false;
  const auto listed = list.json();
  for (const auto& k : listed["keys"]) {
    found = found || k["name"] == "dashboard";
  }
  EXPECT_TRUE(found) << list.body;
  expect_error(post("/api/v1/keys", R"({"role": "root"})"), 422, "bad_role");
  expect_error(post("/api/v1/keys", R"({"name": "no role"})"), 400, "missing_field");
}

// ------------------------------------------------------------------ logins

TEST_F(ServeAuthTest, LoginGivesAnAccessTokenThatCarriesTheUsersRole) {
  start();
  make_user("ada", "viewer");
  const auto r = login("ada");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto body = r.json();
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["role"], "viewer");
  EXPECT_EQ(body["expires_in"], 900);
  EXPECT_EQ(r.header("cache-control"), "no-store");
  const std::string access = body["access_token"];
  const auto claims = jwt_payload(access);
  EXPECT_EQ(claims["sub"], "ada");
  EXPECT_EQ(claims["role"], "viewer");
  EXPECT_EQ(claims["iss"], "linkhub");
  EXPECT_TRUE(claims["iat"].is_number_integer()) << claims;
  EXPECT_EQ(claims["exp"].get<int64_t>() - claims["iat"].get<int64_t>(), 900);

  EXPECT_EQ(read_with(access).status, 200);
  const auto me = client_with(access)->get("/api/v1/auth/me");
  EXPECT_EQ(me.json()["kind"], "user");
  EXPECT_EQ(me.json()["id"], "ada");
  expect_error(client_with(access)->post_json("/api/v1/workflows/hello/runs", ""), 403, "forbidden");

  // A role change ends the tokens already out (the next one has the new
  // role), and so does a disabled user.
  ASSERT_TRUE(AuthStore(*store_).set_role("ada", "operator"));
  expect_error(read_with(access), 401, "token_revoked");
  const std::string promoted = login("ada").json()["access_token"];
  EXPECT_EQ(client_with(promoted)->post_json("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "x"}})").status,
            202);
  ASSERT_TRUE(AuthStore(*store_).set_disabled("ada", true));
  expect_error(read_with(promoted), 401, "user_disabled");
}

TEST_F(ServeAuthTest, WrongPasswordsUnknownAndDisabledUsersLookAlike) {
  start();
  make_user("ada", "admin");
  make_user("bob", "viewer");
  ASSERT_TRUE(AuthStore(*store_).set_disabled("bob", true));
  const auto wrong = login("ada", "not the password at all");
  const auto unknown = login("nobody-here", kPassword);
  const auto disabled = login("bob", kPassword);
  for (const auto* r : {&wrong, &unknown, &disabled}) {
    expect_error(*r, 401, "invalid_credentials");
    EXPECT_EQ(r->body, wrong.body) << "the answers must not tell the cases apart";
  }
  expect_error(client_with("")->post_json("/api/v1/auth/login", R"({"username": "ada"})"), 400, "missing_field");
  expect_error(client_with("")->post_json("/api/v1/auth/login", R"({"username": "ada", "password": 5})"), 400,
               "wrong_type");
}

TEST_F(ServeAuthTest, RefreshRotatesAndAReusedTokenEndsTheLogin) {
  start();
  make_user("ada", "operator");
  const auto first = login("ada").json();
  const std::string r1 = first["refresh_token"];

  const auto second = refresh(r1);
  ASSERT_EQ(second.status, 200) << second.body;
  const std::string r2 = second.json()["refresh_token"];
  const std::string a2 = second.json()["access_token"];
  EXPECT_NE(r2, r1);
  EXPECT_NE(a2, first["access_token"].get<std::string>());
  EXPECT_EQ(second.json()["role"], "operator");
  EXPECT_EQ(read_with(a2).status, 200);

  const auto third = refresh(r2);
  ASSERT_EQ(third.status, 200) << third.body;
  const std::string r3 = third.json()["refresh_token"];

  // r1 again: someone holds an old token. The whole login is revoked, r3 too.
  expect_error(refresh(r1), 401, "refresh_token_reused");
  expect_error(refresh(r3), 401, "refresh_token_revoked");

  // Garbage and made-up tokens.
  expect_error(refresh("nonsense"), 401, "invalid_refresh_token");
  expect_error(refresh("lhr_" + std::string(16, '0') + "_" + std::string(64, '0')), 401, "invalid_refresh_token");
  expect_error(refresh("lhr_" + r3.substr(4, 16) + "_" + std::string(64, '0')), 401, "invalid_refresh_token");

  // Logging out revokes the login; a new login works.
  const std::string r4 = login("ada").json()["refresh_token"];
  ASSERT_EQ(client_with("")->post_json("/api/v1/auth/logout", json{{"refresh_token", r4}}.dump()).status, 200);
  expect_error(refresh(r4), 401, "refresh_token_revoked");

  // A changed password ends every login.
  const std::string r5 = login("ada").json()["refresh_token"];
  ASSERT_TRUE(AuthStore(*store_).set_password("ada", hash_password("another long password", kMinimalPasswordCost)));
  expect_error(refresh(r5), 401, "refresh_token_revoked");
  expect_error(login("ada"), 401, "invalid_credentials");
  EXPECT_EQ(login("ada", "another long password").status, 200);
}

TEST_F(ServeAuthTest, TokensExpireByTheServersClock) {
  start([this](http::ServeOptions& o) {
    o.auth.clock = [this] { return clock_ms_.load(); };
    o.auth.access_token_ttl = std::chrono::minutes(15);
    o.auth.refresh_token_ttl = std::chrono::hours(1);
  });
  make_user("ada", "viewer");
  const auto pair = login("ada").json();
  const std::string access = pair["access_token"];
  EXPECT_EQ(read_with(access).status, 200);

  clock_ms_ += 14 * 60 * 1000;
  EXPECT_EQ(read_with(access).status, 200) << "14 minutes in, the token is still good";
  clock_ms_ += 61 * 1000;
  expect_error(read_with(access), 401, "token_expired");

  // The refresh token (1 h) still gets a new pair; past its hour it does not.
  const auto renewed = refresh(pair["refresh_token"]);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(read_with(renewed.json()["access_token"]).status, 200);
  clock_ms_ += 2 * 3600 * 1000;
  expect_error(refresh(renewed.json()["refresh_token"]), 401, "refresh_token_expired");
}

TEST_F(ServeAuthTest, ForgedUnsignedAndGarbageTokensAre401) {
  const std::string secret = "a-test-secret-that-is-long-enough-0123456789";
  start([&](http::ServeOptions& o) { o.auth.jwt_secret = secret; });
  make_user("ada", "viewer");
  const int64_t now = linkhub::now_ms() / 1000;
  const json header{{"alg", "HS256"}, {"typ", "JWT"}};
  const json claims{{"sub", "ada"}, {"role", "admin"},  {"iss", "linkhub"},
                    {"iat", now},   {"exp", now + 600}, {"gen", 0}};

  // Signed with the server's secret: accepted (this is how tokens are made), with ada's real role.
  const std::string good = make_jwt(header, claims, secret);
  ASSERT_EQ(read_with(good).status, 200);
  EXPECT_EQ(client_with(good)->get("/api/v1/auth/me").json()["role"], "viewer") << "the role comes from the user";

  expect_error(read_with(make_jwt(header, claims, "some-other-secret-of-the-same-length-0123")), 401, "invalid_token");
  expect_error(read_with(make_jwt(json{{"alg", "none"}, {"typ", "JWT"}}, claims, "")), 401, "invalid_token");
  expect_error(read_with(make_jwt(json{{"alg", "HS512"}, {"typ", "JWT"}}, claims, secret)), 401, "invalid_token");
  // A payload changed after signing.
  const std::string tampered =
      base64url(header.dump()) + "." + base64url(json(claims).dump() + " ") + good.substr(good.rfind('.'));
  expect_error(read_with(tampered), 401, "invalid_token");
  // Another issuer, no expiry, a user that does not exist.
  json other = claims;
  other["iss"] = "someone-else";
  expect_error(read_with(make_jwt(header, other, secret)), 401, "invalid_token");
  json no_exp = claims;
  no_exp.erase("exp");
  expect_error(read_with(make_jwt(header, no_exp, secret)), 401, "invalid_token");
  json ghost = claims;
  ghost["sub"] = "ghost";
  expect_error(read_with(make_jwt(header, ghost, secret)), 401, "user_disabled");
  json expired = claims;
  expired["exp"] = now - 1;
  expect_error(read_with(make_jwt(header, expired, secret)), 401, "token_expired");

  for (const std::string& garbage : std::vector<std::string>{"x", "a.b.c", "a..", "..", "lhk_", "lhk_zz_zz",
                                                             "eyJ.eyJ.sig", std::string(5000, 'a') + ".b.c"}) {
    expect_error(read_with(garbage), 401, "invalid_token");
  }
  expect_error(client_with("")->get("/api/v1/runs", {{"Authorization", "Basic YWRhOnB3"}}), 401, "invalid_token");
  expect_error(client_with("")->get("/api/v1/runs", {{"Authorization", "Bearer "}}), 401, "unauthenticated");
  EXPECT_EQ(get("/healthz").status, 200);
}

// ------------------------------------------------------------------ rate limits

TEST_F(ServeAuthTest, AFloodOfTriggersGets429sWithRetryAfterNotACrash) {
  start([](http::ServeOptions& o) {
    o.worker = false;
    o.rate_limit.requests_per_second = 0.2;  // one token every 5 s: none come back during the flood
    o.rate_limit.burst = 5;
  });
  const std::string key = make_key("operator");
  auto client = client_with(key);
  int accepted = 0, limited = 0;
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {  // bounded: 40 requests
    const auto r = client->post_json("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "flood"}})");
    if (r.status == 202) {
      ++accepted;
    } else {
      expect_error(r, 429, "rate_limited");
      const std::string retry_after = r.header("retry-after");
      ASSERT_TRUE(std::regex_match(retry_after, std::regex("[1-9][0-9]*"))) << "Retry-After: " << retry_after;
      EXPECT_EQ(r.json()["error"]["details"]["retry_after_s"], std::stoi(retry_after));
      ++limited;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  EXPECT_GE(accepted, 5);
  EXPECT_LE(accepted, 5 + static_cast<int>(seconds * 0.2) + 1)
      << "the burst is 5, plus the tokens that came back during the flood (" << seconds << " s)";
  EXPECT_EQ(accepted + limited, 40);
  // Other principals have their own buckets; the probes are never limited.
  EXPECT_EQ(get("/api/v1/runs").status, 200);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(client_with("")->get("/healthz").status, 200);
  }
  EXPECT_EQ(client_with("")->get("/readyz").status, 200);
}

TEST_F(ServeAuthTest, FailedLoginsFromAnAddressAreLimited) {
  start([](http::ServeOptions& o) { o.rate_limit.failed_auth_per_minute = 3; });
  make_user("ada", "viewer");
  for (int i = 0; i < 3; ++i) {
    expect_error(login("ada", "guess number " + std::to_string(i)), 401, "invalid_credentials");
  }
  // The budget is spent: more guesses are refused before the password is even checked,
  // and so is the right one until the budget refills.
  const auto limited = login("ada", "one more guess");
  expect_error(limited, 429, "rate_limited");
  EXPECT_EQ(limited.json()["error"]["details"]["limit"], "failed_authentication");
  EXPECT_GE(std::stoi(limited.header("retry-after")), 1);
  expect_error(login("ada"), 429, "rate_limited");
  // Bad tokens from the address get 429 now; valid credentials still pass.
  expect_error(read_with("garbage"), 429, "rate_limited");
  EXPECT_EQ(get("/api/v1/runs").status, 200);
}

// ------------------------------------------------------------------ secrets, config, OpenAPI

TEST_F(ServeAuthTest, NoSecretReachesTheLog) {
  const std::string jwt_secret = "log-test-secret-0123456789-abcdefghijklmnop";
  start([&](http::ServeOptions& o) { o.auth.jwt_secret = jwt_secret; });
  make_user("ada", "operator");
  const auto pair = login("ada").json();
  const std::string access = pair["access_token"];
  const std::string refresh_token = pair["refresh_token"];
  const auto renewed = refresh(refresh_token).json();
  login("ada", "a wrong password typed here");
  const auto made = post("/api/v1/keys", R"({"role": "viewer", "name": "log test"})").json();
  const std::string key = made["key"];
  read_with(key);
  read_with(access);
  read_with(key.substr(0, 21) + std::string(64, 'f'));
  refresh(refresh_token);  // reuse: logged as a warning

  const std::vector<std::string> secrets{kPassword,
                                         "a wrong password typed here",
                                         jwt_secret,
                                         access.substr(access.rfind('.') + 1),
                                         refresh_token.substr(21),
                                         renewed["refresh_token"].get<std::string>().substr(21),
                                         key.substr(21),
                                         admin_key_.substr(21)};
  const auto lines = log_lines();
  bool login_logged = false;
  for (const auto& line : lines) {
    for (const auto& secret : secrets) {
      EXPECT_EQ(line.find(secret), std::string::npos) << "a secret in the log: " << line;
    }
    login_logged = login_logged || line.find("\"auth.login\"") != std::string::npos;
  }
  EXPECT_TRUE(login_logged);
}

TEST_F(ServeAuthTest, DisablingAuthenticationIsLoud) {
  start([](http::ServeOptions& o) { o.auth.enabled = false; });
  EXPECT_EQ(client_with("")->get("/api/v1/runs").status, 200);
  EXPECT_EQ(client_with("")->get("/api/v1/auth/me").json()["kind"], "anonymous");
  bool warned = false;
  for (const auto& line : log_lines()) {
    const auto j = json::parse(line);
    warned = warned || (j["event"] == "auth.disabled" && j["level"] == "warn");
  }
  EXPECT_TRUE(warned);
}

TEST_F(ServeAuthTest, TheOpenApiDocumentDescribesTheSecurity) {
  start();
  const auto doc = get("/api/v1/openapi.json").json();
  EXPECT_EQ(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
  EXPECT_EQ(doc["components"]["securitySchemes"]["apiKey"]["name"], "X-API-Key");
  for (const auto& route : app_->router().routes()) {
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    const auto& op = doc["paths"][route.pattern][method];
    const std::string what = route.method + " " + route.pattern;
    EXPECT_EQ(op["x-linkhub-role"], std::string(http::to_string(route.role))) << what;
    if (route.role == http::Role::Public) {
      EXPECT_EQ(op["security"], json::array()) << what;
    } else {
      EXPECT_EQ(op["security"].size(), 2u) << what;
      for (const char* status : {"401", "403", "429"}) {
        EXPECT_TRUE(op["responses"].contains(status)) << what << " lacks " << status;
      }
    }
  }
}

TEST_F(ServeAuthTest, NodesOnOneDatabaseShareTheGeneratedSecret) {
  start();
  make_user("ada", "viewer");
  const std::string access = login("ada").json()["access_token"];
  // A second node on the same database, with no secret configured either.
  auto second_store = SqlStore::open(store_->display_url());
  ASSERT_TRUE(second_store.ok());
  http::Log quiet([](const std::string&) {});
  http::AuthOptions options;
  options.password_cost = kMinimalPasswordCost;
  http::Auth second(**second_store, options, http::RateLimitOptions{}, quiet);
  second.start();
  const auto principal = second.authenticate("Bearer " + access, "", "127.0.0.1");
  ASSERT_TRUE(principal.ok()) << principal.error().message;
  EXPECT_EQ(principal->id, "ada");
}

// ------------------------------------------------------------------ the binary

TEST_F(ServeAuthTest, KeysAndUsersCommandsOfTheBinary) {
  start();
  const std::string bin = quote(LINKHUB_BINARY);
  const std::string db = " --db " + quote(store_->display_url());
  const std::string err = " 2>" + quote((dir_ / "stderr.txt").string());
  const auto stderr_text = [&] {
    std::ifstream in(dir_ / "stderr.txt");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };

  // keys create prints the key alone on stdout, and says it is shown once.
  const auto created = shell(bin + " keys create --role operator --name 'shop sync'" + db + err);
  ASSERT_EQ(created.exit_code, 0) << created.out << stderr_text();
  const std::string key = trim(created.out);
  ASSERT_TRUE(split_token(key, kApiKeyPrefix).has_value()) << key;
  EXPECT_NE(stderr_text().find("will not be shown again"), std::string::npos) << stderr_text();
  EXPECT_EQ(client_with(key)->post_json("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "cli"}})").status, 202);

  const auto json_key = shell(bin + " keys create --role viewer --format json" + db + err);
  ASSERT_EQ(json_key.exit_code, 0);
  EXPECT_EQ(json::parse(json_key.out)["role"], "viewer");

  const auto listed = shell(bin + " keys list --format json" + db + err);
  ASSERT_EQ(listed.exit_code, 0) << stderr_text();
  EXPECT_EQ(listed.out.find(key.substr(21)), std::string::npos) << "keys list shows a secret";
  const std::string id = key.substr(4, 16);
  EXPECT_NE(listed.out.find(id), std::string::npos) << listed.out;
  EXPECT_NE(shell(bin + " keys list" + db + err).out.find("shop sync"), std::string::npos);

  ASSERT_EQ(shell(bin + " keys revoke " + id + db + err).exit_code, 0) << stderr_text();
  expect_error(read_with(key), 401, "key_revoked");
  EXPECT_EQ(shell(bin + " keys revoke " + id + db + err).exit_code, 1) << "revoking twice";
  EXPECT_EQ(shell(bin + " keys create --role superuser" + db + err).exit_code, 2);

  // users: the password from stdin; empty and short ones are refused.
  EXPECT_EQ(shell("printf '\\n' | " + bin + " users create ada --role admin --password-stdin" + db + err).exit_code, 1);
  EXPECT_NE(stderr_text().find("empty"), std::string::npos) << stderr_text();
  EXPECT_EQ(
      shell("printf 'short\\n' | " + bin + " users create ada --role admin --password-stdin" + db + err).exit_code, 1);
  EXPECT_NE(stderr_text().find("too short"), std::string::npos) << stderr_text();
  EXPECT_EQ(shell(bin + " users create ada --role admin" + db + err + " </dev/null").exit_code, 1)
      << "no terminal and no --password-stdin";
  ASSERT_EQ(shell("printf '%s\\n' " + quote(kPassword) + " | " + bin + " users create ada --role admin " +
                  "--password-stdin" + db + err)
                .exit_code,
            0)
      << stderr_text();
  EXPECT_EQ(shell("printf '%s\\n' " + quote(kPassword) + " | " + bin + " users create ada --role admin " +
                  "--password-stdin" + db + err)
                .exit_code,
            1)
      << "a second ada";
  const auto users = shell(bin + " users list --format json" + db + err);
  ASSERT_EQ(users.exit_code, 0);
  EXPECT_EQ(json::parse(users.out)[0]["name"], "ada");
  EXPECT_EQ(users.out.find("argon2"), std::string::npos) << "users list shows a hash";

  // The stored hash records its parameters; the user logs in to the server.
  const auto stored = AuthStore(*store_).find_user("ada");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->password_hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << stored->password_hash;
  EXPECT_EQ(stored->password_hash.find(kPassword), std::string::npos);
  EXPECT_EQ(login("ada").status, 200);

  ASSERT_EQ(
      shell("printf 'a brand new password\\n' | " + bin + " users passwd ada --password-stdin" + db + err).exit_code, 0)
      << stderr_text();
  expect_error(login("ada"), 401, "invalid_credentials");
  EXPECT_EQ(login("ada", "a brand new password").status, 200);
  // ada is the only admin: she may not be demoted (or disabled) until another admin exists.
  EXPECT_EQ(shell(bin + " users set-role ada --role viewer" + db + err).exit_code, 1);
  EXPECT_NE(stderr_text().find("admin"), std::string::npos) << stderr_text();
  ASSERT_EQ(shell("printf '%s\\n' " + quote(kPassword) + " | " + bin + " users create grace --role admin " +
                  "--password-stdin" + db + err)
                .exit_code,
            0)
      << stderr_text();
  ASSERT_EQ(shell(bin + " users set-role ada --role viewer" + db + err).exit_code, 0) << stderr_text();
  EXPECT_EQ(login("ada", "a brand new password").json()["role"], "viewer");
  ASSERT_EQ(shell(bin + " users disable ada" + db + err).exit_code, 0);
  expect_error(login("ada", "a brand new password"), 401, "invalid_credentials");
  ASSERT_EQ(shell(bin + " users enable ada" + db + err).exit_code, 0);
  EXPECT_EQ(login("ada", "a brand new password").status, 200);
  EXPECT_EQ(shell(bin + " users disable nobody" + db + err).exit_code, 1);
}

}  // namespace
}  // namespace linkhub::test
