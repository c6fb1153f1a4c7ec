// linkhub serve: the process's circuit breakers in /metrics.
#include "serve_fixture.hpp"

#include <linkhub/engine/circuit_breakers.hpp>

namespace linkhub::test {
namespace {

TEST_F(ServeTest, MetricsShowEachHostsCircuitState) {
  CircuitBreakerConfig config;
  config.defaults.failures = 2;
  auto breakers = std::make_shared<CircuitBreakers>(config);
  start([&](http::ServeOptions& options) { options.executor.circuit_breakers = breakers; });
  breakers->record("down.example", false);
  breakers->record("down.example", false);
  breakers->check("down.example");  // failed fast
  breakers->record("up.example", true);

  const auto r = get("/metrics");
  ASSERT_EQ(r.status, 200);
  for (const char* line : {
           "# TYPE linkhub_circuit_state gauge\n",
           "linkhub_circuit_state{host=\"down.example\"} 1\n",
           "linkhub_circuit_state{host=\"up.example\"} 0\n",
           "linkhub_circuit_opened_total{host=\"down.example\"} 1\n",
           "linkhub_circuit_rejected_total{host=\"down.example\"} 1\n",
           "linkhub_circuit_rejected_total{host=\"up.example\"} 0\n",
       }) {
    EXPECT_NE(r.body.find(line), std::string::npos) << "missing: " << line << "in:\n" << r.body;
  }
}

}  // namespace
}  // namespace linkhub::test
