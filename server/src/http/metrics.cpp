#include "http/metrics.hpp"

#include <cstdio>
#include <initializer_list>
#include <string_view>

namespace linkhub::http {
namespace {

// Latency of API calls: sub-millisecond to a few seconds (?wait answers later).
const std::vector<double> kHttpBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                         0.25,   0.5,   1,      2.5,   5,    10,    30,   60};
// Plugin steps: microseconds (transforms) to minutes (video work).
const std::vector<double> kStepBounds = {0.0001, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300};

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

// Appends the parts, without the temporaries that chained + would make (a scrape writes thousands of lines).
void append(std::string& out, std::initializer_list<std::string_view> parts) {
  for (auto part : parts) {
    out.append(part);
  }
}

void render_counter(std::string& out, const std::string& name, const std::string& help,
                    const std::map<std::string, double>& family) {
  append(out, {"# HELP ", name, " ", help, "\n# TYPE ", name, " counter\n"});
  for (const auto& [labels, value] : family) {
    append(out, {name, "{", labels, "} ", number(value), "\n"});
  }
}

}  // namespace

std::string circuit_breaker_metrics(const std::vector<sdk::circuit::Snapshot>& breakers) {
  std::string out =
      "# HELP linkhub_circuit_state Circuit breaker of outbound HTTP per host: 0 closed, 1 open, 2 half-open.\n"
      "# TYPE linkhub_circuit_state gauge\n";
  for (const auto& b : breakers) {
    append(out,
           {"linkhub_circuit_state{", label("host", b.host), "} ", std::to_string(static_cast<int>(b.state)), "\n"});
  }
  out +=
      "# HELP linkhub_circuit_opened_total Times the circuit breaker of a host opened.\n"
      "# TYPE linkhub_circuit_opened_total counter\n";
  for (const auto& b : breakers) {
    append(out, {"linkhub_circuit_opened_total{", label("host", b.host), "} ", std::to_string(b.opened), "\n"});
  }
  out +=
      "# HELP linkhub_circuit_rejected_total Calls to a host failed fast because its circuit was open.\n"
      "# TYPE linkhub_circuit_rejected_total counter\n";
  for (const auto& b : breakers) {
    append(out, {"linkhub_circuit_rejected_total{", label("host", b.host), "} ", std::to_string(b.rejected), "\n"});
  }
  return out;
}

std::string plugin_counter_metrics(const PluginCounters& counters) {
  std::string out =
      "# HELP linkhub_plugin_counter_total What plugins counted (tokens, cost ...), per plugin, counter and the "
      "plugin's labels.\n"
      "# TYPE linkhub_plugin_counter_total counter\n";
  for (const auto& series : counters.snapshot()) {
    append(out,
           {"linkhub_plugin_counter_total{", label("plugin", series.plugin), ",", label("counter", series.counter)});
    for (const auto& [name, value] : series.labels) {
      append(out, {",", label(name, value)});
    }
    append(out, {"} ", number(series.value), "\n"});
  }
  append(out, {"# HELP linkhub_plugin_counter_refused_total Counter additions refused (malformed, or a new series "
               "past the cap).\n"
               "# TYPE linkhub_plugin_counter_refused_total counter\n"
               "linkhub_plugin_counter_refused_total ",
               std::to_string(counters.refused()), "\n"});
  return out;
}

