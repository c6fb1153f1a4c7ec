#include "sandbox/webhook_bench.hpp"

#include "sandbox/plain_http.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iomanip>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

namespace linkhub::sandbox {
namespace {

using Clock = std::chrono::steady_clock;

struct Delivery {
  std::string body;
  std::string signature;
};

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) {
    return 0;
  }
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// Built before the clock starts, so signing is not part of the schedule.
std::vector<Delivery> prepare(const BenchOptions& options, int64_t count) {
  std::random_device rd;
  const std::string prefix = "wamid.BENCH" + std::to_string(rd()) + ".";
  const auto now_s =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::vector<Delivery> out;
  out.reserve(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    Customer customer{std::to_string(5511900000000LL + i % options.customers), "Bench"};
    const std::string body = delivery_body(
        customer, options.business,
        customer_message(customer, options.text + " " + std::to_string(i), prefix + std::to_string(i), now_s));
    out.push_back({body, hub_signature(options.app_secret, body)});
  }
  return out;
}

}  // namespace

BenchReport run_webhook_bench(const BenchOptions& options) {
  const HttpUrl webhook = parse_http_url(options.webhook_url);
  if (!(options.rate > 0 && options.rate <= 100000) || options.duration.count() <= 0 || options.connections < 1 ||
      options.connections > 512 || options.customers < 1) {
    throw std::invalid_argument("the rate must be in (0, 100000], the duration positive, connections 1 to 512");
  }
  const auto count = static_cast<int64_t>(options.rate * static_cast<double>(options.duration.count()) / 1000.0);
  const std::vector<Delivery> deliveries = prepare(options, count);
  const auto interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / options.rate));

  std::vector<double> latency_ms(static_cast<size_t>(count), -1);
  std::atomic<int64_t> next{0};
  std::mutex errors_mutex;
  BenchReport report;
  std::vector<double> lag_ms(static_cast<size_t>(options.connections), 0);
  const auto start = Clock::now() + std::chrono::milliseconds(100);
  std::vector<std::thread> senders;
  for (int c = 0; c < options.connections; ++c) {
    senders.emplace_back([&, c] {
      PlainConnection connection(webhook, std::chrono::milliseconds(10000));
      for (int64_t i = next++; i < count; i = next++) {
        const auto due = start + interval * i;
        std::this_thread::sleep_until(due);
        lag_ms[static_cast<size_t>(c)] = std::max(
            lag_ms[static_cast<size_t>(c)], std::chrono::duration<double, std::milli>(Clock::now() - due).count());
        std::string error;
        try {
          const PlainAnswer answer =
              connection.request("POST", webhook.path_and_query, deliveries[static_cast<size_t>(i)].body,
                                 {{"Content-Type", "application/json"},
                                  {"X-Hub-Signature-256", deliveries[static_cast<size_t>(i)].signature}});
          if (answer.status == 200) {
            latency_ms[static_cast<size_t>(i)] = std::chrono::duration<double, std::milli>(Clock::now() - due).count();
          } else {
            error = "status " + std::to_string(answer.status);
          }
        } catch (const std::exception& e) {
          error = std::string("connection: ") + e.what();
        }
        if (!error.empty()) {
          std::lock_guard lock(errors_mutex);
          ++report.errors[error];
        }
      }
    });
  }
  for (auto& t : senders) {
    t.join();
  }
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> ok;
  for (double ms : latency_ms) {
    if (ms >= 0) {
      ok.push_back(ms);
    }
  }
  std::sort(ok.begin(), ok.end());
  report.sent = count;
  report.ok = static_cast<int64_t>(ok.size());
  report.p50_ms = percentile(ok, 0.50);
  report.p95_ms = percentile(ok, 0.95);
  report.p99_ms = percentile(ok, 0.99);
  report.max_ms = ok.empty() ? 0 : ok.back();
  report.max_send_lag_ms = *std::max_element(lag_ms.begin(), lag_ms.end());
  report.achieved_rate = elapsed_s > 0 ? static_cast<double>(count) / elapsed_s : 0;
  return report;
}

void print_report(const BenchOptions& options, const BenchReport& report, std::ostream& out) {
  out << std::fixed << std::setprecision(2);
  out << "webhook ack latency, open loop at " << options.rate << " deliveries/s for "
      << options.duration.count() / 1000.0 << " s over " << options.connections << " connections\n";
  out << "  sent " << report.sent << ", answered 200: " << report.ok << ", errors: " << (report.sent - report.ok)
      << " (achieved " << report.achieved_rate << "/s)\n";
  for (const auto& [what, n] : report.errors) {
    out << "    " << n << " x " << what << "\n";
  }
  out << "  p50 " << report.p50_ms << " ms, p95 " << report.p95_ms << " ms, p99 " << report.p99_ms << " ms, max "
      << report.max_ms << " ms\n";
  out << "  latest send left " << report.max_send_lag_ms << " ms after its due time (counted in the latency)\n";
}

}  // namespace linkhub::sandbox
