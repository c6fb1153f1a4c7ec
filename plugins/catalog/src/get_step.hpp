#pragma once
// catalog.get: one product by product_id or by (source, video_id), with its price history.

#include <linkhub/plugin.hpp>

namespace linkhub::catalog {

class GetStep : public sdk::Step {
 public:
  static constexpr const char* name = "get";
  static constexpr const char* description =
      "Reads one product by product_id or by source and video_id, with its price history and the current paths "
      "of its thumbnails and video. A missing product is {found: false}, not an error.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::catalog
