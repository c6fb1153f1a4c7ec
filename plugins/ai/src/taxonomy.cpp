#include "taxonomy.hpp"
#include "words.hpp"

#include "utf8.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <initializer_list>
#include <map>
#include <mutex>
#include <sstream>
#include <unordered_set>

namespace linkhub::ai {
namespace {

using words::any_of;

// Words of category names that carry no meaning of their own.
bool is_name_stopword(std::string_view term) {
  return any_of(term, {"and", "or", "for", "of", "the", "with", "a", "an", "in", "on", "to", "by", "other", "non"});
}

// Words so common in category names that matching only them says little:
// a category needs at least one other word of the query.
bool is_generic(std::string_view term) {
  return any_of(term,
                {"accessory", "supply",   "product", "part", "kit",     "set",     "equipment",   "tool",   "item",
                 "system",    "material", "gear",    "good", "general", "purpose", "replacement", "holder", "stand",
                 "case",      "care",     "cover",   "bag",  "unit",    "device",  "component",   "refill", "pack"});
}

// Plural words that are not plurals of something else, kept as they are on
// both sides so "jeans" stays "jeans".
bool keeps_its_s(std::string_view w) {
  return any_of(w, {"jeans", "pants", "shorts", "leggings", "tights", "glasses", "sunglasses", "scissors", "trousers",
                    "overalls", "pajamas", "clothes", "cosmetics", "electronics", "series", "species", "news", "lens",
                    "canvas", "christmas", "plus", "bus", "gas", "yes", "this", "his", "its", "us", "earmuffs", "chaps",
                    "tongs", "pliers", "goggles", "binoculars", "headphones", "earphones", "mittens", "always",
                    "perhaps", "less", "dress", "kiss", "boss", "mass", "glass", "grass", "class", "bass",
                    // Indonesian and Malay words that end in s without being plurals
                    "kaos", "polos", "tas", "manis", "gratis", "kurus", "atas", "panas", "keras"});
}

std::vector<std::string> name_terms(std::string_view name) {
  std::vector<std::string> out;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) {
      std::string t = normalise_term(word);
      if (!t.empty() && !is_name_stopword(t) && std::find(out.begin(), out.end(), t) == out.end()) {
        out.push_back(std::move(t));
      }
      word.clear();
    }
  };
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z') || c == '\'' || u >= 0x80) {
      word.push_back(c);
    } else {
      flush();  // spaces, '&', ',', '/', '(', ')', '-'
    }
  }
  flush();
  return out;
}

}  // namespace

std::string singular(std::string_view w) {
  std::string s(w);
  if (s.size() <= 3 || keeps_its_s(s) || !utf8::is_ascii(s)) {
    return s;
  }
  static const std::map<std::string_view, std::string_view> kIrregular = {
      {"knives", "knife"},     {"shelves", "shelf"},      {"leaves", "leaf"},    {"women", "woman"},
      {"men", "man"},          {"children", "child"},     {"feet", "foot"},      {"teeth", "tooth"},
      {"mice", "mouse"},       {"geese", "goose"},        {"hoodies", "hoodie"}, {"cookies", "cookie"},
      {"movies", "movie"},     {"selfies", "selfie"},     {"beanies", "beanie"}, {"onesies", "onesie"},
      {"brownies", "brownie"}, {"smoothies", "smoothie"}, {"ties", "tie"},       {"pies", "pie"},
      {"calories", "calorie"}, {"lingeries", "lingerie"}, {"rookies", "rookie"}, {"zombies", "zombie"},
      {"boxes", "box"},        {"dresses", "dress"}};
  if (const auto it = kIrregular.find(s); it != kIrregular.end()) {
    return std::string(it->second);
  }
  auto ends = [&](std::string_view suffix) {
    return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends("ies") && s.size() > 4) {
    return s.substr(0, s.size() - 3) + "y";
  }
  if (ends("sses") || ends("shes") || ends("ches") || ends("xes") || ends("zzes")) {
    return s.substr(0, s.size() - 2);
  }
  if (ends("ss") || ends("us") || ends("is") || ends("as") || !ends("s")) {
    return s;
  }
  return s.substr(0, s.size() - 1);
}

std::string normalise_term(std::string_view word) {
  std::string f = utf8::folded(word);
  // Possessives: "chef's" -> "chef"; curly apostrophes fold to themselves.
  for (std::string_view apostrophe : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")}) {
    if (f.size() > apostrophe.size() && f.compare(f.size() - apostrophe.size(), apostrophe.size(), apostrophe) == 0) {
      f.resize(f.size() - apostrophe.size());
    }
  }
  return singular(f);
}

