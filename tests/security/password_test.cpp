// Passwords are kept as Argon2id at OWASP's cost; a PBKDF2 hash of an older
// release still logs in and is rewritten as Argon2id at that login; a wrong
// password changes nothing.
#include "serve_fixture.hpp"

#include "auth/credentials.hpp"

#include <sys/wait.h>

#include <cstdlib>

namespace linkhub::test {
namespace {

using nlohmann::json;

const std::string kPassword = "correct horse battery";
constexpr const char* kOwaspPrefix = "$argon2id$v=19$m=19456,t=2,p=1$";

class SecurityPasswords : public ServeTest {
 protected:
  // The server at the production cost, so what it writes is what production writes.
  void start_server() {
    start([](http::ServeOptions& o) { o.auth.password_cost = kDefaultPasswordCost; });
  }
  HttpAnswer login(const std::string& user, const std::string& password) {
    return client_with("")->post_json("/api/v1/auth/login", json{{"username", user}, {"password", password}}.dump());
  }
  std::string stored_hash(const std::string& user) {
    auto record = AuthStore(*store_).find_user(user);
    return record ? record->password_hash : std::string();
  }
};

TEST_F(SecurityPasswords, AnOldPbkdf2HashLogsInAndIsRewrittenAsArgon2id) {
  start_server();
  const std::string old = hash_password_pbkdf2(kPassword, 210000);
  ASSERT_TRUE(AuthStore(*store_).create_user("ada", old, "viewer").ok());

  // A wrong password neither logs in nor touches the hash.
  EXPECT_EQ(login("ada", "not the password at all").status, 401);
  EXPECT_EQ(stored_hash("ada"), old);

  const auto first = login("ada", kPassword);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string upgraded = stored_hash("ada");
  EXPECT_EQ(upgraded.rfind(kOwaspPrefix, 0), 0u) << upgraded;
  EXPECT_EQ(upgraded.find(kPassword), std::string::npos);
  EXPECT_FALSE(password_needs_rehash(upgraded));
  // The upgrade ends no login: the tokens of that login still work.
  EXPECT_EQ(client_with(first.json()["access_token"])->get("/api/v1/runs").status, 200);

  // The new hash is the one checked from now on, and stays as it is.
  EXPECT_EQ(login("ada", "not the password at all").status, 401);
  EXPECT_EQ(login("ada", kPassword).status, 200);
  EXPECT_EQ(stored_hash("ada"), upgraded);
}

TEST_F(SecurityPasswords, ACheaperArgon2idHashIsRaisedToTheConfiguredCost) {
  start_server();
  ASSERT_TRUE(AuthStore(*store_).create_user("ada", hash_password(kPassword, kMinimalPasswordCost), "viewer").ok());
  ASSERT_EQ(login("ada", kPassword).status, 200);
  EXPECT_EQ(stored_hash("ada").rfind(kOwaspPrefix, 0), 0u) << stored_hash("ada");
}

TEST_F(SecurityPasswords, UsersMadeByTheBinaryGetArgon2id) {
  start_server();
  const std::string command = "printf '%s\\n' '" + kPassword + "' | '" + std::string(LINKHUB_BINARY) +
                              "' users create ada --role viewer --password-stdin --db '" + store_->display_url() +
                              "' >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command;
  EXPECT_EQ(stored_hash("ada").rfind(kOwaspPrefix, 0), 0u) << stored_hash("ada");
  EXPECT_EQ(login("ada", kPassword).status, 200);
  EXPECT_EQ(login("ada", "correct horse batterY").status, 401);
}

}  // namespace
}  // namespace linkhub::test
