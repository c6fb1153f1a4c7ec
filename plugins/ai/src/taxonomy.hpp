#pragma once
// Google's product taxonomy ("<id> - A > B > C" per line) as an index from
// keyword to categories, and the scoring that picks a category for a bag of
// words. Loaded once per file and shared by every step (thread-safe).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace linkhub::ai {

class TaxonomyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Category {
  uint32_t id = 0;
  std::string path;                       // "Apparel & Accessories > Clothing > Dresses"
  std::vector<std::string> leaf_terms;    // normalised words of the last level
  std::vector<std::string> parent_terms;  // ... of the levels above, each once
  uint32_t depth = 0;                     // 1 for a top level
  bool has_children = false;
};

// The words a query holds, each with the weight of where it came from
// (hashtag, title, text, description), and the adjacent pairs it holds.
struct Query {
  std::unordered_map<std::string, double> terms;
  std::unordered_map<std::string, double> pairs;  // "mobile phone"
};

struct CategoryMatch {
  const Category* category = nullptr;
  double score = 0;
};

class Taxonomy {
 public:
  // Parses the file's text; `source` names it in errors ("file:line: ...").
  static std::unique_ptr<Taxonomy> parse(std::string_view text, const std::string& source);
  // Loads and indexes the file once per path for the life of the process.
  static std::shared_ptr<const Taxonomy> load(const std::filesystem::path& file);

  // The best `n` categories, best first; empty when no category matches a
  // specific (non-generic) word of the query well enough.
  std::vector<CategoryMatch> match(const Query& query, size_t n) const;

  // True when `term` (normalised) is a word of some category name.
  bool knows(std::string_view term) const { return document_frequency_.count(std::string(term)) != 0; }
  size_t size() const { return categories_.size(); }
  const std::vector<Category>& categories() const { return categories_; }

 private:
  void build_index();
  double idf(const std::string& term) const;

  std::vector<Category> categories_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_term_;  // leaf term -> categories
  std::unordered_map<std::string, uint32_t> document_frequency_;    // leaf term -> categories holding it
};

// The normalised form of one word, shared by the taxonomy and the queries:
// lowercase, Latin diacritics removed, "'s" dropped, English plural made
// singular ("dresses" -> "dress", "accessories" -> "accessory").
std::string normalise_term(std::string_view word);
std::string singular(std::string_view ascii_lower_word);

}  // namespace linkhub::ai
