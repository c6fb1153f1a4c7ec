#pragma once
// `linkhub run FILE --inputs-file links.jsonl`: one run per line, executed
// here in parallel, with a progress bar and a summary of the failures.

#include "cli_common.hpp"

#include <linkhub/engine/workflow.hpp>

namespace linkhub::cli {

// True when `file` holds one JSON object of inputs per line (.jsonl, .ndjson).
bool is_batch_file(const std::string& file);

int run_batch(const GlobalOptions& global, const RunOptions& options, Environment& env, SqlStore& store,
              const Workflow& workflow);

}  // namespace linkhub::cli
