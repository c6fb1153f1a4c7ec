// Fills a run database with finished runs through the store, for the console's
// runs list (10,000 runs stay smooth: virtualised, paged by cursor) and its
// browser test (a few hundred, with known creation times for the time filter).
//
//   runs_fill DATABASE COUNT [WORKFLOW] [STEP_MS]
//
// DATABASE: a SQLite path or a postgresql:// URL (as `linkhub serve` takes it).
// Runs are created newest first going back STEP_MS (default 60000) each,
// from now; statuses cycle succeeded, succeeded, failed, cancelled. Prints one
// JSON line: {count, workflow, newest_ms, oldest_ms, seconds}.
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/sql_store.hpp>

#include <chrono>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  using namespace linkhub;
  if (argc < 3) {
    std::fprintf(stderr, "usage: runs_fill DATABASE COUNT [WORKFLOW] [STEP_MS]\n");
    return 2;
  }
  long long count = 0, step = 60000;
  try {
    count = std::stoll(argv[2]);
    if (argc > 4) {
      step = std::stoll(argv[4]);
    }
  } catch (const std::exception&) {
    std::fprintf(stderr, "runs_fill: COUNT and STEP_MS are whole numbers\n");
    return 2;
  }
  if (count < 1 || count > 1000000 || step < 0) {
    std::fprintf(stderr, "runs_fill: COUNT from 1 to 1,000,000, STEP_MS 0 or more\n");
    return 2;
  }
  const std::string workflow = argc > 3 ? argv[3] : "filler";
  auto opened = SqlStore::open(argv[1]);
  if (!opened.ok()) {
    std::fprintf(stderr, "runs_fill: %s\n", opened.error().message.c_str());
    return 1;
  }
  SqlStore& store = **opened;
  const auto began = std::chrono::steady_clock::now();
  const int64_t newest = now_ms();
  static const RunStatus kCycle[] = {RunStatus::Succeeded, RunStatus::Succeeded, RunStatus::Failed,
                                     RunStatus::Cancelled};
  for (long long i = 0; i < count; ++i) {
    RunRecord run;
    run.workflow = workflow;
    run.workflow_hash = "runs_fill";
    run.inputs = Json{{"n", i}};
    run.created_ms = newest - i * step;
    run.status = kCycle[i % 4];  // finished from the start: no node may claim it meanwhile
    run = store.create_run(run);
    run.started_ms = run.created_ms + 10;
    run.finished_ms = run.created_ms + 10 + (i % 7) * 100;
    if (run.status == RunStatus::Failed) {
      run.error = "filler run " + std::to_string(i) + " failed";
      run.error_code = error_codes::step_failed;
    }
    const std::string type = "run." + std::string(to_string(run.status));
    store.update_run(run, EventRecord{run.id, 0, run.finished_ms, type, "", -1, Json::object()});
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::printf("{\"count\": %lld, \"workflow\": \"%s\", \"newest_ms\": %lld, \"oldest_ms\": %lld, \"seconds\": %.2f}\n",
              count, workflow.c_str(), static_cast<long long>(newest),
              static_cast<long long>(newest - (count - 1) * step), seconds);
  return 0;
}
