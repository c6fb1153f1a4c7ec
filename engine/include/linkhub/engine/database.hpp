#pragma once
// A pool of SOCI sessions on SQLite or PostgreSQL, and transactions that work
// the same on both: the SQL store's, and the one handle the server gets for
// the tables it keeps beside the runs (SqlStore::database(): the auth store).
// Each owner migrates its tables on its own track (migrate below).
//
// Losing the database is an expected outcome (a restart, a failover, a
// network blip, a SQLite file locked by another program): a failure that
// says so is thrown as DatabaseUnavailable (store_error.hpp), the session it
// broke is replaced before it is used again, and new connections are tried
// with a bounded, jittered backoff shared by the whole pool, so an outage
// answers at once instead of every caller dialling a dead server. Other SQL
// errors (a constraint, a bad statement) pass through unchanged: retrying
// them would fail again.

#include <linkhub/database_url.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/engine/store_error.hpp>
#include <linkhub/migrations.hpp>

#include <soci/soci.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <typeindex>
#include <unordered_map>
#include <vector>

namespace sqlite_api {  // SOCI's sqlite3 backend includes sqlite3.h in this namespace
struct sqlite3;
}

namespace linkhub::store {

using Dialect = sdk::SqlDialect;
using DatabaseUrl = sdk::DatabaseUrl;
// sdk::parse_database_url, with its complaint as an Error.
Result<DatabaseUrl> parse_database_url(const std::string& url);

// When to try connecting again after `failures` attempts in a row failed:
// doubling from `first` up to `cap`, each delay drawn in [delay/2, delay]
// so nodes that lost the same server do not come back in lockstep.
struct Backoff {
  std::chrono::milliseconds first{100};
  std::chrono::milliseconds cap{5000};
  std::chrono::milliseconds delay(int failures, double unit_random) const;
};

// A statement prepared once on a session and kept with it, with the
// variables it is bound to: a derived type holds both (its constructor
// prepares it), and each use sets the variables and executes it. SQLite
// would otherwise parse the statement again on every use.
struct CachedStatement {
  virtual ~CachedStatement() = default;
};

// The statements one session keeps prepared, one per type.
class StatementCache {
 public:
  template <class T>
  T& get(soci::session& sql) {
    auto& slot = items_[std::type_index(typeid(T))];
    if (!slot) {
      slot = std::make_unique<T>(sql);
    }
    return static_cast<T&>(*slot);
  }

 private:
  std::unordered_map<std::type_index, std::unique_ptr<CachedStatement>> items_;
};

class Database {
 public:
  // Opens `pool_size` sessions. SQLite has one writer: its first session
  // makes every write(), the others (when pool_size > 1) serve read() in
  // parallel with it (WAL: readers see what was committed and never block
  // the writer).
  // `stall_limit` (PostgreSQL; 0: 30 s): a session of this pool that sits
  // inside a transaction longer than that (its process stalled) is ended by
  // the server, and the rows it locked are free again.
  static Result<std::unique_ptr<Database>> open(const std::string& url, size_t pool_size,
                                                std::chrono::milliseconds stall_limit = {});
  ~Database();

  Dialect dialect() const { return url_.dialect; }
  bool postgres() const { return url_.dialect == Dialect::Postgres; }
  const std::string& display() const { return url_.display; }
  const std::string& connect_string() const { return url_.connect; }
  const std::string& sqlite_file() const { return url_.file; }

  // Runs fn(session&) in one transaction: BEGIN IMMEDIATE on SQLite (so two
  // processes never deadlock upgrading a read lock), BEGIN on PostgreSQL.
  // Commits when fn returns, rolls back when it throws. A session whose
  // connection turns out dead at BEGIN (the server restarted while it was
  // idle) is reopened and BEGIN tried once more: nothing was sent yet. A
  // failure after BEGIN is never retried here (fn may have changed things in
  // memory, and a lost COMMIT may have committed): it is thrown, as
  // DatabaseUnavailable when the database is unreachable.
  template <class F>
  auto write(F&& fn) {
    Lease lease(*this, Use::write);
    try {
      lease.begin();
      if constexpr (std::is_void_v<decltype(fn(lease.sql()))>) {
        fn(lease.sql());
        lease.commit();
      } else {
        auto result = fn(lease.sql());
        lease.commit();
        return result;
      }
    } catch (const std::exception& e) {
      lease.fail(e);  // rolls back, rethrows
    }
  }

  // For fn(session&, bool& reached) that makes its whole transaction itself
  // in one round trip: PostgreSQL's statements pipelined up to a Sync, which
  // commits them, or rolls them back when one fails (pg_pipeline.hpp); no
  // BEGIN or COMMIT is sent here. fn sets `reached` once the server answered
  // on this connection, before it takes any of the statements: a connection
  // found dead before that carried nothing that could be committed, so fn is
  // run once more on a reopened session, as a read is. A failure after it is
  // thrown, as write()'s lost COMMIT is.
  template <class F>
  auto write_pipelined(F&& fn) {
    for (int attempt = 0;; ++attempt) {
      Lease lease(*this, Use::write);
      bool reached = false;
      try {
        return fn(lease.sql(), reached);
      } catch (const std::exception& e) {
        if (!reached && lease.retry_read(e, attempt)) {
          continue;
        }
        lease.fail(e);
      }
    }
  }

  // Runs fn(session&), one statement, outside an explicit transaction: on
  // PostgreSQL the server commits it by itself, so no stall of this process
  // between round trips can keep the rows it locked. A session found dead
  // (idle through a server restart) is reopened and fn run once more, as a
  // read is: only for a statement whose effect, should the first try have
  // committed with its answer lost, is harmless to lose (a claim: the runs
  // it took lapse with their lease and are claimed again).
  template <class F>
  auto write_autocommit(F&& fn) {
    return read_with(Use::write, std::forward<F>(fn));
  }

  // SQLite: once the transaction being written commits, `fn` (set by
  // on_signalled_commit) is called on the committing thread, after the
  // write lock is released (sqlite3_wal_hook). A transaction that rolls back
  // leaves the signal to the next commit. PostgreSQL has NOTIFY instead.
  void signal_after_commit() { commit_signal_pending_ = true; }
  void on_signalled_commit(std::function<void()> fn);

  // Where a migration track records its versions in this database.
  struct VersionTable {
    std::string name;         // (version INTEGER PRIMARY KEY, description TEXT, applied_ms BIGINT)
    long long postgres_lock;  // the pg_advisory_xact_lock key that serialises the track's migrations
  };
  // Applies the track's missing migrations (sdk::run_migrations), each in a
  // write() transaction holding the track's lock. The version reached, or an
  // Error naming this database and the migration that failed.
  Result<int> migrate(const sdk::MigrationTrack& track, const VersionTable& table);

  // Runs fn(session&) outside an explicit transaction (single statements,
  // reads). A read that finds its connection dead is run once more on a
  // reopened session.
  template <class F>
  auto read(F&& fn) {
    return read_with(Use::read, std::forward<F>(fn));
  }

 private:
  enum class Use { write, read };

  template <class F>
  auto read_with(Use use, F&& fn) {
    for (int attempt = 0;; ++attempt) {
      Lease lease(*this, use);
      try {
        return fn(lease.sql());
      } catch (const std::exception& e) {
        if (!lease.retry_read(e, attempt)) {
          throw;
        }
      }
    }
  }

 public:
  // The statements `sql` (a session of this pool, leased to the caller) keeps
  // prepared; they go with the session when it is replaced.
  StatementCache& statements(soci::session& sql);

  // True when the last connection attempt failed and none has succeeded
  // since; how long until the pool tries again.
  bool unreachable() const;
  std::chrono::milliseconds retry_in() const;

  // SQLite: the transactions committed through this pool so far (its WAL
  // hook counts them); 0 on PostgreSQL.
  uint64_t commits() const { return commits_.load(std::memory_order_relaxed); }
  // SQLite: the checkpoints made off the committing thread so far, each
  // leaving the WAL wholly copied (when no other process wrote meanwhile).
  uint64_t checkpoints() const { return checkpoints_.load(std::memory_order_relaxed); }

  // Marks every idle session for replacement, as a lost connection does (tests).
  void drop_connections();

 private:
  struct Slot {
    std::unique_ptr<soci::session> session;
    bool broken = false;
  };

  // One session taken from the pool for one write() or read().
  class Lease {
   public:
    Lease(Database& db, Use use);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    soci::session& sql() { return *db_.slots_[index_].session; }
    void begin();
    void commit();
    // In a catch block: rolls back, marks the session broken when its
    // connection is gone, and rethrows (DatabaseUnavailable for an outage).
    [[noreturn]] void fail(const std::exception& e);
    // In a catch block: whether a read should run once more (its connection
    // was dead and has been replaced); otherwise marks and maps like fail().
    bool retry_read(const std::exception& e, int attempt);

   private:
    bool connection_lost(const std::exception& e);
    void give_back();
    Database& db_;
    size_t index_;
    bool writer_ = false;  // SQLite's writing session
    bool in_tx_ = false;
  };

  Database(DatabaseUrl url, size_t size);
  // Opens slot i's session (again), under the backoff; throws DatabaseUnavailable.
  void connect(Slot& slot);
  void open_session(soci::session& s);
  static int wal_committed(void* self, sqlite_api::sqlite3* conn, const char* name, int pages);
  [[noreturn]] void throw_unavailable(const std::exception& e) const;
  // SQLite: copies the WAL into the database file off the committing thread.
  void checkpoint_loop();
  void stop_checkpoints();

  DatabaseUrl url_;
  int busy_timeout_ms_ = 30000;
  Backoff backoff_;

  mutable std::mutex mutex_;
  std::condition_variable writer_free_cv_;  // SQLite: session 0 given back
  std::condition_variable reader_free_cv_;  // a reading session given back
  std::vector<Slot> slots_;
  // Per session; declared after slots_ so its statements go before their sessions.
  std::unordered_map<const soci::session*, std::unique_ptr<StatementCache>> statements_;
  std::vector<size_t> free_;  // SQLite: its reading sessions only
  bool writer_busy_ = false;  // SQLite: session 0 is leased
  // Connection attempts: failures in a row, and no attempt before next_try_.
  int failures_ = 0;
  std::chrono::steady_clock::time_point next_try_{};
  std::mutex connect_mutex_;  // one connection attempt at a time
  std::atomic<bool> commit_signal_pending_{false};
  std::atomic<uint64_t> commits_{0};
  std::atomic<uint64_t> checkpoints_{0};
  std::mutex commit_signal_mutex_;
  std::function<void()> commit_signal_;
  // SQLite's checkpoints (checkpoint_loop): asked for by a commit that left
  // the WAL long, made on a thread and a connection of their own.
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_wanted_ = false;
  bool checkpoint_stop_ = false;
  std::thread checkpointer_;
};

}  // namespace linkhub::store
