// Authentication's building blocks: the credentials (random tokens, SHA-256,
// Argon2id and old PBKDF2 passwords, constant-time comparison), the token-bucket rate limiter,
// and the auth tables of the run database on SQLite and PostgreSQL.
#include "cli_runner.hpp"
#include "test_databases.hpp"

#include "auth/auth_schema.hpp"
#include "auth/auth_store.hpp"
#include "auth/credentials.hpp"
#include "http/rate_limit.hpp"

#include <linkhub/engine/config.hpp>
#include <linkhub/engine/database.hpp>
#include <linkhub/engine/run_store.hpp>

#include <gtest/gtest.h>

#include <numeric>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace linkhub {
namespace {

using namespace std::chrono_literals;

// ------------------------------------------------------------------ credentials

TEST(Credentials, PasswordsVerifyOnlyWithTheRightPassword) {
  const std::string hash = hash_password("correct horse battery", kMinimalPasswordCost);
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password("correct horse battery", hash));
  EXPECT_FALSE(verify_password("correct horse batter", hash));
  EXPECT_FALSE(verify_password("", hash));
  // A salt per hash: the same password hashes differently.
  EXPECT_NE(hash_password("correct horse battery", kMinimalPasswordCost), hash);
  // What this code cannot read never verifies.
  for (const std::string& bad : std::vector<std::string>{
           "", "plain", "pbkdf2-sha256$1000$ab", "md5$1$ab$cd", "pbkdf2-sha256$0$ab$" + std::string(64, '0'),
           "pbkdf2-sha256$99999999999$ab$" + std::string(64, '0'), "$argon2id$", "$argon2id$v=19$m=8,t=1,p=1$",
           "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$" + std::string(43, 'A'), hash.substr(0, hash.size() - 2)}) {
    EXPECT_FALSE(verify_password("x", bad)) << bad;
  }
}

TEST(Credentials, NewPasswordsGetArgon2idAtOwaspCost) {
  const std::string hash = hash_password("correct horse battery");
  // OWASP: m = 19 MiB (19456 KiB), t = 2, p = 1.
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password("correct horse battery", hash));
  EXPECT_FALSE(password_needs_rehash(hash));
  EXPECT_TRUE(password_needs_rehash(hash, kMinimalPasswordCost));
  EXPECT_TRUE(password_needs_rehash(hash_password("correct horse battery", kMinimalPasswordCost)));
}

TEST(Credentials, OldPbkdf2HashesStillVerifyAndNeedARehash) {
  const std::string old = hash_password_pbkdf2("correct horse battery", 1000);
  EXPECT_EQ(old.rfind("pbkdf2-sha256$1000$", 0), 0u) << old;
  EXPECT_TRUE(verify_password("correct horse battery", old));
  EXPECT_FALSE(verify_password("correct horse batter", old));
  EXPECT_TRUE(password_needs_rehash(old));
  EXPECT_TRUE(password_needs_rehash("garbage"));
}

TEST(Credentials, Pbkdf2MatchesTheRfc7914TestVector) {
  // PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1: the first 32 bytes of RFC 7914's 64-byte vector.
  const std::string encoded = "pbkdf2-sha256$1$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc";
  EXPECT_TRUE(verify_password("passwd", encoded));
  EXPECT_FALSE(verify_password("passwe", encoded));
}

TEST(Credentials, TokensAreRandomAndSplitBack) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const NewToken t = new_token(kApiKeyPrefix);
    EXPECT_TRUE(seen.insert(t.token).second);
    EXPECT_EQ(t.token.size(), 4u + 16 + 1 + 64);
    EXPECT_EQ(t.secret_hash, sha256_hex(t.secret));
    const auto split = split_token(t.token, kApiKeyPrefix);
    ASSERT_TRUE(split.has_value());
    EXPECT_EQ(split->id, t.id);
    EXPECT_EQ(split->secret, t.secret);
    EXPECT_FALSE(split_token(t.token, kRefreshTokenPrefix).has_value());
  }
  EXPECT_FALSE(split_token("lhk_short_secret", kApiKeyPrefix).has_value());
  EXPECT_FALSE(split_token("lhk_" + std::string(16, 'g') + "_" + std::string(64, '0'), kApiKeyPrefix).has_value());
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Credentials, ConstantTimeEqualIsEquality) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "ab"));
  EXPECT_FALSE(constant_time_equal("ab", "abc"));
}

