#pragma once
// Event streams: the caps on open ones (limits max_streams, max_streams_per_principal),
// shared by every streaming route so no caller can hold them all.

#include "http/call.hpp"

#include <memory>
#include <optional>
#include <string>

namespace linkhub::http {

// Counts `feed` against the caller's and the server's stream caps; when one
// is full, the 503 too_many_streams answer to send instead (with Retry-After).
std::optional<Reply> take_stream_slot(Call& call, Feed& feed);

// The answer that starts `feed` as an event stream woken by `watch_run`'s
// notifications (RunWatch): counted against the caps (else their 503), with
// the server's poll, heartbeat and maximum duration, and the headers that
// keep proxies from holding events back.
Reply start_stream(Call& call, std::shared_ptr<Feed> feed, std::string watch_run);

}  // namespace linkhub::http
