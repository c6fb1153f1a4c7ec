#include "http/query.hpp"

#include "http/router.hpp"

#include <linkhub/engine/duration.hpp>
#include <linkhub/engine/suggest.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace linkhub::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// Percent-decoding; in a query '+' is a space (form encoding).
std::optional<std::string> decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      const int hi = hex_value(text[i + 1]);
      const int lo = hex_value(text[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (out.find('\0') != std::string::npos) {
    return std::nullopt;
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(sep, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) {
      return parts;
    }
    start = end + 1;
  }
}

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                       static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) {
      n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    }
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (rest == 2) {
      out += kAlphabet[(n >> 6) & 63];
    }
  }
  return out;
}

std::optional<std::string> unbase64url(std::string_view text) {
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::find(kAlphabet, kAlphabet + 64, c);
    if (at == kAlphabet + 64) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<uint32_t>(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::optional<int64_t> to_int(std::string_view text) {
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::optional<Target> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return std::nullopt;
  }
  const size_t hash = target.find('#');
  if (hash != std::string_view::npos) {
    target = target.substr(0, hash);
  }
  const size_t q = target.find('?');
  const std::string_view path = target.substr(0, q);
  Target out;
  for (auto segment : split(path.substr(1), '/')) {
    auto decoded = decode(segment, false);
    if (!decoded) {
      return std::nullopt;
    }
    out.segments.push_back(std::move(*decoded));
  }
  // "/api/v1/runs/" names the same resource as "/api/v1/runs".
  if (out.segments.size() > 1 && out.segments.back().empty()) {
    out.segments.pop_back();
  }
  if (q != std::string_view::npos) {
    for (auto pair : split(target.substr(q + 1), '&')) {
      if (pair.empty()) {
        continue;
      }
      const size_t eq = pair.find('=');
      auto name = decode(pair.substr(0, eq), true);
      auto value = decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
      if (!name || !value) {
        return std::nullopt;
      }
      if (out.query.count(*name) != 0 &&
          std::find(out.repeated.begin(), out.repeated.end(), *name) == out.repeated.end()) {
        out.repeated.push_back(*name);
      }
      out.query[*name] = std::move(*value);
    }
  }
  return out;
}

std::optional<ApiError> check_query(const Route& route, const Target& target) {
  std::vector<std::string> accepted;
  for (const auto& p : route.query) {
    accepted.push_back(p.name);
  }
  std::string list;
  for (const auto& name : accepted) {
    list += (list.empty() ? "" : ", ") + name;
  }
  for (const auto& [name, value] : target.query) {
    if (std::find(accepted.begin(), accepted.end(), name) == accepted.end()) {
      return bad_request("unknown_parameter",
                         "query parameter '" + name.substr(0, 64) + "' is not one this route takes" +
                             did_you_mean(name, accepted) +
                             (accepted.empty() ? "; it takes none" : "; it takes " + list),
                         Json{{"parameter", name.substr(0, 64)}, {"accepted", accepted}});
    }
  }
  if (!target.repeated.empty()) {
    const std::string& name = target.repeated.front();
    return bad_request("repeated_parameter",
                       "query parameter '" + name.substr(0, 64) + "' is given more than once; give it once",
                       Json{{"parameter", name.substr(0, 64)}});
  }
  return std::nullopt;
}

ApiResult<int64_t> int_value(const std::string& what, std::string_view text, int64_t min, int64_t max) {
  auto value = to_int(text);
  if (!value || *value < min || *value > max) {
    return bad_request("bad_parameter",
                       what + ": expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                           ", found '" + std::string(text.substr(0, 64)) + "'",
                       Json{{"parameter", what}});
  }
  return *value;
}

ApiResult<int64_t> int_param(const Target& target, const std::string& name, int64_t fallback, int64_t min,
                             int64_t max) {
  auto it = target.query.find(name);
  if (it == target.query.end()) {
    return fallback;
  }
  auto value = int_value("query parameter '" + name + "'", it->second, min, max);
  if (!value) {
    ApiError error = value.error();
    error.details["parameter"] = name;
    return error;
  }
  return value;
}

ApiResult<std::chrono::milliseconds> duration_param(const Target& target, const std::string& name,
                                                    std::chrono::milliseconds max) {
  auto it = target.query.find(name);
  if (it == target.query.end()) {
    return std::chrono::milliseconds(0);
  }
  std::optional<std::chrono::milliseconds> value;
  if (auto seconds = to_int(it->second); seconds && *seconds >= 0 && *seconds <= max.count() / 1000) {
    value = std::chrono::seconds(*seconds);
  } else {
    value = parse_duration(it->second);
  }
  if (!value || *value < std::chrono::milliseconds(0) || *value > max) {
    return bad_request("bad_parameter",
                       "query parameter '" + name + "': expected a duration such as 30s or 500ms, at most " +
                           format_duration(max) + ", found '" + it->second.substr(0, 64) + "'",
                       Json{{"parameter", name}});
  }
  return *value;
}

std::string encode_cursor(const Cursor& cursor) {
  return base64url("v1:" + std::to_string(cursor.created_ms) + ":" + cursor.id);
}

std::optional<Cursor> decode_cursor(std::string_view text) {
  if (text.empty() || text.size() > 400) {
    return std::nullopt;
  }
  auto raw = unbase64url(text);
  if (!raw || raw->rfind("v1:", 0) != 0) {
    return std::nullopt;
  }
  const std::string_view rest = std::string_view(*raw).substr(3);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  auto created = to_int(rest.substr(0, colon));
  const std::string_view id = rest.substr(colon + 1);
  const bool id_ok = !id.empty() && id.size() <= 100 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_';
  });
  if (!created || *created <= 0 || !id_ok) {
    return std::nullopt;
  }
  return Cursor{*created, std::string(id)};
}

}  // namespace linkhub::http
