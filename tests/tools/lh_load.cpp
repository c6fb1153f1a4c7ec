// A small HTTP load program for scripts/chaos.sh and scripts/bench.sh: the
// same client against `linkhub serve` and Node-RED, so their numbers compare.
//
//   lh_load URL [--connections N] [--rate R] [--duration S | --requests N]
//               [--method M] [--body JSON] [--header 'Name: value']...
//               [--key-prefix P] [--acks FILE] [--timeout S] [--progress S]
//
// Closed loop by default: each of N keep-alive connections sends its next
// request when the previous answer arrives (throughput is the most the server
// gives). With --rate R the requests are scheduled at R per second from the
// start, whatever the answers do; each latency counts from the request's
// scheduled time, so a stall shows up in the percentiles instead of delaying
// the schedule (no coordinated omission).
// --key-prefix P gives request n the header `Idempotency-Key: P<n>`; --acks
// FILE appends `<key> <status> <run id>` for every answer (status 0: no
// answer), so a checker knows which triggers were acknowledged.
// Prints one JSON line: requests, statuses, connection errors, seconds,
// rate per second and latency percentiles in milliseconds.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string url;
  int connections = 8;
  double rate = 0;
  double duration_s = 10;
  long long requests = 0;  // 0: bounded by duration
  std::string method = "POST";
  std::string body = "{}";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string key_prefix;
  std::string acks;
  double timeout_s = 60;
  double progress_s = 0;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "lh_load: %s\nusage: lh_load URL [--connections N] [--rate R] [--duration S | --requests N] "
               "[--method M] [--body JSON] [--header 'Name: value']... [--key-prefix P] [--acks FILE] "
               "[--timeout S] [--progress S]\n",
               why.c_str());
  std::exit(2);
}

double number(const std::string& flag, const char* text) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used != std::string(text).size() || v < 0) {
      throw std::invalid_argument("");
    }
    return v;
  } catch (const std::exception&) {
    usage(flag + ": expected a number 0 or more, found '" + text + "'");
  }
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        usage(a + " needs a value");
      }
      return argv[++i];
    };
    if (a == "--connections") {
      o.connections = static_cast<int>(number(a, value()));
    } else if (a == "--rate") {
      o.rate = number(a, value());
    } else if (a == "--duration") {
      o.duration_s = number(a, value());
    } else if (a == "--requests") {
      o.requests = static_cast<long long>(number(a, value()));
    } else if (a == "--method") {
      o.method = value();
    } else if (a == "--body") {
      o.body = value();
    } else if (a == "--header") {
      const std::string h = value();
      const auto colon = h.find(':');
      if (colon == std::string::npos) {
        usage("--header: expected 'Name: value', found '" + h + "'");
      }
      o.headers.emplace_back(h.substr(0, colon), h.substr(h.find_first_not_of(' ', colon + 1)));
    } else if (a == "--key-prefix") {
      o.key_prefix = value();
    } else if (a == "--acks") {
      o.acks = value();
    } else if (a == "--timeout") {
      o.timeout_s = number(a, value());
    } else if (a == "--progress") {
      o.progress_s = number(a, value());
    } else if (!a.empty() && a[0] != '-' && o.url.empty()) {
      o.url = a;
    } else {
      usage("unknown argument '" + a + "'");
    }
  }
  if (o.url.empty()) {
    usage("no URL");
  }
  if (o.connections < 1 || o.connections > 1000) {
    usage("--connections: from 1 to 1000");
  }
  return o;
}

// The run id of a trigger's answer ("run_id", or "id" for a ?wait answer).
std::string run_id(const std::string& body) {
  for (const char* field : {"\"run_id\":\"", "\"id\":\""}) {
    const auto at = body.find(field);
    if (at != std::string::npos) {
      const auto start = at + std::string(field).size();
      const auto end = body.find('"', start);
      if (end != std::string::npos) {
        return body.substr(start, end - start);
      }
    }
  }
  return "-";
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) {
    return 0;
  }
  const size_t at = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(at), v.end());
  return v[at];
}

class Load {
 public:
  explicit Load(Options o) : o_(std::move(o)), uri_(o_.url) {
    if (!o_.acks.empty()) {
      acks_.open(o_.acks, std::ios::app);
      if (!acks_) {
        usage("--acks: cannot open " + o_.acks);
      }
    }
  }

