#pragma once
// Counters and histograms for GET /metrics, in the Prometheus text format
// (version 0.0.4). Small on purpose: the few series linkhub exports, behind
// one mutex, no client library.

#include <linkhub/circuit_breaker.hpp>
#include <linkhub/engine/node.hpp>
#include <linkhub/engine/plugin_counters.hpp>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::http {

// The per-host circuit breakers of plugins' outbound HTTP (read at scrape
// time): linkhub_circuit_state{host} 0 closed, 1 open, 2 half-open, and the
// times each opened and calls it failed fast.
std::string circuit_breaker_metrics(const std::vector<sdk::circuit::Snapshot>& breakers);

// What plugins counted through lh_context add_counter (read at scrape time):
// linkhub_plugin_counter_total{plugin, counter, the plugin's labels}, and
// linkhub_plugin_counter_refused_total for additions past the series cap.
std::string plugin_counter_metrics(const PluginCounters& counters);

class Metrics {
 public:
  void http_request(const std::string& route, const std::string& method, int status, double seconds);
  void run_triggered(const std::string& workflow);
  void run_started(const std::string& workflow);
  void run_finished(const std::string& workflow, const std::string& status);
  void step_finished(const std::string& uses, const std::string& status, double seconds);
  void stream_opened();
  void stream_closed();

  // Everything, with the queue depth and this node's counters (none with
  // --no-worker) read by the caller at scrape time.
  std::string render(size_t queue_depth, const std::optional<NodeStats>& node = std::nullopt) const;

 private:
  struct Histogram {
    std::vector<double> bounds;
    std::vector<uint64_t> counts;  // per bucket, not cumulative
    double sum = 0;
    uint64_t count = 0;
  };
  using Labels = std::string;  // already rendered: route="/x",status="200"

  static void observe(std::map<Labels, Histogram>& family, const Labels& labels, const std::vector<double>& bounds,
                      double value);
  static void render_histogram(std::string& out, const std::string& name, const std::map<Labels, Histogram>& family);

  mutable std::mutex mutex_;
  std::map<Labels, double> http_requests_;
  std::map<Labels, Histogram> http_seconds_;
  std::map<Labels, double> runs_triggered_;
  std::map<Labels, double> runs_started_;
  std::map<Labels, double> runs_finished_;
  std::map<Labels, Histogram> step_seconds_;
  long streams_open_ = 0;
};

// `name="value"` with the value escaped as the text format asks.
std::string label(const std::string& name, const std::string& value);

}  // namespace linkhub::http
