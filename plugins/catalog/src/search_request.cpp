#include "search_request.hpp"

#include "field_errors.hpp"
#include "fingerprint.hpp"
#include "money.hpp"
#include "product.hpp"
#include "text_fold.hpp"

#include <algorithm>

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr size_t kMaxQueryChars = 500;
constexpr size_t kMaxQueryWords = 32;
constexpr const char* kStep = "catalog.search";

const std::vector<std::string>& search_fields() {
  static const std::vector<std::string> fields = {"query",    "category", "category_path", "price_min", "price_max",
                                                  "currency", "author",   "language",      "source",    "sort",
                                                  "cursor",   "limit",    "include_total"};
  return fields;
}

const std::vector<std::pair<std::string, SortOrder>>& sort_orders() {
  static const std::vector<std::pair<std::string, SortOrder>> orders = {{"relevance", SortOrder::kRelevance},
                                                                        {"newest", SortOrder::kNewest},
                                                                        {"price_asc", SortOrder::kPriceAsc},
                                                                        {"price_desc", SortOrder::kPriceDesc}};
  return orders;
}

std::optional<std::string> string_field(const Json& input, const char* key, FieldErrors& errors,
                                        size_t max_chars = 500) {
  const auto it = input.find(key);
  if (it == input.end() || it->is_null()) {
    return std::nullopt;
  }
  if (!it->is_string()) {
    errors.add(std::string("`") + key + "`", "must be a string, found " + describe(*it));
    return std::nullopt;
  }
  if (utf8_length(it->get<std::string>()) > max_chars) {
    errors.add(std::string("`") + key + "`", "is longer than " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  return it->get<std::string>();
}

std::optional<int64_t> price_field(const Json& input, const char* key, FieldErrors& errors) {
  const auto it = input.find(key);
  if (it == input.end() || it->is_null()) {
    return std::nullopt;
  }
  std::optional<int64_t> micros;
  if (!it->is_number() || !(micros = amount_to_micros(it->get<double>()))) {
    errors.add(std::string("`") + key + "`", "must be a number from 0 to 1e12, found " + describe(*it));
  }
  return micros;
}

}  // namespace

SearchRequest parse_search_request(const Json& input) {
  FieldErrors errors;
  if (!input.is_object()) {
    errors.add("the input", "must be a JSON object, found " + describe(input));
    errors.throw_if_any(kStep, "search");
  }
  for (const auto& [key, ignored] : input.items()) {
    if (std::find(search_fields().begin(), search_fields().end(), key) == search_fields().end()) {
      const std::string guess = closest_name(key, search_fields());
      errors.add("`" + key + "`",
                 "is not a search field" + (guess.empty() ? std::string() : " (did you mean `" + guess + "`?)"));
    }
  }
  SearchRequest r;
  if (const auto query = string_field(input, "query", errors, kMaxQueryChars)) {
    r.words = search_words(*query);
    r.has_query = !r.words.empty() || query->find_first_not_of(" \t\r\n") != std::string::npos;
    if (r.words.size() > kMaxQueryWords) {
      errors.add("`query`", "has " + std::to_string(r.words.size()) + " words; at most " +
                                std::to_string(kMaxQueryWords) + " are allowed");
    }
  }
  r.category_id = string_field(input, "category", errors);
  if (const auto path = string_field(input, "category_path", errors)) {
    r.category_path = canonical_category_path(*path);
    if (!r.category_path) {
      errors.add("`category_path`",
                 "must be segments separated by '/' or ' > ' with none empty, found " + describe(*path));
    }
  }
  r.price_min_micros = price_field(input, "price_min", errors);
  r.price_max_micros = price_field(input, "price_max", errors);
  if (r.price_min_micros && r.price_max_micros && *r.price_min_micros > *r.price_max_micros) {
    errors.add("`price_min`", "is above `price_max`");
  }
  if (const auto code = string_field(input, "currency", errors)) {
    r.currency = canonical_currency(*code);
    if (!r.currency) {
      errors.add("`currency`", "must be a three-letter ISO 4217 code such as \"USD\", found " + describe(*code));
    }
  }
  r.author = string_field(input, "author", errors);
  if (const auto language = string_field(input, "language", errors)) {
    r.language = canonical_language(*language);
    if (!r.language) {
      errors.add("`language`", "must be a language tag such as \"en\" or \"pt-BR\", found " + describe(*language));
    }
  }
  r.source = string_field(input, "source", errors);

  r.sort = r.has_query ? SortOrder::kRelevance : SortOrder::kNewest;
  r.sort_name = r.has_query ? "relevance" : "newest";
  if (const auto sort = string_field(input, "sort", errors)) {
    const auto it = std::find_if(sort_orders().begin(), sort_orders().end(),
                                 [&](const auto& order) { return order.first == *sort; });
    if (it == sort_orders().end()) {
      errors.add("`sort`", "must be relevance, newest, price_asc or price_desc, found " + describe(*sort));
    } else if (it->second == SortOrder::kRelevance && !r.has_query) {
      errors.add("`sort`", "is relevance, which needs a `query`");
    } else {
      r.sort = it->second;
      r.sort_name = it->first;
    }
  }
  if (const auto limit = input.find("limit"); limit != input.end() && !limit->is_null()) {
    if (!limit->is_number_integer() || limit->get<int64_t>() < 1 ||
        limit->get<int64_t>() > static_cast<int64_t>(kMaxSearchLimit)) {
      errors.add("`limit`",
                 "must be a whole number from 1 to " + std::to_string(kMaxSearchLimit) + ", found " + describe(*limit));
    } else {
      r.limit = static_cast<size_t>(limit->get<int64_t>());
    }
  }
  if (const auto total = input.find("include_total"); total != input.end() && !total->is_null()) {
    if (!total->is_boolean()) {
      errors.add("`include_total`", "must be true or false, found " + describe(*total));
    } else {
      r.include_total = total->get<bool>();
    }
  }
  const auto cursor = string_field(input, "cursor", errors, 4096);
  errors.throw_if_any(kStep, "search");

  const auto or_null = [](const auto& v) { return v ? Json(*v) : Json(); };
  r.fingerprint = json_fingerprint({{"words", r.words},
                                    {"has_query", r.has_query},
                                    {"category", or_null(r.category_id)},
                                    {"category_path", or_null(r.category_path)},
                                    {"price_min", or_null(r.price_min_micros)},
                                    {"price_max", or_null(r.price_max_micros)},
                                    {"currency", or_null(r.currency)},
                                    {"author", or_null(r.author)},
                                    {"language", or_null(r.language)},
                                    {"source", or_null(r.source)},
                                    {"sort", r.sort_name}});
  if (cursor && !cursor->empty()) {
    r.after = decode_cursor(*cursor, r.sort_name, r.fingerprint);
  }
  return r;
}

Json search_input_schema() {
  const auto text = [](const char* what) { return Json{{"type", "string"}, {"description", what}}; };
  const auto amount = [](const char* what) { return Json{{"type", "number"}, {"minimum", 0}, {"description", what}}; };
  return {{"type", "object"},
          {"properties",
           {{"query",
             {{"type", "string"},
              {"maxLength", kMaxQueryChars},
              {"description",
               "Words to find in title, tags, hashtags and description (all must match; case and "
               "accents do not matter)"}}},
            {"category", text("A category id: products in it and in every category below it (by path)")},
            {"category_path", text("A category path (\"fashion/shoes\"): products in it and below it")},
            {"price_min", amount("Lowest price, inclusive (products without a price are left out)")},
            {"price_max", amount("Highest price, inclusive (products without a price are left out)")},
            {"currency", text("Only prices in this ISO 4217 currency")},
            {"author", text("Only products whose author_id or author is exactly this")},
            {"language", text("Only this language; \"es\" also matches \"es-MX\"")},
            {"source", text("Only products from this source (\"tiktok\")")},
            {"sort",
             {{"type", "string"},
              {"enum", {"relevance", "newest", "price_asc", "price_desc"}},
              {"description",
               "Default: relevance with a query, else newest. Products without a price come last in "
               "price orders"}}},
            {"cursor", text("next_cursor of the previous page")},
            {"limit",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", kMaxSearchLimit},
              {"default", kDefaultSearchLimit},
              {"description", "Items per page"}}},
            {"include_total",
             {{"type", "boolean"}, {"default", false}, {"description", "Also count every matching product"}}}}},
          {"additionalProperties", false}};
}

}  // namespace linkhub::catalog
