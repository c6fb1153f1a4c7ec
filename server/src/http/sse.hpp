#pragma once
// Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html).

#include <cstdint>
#include <string>
#include <string_view>

namespace linkhub::http {

// "id: 7\ndata: {...}\n\n". `data` must be one line (compact JSON is).
std::string sse_event(int64_t id, std::string_view data);
std::string sse_event(std::string_view id, std::string_view data);  // an id that is not a number
// A named event without an id, so Last-Event-ID stays at the last run event: "event: end\ndata: ...\n\n".
std::string sse_named(std::string_view name, std::string_view data);
// ": text\n\n": ignored by clients, keeps proxies and the connection alive.
std::string sse_comment(std::string_view text);
// "retry: ms\n\n": how long a browser's EventSource waits before reconnecting.
std::string sse_retry(int64_t ms);

}  // namespace linkhub::http
