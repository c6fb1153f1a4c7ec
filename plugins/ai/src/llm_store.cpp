#include "llm_store.hpp"

#include <linkhub/migrations_soci.hpp>

#include <openssl/evp.h>

#include <chrono>
#include <ctime>

namespace linkhub::ai {
namespace {

using sdk::Json;

// Append only: a released migration never changes; a change is a new version.
sdk::MigrationTrack track() {
  return {"ai",
          {{1,
            "the language model's answer cache and daily token budget",
            {
                "CREATE TABLE ai_llm_cache ("
                " cache_key TEXT PRIMARY KEY, base_url TEXT NOT NULL, model TEXT NOT NULL,"
                " prompt_version TEXT NOT NULL, input_hash TEXT NOT NULL, answer TEXT NOT NULL,"
                " created_ms BIGINT NOT NULL)",
                "CREATE TABLE ai_llm_budget ("
                " scope TEXT NOT NULL, day TEXT NOT NULL, tokens BIGINT NOT NULL, PRIMARY KEY (scope, day))",
            }}}};
}

constexpr long long kPostgresMigrationLock = 7812734665395251561;  // beside the catalog's and whatsapp's

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string utc_day() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

void migrate(sdk::PluginDatabase& database) {
  const auto hooks = sdk::soci_migration_database(
      [&](const std::function<void(soci::session&)>& body) {
        database.write([&](soci::session& sql) {
          if (database.postgres()) {
            sdk::lock_postgres_migrations(sql, kPostgresMigrationLock);
          }
          body(sql);
        });
      },
      {"ai_schema_migrations", "description"});
  try {
    sdk::run_migrations(track(), hooks);
  } catch (const sdk::MigrationError& e) {
    throw sdk::StepError(sdk::errors::internal, "ai: the database " + database.display() + ": " + e.what());
  }
}

sdk::PluginDatabase* database_for(const sdk::Context& ctx, const std::string& configured) {
  const std::string url = configured.empty() ? ctx.database_url() : configured;
  if (url.empty()) {
    return nullptr;
  }
  return &ctx.plugin_state<Databases>().at(url, 4);
}

std::string sha256_hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

std::string CacheKey::digest() const {
  // Lengths first: no two different keys join into the same text.
  std::string joined;
  for (const std::string* part : {&base_url, &model, &prompt_version, &input_hash}) {
    joined += std::to_string(part->size()) + ":" + *part + "\n";
  }
  return sha256_hex(joined);
}

std::optional<Json> cached_answer(sdk::PluginDatabase& db, const CacheKey& key) {
  const std::string digest = key.digest();
  return db.read([&](soci::session& sql) -> std::optional<Json> {
    std::string text;
    soci::indicator ind = soci::i_null;
    sql << "SELECT answer FROM ai_llm_cache WHERE cache_key = :k", soci::use(digest), soci::into(text, ind);
    if (!sql.got_data() || ind != soci::i_ok) {
      return std::nullopt;
    }
    Json answer = Json::parse(text, nullptr, false);
    if (!answer.is_object()) {
      return std::nullopt;  // a damaged row: ask the model again, which replaces nothing
    }
    return answer;
  });
}

void store_answer(sdk::PluginDatabase& db, const CacheKey& key, const Json& answer) {
  const std::string digest = key.digest();
  const std::string text = answer.dump();
  const long long at = now_ms();
  db.write([&](soci::session& sql) {
    // Two runs asking at once store the same answer: the first one stays.
    sql << "INSERT INTO ai_llm_cache (cache_key, base_url, model, prompt_version, input_hash, answer, created_ms)"
           " VALUES (:k, :u, :m, :p, :h, :a, :t) ON CONFLICT (cache_key) DO NOTHING",
        soci::use(digest), soci::use(key.base_url), soci::use(key.model), soci::use(key.prompt_version),
        soci::use(key.input_hash), soci::use(text), soci::use(at);
  });
}

TokenClaim claim_tokens_today(sdk::PluginDatabase& db, const std::string& scope, int64_t budget, int64_t estimate) {
  TokenClaim claim;
  claim.day = utc_day();
  claim.estimate = estimate;
  const long long n = estimate;
  const long long limit = budget;
  db.write([&](soci::session& sql) {
    sql << "INSERT INTO ai_llm_budget (scope, day, tokens) VALUES (:s, :d, 0) ON CONFLICT (scope, day) DO NOTHING",
        soci::use(scope), soci::use(claim.day);
    // One statement checks and claims: PostgreSQL re-reads the row after a
    // concurrent claim commits, SQLite has one writer at a time.
    soci::statement update = (sql.prepare << "UPDATE ai_llm_budget SET tokens = tokens + :n"
                                             " WHERE scope = :s AND day = :d AND tokens < :b",
                              soci::use(n), soci::use(scope), soci::use(claim.day), soci::use(limit));
    update.execute(true);
    claim.granted = update.get_affected_rows() == 1;
    if (!claim.granted) {
      long long tokens = 0;
      sql << "SELECT tokens FROM ai_llm_budget WHERE scope = :s AND day = :d", soci::use(scope), soci::use(claim.day),
          soci::into(tokens);
      claim.spent = tokens;
    }
  });
  return claim;
}

void settle_tokens(sdk::PluginDatabase& db, const std::string& scope, const TokenClaim& claim, int64_t used) {
  if (!claim.granted || used == claim.estimate) {
    return;
  }
  const long long delta = used - claim.estimate;
  db.write([&](soci::session& sql) {
    sql << "UPDATE ai_llm_budget SET tokens = tokens + :n WHERE scope = :s AND day = :d", soci::use(delta),
        soci::use(scope), soci::use(claim.day);
  });
}

}  // namespace linkhub::ai
