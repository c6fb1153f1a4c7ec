// libFuzzer: any bytes as a request to `linkhub whatsapp-sandbox`, the Cloud
// API stand-in: "METHOD URI\nAuthorization\nbody". Parsing the URI may only
// fail with Poco's SyntaxException (the listener answers 400); handle() must
// answer every request with a status and a Graph-API-shaped body, never throw.
#include "sandbox/cloud_sandbox.hpp"

#include <Poco/Exception.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

std::string take_line(std::string& rest) {
  const size_t end = rest.find('\n');
  std::string line = rest.substr(0, end);
  rest = end == std::string::npos ? std::string() : rest.substr(end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace linkhub::sandbox;
  // Few messages kept: the store stays small however many inputs run.
  static CloudSandbox sandbox(16);
  std::string rest(reinterpret_cast<const char*>(data), size);
  const std::string line = take_line(rest);
  const size_t space = line.find(' ');
  const std::string method = line.substr(0, space);
  const std::string uri = space == std::string::npos ? "/" : line.substr(space + 1);
  const std::string authorization = take_line(rest);
  SandboxRequest request;
  try {
    request = sandbox_request(method, uri, authorization, rest);
  } catch (const Poco::SyntaxException&) {
    return 0;
  }
  request.query.erase("wait_ms");  // a long poll would only wait: no input may hang the run
  const SandboxAnswer answer = sandbox.handle(request);
  if (answer.status < 200 || answer.status > 499 || !answer.body.is_object()) {
    __builtin_trap();
  }
  if (answer.status >= 400 && !answer.body.contains("error")) {
    __builtin_trap();  // refusals are Graph API errors
  }
  return 0;
}
