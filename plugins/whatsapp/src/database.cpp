#include "database.hpp"

#include "migrations.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>

namespace linkhub::whatsapp {

namespace {

constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;

enum class Failure { kConflict, kUnavailable, kPermanent };

Failure classify(const soci::soci_error& e) {
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&e)) {
    const std::string state = pg->sqlstate();
    if (state == "40001" || state == "40P01" || state == "23505") {
      return Failure::kConflict;
    }
    if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57P0", 0) == 0 || state == "55P03") {
      return Failure::kUnavailable;
    }
  }
  if (const auto* lite = dynamic_cast<const soci::sqlite3_soci_error*>(&e)) {
    const int primary = lite->result() & 0xFF;
    if (primary == kSqliteBusy || primary == kSqliteLocked) {
      return Failure::kUnavailable;
    }
  }
  if (e.get_error_category() == soci::soci_error::connection_error) {
    return Failure::kUnavailable;
  }
  return Failure::kPermanent;
}

// One line, the password masked (libpq may echo the connection string).
std::string clean(const std::string& what) {
  std::string out;
  for (char c : sdk::mask_database_password(what)) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (!space) {
      out += c;
    } else if (!out.empty() && out.back() != ' ') {
      out += ' ';
    }
  }
  return out;
}

}  // namespace

Database::Transaction::~Transaction() {
  if (!done_) {
    try {
      sql_ << "ROLLBACK";
    } catch (...) {
      // The connection broke: nothing was committed, and the session is replaced.
    }
  }
}

soci::session& Database::session() {
  if (session_ && session_->is_connected()) {
    return *session_;
  }
  auto sql = std::make_unique<soci::session>();
  if (postgres()) {
    std::string connect = url_.connect;
    if (connect.find("connect_timeout") == std::string::npos) {
      connect += " connect_timeout=10";
    }
    sql->open(*soci::factory_postgresql(), connect);
    *sql << "SET client_min_messages TO WARNING";
  } else {
    const std::filesystem::path file = url_.file;
    std::error_code ignored;
    if (file.has_parent_path()) {
      std::filesystem::create_directories(file.parent_path(), ignored);
    }
    sql->open(*soci::factory_sqlite3(), url_.connect);
    std::string mode;
    *sql << "PRAGMA journal_mode=WAL", soci::into(mode);
    *sql << "PRAGMA busy_timeout=30000";
    // As the run store (engine/src/store/database.cpp): a commit survives a
    // killed process; only a power cut can lose the last ones. FULL (an fsync
    // per commit) held the webhook to ~240 deliveries/s on a loaded 2-core VM
    // (scripts/bench-webhook.sh), NORMAL keeps up with 500/s there.
    *sql << "PRAGMA synchronous=NORMAL";
  }
  session_ = std::move(sql);
  return *session_;
}

void Database::on_failure(const soci::soci_error& e, bool may_retry) {
  const Failure kind = classify(e);
  const bool connected = session_ && session_->is_connected();
  if (!connected || kind == Failure::kUnavailable) {
    session_.reset();
  }
  if (may_retry && (kind == Failure::kConflict || (!connected && kind != Failure::kPermanent))) {
    return;
  }
  const std::string why = clean(e.what());
  if (kind == Failure::kPermanent && connected) {
    throw sdk::StepError(sdk::errors::internal, "whatsapp: database error on " + display() + ": " + why);
  }
  throw sdk::StepError(sdk::errors::unavailable,
                       "whatsapp: the database " + display() + " is busy or unavailable: " + why, true);
}

Database& Databases::at(const std::string& url) {
  std::lock_guard lock(mutex_);
  auto& slot = databases_[url];
  if (!slot) {
    sdk::DatabaseUrl parsed;
    try {
      parsed = sdk::parse_database_url(url);
    } catch (const std::invalid_argument& e) {
      throw sdk::StepError(sdk::errors::invalid_input, std::string("whatsapp: plugins.whatsapp.database: ") + e.what());
    }
    auto database = std::make_unique<Database>(std::move(parsed));
    try {
      migrate(*database);
    } catch (const soci::soci_error& e) {
      throw sdk::StepError(sdk::errors::unavailable,
                           "whatsapp: cannot open the database " + database->display() + ": " + clean(e.what()), true);
    }
    slot = std::move(database);  // only a migrated database is kept
  }
  return *slot;
}

Database& database_for(const sdk::Context& ctx, const std::string& configured, const std::string& step) {
  const std::string url = configured.empty() ? ctx.database_url() : configured;
  if (url.empty()) {
    throw sdk::StepError(sdk::errors::invalid_input,
                         step +
                             ": no database: the host gives no run database and plugins.whatsapp.database is not "
                             "set (LINKHUB_PLUGIN_WHATSAPP_DATABASE)");
  }
  return ctx.plugin_state<Databases>().at(url);
}

}  // namespace linkhub::whatsapp