std::unique_ptr<Taxonomy> Taxonomy::parse(std::string_view text, const std::string& source) {
  auto taxonomy = std::make_unique<Taxonomy>();
  std::unordered_map<std::string, uint32_t> by_path;
  std::unordered_set<uint32_t> ids;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const size_t dash = line.find(" - ");
    size_t digits = 0;
    while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') {
      ++digits;
    }
    auto fail = [&](const std::string& why) {
      std::string shown(line.substr(0, 80));
      throw TaxonomyError(source + ":" + std::to_string(line_no) + ": " + why + ", found \"" + shown + "\"");
    };
    if (digits == 0 || digits > 9 || dash != digits || dash + 3 >= line.size()) {
      fail("expected \"<id> - <Category > Path>\"");
    }
    Category c;
    c.id = static_cast<uint32_t>(std::stoul(std::string(line.substr(0, digits))));
    if (!ids.insert(c.id).second) {
      fail("category id " + std::to_string(c.id) + " appears twice");
    }
    c.path = std::string(line.substr(dash + 3));
    std::vector<std::string_view> levels;
    for (size_t start = 0;;) {
      const size_t sep = c.path.find(" > ", start);
      levels.push_back(
          std::string_view(c.path).substr(start, sep == std::string::npos ? std::string::npos : sep - start));
      if (sep == std::string::npos) {
        break;
      }
      start = sep + 3;
    }
    c.depth = static_cast<uint32_t>(levels.size());
    c.leaf_terms = name_terms(levels.back());
    for (size_t l = 0; l + 1 < levels.size(); ++l) {
      for (std::string& t : name_terms(levels[l])) {
        if (std::find(c.leaf_terms.begin(), c.leaf_terms.end(), t) == c.leaf_terms.end() &&
            std::find(c.parent_terms.begin(), c.parent_terms.end(), t) == c.parent_terms.end()) {
          c.parent_terms.push_back(std::move(t));
        }
      }
    }
    if (levels.size() > 1) {
      const size_t last_sep = c.path.rfind(" > ");
      if (const auto parent = by_path.find(c.path.substr(0, last_sep)); parent != by_path.end()) {
        taxonomy->categories_[parent->second].has_children = true;
      }
    }
    by_path.emplace(c.path, static_cast<uint32_t>(taxonomy->categories_.size()));
    taxonomy->categories_.push_back(std::move(c));
  }
  if (taxonomy->categories_.empty()) {
    throw TaxonomyError(source + ": holds no categories (expected lines \"<id> - <Category > Path>\")");
  }
  taxonomy->build_index();
  return taxonomy;
}

void Taxonomy::build_index() {
  for (uint32_t i = 0; i < categories_.size(); ++i) {
    for (const std::string& t : categories_[i].leaf_terms) {
      by_term_[t].push_back(i);
      ++document_frequency_[t];
    }
  }
}

double Taxonomy::idf(const std::string& term) const {
  const auto it = document_frequency_.find(term);
  const double df = it == document_frequency_.end() ? 1.0 : it->second;
  return std::log(1.0 + static_cast<double>(categories_.size()) / df);
}

std::shared_ptr<const Taxonomy> Taxonomy::load(const std::filesystem::path& file) {
  // Leaked on purpose: plugins are never unloaded, and this outlives every step.
  static auto* mutex = new std::mutex();
  static auto* cache = new std::map<std::string, std::shared_ptr<const Taxonomy>>();
  const std::string key = file.lexically_normal().string();
  std::lock_guard<std::mutex> lock(*mutex);
  if (const auto it = cache->find(key); it != cache->end()) {
    return it->second;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw TaxonomyError("cannot read the taxonomy file " + file.string());
  }
  std::ostringstream content;
  content << in.rdbuf();
  std::shared_ptr<const Taxonomy> taxonomy = parse(content.str(), file.string());
  cache->emplace(key, taxonomy);
  return taxonomy;
}

std::vector<CategoryMatch> Taxonomy::match(const Query& query, size_t n) const {
  struct Accumulator {
    double weight = 0;
    uint32_t matched = 0;
    bool specific = false;
  };
  std::unordered_map<uint32_t, Accumulator> found;
  for (const auto& [term, weight] : query.terms) {
    const auto postings = by_term_.find(term);
    if (postings == by_term_.end()) {
      continue;
    }
    const double w = idf(term) * weight;
    const bool generic = is_generic(term);
    for (uint32_t c : postings->second) {
      Accumulator& a = found[c];
      a.weight += w;
      ++a.matched;
      a.specific = a.specific || !generic;
    }
  }
  // A score rewards rare words, names the query covers completely (so
  // "Dresses" beats "Dance Dresses, Skirts & Costumes" for "dress"), word
  // pairs in their order ("phone case"), agreeing parent levels, depth and
  // leaves (the most specific category that fits).
  // The bar scales with the rarest word's weight, so a small custom taxonomy
  // matches as readily as Google's 5,600 categories.
  const double min_score = 0.3 * std::log(1.0 + static_cast<double>(categories_.size()));
  std::vector<CategoryMatch> matches;
  for (const auto& [index, a] : found) {
    if (!a.specific) {
      continue;
    }
    const Category& c = categories_[index];
    const double coverage = static_cast<double>(a.matched) / static_cast<double>(c.leaf_terms.size());
    double pairs = 0;
    for (size_t k = 0; k + 1 < c.leaf_terms.size(); ++k) {
      if (const auto p = query.pairs.find(c.leaf_terms[k] + " " + c.leaf_terms[k + 1]); p != query.pairs.end()) {
        pairs += 1.5 * p->second;
      }
    }
    double score = (a.weight + pairs) * (0.4 + 0.6 * coverage);
    double context = 0;
    for (const std::string& t : c.parent_terms) {
      if (const auto q = query.terms.find(t); q != query.terms.end()) {
        context += 0.3 * idf(t) * q->second;
      }
    }
    score += std::min(context, score);
    score += 0.02 * c.depth + (c.has_children ? 0.0 : 0.1);
    if (score >= min_score) {
      matches.push_back({&c, score});
    }
  }
  std::sort(matches.begin(), matches.end(), [](const CategoryMatch& a, const CategoryMatch& b) {
    if (a.score != b.score) {
      return a.score > b.score;
    }
    return a.category->id < b.category->id;
  });
  if (matches.size() > n) {
    matches.resize(n);
  }
  return matches;
}

}  // namespace linkhub::ai
