#pragma once
// Inbound webhook acknowledgement latency at a fixed rate, open loop: the
// i-th delivery is due at start + i / rate whatever the earlier answers did,
// and its latency runs from that due time to the end of the answer (a
// stalled server delays the sends queued behind it, and that delay counts).
// Every delivery is distinct (its own message id) and signed.

#include "sandbox/inbound_delivery.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>

namespace linkhub::sandbox {

struct BenchOptions {
  std::string webhook_url;
  std::string app_secret;
  Business business;
  double rate = 500;  // deliveries per second
  std::chrono::milliseconds duration{10000};
  int connections = 16;  // keep-alive connections sending in parallel
  int customers = 1000;  // distinct senders the deliveries cycle over
  std::string text = "bench";
};

struct BenchReport {
  int64_t sent = 0;
  int64_t ok = 0;                         // answered 200
  std::map<std::string, int64_t> errors;  // "status 401", "connection: ..." -> count
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  double max_send_lag_ms = 0;  // how late the latest send left (the client's own saturation)
  double achieved_rate = 0;
};

// Throws std::invalid_argument for bad options.
BenchReport run_webhook_bench(const BenchOptions& options);

void print_report(const BenchOptions& options, const BenchReport& report, std::ostream& out);

}  // namespace linkhub::sandbox