  int run() {
    start_ = Clock::now();
    deadline_ = start_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o_.duration_s));
    std::vector<std::thread> threads;
    for (int i = 0; i < o_.connections; ++i) {
      threads.emplace_back([this] { connection(); });
    }
    std::thread progress;
    std::atomic<bool> done{false};
    if (o_.progress_s > 0) {
      progress = std::thread([&] { report_progress(done); });
    }
    for (auto& t : threads) {
      t.join();
    }
    done = true;
    if (progress.joinable()) {
      progress.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    std::lock_guard lock(mutex_);
    long long ok = 0, total = 0;
    std::ostringstream statuses;
    bool first = true;
    for (const auto& [status, count] : statuses_) {
      total += count;
      ok += status >= 200 && status < 300 ? count : 0;
      statuses << (first ? "" : ",") << "\"" << status << "\":" << count;
      first = false;
    }
    std::printf(
        "{\"requests\":%lld,\"ok\":%lld,\"statuses\":{%s},\"errors\":%lld,\"seconds\":%.3f,\"ok_per_s\":%.1f,"
        "\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f}\n",
        total + errors_, ok, statuses.str().c_str(), errors_, seconds, static_cast<double>(ok) / seconds,
        percentile(latencies_, 0.5), percentile(latencies_, 0.9), percentile(latencies_, 0.99),
        latencies_.empty() ? 0.0 : *std::max_element(latencies_.begin(), latencies_.end()));
    return 0;
  }

 private:
  // The next request's number and its scheduled time; false when the load is over.
  bool next(long long& n, Clock::time_point& at) {
    n = counter_.fetch_add(1);
    if (o_.requests > 0 && n >= o_.requests) {
      return false;
    }
    at = o_.rate > 0 ? start_ + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(static_cast<double>(n) / o_.rate))
                     : Clock::now();
    return o_.requests > 0 || at < deadline_;
  }

  void connection() {
    Poco::Net::HTTPClientSession session(uri_.getHost(), uri_.getPort());
    session.setKeepAlive(true);
    session.setTimeout(Poco::Timespan(static_cast<long>(o_.timeout_s), 0));
    const std::string target = uri_.getPathAndQuery();
    long long n = 0;
    Clock::time_point at;
    while (next(n, at)) {
      std::this_thread::sleep_until(at);
      const auto sent = Clock::now();
      const std::string key = o_.key_prefix.empty() ? std::string() : o_.key_prefix + std::to_string(n);
      int status = 0;
      std::string body;
      try {
        Poco::Net::HTTPRequest request(o_.method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(true);
        for (const auto& [name, value] : o_.headers) {
          request.set(name, value);
        }
        if (!key.empty()) {
          request.set("Idempotency-Key", key);
        }
        if (o_.method != "GET") {
          request.setContentType("application/json");
          request.setContentLength(static_cast<std::streamsize>(o_.body.size()));
          session.sendRequest(request) << o_.body;
        } else {
          session.sendRequest(request);
        }
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        Poco::StreamCopier::copyToString(in, body);
        status = static_cast<int>(response.getStatus());
      } catch (const std::exception&) {
        session.reset();  // a fresh connection for the next request
      }
      const auto done = Clock::now();
      const double ms = std::chrono::duration<double, std::milli>(done - (o_.rate > 0 ? at : sent)).count();
      std::lock_guard lock(mutex_);
      if (status == 0) {
        ++errors_;
      } else {
        ++statuses_[status];
        latencies_.push_back(ms);
      }
      if (acks_.is_open()) {
        acks_ << (key.empty() ? "-" : key) << ' ' << status << ' ' << (status ? run_id(body) : "-") << '\n';
      }
    }
  }

  void report_progress(const std::atomic<bool>& done) {
    auto last = Clock::now();
    std::map<int, long long> before;
    long long errors_before = 0;
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (Clock::now() - last < std::chrono::duration<double>(o_.progress_s)) {
        continue;
      }
      last = Clock::now();
      std::lock_guard lock(mutex_);
      std::ostringstream line;
      line << "lh_load +" << static_cast<long>(std::chrono::duration<double>(last - start_).count()) << "s:";
      for (const auto& [status, count] : statuses_) {
        line << ' ' << status << "x" << count - before[status];
      }
      line << " errors " << errors_ - errors_before;
      before = statuses_;
      errors_before = errors_;
      if (acks_.is_open()) {
        acks_.flush();
      }
      std::cerr << line.str() << std::endl;
    }
  }

  Options o_;
  Poco::URI uri_;
  Clock::time_point start_, deadline_;
  std::atomic<long long> counter_{0};
  std::mutex mutex_;
  std::map<int, long long> statuses_;
  long long errors_ = 0;
  std::vector<double> latencies_;
  std::ofstream acks_;
};

}  // namespace

int main(int argc, char** argv) {
  try {
    return Load(parse(argc, argv)).run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lh_load: %s\n", e.what());
    return 1;
  }
}
