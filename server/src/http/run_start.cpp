#include "http/run_start.hpp"

#include "http/json_views.hpp"

#include <linkhub/engine/executor.hpp>

namespace linkhub::http {

ApiResult<StartedRun> start_run(Services& services, const CatalogEntry& entry, const Json& inputs,
                                const std::string& idempotency_key) {
  const Workflow& wf = *entry.workflow;
  auto prepared = Executor::prepare_inputs(wf, inputs);
  if (!prepared) {
    return unprocessable("invalid_inputs", prepared.error().message,
                         Json{{"workflow", wf.name}, {"input_schema", input_schema_json(wf)}});
  }
  // What enqueue_run does, minus registering the workflow again: its head
  // points at a stored version, and re-registering costs two write
  // transactions per trigger on the database every node shares.
  RunRecord record;
  record.id = new_run_id();
  record.workflow = wf.name;
  record.workflow_version = wf.version;
  record.workflow_hash = entry.hash;
  record.inputs = std::move(*prepared);
  record.idempotency_key = idempotency_key;
  const std::string fresh_id = record.id;
  StartedRun started{services.submit_run(std::move(record)), false};
  started.replay = started.run.id != fresh_id;
  if (!started.replay) {
    services.metrics.run_triggered(wf.name);
  }
  return started;
}

}  // namespace linkhub::http
