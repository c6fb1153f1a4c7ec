#include "idempotency.hpp"

#include "clock.hpp"
#include "fingerprint.hpp"
#include "sql_query.hpp"

namespace linkhub::catalog {

AppliedKey::AppliedKey(soci::session& sql, std::string key, std::string step, const sdk::Json& input)
    : sql_(sql), key_(std::move(key)), step_(std::move(step)), fingerprint_(json_fingerprint(input)) {}

std::optional<sdk::Json> AppliedKey::claim() {
  if (key_.empty()) {
    return std::nullopt;
  }
  SqlQuery insert;
  insert << "INSERT INTO catalog_applied_keys (idempotency_key, step, fingerprint, result, applied_ms) VALUES (";
  insert.bind(key_) << ", ";
  insert.bind(step_) << ", ";
  insert.bind(fingerprint_) << ", '', ";
  insert.bind(static_cast<long long>(now_ms())) << ") ON CONFLICT (idempotency_key) DO NOTHING";
  if (insert.execute(sql_) == 1) {
    return std::nullopt;
  }
  SqlQuery select;
  select << "SELECT step, fingerprint, result FROM catalog_applied_keys WHERE idempotency_key = ";
  select.bind(key_);
  std::string step, fingerprint, result;
  soci::statement st = select.prepare(sql_, [&](soci::statement& s) {
    s.exchange(soci::into(step));
    s.exchange(soci::into(fingerprint));
    s.exchange(soci::into(result));
  });
  if (!st.execute(true) || result.empty()) {
    // Not expected: a claim and its result are committed together.
    throw sdk::StepError(step_ + ": idempotency key '" + key_ + "' is claimed but has no recorded result", true);
  }
  if (step != step_) {
    throw sdk::StepError(
        sdk::errors::conflict,
        step_ + ": idempotency key '" + key_ + "' was already used by " + step + "; every step call needs its own key",
        false, {{"reason", "idempotency_key_reused"}, {"used_by", step}});
  }
  if (fingerprint != fingerprint_) {
    throw sdk::StepError(sdk::errors::conflict,
                         step_ + ": idempotency key '" + key_ +
                             "' was already used with a different input; a retry must send the same input, a new "
                             "request needs a new key",
                         false, {{"reason", "idempotency_key_reused"}});
  }
  return sdk::Json::parse(result);
}

void AppliedKey::record(const sdk::Json& result) {
  if (key_.empty()) {
    return;
  }
  SqlQuery update;
  update << "UPDATE catalog_applied_keys SET result = ";
  update.bind(result.dump()) << " WHERE idempotency_key = ";
  update.bind(key_);
  update.execute(sql_);
}

}  // namespace linkhub::catalog
