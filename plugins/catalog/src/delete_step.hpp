#pragma once
// catalog.delete: removes a product and its price history.

#include <linkhub/plugin.hpp>

namespace linkhub::catalog {

class DeleteStep : public sdk::Step {
 public:
  static constexpr const char* name = "delete";
  static constexpr const char* description =
      "Removes the product with product_id and its price history. Deleting a product that is not there is no "
      "error: deleted is false.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::catalog
