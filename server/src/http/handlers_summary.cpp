// GET /api/v1/summary: the console's Overview. The run numbers come from the
// run database (read_run_summary, bounded windows), the business numbers from
// the plugins that keep them (catalog.stats, whatsapp.stats), so the server
// reads none of their tables. A plugin that is not loaded or fails leaves its
// part {available: false, error}; the rest of the answer stands.
#include "http/handlers.hpp"
#include "http/run_metrics.hpp"
#include "http/step_call.hpp"

#include <linkhub/engine/run_summary.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace linkhub::http {
namespace {

// The business numbers' window, in UTC days ending today.
constexpr int kDays = 14;
// Step rows read for the slowest steps, and how many steps the answer names.
constexpr size_t kMaxStepRows = 20000;
constexpr size_t kSlowestSteps = 10;
constexpr int64_t kStepWindowMs = 24LL * 3600 * 1000;

Json outcomes_json(const RunSummary::Outcomes& o) {
  const int64_t finished = o.succeeded + o.failed + o.cancelled;
  return Json{{"succeeded", o.succeeded},
              {"failed", o.failed},
              {"cancelled", o.cancelled},
              {"unfinished", o.unfinished},
              {"failure_rate", finished == 0 ? Json(nullptr) : Json(static_cast<double>(o.failed) / finished)}};
}

// Nearest-rank percentile of sorted values.
int64_t percentile(const std::vector<int64_t>& sorted, double p) {
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// p95 and max by plugin step over the step rows, slowest first. A foreach
// step's own row spans all its items: its items are counted instead.
Json slowest_steps_json(const SqlStore& store, const RunSummary& s) {
  std::map<std::string, WorkflowSteps> versions;
  struct Times {
    std::vector<int64_t> durations;
    int64_t failed = 0;
  };
  std::map<std::string, Times> by_uses;
  for (const auto& row : s.steps) {
    auto version = versions.find(row.workflow_hash);
    if (version == versions.end()) {
      version = versions.emplace(row.workflow_hash, workflow_steps(store, row.workflow_hash)).first;
    }
    auto step = version->second.find(row.step_id);
    if (step == version->second.end() || (step->second.foreach && row.index < 0)) {
      continue;
    }
    Times& times = by_uses[step->second.uses];
    times.durations.push_back(row.duration_ms);
    times.failed += row.status == "failed" ? 1 : 0;
  }
  Json steps = Json::array();
  for (auto& [uses, times] : by_uses) {
    std::sort(times.durations.begin(), times.durations.end());
    steps.push_back(Json{{"step", uses},
                         {"plugin", uses.substr(0, uses.find('.'))},
                         {"count", times.durations.size()},
                         {"failed", times.failed},
                         {"p50_ms", percentile(times.durations, 0.50)},
                         {"p95_ms", percentile(times.durations, 0.95)},
                         {"max_ms", times.durations.back()}});
  }
  std::stable_sort(steps.begin(), steps.end(), [](const Json& a, const Json& b) {
    return a["p95_ms"].get<int64_t>() > b["p95_ms"].get<int64_t>();
  });
  if (steps.size() > kSlowestSteps) {
    steps.erase(steps.begin() + static_cast<std::ptrdiff_t>(kSlowestSteps), steps.end());
  }
  return Json{{"window_ms", kStepWindowMs}, {"truncated", s.steps_truncated}, {"steps", std::move(steps)}};
}

// What is wrong with a stats step's output: each of `series` must be an array
// of kDays objects with a day and the integer `fields`.
OutputCheck daily_series_check(std::vector<std::pair<std::string, std::vector<std::string>>> series) {
  return [series = std::move(series)](const Json& output) -> std::string {
    for (const auto& [name, fields] : series) {
      if (!output.contains(name) || !output[name].is_array() || output[name].size() != static_cast<size_t>(kDays)) {
        return name + " is not an array of " + std::to_string(kDays) + " days";
      }
      for (const Json& day : output[name]) {
        if (!day.is_object() || !day.contains("day") || !day["day"].is_string()) {
          return name + " has an entry without a day";
        }
        for (const auto& field : fields) {
          if (!day.contains(field) || !day[field].is_number_integer()) {
            return name + " has a day without an integer " + field;
          }
        }
      }
    }
    return "";
  };
}

// The step's output, or {available: false, error: {code, message}}: the
// Overview shows the rest either way.
Json plugin_part(Call& call, const std::string& uses, const OutputCheck& check) {
  auto output = invoke_checked_step(call, uses, Json{{"days", kDays}}, check, {});
  if (!output) {
    return Json{{"available", false}, {"error", {{"code", output.error().code}, {"message", output.error().message}}}};
  }
  Json part = std::move(*output);
  part["available"] = true;
  return part;
}

}  // namespace

Reply get_summary(Call& call) {
  const Services& services = call.services;
  const RunSummary s = read_run_summary(services.store, now_ms(), kMaxStepRows);
  Json nodes = Json::array();
  for (const auto& node : s.nodes) {
    nodes.push_back(Json{{"node", node.node},
                         {"runs", node.runs},
                         {"live_runs", node.live_runs},
                         {"lease_expires_ms", node.lease_expires_ms},
                         {"alive", node.lease_expires_ms >= s.now_ms}});
  }
  Json answer{
      {"generated_ms", s.now_ms},
      {"runs",
       {{"per_minute", {{"start_ms", s.minute_start_ms}, {"counts", s.created_per_minute}}},
        {"last_hour", outcomes_json(s.last_hour)},
        {"last_day", outcomes_json(s.last_day)}}},
      {"queue", {{"queued", s.queued}, {"running", s.running}, {"waiting", s.waiting}}},
      {"nodes", std::move(nodes)},
      {"slowest_steps", slowest_steps_json(services.store, s)},
      {"days", kDays},
      {"catalog", plugin_part(call, "catalog.stats",
                              daily_series_check({{"products_per_day", {"count"}}, {"orders_per_day", {"count"}}}))},
      {"whatsapp", plugin_part(call, "whatsapp.stats", daily_series_check({{"messages_per_day", {"in", "out"}}}))}};
  return Reply::json(200, std::move(answer));
}

}  // namespace linkhub::http