TEST(Credentials, ShortAndEmptyPasswordsAreRefused) {
  EXPECT_TRUE(password_problem("").has_value());
  EXPECT_TRUE(password_problem("elevenchars").has_value());
  EXPECT_FALSE(password_problem("twelve chars").has_value());
}

// ------------------------------------------------------------------ rate limiter

TEST(RateLimiter, ABucketGivesItsBurstThenRefillsAtItsRate) {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  http::RateLimiter limiter(2.0, 3.0, 100, [&] { return now; });
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter.take("k").allowed) << i;
  }
  auto refused = limiter.take("k");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_s, 1) << "half a second to the next token, rounded up to whole seconds";
  EXPECT_TRUE(limiter.take("other").allowed) << "buckets are per key";
  now += 500ms;
  EXPECT_TRUE(limiter.take("k").allowed);
  EXPECT_FALSE(limiter.take("k").allowed);
  EXPECT_FALSE(limiter.peek("k").allowed);
  EXPECT_TRUE(limiter.peek("never-seen").allowed);
}

TEST(RateLimiter, RetryAfterCountsWholeSecondsToTheNextToken) {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  http::RateLimiter limiter(0.1, 1.0, 100, [&] { return now; });
  EXPECT_TRUE(limiter.take("k").allowed);
  EXPECT_EQ(limiter.take("k").retry_after_s, 10);
  now += 2500ms;
  EXPECT_EQ(limiter.take("k").retry_after_s, 8);
}

TEST(RateLimiter, IdleBucketsAreDroppedAndTheirNumberIsBounded) {
  auto now = std::chrono::steady_clock::time_point{} + 1h;
  http::RateLimiter limiter(1.0, 2.0, 50, [&] { return now; });
  for (int i = 0; i < 40; ++i) {
    limiter.take("principal-" + std::to_string(i));
  }
  EXPECT_EQ(limiter.buckets(), 40u);
  now += 30s;  // every bucket has refilled: the same as never having been used
  limiter.take("fresh");
  EXPECT_EQ(limiter.buckets(), 1u);
  // Past max_buckets, new keys share one overflow bucket instead of growing the map.
  for (int i = 0; i < 500; ++i) {
    limiter.take("flood-" + std::to_string(i));
  }
  EXPECT_LE(limiter.buckets(), 51u);
}

// ------------------------------------------------------------------ the store, on both databases

class AuthStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    url_ = test::fresh_database(GetParam());
    ASSERT_FALSE(url_.empty());
    auto opened = SqlStore::open(url_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
    auth_ = std::make_unique<AuthStore>(*store_);
  }

  std::string url_;
  std::unique_ptr<SqlStore> store_;
  std::unique_ptr<AuthStore> auth_;
};

// The versions a migration track recorded in `table`, in order.
std::vector<int> recorded_versions(SqlStore& store, const std::string& table) {
  return store.database().read([&](soci::session& sql) {
    std::vector<int> out;
    soci::rowset<int> rows = (sql.prepare << "SELECT version FROM " << table << " ORDER BY version");
    for (int v : rows) {
      out.push_back(v);
    }
    return out;
  });
}

TEST_P(AuthStoreTest, TheAuthTablesAreTheServersOwnMigrationTrack) {
  std::vector<int> engine_versions(static_cast<size_t>(store_->schema_version()));
  std::iota(engine_versions.begin(), engine_versions.end(), 1);
  EXPECT_EQ(recorded_versions(*store_, "lh_schema_migrations"), engine_versions);  // the engine's own, untouched
  EXPECT_EQ(recorded_versions(*store_, "lh_auth_schema_migrations"), (std::vector<int>{1, 2}));
  EXPECT_EQ(latest_auth_schema_version(), 2);
  AuthStore again(*store_);  // migrating twice changes nothing
  EXPECT_EQ(recorded_versions(*store_, "lh_auth_schema_migrations"), (std::vector<int>{1, 2}));
}

