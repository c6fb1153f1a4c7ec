#pragma once
// Following a run until it finishes, for ?wait: woken by this node's events
// (RunWatch), re-reading the store every `poll` for runs other nodes execute.

#include "http/services.hpp"

#include <linkhub/engine/run_store.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace linkhub::http {

// The run as it is when it finished, or at the deadline, or at shutdown;
// nullopt when it does not exist.
std::optional<RunRecord> wait_for_run(Services& services, const std::string& run_id, std::chrono::milliseconds timeout);

// The run with its steps and its number of dead letters, as GET /runs/{id} answers.
Json run_document(Services& services, const RunRecord& run);

}  // namespace linkhub::http
