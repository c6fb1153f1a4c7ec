#pragma once
// catalog.search: full text, filters, sort orders and cursor paging.

#include <linkhub/plugin.hpp>

namespace linkhub::catalog {

class SearchStep : public sdk::Step {
 public:
  static constexpr const char* name = "search";
  static constexpr const char* description =
      "Finds products by words in their title, tags, hashtags and description (any case, with or without "
      "accents), filtered by category (with the categories below it), price, currency, author, language and "
      "source; sorted by relevance, newest or price; paged with an opaque cursor.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::catalog
