#pragma once
// Exactly-once effects for retried and resumed steps. A step's idempotency
// key is claimed in the same transaction as its write and stored with the
// step's result, so a repeat with the same key gets that result back and
// changes nothing, even when two attempts race (PostgreSQL makes the second
// wait for the first and then see its key).

#include <linkhub/plugin.hpp>

#include <soci/soci.h>

#include <optional>
#include <string>

namespace linkhub::catalog {

class AppliedKey {
 public:
  // An empty key (a caller without one, such as a plain HTTP request) makes every call apply.
  AppliedKey(soci::session& sql, std::string key, std::string step, const sdk::Json& input);

  // The result recorded for this key, or nullopt once the key is claimed for
  // this call. Throws a permanent sdk::StepError when the key was used by
  // another step or with another input: a retry must repeat its request.
  std::optional<sdk::Json> claim();
  // Stores the result of the call that claimed the key.
  void record(const sdk::Json& result);

 private:
  soci::session& sql_;
  std::string key_;
  std::string step_;
  std::string fingerprint_;
};

}  // namespace linkhub::catalog
