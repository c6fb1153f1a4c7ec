#include "tags.hpp"

#include "currencies.hpp"
#include "synonyms.hpp"
#include "tokenizer.hpp"
#include "utf8.hpp"
#include "words.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace linkhub::ai {
namespace {

// How much a word says about the product, by where it was written: the
// creator's hashtags and title say the most, a long description the least.
struct Source {
  double query_weight;
  double tag_rank;
};
constexpr Source kHashtag{1.0, 3.0};
constexpr Source kTitle{1.0, 2.0};
constexpr Source kText{0.8, 1.0};
constexpr Source kDescription{0.6, 0.5};
constexpr double kSynonymWeight = 0.9;
constexpr double kHeadBonus = 1.25;
constexpr double kReplacedWeight = 0.5;
constexpr double kSplitHashtagWeight = 0.7;
constexpr size_t kMaxSegmentedLength = 40;

bool is_word_char(char32_t cp) {
  return cp == '_' || utf8::is_ascii_digit(cp) || utf8::is_letter_or_mark(cp);
}

// "#ÁoThun" -> "aothun", "#Dresses" -> "dresses", "#ของดี" -> "ของดี".
std::string normalise_hashtag_unsingular(std::string_view raw) {
  const std::string f = utf8::folded(raw);
  std::string kept;
  for (size_t i = 0; i < f.size();) {
    const utf8::Decoded d = utf8::decode(f, i);
    if (is_word_char(d.cp)) {
      kept.append(f, i, d.len);
    }
    i += d.len;
  }
  return kept;
}

std::string normalise_hashtag(std::string_view raw) {
  return singular(normalise_hashtag_unsingular(raw));
}

bool all_digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }) || s.empty();
}

bool is_multiplier(std::string_view lower) {
  return lower == "k" || lower == "rb" || lower == "ribu" || lower == "jt" || lower == "juta" || lower == "tr" ||
         lower == "triệu";
}

class TagCollector {
 public:
  void add(const std::string& tag, double rank) {
    auto [it, inserted] = tags_.try_emplace(tag, Entry{0, order_});
    if (inserted) {
      ++order_;
    }
    it->second.rank += rank;
  }
  std::vector<std::string> best(size_t n) const {
    std::vector<std::pair<std::string, Entry>> all(tags_.begin(), tags_.end());
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.second.rank != b.second.rank ? a.second.rank > b.second.rank : a.second.order < b.second.order;
    });
    std::vector<std::string> out;
    for (size_t i = 0; i < all.size() && i < n; ++i) {
      out.push_back(all[i].first);
    }
    return out;
  }

 private:
  struct Entry {
    double rank;
    size_t order;
  };
  std::unordered_map<std::string, Entry> tags_;
  size_t order_ = 0;
};

class QueryBuilder {
 public:
  explicit QueryBuilder(const Taxonomy* taxonomy) : taxonomy_(taxonomy) {}

