// Access tokens end when their login does: after logout, a new password
// (`linkhub users passwd`, the real binary), a role change and a reused
// refresh token, an access token that has not expired yet gets 401. Tokens
// signed with the server's own secret but with claims of the wrong type or
// time (exp as a string, iat in the future, alg none, ...) get 401 too.
#include "serve_fixture.hpp"

#include "auth/credentials.hpp"

#include <Poco/Base64Encoder.h>

#include <sys/wait.h>

#include <cstdlib>
#include <map>
#include <sstream>

namespace linkhub::test {
namespace {

using nlohmann::json;

const std::string kPassword = "correct horse battery";
const std::string kSecret = "security-test-secret-that-is-long-enough-0123";

std::string base64url(const std::string& bytes) {
  std::ostringstream out;
  Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
  encoder.rdbuf()->setLineLength(0);
  encoder << bytes;
  encoder.close();
  return out.str();
}

// A JWT over these exact header and payload texts, signed HS256 with `secret`.
std::string signed_jwt(const std::string& header, const std::string& payload, const std::string& secret) {
  const std::string input = base64url(header) + "." + base64url(payload);
  return input + "." + hmac_sha256_base64url(secret, input);
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// The exit code of a shell command (its output is dropped).
int run_shell(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class SecurityTokens : public ServeTest {
 protected:
  void start_server() {
    start([](http::ServeOptions& o) { o.auth.jwt_secret = kSecret; });
  }
  void make_user(const std::string& name, const std::string& role) {
    auto user = AuthStore(*store_).create_user(name, hash_password(kPassword, kMinimalPasswordCost), role);
    ASSERT_TRUE(user.ok()) << user.error().message;
  }
  json login(const std::string& user, const std::string& password = kPassword) {
    const auto r =
        client_with("")->post_json("/api/v1/auth/login", json{{"username", user}, {"password", password}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  HttpAnswer refresh(const std::string& token) {
    return client_with("")->post_json("/api/v1/auth/refresh", json{{"refresh_token", token}}.dump());
  }
  HttpAnswer logout(const std::string& token) {
    return client_with("")->post_json("/api/v1/auth/logout", json{{"refresh_token", token}}.dump());
  }
  HttpAnswer read_with(const std::string& credential) { return client_with(credential)->get("/api/v1/runs"); }

  void expect_401(const HttpAnswer& r, const std::string& code, const std::string& what) {
    EXPECT_EQ(r.status, 401) << what << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["code"], code) << what << ": " << r.body;
  }
};

TEST_F(SecurityTokens, ALoggedOutAccessTokenIsRefused) {
  start_server();
  make_user("ada", "viewer");
  const json first = login("ada");
  const json second = login("ada");  // another device
  ASSERT_EQ(read_with(first["access_token"]).status, 200);
  ASSERT_EQ(logout(first["refresh_token"]).status, 200);
  expect_401(read_with(first["access_token"]), "token_revoked", "after logout");
  // The user's other access tokens end too; the other device's login goes on
  // with a new access token from its refresh token.
  expect_401(read_with(second["access_token"]), "token_revoked", "the other device's access token");
  const auto renewed = refresh(second["refresh_token"]);
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  EXPECT_EQ(read_with(renewed.json()["access_token"]).status, 200);
}

TEST_F(SecurityTokens, AccessTokensEndWhenThePasswordChangesThroughTheBinary) {
  start_server();
  make_user("ada", "viewer");
  const json tokens = login("ada");
  ASSERT_EQ(read_with(tokens["access_token"]).status, 200);
  const std::string command = "printf 'a brand new password\\n' | " + quote(LINKHUB_BINARY) +
                              " users passwd ada --password-stdin --db " + quote(store_->display_url());
  ASSERT_EQ(run_shell(command), 0) << command;
  expect_401(read_with(tokens["access_token"]), "token_revoked", "after users passwd");
  expect_401(refresh(tokens["refresh_token"]), "refresh_token_revoked", "refresh after users passwd");
  EXPECT_EQ(read_with(login("ada", "a brand new password")["access_token"]).status, 200);
}

TEST_F(SecurityTokens, AReusedRefreshTokenEndsTheUsersAccessTokens) {
  start_server();
  make_user("ada", "operator");
  const json tokens = login("ada");
  const auto rotated = refresh(tokens["refresh_token"]);
  ASSERT_EQ(rotated.status, 200);
  const std::string fresh = rotated.json()["access_token"];
  ASSERT_EQ(read_with(fresh).status, 200);
  // Someone presents the first refresh token again: whoever holds the tokens
  // of this login (a thief or the user) must log in again.
  expect_401(refresh(tokens["refresh_token"]), "refresh_token_reused", "the reuse itself");
  expect_401(read_with(tokens["access_token"]), "token_revoked", "the first access token");
  expect_401(read_with(fresh), "token_revoked", "the access token of the rotated refresh token");
  EXPECT_EQ(read_with(login("ada")["access_token"]).status, 200) << "a new login works";
}

TEST_F(SecurityTokens, ARoleChangeOrADisabledUserEndsTheTokensAlreadyOut) {
  start_server();
  make_user("ada", "admin");
  const std::string admin_token = login("ada")["access_token"];
  ASSERT_EQ(read_with(admin_token).status, 200);
  ASSERT_TRUE(AuthStore(*store_).set_role("ada", "viewer"));
  expect_401(read_with(admin_token), "token_revoked", "after the role change");
  const std::string viewer_token = login("ada")["access_token"];
  ASSERT_TRUE(AuthStore(*store_).set_disabled("ada", true));
  ASSERT_TRUE(AuthStore(*store_).set_disabled("ada", false));
  expect_401(read_with(viewer_token), "token_revoked", "after disable and enable");
}

TEST_F(SecurityTokens, ClaimsOfTheWrongTypeOrTimeAreRefusedEvenWhenSigned) {
  start_server();
  make_user("ada", "viewer");
  const int64_t now = linkhub::now_ms() / 1000;
  const std::string header = R"({"alg":"HS256","typ":"JWT"})";
  const auto claims = [&](const std::string& exp, const std::string& iat, const std::string& extra = "") {
    return R"({"sub":"ada","role":"viewer","iss":"linkhub","gen":0,"exp":)" + exp + R"(,"iat":)" + iat + extra + "}";
  };
  const std::string exp = std::to_string(now + 600);
  const std::string iat = std::to_string(now);

  // The shape the server itself makes is accepted, and a clock a little ahead too.
  ASSERT_EQ(read_with(signed_jwt(header, claims(exp, iat), kSecret)).status, 200);
  EXPECT_EQ(read_with(signed_jwt(header, claims(exp, std::to_string(now + 30)), kSecret)).status, 200)
      << "iat 30 s ahead is within the clock skew";
  EXPECT_EQ(read_with(signed_jwt(R"({"alg":"HS256"})", claims(exp, iat), kSecret)).status, 200) << "no typ";

  const std::map<std::string, std::string> forged{
      {"exp as a string", signed_jwt(header, claims("\"" + exp + "\"", iat), kSecret)},
      {"exp far away as a string", signed_jwt(header, claims("\"99999999999\"", iat), kSecret)},
      {"exp as a fraction", signed_jwt(header, claims(exp + ".5", iat), kSecret)},
      {"exp as true", signed_jwt(header, claims("true", iat), kSecret)},
      {"exp null", signed_jwt(header, claims("null", iat), kSecret)},
      {"iat as a string", signed_jwt(header, claims(exp, "\"" + iat + "\""), kSecret)},
      {"iat in the future", signed_jwt(header, claims(exp, std::to_string(now + 3600)), kSecret)},
      {"nbf in the future", signed_jwt(header, claims(exp, iat, ",\"nbf\":" + std::to_string(now + 3600)), kSecret)},
      {"nbf as a string", signed_jwt(header, claims(exp, iat, ",\"nbf\":\"0\""), kSecret)},
      {"sub a number",
       signed_jwt(header, R"({"sub":7,"role":"viewer","iss":"linkhub","gen":0,"exp":)" + exp + R"(,"iat":)" + iat + "}",
                  kSecret)},
      {"no iat",
       signed_jwt(header, R"({"sub":"ada","role":"viewer","iss":"linkhub","gen":0,"exp":)" + exp + "}", kSecret)},
      {"no gen",
       signed_jwt(header, R"({"sub":"ada","role":"viewer","iss":"linkhub","exp":)" + exp + R"(,"iat":)" + iat + "}",
                  kSecret)},
      {"gen as a string",
       signed_jwt(header,
                  R"({"sub":"ada","role":"viewer","iss":"linkhub","gen":"0","exp":)" + exp + R"(,"iat":)" + iat + "}",
                  kSecret)},
      {"typ not JWT", signed_jwt(R"({"alg":"HS256","typ":"at+jwt+x"})", claims(exp, iat), kSecret)},
      {"alg none", base64url(R"({"alg":"none","typ":"JWT"})") + "." + base64url(claims(exp, iat)) + "."},
      {"alg none, signed anyway", signed_jwt(R"({"alg":"none","typ":"JWT"})", claims(exp, iat), kSecret)},
      {"alg HS512", signed_jwt(R"({"alg":"HS512","typ":"JWT"})", claims(exp, iat), kSecret)},
      {"wrong signature", signed_jwt(header, claims(exp, iat), kSecret + "x")},
  };
  for (const auto& [what, token] : forged) {
    expect_401(read_with(token), "invalid_token", what);
  }
  // A generation that is not the user's (an older one after a logout, or made up).
  expect_401(
      read_with(signed_jwt(
          header, R"({"sub":"ada","role":"viewer","iss":"linkhub","gen":5,"exp":)" + exp + R"(,"iat":)" + iat + "}",
          kSecret)),
      "token_revoked", "another generation");
}

}  // namespace
}  // namespace linkhub::test