TEST_P(AuthStoreTest, KeysAreStoredHashedListedAndRevoked) {
  auto a = auth_->create_key("ci", "operator");
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto b = auth_->create_key("", "viewer");
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(auth_->create_key("x", "root").ok());

  const auto split = split_token(a->key, kApiKeyPrefix);
  ASSERT_TRUE(split.has_value());
  auto found = auth_->find_key(split->id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->name, "ci");
  EXPECT_EQ(found->role, "operator");
  EXPECT_EQ(found->secret_hash, sha256_hex(split->secret));
  EXPECT_NE(found->secret_hash.find(split->secret), 0u);
  EXPECT_EQ(found->revoked_ms, 0);
  EXPECT_FALSE(auth_->find_key("0000000000000000").has_value());
  EXPECT_EQ(auth_->list_keys().size(), 2u);

  auth_->touch_key(split->id, 12345);
  EXPECT_EQ(auth_->find_key(split->id)->last_used_ms, 12345);
  EXPECT_EQ(auth_->count_admins(), 0u);
  EXPECT_TRUE(auth_->revoke_key(split->id));
  EXPECT_FALSE(auth_->revoke_key(split->id)) << "already revoked";
  EXPECT_GT(auth_->find_key(split->id)->revoked_ms, 0);
  EXPECT_FALSE(auth_->revoke_key("nope"));
}

TEST_P(AuthStoreTest, UsersAreUniqueAndChangesEndTheirLogins) {
  ASSERT_TRUE(auth_->create_user("ada", hash_password("correct horse battery", kMinimalPasswordCost), "admin").ok());
  EXPECT_FALSE(auth_->create_user("ada", "x", "viewer").ok()) << "a second ada";
  EXPECT_FALSE(auth_->create_user("bad name", "x", "viewer").ok());
  EXPECT_FALSE(auth_->create_user("bob", "x", "root").ok());
  EXPECT_EQ(auth_->count_admins(), 1u);
  auto ada = auth_->find_user("ada");
  ASSERT_TRUE(ada.has_value());
  EXPECT_TRUE(verify_password("correct horse battery", ada->password_hash));

  const auto login = [&](const std::string& id) {
    RefreshTokenRecord t{id, sha256_hex("s" + id), "ada", id, now_ms(), now_ms() + 60000, 0, 0};
    auth_->insert_refresh_token(t);
  };
  login("1111111111111111");
  EXPECT_TRUE(auth_->set_role("ada", "operator"));
  EXPECT_EQ(auth_->find_user("ada")->role, "operator");
  EXPECT_GT(auth_->find_refresh_token("1111111111111111")->revoked_ms, 0);
  login("2222222222222222");
  EXPECT_TRUE(auth_->set_disabled("ada", true));
  EXPECT_GT(auth_->find_user("ada")->disabled_ms, 0);
  EXPECT_GT(auth_->find_refresh_token("2222222222222222")->revoked_ms, 0);
  EXPECT_TRUE(auth_->set_disabled("ada", false));
  EXPECT_EQ(auth_->find_user("ada")->disabled_ms, 0);
  login("3333333333333333");
  EXPECT_TRUE(auth_->set_password("ada", hash_password("another long one", kMinimalPasswordCost)));
  EXPECT_GT(auth_->find_refresh_token("3333333333333333")->revoked_ms, 0);
  EXPECT_FALSE(auth_->set_password("nobody", "x"));
  EXPECT_FALSE(auth_->set_disabled("nobody", true));
  EXPECT_EQ(auth_->list_users().size(), 1u);
}

