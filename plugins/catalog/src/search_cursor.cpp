#include "search_cursor.hpp"

#include "base64url.hpp"

#include <linkhub/plugin.hpp>

namespace linkhub::catalog {
namespace {

constexpr int kCursorVersion = 1;
constexpr size_t kMaxCursorChars = 1024;

[[noreturn]] void malformed(const std::string& step, const std::string& why) {
  const std::string problem =
      "`cursor` " + why + "; pass the next_cursor of the previous page unchanged, or leave it out to start again";
  throw sdk::StepError(sdk::errors::invalid_input, step + ": " + problem, false,
                       {{"step", step}, {"reason", "bad_cursor"}, {"fields", {"cursor"}}, {"problem", problem}});
}

}  // namespace

std::string encode_cursor(const CursorPosition& after, const std::string& sort, const std::string& search_fingerprint) {
  const sdk::Json doc = {
      {"v", kCursorVersion}, {"s", sort}, {"k", after.sort_key}, {"i", after.id}, {"f", search_fingerprint}};
  return base64url_encode(doc.dump());
}

CursorPosition decode_cursor(const std::string& cursor, const std::string& sort, const std::string& search_fingerprint,
                             const std::string& step) {
  if (cursor.size() > kMaxCursorChars) {
    malformed(step, "is too long to be a cursor");
  }
  const auto bytes = base64url_decode(cursor);
  if (!bytes) {
    malformed(step, "is not a cursor (it is not base64url text)");
  }
  const sdk::Json doc = sdk::Json::parse(*bytes, nullptr, false);
  const auto is_int = [&](const char* key) { return doc.contains(key) && doc[key].is_number_integer(); };
  if (!doc.is_object() || !is_int("v") || !is_int("k") || !is_int("i") || !doc.contains("s") || !doc["s"].is_string() ||
      !doc.contains("f") || !doc["f"].is_string()) {
    malformed(step, "is not a cursor this catalog gave out");
  }
  if (doc["v"].get<int>() != kCursorVersion) {
    malformed(step, "comes from another version of the catalog");
  }
  if (doc["s"].get<std::string>() != sort) {
    malformed(step, "was made for sort '" + doc["s"].get<std::string>() + "', not '" + sort + "'");
  }
  if (doc["f"].get<std::string>() != search_fingerprint) {
    malformed(step, "was made for another search (the query or the filters changed)");
  }
  return {doc["k"].get<int64_t>(), doc["i"].get<int64_t>()};
}

}  // namespace linkhub::catalog
