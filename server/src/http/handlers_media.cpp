// Artifacts over HTTP: GET/HEAD /api/v1/artifacts/{sha256} for API clients,
// GET/HEAD /media/{sha256}?exp=&sig= for what cannot send credentials (an
// <img> tag, WhatsApp fetching an image by link, a product feed). Both answer
// from the artifact store in pieces, with the content hash as a strong ETag,
// immutable caching, 304 and single byte ranges.
#include "http/handlers.hpp"
#include "http/media.hpp"

#include <linkhub/engine/run_store.hpp>

#include <algorithm>
#include <stdexcept>

namespace linkhub::http {
namespace {

// Content never changes under its hash: caches may keep it for a year without asking again.
constexpr const char* kImmutable = "public, max-age=31536000, immutable";

Reply unknown_artifact(const std::string& hex) {
  return Reply::error(
      not_found("unknown_artifact", "no artifact has the hash sha256:" + hex, Json{{"hash", "sha256:" + hex}}));
}

Reply serve_artifact(Call& call, const std::string& hex) {
  if (!call.services.artifacts) {
    return unknown_artifact(hex);
  }
  auto info = call.services.artifacts->stat(hex);
  if (!info) {
    if (info.error().code == "not_found") {
      return unknown_artifact(hex);
    }
    throw std::runtime_error(info.error().message);  // the dispatcher logs it and answers 500
  }
  const std::string etag = artifact_etag(hex);
  const std::vector<std::pair<std::string, std::string>> cache = {
      {"ETag", etag}, {"Cache-Control", kImmutable}, {"Accept-Ranges", "bytes"}};
  if (const std::string tags = call.header("If-None-Match"); !tags.empty() && etag_matches(tags, etag)) {
    Reply reply;
    reply.status = 304;
    reply.headers = cache;
    return reply;
  }
  ByteRange range = parse_range(call.header("Range"), info->bytes);
  // If-Range with another validator: the client's part is stale, so it gets the whole.
  if (const std::string if_range = call.header("If-Range"); !if_range.empty() && if_range != etag) {
    range = ByteRange{};
  }
  if (range.kind == ByteRange::Kind::Unsatisfiable) {
    Reply reply = Reply::error(ApiError{416, "range_not_satisfiable",
                                        "the Range is outside the artifact's " + std::to_string(info->bytes) + " bytes",
                                        Json{{"bytes", info->bytes}}});
    reply.headers = cache;
    reply.headers.emplace_back("Content-Range", "bytes */" + std::to_string(info->bytes));
    return reply;
  }
  const uint64_t first = range.kind == ByteRange::Kind::Part ? range.first : 0;
  const uint64_t length = range.kind == ByteRange::Kind::Part ? range.last - range.first + 1 : info->bytes;
  Reply reply;
  reply.status = range.kind == ByteRange::Kind::Part ? 206 : 200;
  reply.content_type = info->media_type;
  reply.headers = cache;
  // Stored bytes are served as their extension says, never sniffed into something a browser would run.
  reply.headers.emplace_back("X-Content-Type-Options", "nosniff");
  reply.headers.emplace_back("Content-Security-Policy", "sandbox; default-src 'none'");
  if (range.kind == ByteRange::Kind::Part) {
    reply.headers.emplace_back("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                                    std::to_string(range.last) + "/" + std::to_string(info->bytes));
  }
  auto source = std::make_shared<BodySource>();
  source->length = length;
  source->read = [store = call.services.artifacts, hex, first, length](uint64_t offset,
                                                                       size_t max) -> Result<std::string> {
    std::string piece;
    const uint64_t want = std::min<uint64_t>(max, length - std::min(offset, length));
    piece.reserve(static_cast<size_t>(want));
    auto read = store->read(hex, first + offset, want, [&piece](std::string_view chunk) {
      piece.append(chunk);
      return true;
    });
    if (!read) {
      return read.error();
    }
    return piece;
  };
  reply.source = std::move(source);
  return reply;
}

}  // namespace

Reply get_artifact(Call& call) {
  const std::string& text = call.param("hash");
  auto hex = artifact_hex(text);
  if (!hex) {
    return Reply::error(bad_request("bad_parameter",
                                    "path parameter 'hash': expected \"sha256:\" and 64 hex digits, or the 64 hex "
                                    "digits alone",
                                    Json{{"parameter", "hash"}}));
  }
  return serve_artifact(call, *hex);
}

Reply get_media(Call& call) {
  const auto& query = call.target.query;
  const auto value = [&query](const char* name) {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  };
  const int64_t now_s = linkhub::now_ms() / 1000;
  const auto check = call.services.media_signer
                         ? call.services.media_signer->check(call.param("hash"), value("exp"), value("sig"), now_s)
                         : MediaSigner::Check::Bad;
  // One answer for every bad link, so a prober learns nothing about which part was wrong.
  if (check == MediaSigner::Check::Bad) {
    return Reply::error(ApiError{403, "bad_link", "this media link is not valid (its signature does not match)"});
  }
  if (check == MediaSigner::Check::Expired) {
    return Reply::error(ApiError{403, "link_expired", "this media link has expired; ask for a fresh one"});
  }
  return serve_artifact(call, *artifact_hex(call.param("hash")));
}

}  // namespace linkhub::http
