#include "pg_pipeline.hpp"

#include <linkhub/engine/database.hpp>

#include <soci/postgresql/soci-postgresql.h>

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>

namespace linkhub::sql_detail {
namespace {

// The statements this connection has prepared (by name): dropped with the
// session, as the server forgets them with the connection.
struct PgPrepared final : store::CachedStatement {
  explicit PgPrepared(soci::session&) {}
  std::vector<const char*> names;
  bool has(const char* name) const { return std::find(names.begin(), names.end(), name) != names.end(); }
};

// SOCI's ":name" placeholders as libpq's "$1", "$2"... in order of appearance.
std::string numbered_placeholders(const char* text) {
  std::string out;
  int n = 0;
  for (const char* p = text; *p != '\0'; ++p) {
    const bool placeholder = *p == ':' && (p == text || p[-1] != ':') && p[1] != ':' &&
                             (std::isalpha(static_cast<unsigned char>(p[1])) != 0 || p[1] == '_');
    if (!placeholder) {
      out += *p;
      continue;
    }
    out += '$' + std::to_string(++n);
    while (std::isalnum(static_cast<unsigned char>(p[1])) != 0 || p[1] == '_') {
      ++p;
    }
  }
  return out;
}

PGconn* connection_of(soci::session& sql) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
  return backend == nullptr ? nullptr : backend->conn_;
}

// A failure libpq saw itself (the connection): no SQLSTATE, as SOCI reports it.
[[noreturn]] void throw_connection_error(PGconn* conn, const char* what) {
  std::string message = conn == nullptr ? "no connection" : PQerrorMessage(conn);
  throw soci::postgresql_soci_error(std::string(what) + ": " + message, "     ");
}

}  // namespace

void PgArray::add(std::string_view text) {
  separate();
  out_ += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out_ += '\\';
    }
    out_ += c;
  }
  out_ += '"';
}

void PgArray::add(long long number) {
  separate();
  out_ += std::to_string(number);
}

PgPipeline::PgPipeline(soci::session& sql, store::StatementCache& cache) : sql_(sql), cache_(cache) {}

void PgPipeline::add(const PgStatement& statement, std::vector<std::string> params) {
  queued_.push_back(Queued{&statement, std::move(params)});
}

long PgPipeline::run(const char* expected) {
  if (queued_.empty()) {
    return -1;
  }
  PGconn* conn = connection_of(sql_);
  if (conn == nullptr || PQenterPipelineMode(conn) != 1) {
    throw_connection_error(conn, "entering pipeline mode");
  }
  auto& prepared = cache_.get<PgPrepared>(sql_);
  // What each result answers, in order.
  struct Answer {
    enum { first_sync, prepare, execute } kind;
    size_t index;  // into `preparing` or queued_
  };
  std::vector<Answer> answers;
  std::vector<const char*> preparing;
  if (reached_ != nullptr) {
    if (PQpipelineSync(conn) != 1) {
      throw_connection_error(conn, "sending a batch");
    }
    answers.push_back(Answer{Answer::first_sync, 0});
  }
  for (size_t i = 0; i < queued_.size(); ++i) {
    const Queued& q = queued_[i];
    const char* name = q.statement->name;
    if (!prepared.has(name) && std::find(preparing.begin(), preparing.end(), name) == preparing.end()) {
      const std::string text = numbered_placeholders(q.statement->text);
      if (PQsendPrepare(conn, name, text.c_str(), static_cast<int>(q.params.size()), nullptr) != 1) {
        throw_connection_error(conn, "sending a statement");
      }
      answers.push_back(Answer{Answer::prepare, preparing.size()});
      preparing.push_back(name);
    }
    std::vector<const char*> values;
    values.reserve(q.params.size());
    for (const std::string& p : q.params) {
      values.push_back(p.c_str());
    }
    if (PQsendQueryPrepared(conn, name, static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0) != 1) {
      throw_connection_error(conn, "sending a statement");
    }
    answers.push_back(Answer{Answer::execute, i});
  }
  if (PQpipelineSync(conn) != 1) {
    throw_connection_error(conn, "sending a batch");
  }

  // The first failure: every statement after it was skipped (PGRES_PIPELINE_ABORTED).
  bool failed = false;
  long failed_at = -1;
  std::string error, state;
  for (const Answer& answer : answers) {
    PGresult* result = PQgetResult(conn);
    if (result == nullptr) {
      throw_connection_error(conn, "reading a batch's results");
    }
    const ExecStatusType status = PQresultStatus(result);
    if (answer.kind == Answer::first_sync) {  // a Sync's answer: no end of results follows
      *reached_ = status == PGRES_PIPELINE_SYNC;
      PQclear(result);
      if (!*reached_) {
        throw_connection_error(conn, "starting a batch");
      }
      continue;
    }
    if (status == PGRES_FATAL_ERROR && !failed) {
      failed = true;
      const char* code = PQresultErrorField(result, PG_DIAG_SQLSTATE);
      state = code == nullptr ? "     " : code;
      if (answer.kind == Answer::execute && expected != nullptr && state == expected) {
        failed_at = static_cast<long>(answer.index);
      } else {
        error = PQresultErrorMessage(result);
        if (error.empty()) {
          error = "a statement of a batch failed";
        }
      }
    } else if (status == PGRES_COMMAND_OK && answer.kind == Answer::prepare) {
      prepared.names.push_back(preparing[answer.index]);
    }
    PQclear(result);
    while ((result = PQgetResult(conn)) != nullptr) {  // the end of this statement's results
      PQclear(result);
    }
  }
  PGresult* sync = PQgetResult(conn);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced || PQexitPipelineMode(conn) != 1) {
    throw_connection_error(conn, "ending a batch");
  }
  if (!error.empty()) {
    throw soci::postgresql_soci_error(error, state.c_str());
  }
  return failed_at;
}

}  // namespace linkhub::sql_detail
