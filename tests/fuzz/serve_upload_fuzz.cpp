// libFuzzer: any bytes as the start of an upload (POST /api/v1/uploads) and
// as an MP4's box layout: the magic-byte look and the box walk must answer,
// never crash or read outside the bytes they were given.
#include "http/media_sniff.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::http;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const Sniff sniff = sniff_media(bytes.substr(0, 64));
  if (sniff.media && !claim_fits(sniff.media->media_type, *sniff.media)) {
    __builtin_trap();  // a type always fits itself
  }
  claim_fits(bytes.substr(0, 100), SniffedMedia{"video", "video/mp4", ".mp4"});
  iso_box_problem(bytes.size(), [&bytes](uint64_t offset) {
    return offset < bytes.size() ? bytes.substr(static_cast<size_t>(offset), 16) : std::string();
  });
  return 0;
}
