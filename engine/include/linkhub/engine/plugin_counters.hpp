#pragma once
// Counters plugins add to through lh_context add_counter (tokens a model
// answered with, what they cost ...), summed for the life of the process and
// printed by the server's /metrics as linkhub_plugin_counter_total. The
// plugin label comes from the host; the series are bounded (a plugin that
// puts a request id in a label fills the cap, then is refused, rather than
// growing the scrape without end).

#include <linkhub/engine/json.hpp>

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace linkhub {

class PluginCounters {
 public:
  static constexpr size_t kDefaultMaxSeries = 1000;
  static constexpr size_t kMaxLabels = 4;
  static constexpr size_t kMaxNameBytes = 64;
  static constexpr size_t kMaxValueBytes = 128;

  explicit PluginCounters(size_t max_series = kDefaultMaxSeries) : max_series_(max_series) {}

  struct Series {
    std::string plugin;
    std::string counter;
    std::vector<std::pair<std::string, std::string>> labels;  // sorted by name
    double value = 0;
  };

  // False, counting nothing, for a malformed counter name or labels (see
  // lh_context add_counter), a negative or non-finite amount, or a new
  // series past the cap.
  bool add(std::string_view plugin, std::string_view counter, const Json& labels, double amount);

  // Every series, sorted by plugin, counter and labels.
  std::vector<Series> snapshot() const;
  // How many additions were refused (for /metrics: a plugin hitting the cap shows).
  size_t refused() const;

 private:
  size_t max_series_;
  mutable std::mutex mutex_;
  std::map<std::string, Series> series_;  // key: plugin \0 counter \0 name=value \0 ...
  size_t refused_ = 0;
};

}  // namespace linkhub
