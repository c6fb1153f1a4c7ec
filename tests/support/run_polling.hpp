#pragma once
// Bounded polling of a run's status in the store, for tests whose run moves
// on in another process or thread: the test waits for a state, never for a
// time. Gives up after `limit` (a failure, not a hang).

#include <linkhub/engine/run_store.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>

namespace linkhub::test {

// Reads the run every 20 ms until `done` holds (returns it) or `limit` passed (nullopt).
inline std::optional<RunRecord> poll_run(const RunStore& store, const std::string& run_id,
                                         const std::function<bool(const RunRecord&)>& done,
                                         std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto run = store.get_run(run_id);
    if (run && done(*run)) {
      return run;
    }
    if (std::chrono::steady_clock::now() >= until) {
      return std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

inline std::optional<RunRecord> poll_run_status(const RunStore& store, const std::string& run_id, RunStatus status,
                                                std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  return poll_run(
      store, run_id, [status](const RunRecord& r) { return r.status == status; }, limit);
}

}  // namespace linkhub::test
