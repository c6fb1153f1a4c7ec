#pragma once
// A product as the catalog keeps it: one canonical JSON document, plus the
// few fields the database filters, sorts and searches on.

#include <linkhub/plugin.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::catalog {

struct Price {
  int64_t micros = 0;
  std::string currency;  // ISO 4217, upper case
  bool operator==(const Price&) const = default;
};

struct Category {
  std::string id;
  std::string path;  // "fashion/shoes/sneakers": segments trimmed, joined by '/'
};

struct Product {
  sdk::Json document;  // every field, canonical; equal documents mean "nothing changed"
  std::string source;
  std::string video_id;
  std::optional<std::string> author;
  std::optional<std::string> author_id;
  std::optional<std::string> language;
  std::optional<Price> price;
  std::optional<Category> category;
  // Folded words (text_fold.hpp) for the full-text index.
  std::string search_title;
  std::string search_tags;  // tags and hashtags
  std::string search_description;
};

// Limits a product must keep; the README lists them.
constexpr size_t kMaxTitleChars = 500;
constexpr size_t kMaxDescriptionChars = 10000;
constexpr size_t kMaxDocumentBytes = 1024 * 1024;

// Checks `input` (catalog.upsert's input, or a stored document with edits)
// and returns it in canonical form: strings trimmed, empty strings null,
// amounts rounded to micros, currencies and hashes normalised, tags
// de-duplicated, absent lists [] and absent objects {}. Throws a permanent
// sdk::StepError "<step>: invalid product: ..." naming every bad field.
Product normalize_product(const sdk::Json& input, const std::string& step);

// Fills the product's folded search words from its document's title,
// description, tags and hashtags (a stored document, when re-indexing).
void index_words(Product& product);

// Reads a price object ({amount, currency}) or null; `field` names it in messages.
// Throws like normalize_product.
std::optional<Price> read_price(const sdk::Json& value, const std::string& field, const std::string& step);

// A language tag ("pt-BR") with its primary subtag lower case; nullopt when malformed.
std::optional<std::string> canonical_language(const std::string& text);

// The category path in canonical form; nullopt when empty or a segment is empty.
std::optional<std::string> canonical_category_path(const std::string& text);

// The price as stored JSON: {"amount": 19.99, "currency": "EUR"}.
sdk::Json price_json(const Price& price);

}  // namespace linkhub::catalog
