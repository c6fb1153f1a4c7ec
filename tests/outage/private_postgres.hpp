#pragma once
// A PostgreSQL cluster of a test's own (scripts/pg.sh with its own port and
// folder), which the test may restart and stop: never the shared server
// LINKHUB_TEST_PG names, which other tests use at the same time.

#include <string>

namespace linkhub::test {

class PrivatePostgres {
 public:
  // Why the cluster cannot be made here (no server binaries), or "".
  static std::string unavailable_reason();

  PrivatePostgres();   // starts it; url() is empty when that failed (see error())
  ~PrivatePostgres();  // stops it and removes its folder
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  const std::string& url() const { return url_; }
  const std::string& error() const { return error_; }
  // pg_ctl restart -m immediate: every connection dies at once, as in a crash.
  bool restart_immediate();
  bool stop_immediate();
  bool start();

 private:
  bool pg_ctl(const std::string& args);
  std::string bin_, root_, url_, error_;
  int port_ = 0;
};

}  // namespace linkhub::test