std::string label(const std::string& name, const std::string& value) {
  std::string out = name + "=\"";
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void Metrics::observe(std::map<Labels, Histogram>& family, const Labels& labels, const std::vector<double>& bounds,
                      double value) {
  Histogram& h = family[labels];
  if (h.bounds.empty()) {
    h.bounds = bounds;
    h.counts.assign(bounds.size() + 1, 0);
  }
  size_t i = 0;
  while (i < h.bounds.size() && value > h.bounds[i]) {
    ++i;
  }
  ++h.counts[i];
  h.sum += value;
  ++h.count;
}

void Metrics::render_histogram(std::string& out, const std::string& name, const std::map<Labels, Histogram>& family) {
  for (const auto& [labels, h] : family) {
    uint64_t cumulative = 0;
    const std::string prefix = labels.empty() ? "" : labels + ",";
    for (size_t i = 0; i < h.bounds.size(); ++i) {
      cumulative += h.counts[i];
      append(out, {name, "_bucket{", prefix, label("le", number(h.bounds[i])), "} ", std::to_string(cumulative), "\n"});
    }
    append(out, {name, "_bucket{", prefix, "le=\"+Inf\"} ", std::to_string(h.count), "\n"});
    append(out, {name, "_sum{", labels, "} ", number(h.sum), "\n"});
    append(out, {name, "_count{", labels, "} ", std::to_string(h.count), "\n"});
  }
}

void Metrics::http_request(const std::string& route, const std::string& method, int status, double seconds) {
  const std::string route_label = label("route", route);
  std::lock_guard lock(mutex_);
  http_requests_[route_label + "," + label("method", method) + "," + label("status", std::to_string(status))] += 1;
  observe(http_seconds_, route_label + "," + label("method", method), kHttpBounds, seconds);
}

void Metrics::run_triggered(const std::string& workflow) {
  std::lock_guard lock(mutex_);
  runs_triggered_[label("workflow", workflow)] += 1;
}

void Metrics::run_started(const std::string& workflow) {
  std::lock_guard lock(mutex_);
  runs_started_[label("workflow", workflow)] += 1;
}

void Metrics::run_finished(const std::string& workflow, const std::string& status) {
  std::lock_guard lock(mutex_);
  runs_finished_[label("workflow", workflow) + "," + label("status", status)] += 1;
}

void Metrics::step_finished(const std::string& uses, const std::string& status, double seconds) {
  std::lock_guard lock(mutex_);
  observe(step_seconds_, label("uses", uses) + "," + label("status", status), kStepBounds, seconds);
}

void Metrics::stream_opened() {
  std::lock_guard lock(mutex_);
  ++streams_open_;
}

void Metrics::stream_closed() {
  std::lock_guard lock(mutex_);
  --streams_open_;
}

std::string Metrics::render(size_t queue_depth, const std::optional<NodeStats>& node) const {
  std::string out;
  std::lock_guard lock(mutex_);
  render_counter(out, "linkhub_http_requests_total", "HTTP requests by route template, method and status.",
                 http_requests_);
  out +=
      "# HELP linkhub_http_request_duration_seconds Time to answer an HTTP request, by route template.\n"
      "# TYPE linkhub_http_request_duration_seconds histogram\n";
  render_histogram(out, "linkhub_http_request_duration_seconds", http_seconds_);
  render_counter(out, "linkhub_runs_triggered_total", "Runs created through the API, by workflow.", runs_triggered_);
  render_counter(out, "linkhub_runs_started_total", "Runs this node started executing, by workflow.", runs_started_);
  render_counter(out, "linkhub_runs_finished_total", "Runs this node finished, by workflow and final status.",
                 runs_finished_);
  out +=
      "# HELP linkhub_step_duration_seconds Duration of plugin step executions on this node, by plugin step "
      "and status.\n# TYPE linkhub_step_duration_seconds histogram\n";
  render_histogram(out, "linkhub_step_duration_seconds", step_seconds_);
  out +=
      "# HELP linkhub_queue_depth Runs queued or running in the database (every node's).\n"
      "# TYPE linkhub_queue_depth gauge\nlinkhub_queue_depth " +
      std::to_string(queue_depth) + "\n";
  out +=
      "# HELP linkhub_event_streams Server-Sent Event streams open now.\n"
      "# TYPE linkhub_event_streams gauge\nlinkhub_event_streams " +
      std::to_string(streams_open_) + "\n";
  if (node) {
    const auto counter = [&out](const char* name, const char* help, size_t value) {
      out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " +
             std::to_string(value) + "\n";
    };
    counter("linkhub_node_runs_claimed_total", "Runs this node claimed from the queue (new or resumed).",
            node->claimed);
    counter("linkhub_node_runs_taken_at_trigger_total",
            "Of the runs claimed, those this node created already claimed: a trigger it received, or a child run one "
            "of its steps started.",
            node->submitted);
    counter("linkhub_node_lease_reclaims_total",
            "Runs this node resumed after another node's lease on them lapsed or was given up.", node->resumed);
    counter("linkhub_node_leases_lost_total", "Runs another node took over from this one (it stalled past its lease).",
            node->lost);
    counter("linkhub_stale_lease_writes_total",
            "Runs this node dropped because the database refused its write as stale (another node had taken the "
            "run over).",
            node->stale_writes);
    counter("linkhub_node_run_write_failures_total",
            "Runs this node dropped because a write for them failed (they resume from what is stored).",
            node->failed_writes);
    counter("linkhub_node_runs_released_total", "Runs this node handed back to the queue when shutting down.",
            node->released);
    counter("linkhub_node_schedules_fired_total", "Cron runs this node created.", node->fired);
  }
  return out;
}

}  // namespace linkhub::http
