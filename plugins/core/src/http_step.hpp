#pragma once
// core.http: an HTTP request through libcurl.

#include <linkhub/plugin.hpp>

namespace linkhub::core {

class HttpStep : public sdk::Step {
 public:
  static constexpr const char* name = "http";
  static constexpr const char* description =
      "Sends an HTTP request (libcurl) and returns status, headers and body, with the body parsed when it is JSON.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::core
