#pragma once
// catalog.search's input, checked and normalised: the words to look for
// (folded like the index), the filters, the sort, the page.

#include "search_cursor.hpp"

#include <linkhub/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::catalog {

enum class SortOrder { kRelevance, kNewest, kPriceAsc, kPriceDesc };

constexpr size_t kDefaultSearchLimit = 20;
constexpr size_t kMaxSearchLimit = 100;

struct SearchRequest {
  bool has_query = false;          // a query was given (it may fold to no words: then nothing matches)
  std::vector<std::string> words;  // all must match
  std::optional<std::string> category_id;
  std::optional<std::string> category_path;
  std::optional<int64_t> price_min_micros;
  std::optional<int64_t> price_max_micros;
  std::optional<std::string> currency;
  std::optional<std::string> author;
  std::optional<std::string> language;
  std::optional<std::string> source;
  SortOrder sort = SortOrder::kNewest;
  std::string sort_name = "newest";
  size_t limit = kDefaultSearchLimit;
  std::optional<CursorPosition> after;
  bool include_total = false;
  std::string fingerprint;  // of the query, filters and sort: what a cursor belongs to
};

// Throws a permanent sdk::StepError naming every bad field.
SearchRequest parse_search_request(const sdk::Json& input);

sdk::Json search_input_schema();

}  // namespace linkhub::catalog
