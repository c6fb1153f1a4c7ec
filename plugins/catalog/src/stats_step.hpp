#pragma once
// catalog.stats: products added and orders placed per UTC day, for the
// console's Overview (GET /api/v1/summary), so the server reads no catalog table.

#include <linkhub/plugin.hpp>

namespace linkhub::catalog {

class StatsStep : public sdk::Step {
 public:
  static constexpr const char* name = "stats";
  static constexpr const char* description =
      "Products added and orders placed on each of the last `days` UTC days (today included), oldest first.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::catalog
