#include "http/log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace linkhub::http {
namespace {

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

LogSink stderr_sink() {
  return [](const std::string& line) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fputc('\n', stderr);
    std::fflush(stderr);
  };
}

void Log::write(const std::string& level, const std::string& event, const Json& fields) const {
  if (!sink_) {
    return;
  }
  // Ordered, so every line starts with time, level and event.
  nlohmann::ordered_json line{{"time", utc_now()}, {"level", level}, {"event", event}};
  for (const auto& [key, value] : fields.items()) {
    line[key] = value;
  }
  // Replace rather than throw on invalid UTF-8 (a client's path or header may hold any bytes).
  sink_(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace linkhub::http
