#pragma once
// How engine records look in API answers. One place, so the list, the detail,
// ?wait, the SSE stream and the OpenAPI document agree.

#include "auth/auth_store.hpp"

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/run_store.hpp>
#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/workflow.hpp>

#include <vector>

namespace linkhub::http {

// A run without its steps (lists).
Json run_summary_json(const RunRecord& run);
// A run with its steps; foreach items are nested under their step.
Json run_detail_json(const RunRecord& run, const std::vector<StepRecord>& steps, size_t dead_letters);
Json event_json(const EventRecord& event);
Json dead_letter_json(const DeadLetter& letter);
// A step as `linkhub plugins describe` and GET /api/v1/plugins show it.
Json step_json(const LoadedStep& step);
Json plugin_json(const LoadedPlugin& plugin);
// The JSON Schema of a workflow's `inputs:` (what POST .../runs takes as "inputs").
Json input_schema_json(const Workflow& workflow);
// The DAG: nodes (steps with their plugin step) and edges (needs).
Json dag_json(const Workflow& workflow, const StepCatalog& catalog);

// API keys and users as `keys list` / `users list` and their routes show them: never a hash.
Json key_json(const ApiKeyRecord& key);
Json user_json(const UserRecord& user);

bool is_final(RunStatus status);
// A run's durable waits (core.wait_for, core.sleep): step, key, deadline, state.
Json waits_json(const std::vector<WaitRecord>& waits);

}  // namespace linkhub::http