TEST_P(AuthStoreTest, EveryChangeOfAUserMovesTheirTokenGeneration) {
  ASSERT_TRUE(auth_->create_user("ada", "x", "viewer").ok());
  int64_t generation = auth_->find_user("ada")->token_generation;
  EXPECT_EQ(generation, 0);
  const auto moved = [&] {
    const int64_t now = auth_->find_user("ada")->token_generation;
    const bool up = now > generation;
    generation = now;
    return up;
  };
  EXPECT_TRUE(auth_->set_role("ada", "operator"));
  EXPECT_TRUE(moved()) << "set_role";
  EXPECT_TRUE(auth_->set_password("ada", "y"));
  EXPECT_TRUE(moved()) << "set_password";
  EXPECT_TRUE(auth_->set_disabled("ada", true));
  EXPECT_TRUE(moved()) << "disable";
  EXPECT_TRUE(auth_->bump_token_generation("ada"));
  EXPECT_TRUE(moved()) << "bump";
  EXPECT_FALSE(auth_->bump_token_generation("nobody"));
  // An upgraded hash of the same password ends nothing, and only replaces the hash it read.
  EXPECT_TRUE(auth_->upgrade_password_hash("ada", "y", "z"));
  EXPECT_FALSE(moved()) << "upgrade_password_hash";
  EXPECT_EQ(auth_->find_user("ada")->password_hash, "z");
  EXPECT_FALSE(auth_->upgrade_password_hash("ada", "y", "w")) << "the hash changed meanwhile";
  EXPECT_EQ(auth_->find_user("ada")->password_hash, "z");
}

TEST_P(AuthStoreTest, ARefreshTokenRotatesOnceAndFamiliesAreRevokedTogether) {
  ASSERT_TRUE(auth_->create_user("ada", "x", "viewer").ok());
  const int64_t now = now_ms();
  auth_->insert_refresh_token({"aaaaaaaaaaaaaaaa", sha256_hex("a"), "ada", "fam", now, now + 60000, 0, 0});
  auth_->insert_refresh_token({"bbbbbbbbbbbbbbbb", sha256_hex("b"), "ada", "fam", now, now + 60000, 0, 0});
  auth_->insert_refresh_token({"cccccccccccccccc", sha256_hex("c"), "ada", "other", now, now - 1, 0, 0});

  // Two nodes racing to rotate one token: exactly one wins.
  auto second = SqlStore::open(url_);
  ASSERT_TRUE(second.ok());
  AuthStore other(**second);
  int wins = 0;
  std::vector<std::thread> threads;
  std::atomic<int> won{0};
  for (AuthStore* s : {auth_.get(), &other}) {
    threads.emplace_back([&, s] { won += s->rotate_refresh_token("aaaaaaaaaaaaaaaa", now) ? 1 : 0; });
  }
  for (auto& t : threads) {
    t.join();
  }
  wins = won.load();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(auth_->find_refresh_token("aaaaaaaaaaaaaaaa")->rotated_ms, now);

  auth_->revoke_refresh_family("fam", now);
  EXPECT_GT(auth_->find_refresh_token("bbbbbbbbbbbbbbbb")->revoked_ms, 0);
  EXPECT_EQ(auth_->find_refresh_token("cccccccccccccccc")->revoked_ms, 0) << "another family";
  EXPECT_FALSE(auth_->rotate_refresh_token("bbbbbbbbbbbbbbbb", now)) << "revoked tokens do not rotate";

  EXPECT_EQ(auth_->delete_expired_refresh_tokens(now), 1u);
  EXPECT_FALSE(auth_->find_refresh_token("cccccccccccccccc").has_value());
  EXPECT_FALSE(auth_->find_refresh_token("dddddddddddddddd").has_value());
}

TEST_P(AuthStoreTest, ASettingIsMadeOnceAndSharedByEveryNode) {
  auto second = SqlStore::open(url_);
  ASSERT_TRUE(second.ok());
  AuthStore other(**second);
  const std::string first = auth_->setting_or_create("auth.jwt_secret", [] { return random_hex(32); });
  EXPECT_EQ(first.size(), 64u);
  EXPECT_EQ(other.setting_or_create("auth.jwt_secret", [] { return std::string("would be another"); }), first);
  EXPECT_EQ(auth_->setting_or_create("auth.jwt_secret", [] { return std::string("again"); }), first);
}

// ------------------------------------------------------------------ databases of older releases

