// libFuzzer: any bytes as the Cookie header of a console request. Reading
// the session cookies never crashes, and a value the server set (one without
// ';', as tokens are) is read back unchanged from the header a browser sends.
#include "http/cookies.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::http;
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"lh_session", "lh_refresh", "", "="}) {
    if (cookie_value(text, name).size() > text.size()) {
      __builtin_trap();  // a value is a part of the header
    }
  }
  // Round trip: the cookie the server sets, among others the browser also sends.
  if (text.find(';') == std::string::npos) {
    const std::string header = "theme=dark; " + std::string("lh_session=") + text + "; lh_refresh=x";
    if (cookie_value(header, "lh_session") != text) {
      __builtin_trap();
    }
    const std::string set = set_cookie("lh_session", text, "/", std::chrono::seconds(60), true);
    if (cookie_value(set, "lh_session") != text) {
      __builtin_trap();  // the Set-Cookie value starts with name=value
    }
  }
  return 0;
}
