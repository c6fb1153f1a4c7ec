#pragma once
// The process's per-host circuit breakers for outbound HTTP
// (linkhub/circuit_breaker.hpp has the algorithm): one registry, configured
// from http.circuit_breakers in linkhub.yaml, shared by every step of every
// plugin the process runs -- the executor's and those a server route invokes.
// Plugins reach it through lh_context circuit_check/circuit_record, which
// PluginHost forwards to StepCall::circuit_check/circuit_record; StepInvoker
// attaches them to every call it makes.

#include <linkhub/circuit_breaker.hpp>
#include <linkhub/engine/config.hpp>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace linkhub {

class CircuitBreakers {
 public:
  explicit CircuitBreakers(const CircuitBreakerConfig& config,
                           sdk::circuit::Clock clock = sdk::circuit::system_clock());

  // 0 when a call to `host` may go; otherwise when the next probe may go
  // (milliseconds since the Unix epoch), as lh_context circuit_check answers.
  int64_t check(std::string_view host);
  void record(std::string_view host, bool ok);

  // Every host's breaker, sorted by host (for /metrics).
  std::vector<sdk::circuit::Snapshot> snapshot() const;

 private:
  sdk::circuit::Registry registry_;
};

}  // namespace linkhub
