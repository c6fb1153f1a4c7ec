#include <linkhub/engine/circuit_breakers.hpp>

namespace linkhub {
namespace {

std::map<std::string, sdk::circuit::Settings> resolve_hosts(const CircuitBreakerConfig& config) {
  std::map<std::string, sdk::circuit::Settings> out;
  for (const auto& [host, overrides] : config.hosts) {
    out[host] = overrides.over(config.defaults);
  }
  return out;
}

}  // namespace

CircuitBreakers::CircuitBreakers(const CircuitBreakerConfig& config, sdk::circuit::Clock clock)
    : registry_(config.defaults, resolve_hosts(config), std::move(clock)) {}

int64_t CircuitBreakers::check(std::string_view host) {
  const sdk::circuit::Verdict verdict = registry_.check(host);
  if (verdict.allowed) {
    return 0;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(verdict.retry_at.time_since_epoch()).count();
  return std::max<int64_t>(ms, 1);  // 0 would read as "go"
}

void CircuitBreakers::record(std::string_view host, bool ok) {
  registry_.record(host, ok);
}

std::vector<sdk::circuit::Snapshot> CircuitBreakers::snapshot() const {
  return registry_.snapshot();
}

}  // namespace linkhub