  // A run of adjacent words: each is a term, each neighbouring pair a pair,
  // and synonyms of either add their own words. The last word before a
  // function word or the end of the run heads an English noun phrase ("linen
  // *shirt* for men") and counts a little more.
  void add_sequence(const std::vector<std::string>& words, double weight) {
    std::vector<double> w(words.size(), weight);
    for (size_t i = 0; i < words.size(); ++i) {
      const bool head = i + 1 == words.size() || words::is_stopword(words[i + 1]);
      if (head && words.size() > 1) {
        w[i] *= kHeadBonus;
      }
    }
    // A two-word synonym replaces its words: "coffee beans" is coffee, not
    // beans; "tank top" is a shirt, not a tank.
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      const std::string pair = words[i] + " " + words[i + 1];
      add_pair(pair, weight);
      if (const std::vector<std::string>* replacement = synonym(pair)) {
        expand(pair, weight);
        for (size_t k : {i, i + 1}) {
          if (std::find(replacement->begin(), replacement->end(), words[k]) == replacement->end()) {
            w[k] *= kReplacedWeight;
          }
        }
      }
    }
    for (size_t i = 0; i < words.size(); ++i) {
      add_term(words[i], w[i]);
      expand(words[i], weight);
    }
  }

  // Splits a run-together hashtag into words the taxonomy knows:
  // "linenshirt" -> linen shirt, "phonecase" -> phone case.
  std::vector<std::string> segment(const std::string& h) const {
    if (taxonomy_ == nullptr || h.size() > kMaxSegmentedLength || !utf8::is_ascii(h) || known(h)) {
      return {h};
    }
    const size_t n = h.size();
    std::vector<int> pieces(n + 1, -1);
    std::vector<size_t> from(n + 1, 0);
    pieces[0] = 0;
    for (size_t end = 3; end <= n; ++end) {
      for (size_t start = 0; start + 3 <= end; ++start) {
        if (pieces[start] < 0 || (pieces[end] >= 0 && pieces[start] + 1 >= pieces[end])) {
          continue;
        }
        if (known(h.substr(start, end - start))) {
          pieces[end] = pieces[start] + 1;
          from[end] = start;
        }
      }
    }
    if (pieces[n] < 0) {
      return {h};
    }
    std::vector<std::string> out;
    for (size_t end = n; end > 0; end = from[end]) {
      out.push_back(singular(h.substr(from[end], end - from[end])));
    }
    std::reverse(out.begin(), out.end());
    return out;
  }

  Query take() { return std::move(query_); }
  const Taxonomy* taxonomy() const { return taxonomy_; }

 private:
  bool known(const std::string& piece) const {
    const std::string s = singular(piece);
    return taxonomy_->knows(s) || synonym(s) != nullptr || synonym(piece) != nullptr;
  }

  void add_term(const std::string& term, double weight) {
    if (term.empty() || words::is_stopword(term) || words::is_filler(term)) {
      return;
    }
    double& w = query_.terms[term];
    w = std::max(w, weight);
  }

  void add_pair(const std::string& pair, double weight) {
    double& w = query_.pairs[pair];
    w = std::max(w, weight);
  }

  void expand(const std::string& key, double weight) {
    const std::vector<std::string>* words = synonym(key);
    if (words == nullptr) {
      return;
    }
    const double w = weight * kSynonymWeight;
    for (size_t i = 0; i < words->size(); ++i) {
      add_term((*words)[i], w);
      if (i + 1 < words->size()) {
        add_pair((*words)[i] + " " + (*words)[i + 1], w);
      }
    }
  }

  const Taxonomy* taxonomy_;
  Query query_;
};

// Tags show the singular only when it is a word the taxonomy or the synonym
// table knows ("sneakers" -> "sneaker"); other words keep their ending
// ("kaos" stays "kaos": Indonesian, not a plural).
std::string display_form(const std::string& folded, const Taxonomy* taxonomy) {
  const std::string s = singular(folded);
  if (s == folded || taxonomy == nullptr || taxonomy->knows(s) || synonym(s) != nullptr) {
    return s;
  }
  return folded;
}

void add_hashtag(const std::string& raw, const Source& source, TagCollector& tags, QueryBuilder& query) {
  const std::string h = normalise_hashtag(raw);
  if (h.empty() || all_digits(h) || is_noise_hashtag(h) || words::is_filler(h) || words::is_stopword(h) ||
      utf8::count(h) < 2) {
    return;
  }
  tags.add(display_form(normalise_hashtag_unsingular(raw), query.taxonomy()), source.tag_rank);
  // Underscores separate words ("linen_shirt"); run-together words are split
  // by the taxonomy's vocabulary.
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= h.size()) {
    size_t end = h.find('_', start);
    if (end == std::string::npos) {
      end = h.size();
    }
    if (end > start) {
      for (std::string& piece : query.segment(h.substr(start, end - start))) {
        parts.push_back(std::move(piece));
      }
    }
    start = end + 1;
  }
  // A split hashtag is a guess, and compound hashtags are as often themes
  // ("#homedecor", "#skincareroutine") as products: they weigh less.
  const bool split = parts.size() > 1;
  query.add_sequence(parts, split ? source.query_weight * kSplitHashtagWeight : source.query_weight);
}

