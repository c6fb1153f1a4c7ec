// Users managed over the API (POST /api/v1/users, PATCH /api/v1/users/{name}):
// only admins may, the CLI's password policy applies, the last enabled admin
// user cannot be demoted or disabled, a change ends the user's logins (access
// and refresh tokens), and no password or hash shows in an answer, an error
// or the log.
#include "serve_fixture.hpp"

#include "auth/credentials.hpp"

namespace linkhub::test {
namespace {

using nlohmann::json;

const std::string kPassword = "correct horse battery";

// On SQLite and PostgreSQL: the last-admin check takes a lock on the latter.
class SecurityUsers : public ServeOnBackend {
 protected:
  void SetUp() override {
    ServeOnBackend::SetUp();
    if (!IsSkipped()) {
      start();
    }
  }
  HttpAnswer create(const json& body, const std::string& credential = "") {
    return (credential.empty() ? client_with(admin_key_) : client_with(credential))
        ->post_json("/api/v1/users", body.dump());
  }
  HttpAnswer patch(const std::string& name, const json& body, const std::string& credential = "") {
    HttpRequest request;
    request.method = "PATCH";
    request.target = "/api/v1/users/" + name;
    request.body = body.dump();
    request.content_type = "application/json";
    return (credential.empty() ? client_with(admin_key_) : client_with(credential))->send(request);
  }
  void make_user(const std::string& name, const std::string& role, const std::string& password = kPassword) {
    const auto r = create(json{{"name", name}, {"role", role}, {"password", password}});
    ASSERT_EQ(r.status, 201) << r.body;
  }
  HttpAnswer login(const std::string& user, const std::string& password = kPassword) {
    return client_with("")->post_json("/api/v1/auth/login", json{{"username", user}, {"password", password}}.dump());
  }
  HttpAnswer refresh(const std::string& token) {
    return client_with("")->post_json("/api/v1/auth/refresh", json{{"refresh_token", token}}.dump());
  }
  HttpAnswer whoami(const std::string& credential) { return client_with(credential)->get("/api/v1/auth/me"); }
  // The error code of a refusal; empty for a success.
  static std::string code(const HttpAnswer& r) {
    const json body = r.json();
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
  }
};

TEST_P(SecurityUsers, OnlyAdminsCreateOrChangeUsers) {
  make_user("ada", "operator");
  const std::string ada = login("ada").json()["access_token"];
  for (const auto& [who, credential] : {std::pair<std::string, std::string>{"operator key", make_key("operator")},
                                        {"viewer key", make_key("viewer")},
                                        {"operator user", ada}}) {
    const auto made = create(json{{"name", "mallory"}, {"role", "admin"}, {"password", kPassword}}, credential);
    EXPECT_EQ(made.status, 403) << who << ": " << made.body;
    const auto promoted = patch("ada", json{{"role", "admin"}}, credential);
    EXPECT_EQ(promoted.status, 403) << who << ": " << promoted.body;
  }
  EXPECT_FALSE(AuthStore(*store_).find_user("mallory"));
  EXPECT_EQ(AuthStore(*store_).find_user("ada")->role, "operator");
}

TEST_P(SecurityUsers, ACreatedUserSignsInWithTheCliPasswordPolicy) {
  const auto made = create(json{{"name", "grace"}, {"role", "viewer"}, {"password", kPassword}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(
      made.json(),
      (json{{"name", "grace"}, {"role", "viewer"}, {"created_ms", made.json()["created_ms"]}, {"disabled", false}}));
  EXPECT_EQ(AuthStore(*store_).find_user("grace")->password_hash.rfind("$argon2id$", 0), 0u);
  const auto signed_in = login("grace");
  ASSERT_EQ(signed_in.status, 200) << signed_in.body;
  EXPECT_EQ(signed_in.json()["role"], "viewer");

  const auto again = create(json{{"name", "grace"}, {"role", "admin"}, {"password", kPassword}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(code(again), "user_exists");
  EXPECT_EQ(AuthStore(*store_).find_user("grace")->role, "viewer");

  const auto weak = create(json{{"name", "hopper"}, {"role", "viewer"}, {"password", "short-pw"}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(code(weak), "weak_password");
  const auto bad_role = create(json{{"name", "hopper"}, {"role", "root"}, {"password", kPassword}});
  EXPECT_EQ(code(bad_role), "bad_role");
  const auto bad_name = create(json{{"name", "hop per"}, {"role", "viewer"}, {"password", kPassword}});
  EXPECT_EQ(code(bad_name), "bad_name");
  const auto missing = create(json{{"name", "hopper"}, {"role", "viewer"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(code(missing), "missing_field");
  const auto extra = create(json{{"name", "hopper"}, {"role", "viewer"}, {"password", kPassword}, {"hash", "x"}});
  EXPECT_EQ(code(extra), "unknown_field");
  EXPECT_FALSE(AuthStore(*store_).find_user("hopper"));
}

TEST_P(SecurityUsers, ARoleChangeEndsTheUsersLoginsAndTakesEffect) {
  make_user("ada", "operator");
  const json tokens = login("ada").json();
  ASSERT_EQ(whoami(tokens["access_token"]).json()["role"], "operator");
  const auto changed = patch("ada", json{{"role", "viewer"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["role"], "viewer");
  const auto old_access = whoami(tokens["access_token"]);
  EXPECT_EQ(old_access.status, 401);
  EXPECT_EQ(code(old_access), "token_revoked");
  const auto old_refresh = refresh(tokens["refresh_token"]);
  EXPECT_EQ(old_refresh.status, 401);
  EXPECT_EQ(code(old_refresh), "refresh_token_revoked");
  const std::string fresh = login("ada").json()["access_token"];
  EXPECT_EQ(whoami(fresh).json()["role"], "viewer");
  const auto trigger = client_with(fresh)->post_json("/api/v1/workflows/anything/runs", "{}");
  EXPECT_EQ(trigger.status, 403) << trigger.body;
}

TEST_P(SecurityUsers, DisablingEndsTheLoginsAndEnablingLetsThemSignInAgain) {
  make_user("ada", "operator");
  const json tokens = login("ada").json();
  ASSERT_EQ(patch("ada", json{{"disabled", true}}).json()["disabled"], true);
  EXPECT_EQ(code(whoami(tokens["access_token"])), "user_disabled");
  EXPECT_EQ(refresh(tokens["refresh_token"]).status, 401);
  EXPECT_EQ(login("ada").status, 401);
  ASSERT_EQ(patch("ada", json{{"disabled", false}}).json()["disabled"], false);
  const auto again = login("ada");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(whoami(again.json()["access_token"]).status, 200);
}

TEST_P(SecurityUsers, APasswordResetEndsTheLoginsAndOnlyTheNewPasswordWorks) {
  make_user("ada", "viewer");
  const json tokens = login("ada").json();
  const auto weak = patch("ada", json{{"password", "too-short"}});
  EXPECT_EQ(code(weak), "weak_password");
  EXPECT_EQ(whoami(tokens["access_token"]).status, 200) << "a refused change ends nothing";
  ASSERT_EQ(patch("ada", json{{"password", "a brand new passphrase"}}).status, 200);
  EXPECT_EQ(code(whoami(tokens["access_token"])), "token_revoked");
  EXPECT_EQ(code(refresh(tokens["refresh_token"])), "refresh_token_revoked");
  EXPECT_EQ(login("ada").status, 401);
  EXPECT_EQ(login("ada", "a brand new passphrase").status, 200);
}

TEST_P(SecurityUsers, TheLastEnabledAdminCannotBeDemotedOrDisabled) {
  make_user("root", "admin");
  // The fixture's admin API key does not count: keys can be revoked at any time.
  for (const json& change : {json{{"role", "operator"}}, json{{"disabled", true}}, json{{"role", "viewer"}}}) {
    const auto refused = patch("root", change);
    EXPECT_EQ(refused.status, 409) << change.dump() << ": " << refused.body;
    EXPECT_EQ(code(refused), "last_admin");
  }
  const auto root = AuthStore(*store_).find_user("root");
  EXPECT_EQ(root->role, "admin");
  EXPECT_EQ(root->disabled_ms, 0);
  EXPECT_EQ(patch("root", json{{"password", "another long passphrase"}}).status, 200) << "other changes are fine";

  make_user("grace", "admin");
  make_user("ada", "admin");
  ASSERT_EQ(patch("ada", json{{"disabled", true}}).status, 200);
  EXPECT_EQ(code(patch("ada", json{{"role", "viewer"}})), "") << "a disabled admin is no admin: it may be demoted";
  ASSERT_EQ(patch("root", json{{"role", "operator"}}).status, 200);
  EXPECT_EQ(code(patch("grace", json{{"role", "viewer"}})), "last_admin");
  EXPECT_EQ(code(patch("grace", json{{"disabled", true}})), "last_admin");
  // The last admin signed in through the console cannot demote itself either.
  const std::string grace = login("grace").json()["access_token"];
  EXPECT_EQ(code(patch("grace", json{{"role", "operator"}}, grace)), "last_admin");
  EXPECT_EQ(AuthStore(*store_).find_user("grace")->role, "admin");
}

TEST_P(SecurityUsers, UnknownUsersAndEmptyChangesAreRefused) {
  EXPECT_EQ(code(patch("nobody", json{{"role", "viewer"}})), "unknown_user");
  make_user("ada", "viewer");
  EXPECT_EQ(code(patch("ada", json::object())), "missing_field");
  EXPECT_EQ(code(patch("ada", json{{"disabled", "yes"}})), "wrong_type");
  EXPECT_EQ(code(patch("ada", json{{"role", "root"}})), "bad_role");
  EXPECT_EQ(code(patch("ada", json{{"name", "eve"}})), "unknown_field");
}

TEST_P(SecurityUsers, NoPasswordOrHashInAnswersErrorsOrTheLog) {
  const std::string first = "first-secret-marker-4711";
  const std::string second = "second-secret-marker-4712";
  const std::string weak = "weak-4713";
  std::vector<HttpAnswer> answers;
  answers.push_back(create(json{{"name", "ada"}, {"role", "admin"}, {"password", first}}));
  answers.push_back(create(json{{"name", "ada"}, {"role", "admin"}, {"password", first}}));  // 409
  answers.push_back(create(json{{"name", "bob"}, {"role", "viewer"}, {"password", weak}}));  // 422
  answers.push_back(create(json{{"name", "bob"}, {"role", "nope"}, {"password", first}}));   // 422
  answers.push_back(patch("ada", json{{"password", second}}));
  answers.push_back(patch("ada", json{{"password", weak}}));
  answers.push_back(patch("ada", json{{"role", "viewer"}}));  // 409: the last admin
  answers.push_back(client_with(admin_key_)->get("/api/v1/users"));
  const std::string hash = AuthStore(*store_).find_user("ada")->password_hash;
  for (const auto& r : answers) {
    for (const std::string& secret : {first, second, weak, hash, std::string("$argon2id$")}) {
      EXPECT_EQ(r.body.find(secret), std::string::npos) << "answer " << r.status << " shows " << secret;
    }
  }
  for (const auto& line : log_lines()) {
    for (const std::string& secret : {first, second, weak, hash, std::string("$argon2id$")}) {
      EXPECT_EQ(line.find(secret), std::string::npos) << "the log shows " << secret << ": " << line;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, SecurityUsers, ::testing::ValuesIn(all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub::test
