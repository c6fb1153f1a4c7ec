#pragma once
// Durable waits (docs/durable-runs.md, Waits): core.wait_for parks a run until
// an event with its key arrives; deliver_event is how an event arrives, from
// whichever node receives it (the REST API's POST /api/v1/events/{key}, a
// webhook of the server's). The engine knows keys and JSON payloads only:
// what a key means ("wa:<number>") is the caller's business.

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub {

class SqlStore;

// The engine's own step kinds: they park their run, which no plugin can do.
inline constexpr std::string_view kWaitForStep = "core.wait_for";
inline constexpr std::string_view kSleepStep = "core.sleep";

// An event key: 1 to 200 characters among letters, digits and . _ : @ + = -
// (a URL path segment as it is, no spaces or slashes).
inline constexpr size_t kMaxEventKeyLength = 200;
// Why `key` is not a valid event key (nullopt when it is).
std::optional<std::string> event_key_problem(std::string_view key);

// "2026-12-06T10:00:00Z", with optional fractions of a second and a numeric
// offset (+02:00) instead of Z: milliseconds since the epoch.
std::optional<int64_t> parse_timestamp_ms(std::string_view text);

struct Delivery {
  bool delivered = false;  // a run waited for the key and now has the event
  std::string run_id;      // when delivered
  std::string step_id;     // the core.wait_for step that received it
};

// Hands `payload` to the oldest wait on `key`, durably: the event is stored
// and the run made runnable in one transaction, so any node resumes it. An
// event for a key nobody waits for is not delivered and not kept. The same
// key delivered twice resumes one wait once (the second finds none, unless
// another run waits on that key too).
Result<Delivery> deliver_event(SqlStore& store, std::string_view key, const Json& payload);

}  // namespace linkhub
