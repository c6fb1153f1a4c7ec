#pragma once
// Starting a run of a registered workflow for a request: the trigger route,
// webhook triggers and inbound WhatsApp messages all start runs this one way
// (inputs checked against the workflow's declarations, the version the
// catalog points at, the idempotency key, the trigger metric).

#include "http/api_error.hpp"
#include "http/services.hpp"

#include <string>

namespace linkhub::http {

struct StartedRun {
  RunRecord run;
  bool replay = false;  // the idempotency key had a run already: this is it
};

// 422 invalid_inputs (details: the workflow and its input schema) when the
// inputs break the workflow's declarations; nothing is stored then.
ApiResult<StartedRun> start_run(Services& services, const CatalogEntry& entry, const Json& inputs,
                                const std::string& idempotency_key);

}  // namespace linkhub::http
