#pragma once
// The ai plugin's own tables (track "ai", SQLite or PostgreSQL), in
// plugins.ai.database or else the run database, so every node of a cluster
// shares them:
// - ai_llm_cache: a model's validated answer under (base URL, model, prompt
//   version, input hash), so a replayed or retried run does not pay twice;
// - ai_llm_budget: tokens spent per workflow and UTC day, the daily budget.

#include <linkhub/plugin.hpp>
#include <linkhub/plugin_database.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace linkhub::ai {

void migrate(sdk::PluginDatabase& database);

class Databases : public sdk::PluginDatabases {
 public:
  explicit Databases(const sdk::PluginInit&) : PluginDatabases("ai", &migrate) {}
};

// The database for a step, or nullptr when there is none (no run database,
// no plugins.ai.database): the model is then called without cache or budget.
sdk::PluginDatabase* database_for(const sdk::Context& ctx, const std::string& configured);

struct CacheKey {
  std::string base_url;
  std::string model;
  std::string prompt_version;
  std::string input_hash;  // sha256 hex of what the prompt was built from
  std::string digest() const;
};

std::string sha256_hex(const std::string& data);

std::optional<sdk::Json> cached_answer(sdk::PluginDatabase& db, const CacheKey& key);
void store_answer(sdk::PluginDatabase& db, const CacheKey& key, const sdk::Json& answer);

// The daily budget, shared by every node on the database. A request may go
// while what `scope` spent and claimed today is below `budget`; it claims
// `estimate` tokens in the same conditional UPDATE, so of two callers that
// only one more request fits, one passes and the other sees the claim (the
// budget is overrun by at most one request). After the request the claim is
// replaced by what the model really counted (settle), on the claim's day.
struct TokenClaim {
  bool granted = false;
  std::string day;       // UTC, YYYY-MM-DD
  int64_t estimate = 0;  // what was claimed
  int64_t spent = 0;     // when refused: spent and claimed today
};
TokenClaim claim_tokens_today(sdk::PluginDatabase& db, const std::string& scope, int64_t budget, int64_t estimate);
void settle_tokens(sdk::PluginDatabase& db, const std::string& scope, const TokenClaim& claim, int64_t used);

}  // namespace linkhub::ai
