#pragma once
// The caps on open event streams (limits max_streams, max_streams_per_principal),
// shared by every streaming route so no caller can hold them all.

#include "http/call.hpp"

#include <optional>

namespace linkhub::http {

// Counts `feed` against the caller's and the server's stream caps; when one
// is full, the 503 too_many_streams answer to send instead (with Retry-After).
std::optional<Reply> take_stream_slot(Call& call, Feed& feed);

}  // namespace linkhub::http