// Releases before the auth track made the auth tables as the engine's schema
// versions 3 and 5, with the statements the auth track's versions 1 and 2 now
// run. So a database as such a release left it is this one without the auth
// track's record (and, before version 5, without token_generation), holding
// a user, an API key and the JWT secret.
void make_legacy(SqlStore& store, bool with_token_generation) {
  store.database().write([&](soci::session& sql) {
    sql << "DROP TABLE lh_auth_schema_migrations";
    if (!with_token_generation) {
      sql << "ALTER TABLE lh_users DROP COLUMN token_generation";
    }
    sql << "INSERT INTO lh_users (name, password_hash, role, created_ms) VALUES ('ada', 'pbkdf2-sha256$1$00$00', "
           "'admin', 1)";
    if (with_token_generation) {
      sql << "UPDATE lh_users SET token_generation = 7 WHERE name = 'ada'";
    }
    sql << "INSERT INTO lh_api_keys (id, name, role, secret_hash, created_ms) VALUES ('0123456789abcdef', 'ci', "
           "'operator', '"
        << sha256_hex("secret") << "', 2)";
    sql << "INSERT INTO lh_settings (name, value, created_ms) VALUES ('auth.jwt_secret', 'the old secret', 3)";
  });
}

// What an upgraded database must still hold, and the tables work as this code's own.
void expect_old_users_and_keys(AuthStore& auth) {
  auto ada = auth.find_user("ada");
  ASSERT_TRUE(ada.has_value());
  EXPECT_EQ(ada->role, "admin");
  EXPECT_EQ(ada->password_hash, "pbkdf2-sha256$1$00$00");
  auto key = auth.find_key("0123456789abcdef");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->name, "ci");
  EXPECT_EQ(key->secret_hash, sha256_hex("secret"));
  EXPECT_EQ(auth.setting_or_create("auth.jwt_secret", [] { return std::string("a new one"); }), "the old secret");
  EXPECT_EQ(auth.count_admins(), 1u);
  EXPECT_TRUE(auth.create_user("bob", "x", "viewer").ok());
  EXPECT_TRUE(auth.bump_token_generation("bob"));
  EXPECT_EQ(auth.find_user("bob")->token_generation, 1);
}

TEST_P(AuthStoreTest, ADatabaseOfTheLastEngineOnlyReleaseKeepsItsUsersAndKeys) {
  make_legacy(*store_, true);
  auto reopened = SqlStore::open(url_);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  AuthStore auth(**reopened);
  EXPECT_EQ(recorded_versions(**reopened, "lh_auth_schema_migrations"), (std::vector<int>{1, 2}))
      << "adopted, not made again";
  expect_old_users_and_keys(auth);
  EXPECT_EQ(auth.find_user("ada")->token_generation, 7) << "the generation stays: tokens out there stay valid";
}

TEST_P(AuthStoreTest, ADatabaseFromBeforeTokenGenerationsGetsTheColumn) {
  make_legacy(*store_, false);
  auto reopened = SqlStore::open(url_);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  AuthStore auth(**reopened);
  EXPECT_EQ(recorded_versions(**reopened, "lh_auth_schema_migrations"), (std::vector<int>{1, 2}));
  expect_old_users_and_keys(auth);
  EXPECT_EQ(auth.find_user("ada")->token_generation, 0);
}

TEST_P(AuthStoreTest, TheKeysCommandsWorkOnAnOldDatabase) {
  make_legacy(*store_, true);
  const auto listed = test::run_linkhub("keys list --db " + test::shell_quote(url_));
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("0123456789abcdef"), std::string::npos) << listed.out;
}

TEST_P(AuthStoreTest, ANewerAuthSchemaIsRefusedNamingIt) {
  store_->database().write([](soci::session& sql) {
    sql << "INSERT INTO lh_auth_schema_migrations (version, description, applied_ms) VALUES (9, 'from the future', 0)";
  });
  try {
    AuthStore refused(*store_);
    ADD_FAILURE() << "a newer auth schema was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("auth schema version 9 is newer"), std::string::npos) << e.what();
  }
  const auto r = test::run_linkhub("users list --db " + test::shell_quote(url_));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("auth schema version 9 is newer"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthStoreTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub
