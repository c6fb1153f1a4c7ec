#pragma once
// PostgreSQL statements sent together (libpq's pipeline mode): a batch of a
// run's writes costs one round trip to the server instead of one per
// statement. On this 2-core machine the round trips, each a hand-off between
// the node's thread and a server backend, were most of PostgreSQL's cost.
//
// Everything up to the Sync that ends a pipeline is one transaction of the
// extended protocol: committed at the Sync, or rolled back there when a
// statement fails (the server skips the statements after it). No BEGIN or
// COMMIT: the batch is one round trip (Database::write_pipelined).

#include <linkhub/engine/database.hpp>

#include <soci/soci.h>

#include <string>
#include <string_view>
#include <vector>

namespace linkhub::sql_detail {

// A statement prepared once per connection under `name`; `text` has SOCI's
// :name placeholders (the same text SOCI prepares elsewhere).
struct PgStatement {
  const char* name;
  const char* text;
};

// A PostgreSQL array literal, for a parameter cast to an array type: text
// values quoted ({"a","b \"c\""}), numbers as they are. A batch's rows of
// one table go as one statement over unnest() of such arrays.
class PgArray {
 public:
  void add(std::string_view text);
  void add(long long number);
  std::string literal() const { return out_.empty() ? "{}" : out_ + "}"; }

 private:
  void separate() { out_ += out_.empty() ? '{' : ','; }
  std::string out_;
};

class PgPipeline {
 public:
  // `cache`: the session's (Database::statements), which remembers what
  // this connection has prepared.
  PgPipeline(soci::session& sql, store::StatementCache& cache);

  // Sends a Sync before the statements: the server answers it before it
  // reads them, and `reached` is set then. A connection found dead before
  // that carried nothing that could be committed.
  void sync_first(bool& reached) { reached_ = &reached; }

  // Queues `statement` with its parameters as text, in placeholder order.
  void add(const PgStatement& statement, std::vector<std::string> params);
  size_t size() const { return queued_.size(); }

  // Sends every queued statement and reads every result. Returns the index
  // of the statement that failed with SQLSTATE `expected` (the statements
  // after it did not run), or -1 when all ran. Any other failure is thrown
  // as soci::postgresql_soci_error with its SQLSTATE, as SOCI reports it.
  long run(const char* expected = nullptr);

 private:
  struct Queued {
    const PgStatement* statement;
    std::vector<std::string> params;
  };
  soci::session& sql_;
  store::StatementCache& cache_;
  std::vector<Queued> queued_;
  bool* reached_ = nullptr;  // sync_first
};

}  // namespace linkhub::sql_detail
