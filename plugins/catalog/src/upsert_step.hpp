#pragma once
// catalog.upsert: inserts or updates a product keyed by (source, video_id).

#include <linkhub/plugin.hpp>

namespace linkhub::catalog {

class UpsertStep : public sdk::Step {
 public:
  static constexpr const char* name = "upsert";
  static constexpr const char* description =
      "Inserts a product, or updates the one with the same source and video_id; keeps its price history. "
      "Exactly once per idempotency key: a retried or resumed step gets the first result back.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::catalog
