#include "http/follow.hpp"

#include "http/json_views.hpp"

#include <algorithm>

namespace linkhub::http {

std::optional<RunRecord> wait_for_run(Services& services, const std::string& run_id,
                                      std::chrono::milliseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + timeout;
  RunWatch::Subscription follow(services.watch, run_id, /*ends_only=*/true);
  while (true) {
    follow.mark();
    auto run = services.store.get_run(run_id);
    if (!run || is_final(run->status)) {
      return run;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= std::chrono::milliseconds(0)) {
      return run;
    }
    if (follow.wait(std::min(left, services.limits.poll)) == RunWatch::Subscription::Woke::Closed) {
      return services.store.get_run(run_id);
    }
  }
}

Json run_document(Services& services, const RunRecord& run) {
  Json doc = run_detail_json(run, services.store.get_steps(run.id), services.store.dead_letter_count(run.id));
  if (!is_final(run.status)) {
    doc["waits"] = waits_json(services.store.waits(run.id));
  }
  return doc;
}

}  // namespace linkhub::http
