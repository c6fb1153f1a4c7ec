#include <linkhub/engine/plugin_counters.hpp>

#include <cmath>

namespace linkhub {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > PluginCounters::kMaxNameBytes || name[0] < 'a' || name[0] > 'z') {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool PluginCounters::add(std::string_view plugin, std::string_view counter, const Json& labels, double amount) {
  bool ok = valid_name(counter) && std::isfinite(amount) && amount >= 0 &&
            (labels.is_null() || (labels.is_object() && labels.size() <= kMaxLabels));
  Series series{std::string(plugin), std::string(counter), {}, 0};
  if (ok && labels.is_object()) {
    for (const auto& [name, value] : labels.items()) {  // nlohmann's objects iterate sorted by key
      if (!valid_name(name) || name == "plugin" || name == "counter" || !value.is_string() ||
          value.get_ref<const std::string&>().size() > kMaxValueBytes) {
        ok = false;
        break;
      }
      series.labels.emplace_back(name, value.get<std::string>());
    }
  }
  std::lock_guard lock(mutex_);
  if (!ok) {
    ++refused_;
    return false;
  }
  std::string key = series.plugin + '\0' + series.counter;
  for (const auto& [name, value] : series.labels) {
    key += '\0' + name + '=' + value;
  }
  auto it = series_.find(key);
  if (it == series_.end()) {
    if (series_.size() >= max_series_) {
      ++refused_;
      return false;
    }
    it = series_.emplace(std::move(key), std::move(series)).first;
  }
  it->second.value += amount;
  return true;
}

std::vector<PluginCounters::Series> PluginCounters::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<Series> out;
  out.reserve(series_.size());
  for (const auto& [key, series] : series_) {
    out.push_back(series);
  }
  return out;
}

size_t PluginCounters::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

}  // namespace linkhub