void add_text(std::string_view text, const Source& source, TagCollector& tags, QueryBuilder& query) {
  if (text.empty()) {
    return;
  }
  const Tokens t(text);
  std::vector<std::string> run;
  size_t previous = 0;
  auto flush = [&] {
    query.add_sequence(run, source.query_weight);
    run.clear();
  };
  for (size_t i = 0; i < t.size(); ++i) {
    const Token& tok = t[i];
    if (tok.kind == TokenKind::Hashtag) {
      add_hashtag(std::string(t.lower(tok)), kHashtag, tags, query);
      continue;
    }
    if (tok.kind != TokenKind::Word) {
      continue;
    }
    if (!run.empty() && (i != previous + 1 || tok.line != t[previous].line)) {
      flush();
    }
    previous = i;
    const std::string_view lower = t.lower(tok);
    const std::string folded(t.fold(tok));
    const std::string term = normalise_term(t.raw(tok));
    run.push_back(term);
    // "t-shirt" is also "shirt"; "anti-aging" also "aging".
    if (const size_t dash = term.rfind('-'); dash != std::string::npos && dash + 1 < term.size()) {
      run.push_back(term.substr(dash + 1));
    }
    const bool latin = utf8::script_of(utf8::decode(lower, 0).cp) == utf8::Script::Latin;
    if (words::is_stopword(lower) || words::is_stopword(term) || words::is_filler(lower) || words::is_filler(term) ||
        is_multiplier(lower) || currency_word(t.raw(tok), lower) != nullptr || utf8::count(term) < (latin ? 3u : 2u) ||
        (t.glued(i) && t.is(i - 1, TokenKind::Number))) {
      continue;  // function words, shop filler, "k"/"rb", units glued to a number ("20000mAh")
    }
    tags.add(display_form(folded, query.taxonomy()), source.tag_rank);
  }
  flush();
}

}  // namespace

bool is_noise_hashtag(std::string_view h) {
  static const auto* noise = new std::unordered_set<std::string_view>{"fyp",
                                                                      "foryou",
                                                                      "foryoupage",
                                                                      "fy",
                                                                      "fypシ",
                                                                      "fypage",
                                                                      "fypp",
                                                                      "fyppp",
                                                                      "foru",
                                                                      "4u",
                                                                      "foryourpage",
                                                                      "viral",
                                                                      "viralvideo",
                                                                      "viralvideos",
                                                                      "viraltiktok",
                                                                      "tiktokviral",
                                                                      "trending",
                                                                      "trend",
                                                                      "trendingnow",
                                                                      "tiktok",
                                                                      "tiktokshop",
                                                                      "tiktokmademebuyit",
                                                                      "tiktokfind",
                                                                      "tiktokfinds",
                                                                      "tiktokshopfind",
                                                                      "tiktokshopfinds",
                                                                      "tiktokshopping",
                                                                      "xuhuong",
                                                                      "xuhuongtiktok",
                                                                      "xyzbca",
                                                                      "xyz",
                                                                      "parati",
                                                                      "paratii",
                                                                      "explore",
                                                                      "explorepage",
                                                                      "reel",
                                                                      "goviral",
                                                                      "duet",
                                                                      "stitch",
                                                                      "capcut",
                                                                      "racuntiktok",
                                                                      "racunshopee",
                                                                      "tiktokindonesia",
                                                                      "tiktokvietnam",
                                                                      "shopee",
                                                                      "lazada",
                                                                      "amazonfind",
                                                                      "amazonfinds",
                                                                      "greenscreen",
                                                                      "pov",
                                                                      "fypviral",
                                                                      "foryoupageofficial",
                                                                      "tiktokshopvn",
                                                                      "fypdongggg",
                                                                      "trend2024",
                                                                      "viral2024",
                                                                      "musthave",
                                                                      "haul",
                                                                      "unboxing",
                                                                      "review",
                                                                      "giare",
                                                                      "sale",
                                                                      "freeship",
                                                                      "deal",
                                                                      "deals",
                                                                      "promo"};
  return noise->count(h) != 0;
}

TagsResult suggest_tags(const TagsRequest& request, const Taxonomy* taxonomy) {
  TagCollector tags;
  QueryBuilder query(taxonomy);
  for (const std::string& h : request.hashtags) {
    add_hashtag(h, kHashtag, tags, query);
  }
  add_text(request.title, kTitle, tags, query);
  add_text(request.text, kText, tags, query);
  add_text(request.description, kDescription, tags, query);
  TagsResult result;
  result.tags = tags.best(request.max_tags);
  if (taxonomy != nullptr) {
    result.categories = taxonomy->match(query.take(), 1 + request.alternatives);
  }
  return result;
}

}  // namespace linkhub::ai
