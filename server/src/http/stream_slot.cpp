#include "http/stream_slot.hpp"

#include "http/services.hpp"

namespace linkhub::http {

std::optional<Reply> take_stream_slot(Call& call, Feed& feed) {
  Slots& streams = call.services.streams;
  auto taken = streams.acquire(call.principal ? call.principal->label() : call.client_address());
  if (taken.full == Slots::Full::No) {
    feed.slot = std::move(taken.slot);
    return std::nullopt;
  }
  const bool total = taken.full == Slots::Full::Total;
  const size_t cap = total ? streams.total() : streams.per_principal();
  Reply reply = Reply::error(
      ApiError{503, "too_many_streams",
               std::string(total ? "the server has" : "this API key or user has") +
                   " the most event streams open at once (" + std::to_string(cap) +
                   (total ? ", max_streams" : ", max_streams_per_principal") + "); close one or retry later",
               Json{{"limit", cap}, {"scope", total ? "server" : "principal"}, {"retry_after_s", 5}}});
  reply.headers.emplace_back("Retry-After", "5");
  return reply;
}

Reply start_stream(Call& call, std::shared_ptr<Feed> feed, std::string watch_run) {
  if (auto full = take_stream_slot(call, *feed)) {
    return std::move(*full);
  }
  const auto& limits = call.services.limits;
  feed->headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  feed->watch_run = std::move(watch_run);
  feed->poll_every = limits.poll;
  feed->heartbeat_every = limits.stream_heartbeat;
  feed->max_duration = limits.stream_max_duration;
  Reply reply;
  reply.feed = std::move(feed);
  return reply;
}

}  // namespace linkhub::http
