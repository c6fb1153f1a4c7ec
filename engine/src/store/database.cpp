#include <linkhub/engine/database.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/store_error.hpp>
#include <linkhub/migrations_soci.hpp>

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <stdexcept>

namespace linkhub::store {

namespace {

using Clock = std::chrono::steady_clock;

bool corrupt_sqlite(const std::string& why) {
  return why.find("file is not a database") != std::string::npos ||
         why.find("database disk image is malformed") != std::string::npos;
}

// Milliseconds from the environment variable `name` (0 to one hour), else `fallback`.
int env_ms(const char* name, int fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return fallback;
  }
  char* end = nullptr;
  const long ms = std::strtol(value, &end, 10);
  return (*end == '\0' && ms >= 0 && ms <= 3600000) ? static_cast<int>(ms) : fallback;
}

// LINKHUB_SQLITE_BUSY_TIMEOUT_MS: how long a SQLite write waits for another
// connection's lock before the database counts as unavailable.
int sqlite_busy_timeout_ms() {
  return env_ms("LINKHUB_SQLITE_BUSY_TIMEOUT_MS", 30000);
}

// LINKHUB_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS (0: none), or else the opener's
// `stall_limit`, or else 30 s: PostgreSQL ends a session that sat inside a
// transaction that long. Every transaction of ours runs its statements back
// to back, so only a stalled process (SIGSTOP, a paused VM) sits there, and
// the rows it locked wait for it: runs nobody else can claim, and other
// nodes' writes and heartbeats that need one of those rows.
int postgres_idle_in_transaction_ms(std::chrono::milliseconds stall_limit) {
  const int fallback =
      stall_limit.count() > 0 ? static_cast<int>(std::min<long long>(stall_limit.count(), 3600000)) : 30000;
  return env_ms("LINKHUB_PG_IDLE_IN_TRANSACTION_TIMEOUT_MS", fallback);
}

double unit_random() {
  thread_local std::mt19937 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

}  // namespace

std::chrono::milliseconds Backoff::delay(int failures, double unit) const {
  auto d = first;
  for (int i = 1; i < failures && d < cap; ++i) {
    d *= 2;
  }
  d = std::min(d, cap);
  const auto half = d / 2;
  return half + std::chrono::milliseconds(
                    static_cast<long long>(static_cast<double>((d - half).count()) * std::clamp(unit, 0.0, 1.0)));
}

Result<DatabaseUrl> parse_database_url(const std::string& url) {
  if (url.empty()) {
    return Error{"no database given: set `database:` in linkhub.yaml, LINKHUB_DATABASE, or --db"};
  }
  try {
    return sdk::parse_database_url(url);
  } catch (const std::invalid_argument& e) {
    return Error{e.what()};
  }
}

Database::Database(DatabaseUrl url, size_t size) : url_(std::move(url)), slots_(size) {
  const size_t first = url_.dialect == Dialect::Sqlite ? 1 : 0;  // SQLite's session 0 writes
  for (size_t i = size; i > first; --i) {
    free_.push_back(i - 1);
  }
}

Database::~Database() {
  stop_checkpoints();
}

void Database::stop_checkpoints() {
  {
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_stop_ = true;
  }
  checkpoint_cv_.notify_all();
  if (checkpointer_.joinable()) {
    checkpointer_.join();
  }
}

StatementCache& Database::statements(soci::session& sql) {
  std::lock_guard lock(mutex_);
  auto& cache = statements_[&sql];
  if (!cache) {
    cache = std::make_unique<StatementCache>();
  }
  return *cache;
}

Result<std::unique_ptr<Database>> Database::open(const std::string& url, size_t pool_size,
                                                 std::chrono::milliseconds stall_limit) {
  auto parsed = parse_database_url(url);
  if (!parsed) {
    return parsed.error();
  }
  const bool sqlite = parsed->dialect == Dialect::Sqlite;
  if (!sqlite) {
    // Defaults the URL's own parameters override (libpq keeps a keyword's
    // last value): a connection attempt to a server that does not answer
    // gives up, and a connection to a server that vanished without closing
    // it (a failover, a cut network) is found dead, within seconds; a
    // session stalled inside a transaction is ended by the server.
    parsed->connect =
        "connect_timeout='5' keepalives='1' keepalives_idle='10' keepalives_interval='5' "
        "keepalives_count='3' options='-c idle_in_transaction_session_timeout=" +
        std::to_string(postgres_idle_in_transaction_ms(stall_limit)) + "' " + parsed->connect;
  }
  if (sqlite) {
    // SQLite counts its memory under one mutex of its own, taken at every
    // allocation of every connection: under the ?wait load, a tenth of the
    // server's futex calls. Nothing here reads those counts. Only possible
    // before SQLite is first used in the process (else it says so, and counts).
    static std::once_flag no_memory_counts;
    std::call_once(no_memory_counts, [] { sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
    const std::filesystem::path file = parsed->display;
    std::error_code ec;
    if (file.has_parent_path()) {
      std::filesystem::create_directories(file.parent_path(), ec);
    }
  }
  std::unique_ptr<Database> db(new Database(std::move(*parsed), std::max<size_t>(1, pool_size)));
  db->busy_timeout_ms_ = sqlite_busy_timeout_ms();
  try {
    for (auto& slot : db->slots_) {
      slot.session = std::make_unique<soci::session>();
      db->open_session(*slot.session);
    }
  } catch (const std::exception& e) {
    std::string why = e.what();
    if (corrupt_sqlite(why)) {
      return Error{"database " + db->display() +
                   " is not a linkhub SQLite database or is corrupt (SQLite says: file is not a database). Move it "
                   "away or point --db at another file."};
    }
    // libpq's messages can echo the connection string: never show a password.
    // A server that does not answer may yet (it starts, restarts, fails over);
    // a SQLite file that cannot be opened is a setting to fix.
    return Error{"cannot open database " + db->display() + ": " + sdk::mask_database_password(why),
                 sqlite ? "" : error_codes::unavailable};
  }
  return db;
}

void Database::open_session(soci::session& s) {
  if (url_.dialect == Dialect::Sqlite) {
    s.open(*soci::factory_sqlite3(), url_.connect);
    sqlite_api::sqlite3_wal_hook(static_cast<soci::sqlite3_session_backend*>(s.get_backend())->conn_,
                                 &Database::wal_committed, this);
    // WAL: readers never block the writer. synchronous=NORMAL: a commit
    // survives a killed process (the WAL is written before COMMIT returns);
    // only a power cut can lose the last commits, as with any WAL database.
    std::string mode;
    s << "PRAGMA journal_mode=WAL", soci::into(mode);
    s << "PRAGMA synchronous=NORMAL";
    s << "PRAGMA busy_timeout=" + std::to_string(busy_timeout_ms_);
    s << "PRAGMA foreign_keys=ON";
  } else {
    s.open(*soci::factory_postgresql(), url_.connect);
    s << "SET client_min_messages TO WARNING";
  }
}

int Database::wal_committed(void* self, sqlite_api::sqlite3* conn, const char* name, int pages) {
  auto& db = *static_cast<Database*>(self);
  db.commits_.fetch_add(1, std::memory_order_relaxed);
  if (db.commit_signal_pending_.exchange(false)) {
    std::lock_guard lock(db.commit_signal_mutex_);
    if (db.commit_signal_) {
      db.commit_signal_();
    }
  }
  // SQLite's own hook (which this one replaced) checkpoints once the WAL
  // holds 1,000 pages (wal_autocheckpoint's default), on the committing
  // thread, the writer held meanwhile: every commit queued behind it waited
  // for its copy and its two syncs (the p99 of triggers at 1,000/s: ~17 ms,
  // ~5 ms without checkpoints). Here checkpoint_loop does it; a WAL that
  // grows past 10,000 pages all the same is checkpointed here, as before.
  if (pages >= 10000) {
    sqlite_api::sqlite3_wal_checkpoint_v2(conn, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= 1000) {
    std::lock_guard lock(db.checkpoint_mutex_);
    if (!db.checkpoint_stop_) {
      db.checkpoint_wanted_ = true;
      if (!db.checkpointer_.joinable()) {
        db.checkpointer_ = std::thread([&db] { db.checkpoint_loop(); });
      }
      db.checkpoint_cv_.notify_one();
    }
  }
  return SQLITE_OK;
}

// On a connection of its own: passes that copy the WAL into the database
// file and sync it while commits go on (each copying what was committed
// during the one before, until that is little), then one with the writer
// held, no commit of this process in between, which copies the rest: the
// WAL is then wholly copied, and the next commit starts it again from its
// beginning. The writer waits for that last pass only (~2 ms here, against
// ~12 ms for the whole). (Passes without the writer only were tried: under a
// steady stream of commits the WAL was never wholly copied, so never reused,
// and grew.)
void Database::checkpoint_loop() {
  sqlite_api::sqlite3* conn = nullptr;
  if (sqlite_api::sqlite3_open_v2(url_.file.c_str(), &conn, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite_api::sqlite3_close(conn);
    conn = nullptr;
  } else {
    sqlite_api::sqlite3_busy_timeout(conn, busy_timeout_ms_);
  }
  for (;;) {
    {
      std::unique_lock lock(checkpoint_mutex_);
      checkpoint_cv_.wait(lock, [&] { return checkpoint_wanted_ || checkpoint_stop_; });
      if (checkpoint_stop_) {
        break;
      }
      checkpoint_wanted_ = false;
    }
    if (conn == nullptr) {
      continue;  // commits past 10,000 pages checkpoint themselves (wal_committed)
    }
    // A connection knows its database is in WAL mode once it has read it
    // (until then a checkpoint does nothing and says -1): read at each round,
    // so a read that failed once (the file busy) is tried again.
    sqlite_api::sqlite3_exec(conn, "SELECT COUNT(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    int log = 0;
    int copied = 0;
    for (int pass = 0; pass < 4; ++pass) {
      const int before = copied;
      sqlite_api::sqlite3_wal_checkpoint_v2(conn, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
      if (copied - before <= 64) {
        break;
      }
    }
    try {
      Lease writer(*this, Use::write);
      sqlite_api::sqlite3_wal_checkpoint_v2(conn, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
      checkpoints_.fetch_add(1, std::memory_order_relaxed);
    } catch (const std::exception&) {
      // The writer's session could not be had (being reconnected): the next commit asks again.
    }
    std::lock_guard lock(checkpoint_mutex_);
    checkpoint_wanted_ = false;  // asked for by commits made meanwhile: done
  }
  sqlite_api::sqlite3_close(conn);
}

void Database::on_signalled_commit(std::function<void()> fn) {
  std::lock_guard lock(commit_signal_mutex_);
  commit_signal_ = std::move(fn);
}

void Database::throw_unavailable(const std::exception& e) const {
  if (dynamic_cast<const DatabaseUnavailable*>(&e) != nullptr) {
    throw DatabaseUnavailable(e.what());
  }
  throw DatabaseUnavailable("database " + display() +
                            " is unavailable: " + sdk::mask_database_password(loggable_error_message(e)));
}

void Database::connect(Slot& slot) {
  std::lock_guard attempt(connect_mutex_);
  {
    std::lock_guard lock(mutex_);
    if (failures_ > 0 && Clock::now() < next_try_) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_try_ - Clock::now());
      throw DatabaseUnavailable("database " + display() + " is unreachable; the next connection attempt is in " +
                                std::to_string(wait.count()) + " ms");
    }
  }
  try {
    auto fresh = std::make_unique<soci::session>();
    open_session(*fresh);
    {
      std::lock_guard lock(mutex_);
      statements_.erase(slot.session.get());  // prepared on the session being replaced
    }
    slot.session = std::move(fresh);
    slot.broken = false;
    std::lock_guard lock(mutex_);
    failures_ = 0;
  } catch (const std::exception& e) {
    {
      std::lock_guard lock(mutex_);
      ++failures_;
      next_try_ = Clock::now() + backoff_.delay(failures_, unit_random());
    }
    throw DatabaseUnavailable("cannot reach database " + display() + ": " +
                              sdk::mask_database_password(loggable_error_message(e)));
  }
}

bool Database::unreachable() const {
  std::lock_guard lock(mutex_);
  return failures_ > 0;
}

std::chrono::milliseconds Database::retry_in() const {
  std::lock_guard lock(mutex_);
  if (failures_ == 0) {
    return std::chrono::milliseconds(0);
  }
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(next_try_ - Clock::now()));
}

void Database::drop_connections() {
  std::lock_guard lock(mutex_);
  for (size_t i : free_) {
    slots_[i].broken = true;
  }
  if (url_.dialect == Dialect::Sqlite && !writer_busy_) {
    slots_[0].broken = true;
  }
}

Result<int> Database::migrate(const sdk::MigrationTrack& track, const VersionTable& table) {
  bool outage = false;  // the runner rewraps what the database threw: remember what it was
  const auto hooks = sdk::soci_migration_database(
      [&](const std::function<void(soci::session&)>& body) {
        try {
          write([&](soci::session& sql) {
            if (postgres()) {
              sdk::lock_postgres_migrations(sql, table.postgres_lock);
            }
            body(sql);
          });
        } catch (const std::exception& e) {
          outage = database_unavailable(e);
          throw;
        }
      },
      {table.name});
  try {
    return sdk::run_migrations(track, hooks);
  } catch (const std::exception& e) {
    return Error{"database " + display() + ": " + e.what(), outage ? error_codes::unavailable : ""};
  }
}

// ---------------------------------------------------------------- leases

Database::Lease::Lease(Database& db, Use use) : db_(db) {
  {
    std::unique_lock lock(db_.mutex_);
    // SQLite with one session: it reads as well.
    writer_ = db_.url_.dialect == Dialect::Sqlite && (use == Use::write || db_.slots_.size() == 1);
    if (writer_) {
      db_.writer_free_cv_.wait(lock, [&] { return !db_.writer_busy_; });
      db_.writer_busy_ = true;
      index_ = 0;
    } else {
      db_.reader_free_cv_.wait(lock, [&] { return !db_.free_.empty(); });
      index_ = db_.free_.back();
      db_.free_.pop_back();
    }
  }
  Slot& slot = db_.slots_[index_];
  if (slot.broken || !slot.session) {
    try {
      db_.connect(slot);
    } catch (...) {
      give_back();
      throw;
    }
  }
}

Database::Lease::~Lease() {
  give_back();
}

void Database::Lease::give_back() {
  std::lock_guard lock(db_.mutex_);
  if (writer_) {
    db_.writer_busy_ = false;
    db_.writer_free_cv_.notify_one();
  } else {
    db_.free_.push_back(index_);
    db_.reader_free_cv_.notify_one();
  }
}

bool Database::Lease::connection_lost(const std::exception& e) {
  Slot& slot = db_.slots_[index_];
  if (db_.postgres()) {
    // After a failure, the connection's own state is the truth: a server
    // that was killed says nothing, so no SQLSTATE tells it.
    // The backend of a PostgreSQL session (static: libsoci_postgresql exports no typeinfo for it).
    auto* backend = static_cast<soci::postgresql_session_backend*>(slot.session->get_backend());
    if (backend == nullptr || backend->conn_ == nullptr || PQstatus(backend->conn_) != CONNECTION_OK) {
      slot.broken = true;
    }
  }
  if (database_unavailable(e) && db_.postgres()) {
    slot.broken = true;  // a connection-class error: start afresh rather than trust the session
  }
  return slot.broken;
}

namespace {

// SQLite's BEGIN and COMMIT, prepared once per session like the writes
// between them: parsing them again was two prepares for every commit.
template <const char* Text>
struct Keyword final : CachedStatement {
  soci::statement st;
  explicit Keyword(soci::session& sql) : st(sql.prepare << Text) {}
};
constexpr char kBeginImmediate[] = "BEGIN IMMEDIATE";
constexpr char kCommit[] = "COMMIT";

}  // namespace

void Database::Lease::begin() {
  auto send = [&] {
    if (db_.url_.dialect == Dialect::Sqlite) {
      db_.statements(sql()).get<Keyword<kBeginImmediate>>(sql()).st.execute(true);
    } else {
      sql() << "BEGIN";
    }
  };
  try {
    send();
  } catch (const std::exception& e) {
    if (!connection_lost(e)) {
      throw;
    }
    db_.connect(db_.slots_[index_]);  // idle through a restart: nothing was sent yet, so try again once
    send();
  }
  in_tx_ = true;
}

void Database::Lease::commit() {
  if (db_.url_.dialect == Dialect::Sqlite) {
    db_.statements(sql()).get<Keyword<kCommit>>(sql()).st.execute(true);
  } else {
    sql() << "COMMIT";
  }
  in_tx_ = false;
}

void Database::Lease::fail(const std::exception& e) {
  const bool lost = connection_lost(e);
  if (in_tx_ && !lost) {
    try {
      sql() << "ROLLBACK";
    } catch (const std::exception&) {
      db_.slots_[index_].broken = true;  // a session in an unknown state is not reused
    }
  }
  in_tx_ = false;
  if (lost || database_unavailable(e)) {
    db_.throw_unavailable(e);
  }
  throw;
}

bool Database::Lease::retry_read(const std::exception& e, int attempt) {
  const bool lost = connection_lost(e);
  if (lost && attempt == 0) {
    return true;  // the next Lease reconnects this slot or another
  }
  if (lost || database_unavailable(e)) {
    db_.throw_unavailable(e);
  }
  return false;
}

}  // namespace linkhub::store
