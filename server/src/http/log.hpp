#pragma once
// The server's log: one JSON object per line on stderr (or wherever the
// sink writes: tests capture it). Request bodies and headers are never
// logged, so secrets in them never reach the log.

#include <linkhub/engine/json.hpp>

#include <functional>
#include <string>

namespace linkhub::http {

using LogSink = std::function<void(const std::string& line)>;

// Writes whole lines to stderr under a mutex, so concurrent lines never interleave.
LogSink stderr_sink();

class Log {
 public:
  explicit Log(LogSink sink) : sink_(std::move(sink)) {}
  // {"time": "2024-05-01T12:00:00.123Z", "level": level, "event": event, ...fields}
  void write(const std::string& level, const std::string& event, const Json& fields = Json::object()) const;
  void info(const std::string& event, const Json& fields = Json::object()) const { write("info", event, fields); }
  void warn(const std::string& event, const Json& fields = Json::object()) const { write("warn", event, fields); }

 private:
  LogSink sink_;
};

}  // namespace linkhub::http
