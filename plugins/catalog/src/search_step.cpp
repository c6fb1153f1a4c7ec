#include "search_step.hpp"

#include "product_search.hpp"
#include "search_request.hpp"
#include "step_support.hpp"

namespace linkhub::catalog {

using sdk::Json;

Json SearchStep::input_schema() {
  return search_input_schema();
}

Json SearchStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"items", {{"type", "array"}, {"items", product_output_schema()}}},
            {"next_cursor",
             {{"type", {"string", "null"}}, {"description", "Pass as `cursor` for the next page; null on the last"}}},
            {"total", {{"type", "integer"}, {"description", "Every match, when include_total is true"}}}}},
          {"required", {"items", "next_cursor"}}};
}

Json SearchStep::run(sdk::Context& ctx, const Json& input) {
  const SearchRequest request = parse_search_request(input);
  CatalogDatabase& db = catalog_database(ctx, "catalog.search");
  return db.read([&](soci::session& sql) { return search_products(sql, db.dialect(), request); });
}

}  // namespace linkhub::catalog
