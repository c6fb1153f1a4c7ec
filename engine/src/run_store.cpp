#include <linkhub/engine/run_store.hpp>
#include <linkhub/engine/stores.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

namespace linkhub {

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::Queued:
      return "queued";
    case RunStatus::Running:
      return "running";
    case RunStatus::Succeeded:
      return "succeeded";
    case RunStatus::Failed:
      return "failed";
    case RunStatus::Cancelled:
      return "cancelled";
    case RunStatus::Waiting:
      return "waiting";
  }
  return "unknown";
}

std::string_view to_string(StepStatus status) {
  switch (status) {
    case StepStatus::Pending:
      return "pending";
    case StepStatus::Running:
      return "running";
    case StepStatus::Retrying:
      return "retrying";
    case StepStatus::Succeeded:
      return "succeeded";
    case StepStatus::Failed:
      return "failed";
    case StepStatus::Skipped:
      return "skipped";
    case StepStatus::Cancelled:
      return "cancelled";
    case StepStatus::Waiting:
      return "waiting";
  }
  return "unknown";
}

bool is_final(StepStatus status) {
  return status == StepStatus::Succeeded || status == StepStatus::Failed || status == StepStatus::Skipped ||
         status == StepStatus::Cancelled;
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Json created_payload(const RunRecord& run) {
  Json payload{{"workflow", run.workflow}};
  if (run.origin.is_object()) {
    payload["origin"] = run.origin;
  }
  return payload;
}

int run_depth(const RunStore& store, std::string_view run_id) {
  const auto events = store.get_events(run_id, 0, 1);
  if (events.empty() || !events.front().payload.contains("origin")) {
    return 0;
  }
  const Json& origin = events.front().payload["origin"];
  return origin.is_object() ? origin.value("depth", 0) : 0;
}

std::string new_run_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const uint64_t ms = static_cast<uint64_t>(now_ms());
  const uint64_t r1 = rng();
  const uint64_t r2 = rng();
  char buf[37];
  std::snprintf(buf, sizeof buf, "%08x-%04x-7%03x-%04x-%012llx", static_cast<unsigned>(ms >> 16),
                static_cast<unsigned>(ms & 0xffff), static_cast<unsigned>(r1 & 0xfff),
                static_cast<unsigned>(0x8000 | ((r1 >> 12) & 0x3fff)),
                static_cast<unsigned long long>(r2 & 0xffffffffffffULL));
  return buf;
}

void write_each(RunStore& store, std::vector<RunWrite>& writes) {
  for (RunWrite& w : writes) {
    switch (w.kind) {
      case RunWrite::Kind::transition:
        store.transition(std::move(w.step), std::move(w.event));
        break;
      case RunWrite::Kind::run_update:
        store.update_run(w.run, std::move(w.event));
        break;
      case RunWrite::Kind::event:
        store.append_event(std::move(w.event));
        break;
      case RunWrite::Kind::create:
        store.create_run(w.run);
        break;
    }
  }
}

bool gates_a_call(const std::vector<RunWrite>& writes) {
  return std::any_of(writes.begin(), writes.end(), [](const RunWrite& w) { return w.gates_call; });
}

}  // namespace linkhub
