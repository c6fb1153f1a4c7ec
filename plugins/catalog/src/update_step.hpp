#pragma once
// catalog.update: edits a product's title, description, price, category or tags.

#include <linkhub/plugin.hpp>

namespace linkhub::catalog {

class UpdateStep : public sdk::Step {
 public:
  static constexpr const char* name = "update";
  static constexpr const char* description =
      "Changes the given editable fields (title, description, price, category, tags) of the product with "
      "product_id and records a price change in its history. A missing product is {found: false}.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::catalog
