#include "product.hpp"

#include "content_hash.hpp"
#include "field_errors.hpp"
#include "money.hpp"
#include "text_fold.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr size_t kMaxSourceChars = 32;
constexpr size_t kMaxVideoIdChars = 128;
constexpr size_t kMaxUrlChars = 4096;
constexpr size_t kMaxNameChars = 200;
constexpr size_t kMaxTags = 100;
constexpr size_t kMaxTagChars = 100;
constexpr size_t kMaxListItems = 50;  // prices, thumbnails
constexpr size_t kMaxCta = 20;
constexpr size_t kMaxCtaChars = 500;
constexpr size_t kMaxCategoryIdChars = 128;
constexpr size_t kMaxCategoryPathChars = 500;
constexpr size_t kMaxFormatChars = 20;
constexpr int64_t kMaxPixels = 100000;
constexpr size_t kMaxStatsBytes = 16 * 1024;
constexpr size_t kMaxExtraBytes = 64 * 1024;

const std::vector<std::string>& product_fields() {
  static const std::vector<std::string> fields = {
      "source", "video_id", "url", "title",    "description", "author", "author_id", "price", "prices",     "category",
      "tags",   "hashtags", "cta", "language", "thumbnails",  "cover",  "video",     "stats", "created_at", "extra"};
  return fields;
}

bool has_control_character(const std::string& s, bool allow_line_breaks) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (allow_line_breaks && (c == '\n' || c == '\r' || c == '\t')) {
      return false;
    }
    return u < 0x20 || u == 0x7F;
  });
}

std::string quoted(const std::string& name) {
  return "`" + name + "`";
}

// Reads one product; every problem goes to `errors`, so all are reported at once.
class ProductReader {
 public:
  explicit ProductReader(FieldErrors& errors) : errors_(errors) {}

  // A string or null (absent = null). Trimmed; "" becomes null.
  std::optional<std::string> text(const Json& parent, const std::string& key, const std::string& field,
                                  size_t max_chars, bool multi_line = false) {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      return std::nullopt;
    }
    if (!it->is_string()) {
      errors_.add(quoted(field), "must be a string or null, found " + describe(*it));
      return std::nullopt;
    }
    std::string value = trim_space(it->get<std::string>());
    if (value.empty()) {
      return std::nullopt;
    }
    if (const size_t chars = utf8_length(value); chars > max_chars) {
      errors_.add(quoted(field), "is " + std::to_string(chars) + " characters long; at most " +
                                     std::to_string(max_chars) + " are allowed");
      return std::nullopt;
    }
    if (has_control_character(value, multi_line)) {
      errors_.add(quoted(field), std::string("contains a control character") +
                                     (multi_line ? " (only line breaks and tabs are allowed)" : ""));
      return std::nullopt;
    }
    return value;
  }

  // A string that must be there.
  std::string required_text(const Json& parent, const std::string& key, const std::string& field, size_t max_chars,
                            const std::string& hint = "") {
    const auto it = parent.find(key);
    if (it == parent.end() || it->is_null()) {
      errors_.add(quoted(field), "is required (a string" + hint + ")");
      return {};
    }
    if (!it->is_string()) {
      errors_.add(quoted(field), "must be a string" + hint + ", found " + describe(*it));
      return {};
    }
    const std::size_t before = problems();
    auto value = text(parent, key, field, max_chars);
    if (!value && problems() == before) {
      errors_.add(quoted(field), "is required and must not be empty");
    }
    return value.value_or("");
  }

  std::optional<Price> price(const Json& value, const std::string& field) {
    if (value.is_null()) {
      return std::nullopt;
    }
    if (!value.is_object()) {
      errors_.add(quoted(field), "must be an object {amount, currency} or null, found " + describe(value));
      return std::nullopt;
    }
    for (const auto& [key, ignored] : value.items()) {
      if (key != "amount" && key != "currency") {
        errors_.add(quoted(field + "." + key), "is not a price field (a price has `amount` and `currency`)");
      }
    }
    return price_fields(value, field);
  }

  // `amount` and `currency` of a price or a price candidate; other keys are the caller's business.
  std::optional<Price> price_fields(const Json& value, const std::string& field) {
    const auto amount = value.find("amount");
    const auto currency = value.find("currency");
    std::optional<int64_t> micros;
    std::optional<std::string> code;
    if (amount == value.end() || amount->is_null()) {
      errors_.add(quoted(field + ".amount"), "is required (a number)");
    } else if (!amount->is_number()) {
      errors_.add(quoted(field + ".amount"), "must be a number, found " + describe(*amount));
    } else if (!(micros = amount_to_micros(amount->get<double>()))) {
      errors_.add(quoted(field + ".amount"), "must be between 0 and 1e12, found " + describe(*amount));
    }
    if (currency == value.end() || currency->is_null()) {
      errors_.add(quoted(field + ".currency"), "is required (an ISO 4217 code such as \"USD\")");
    } else if (!currency->is_string()) {
      errors_.add(quoted(field + ".currency"), "must be a string such as \"USD\", found " + describe(*currency));
    } else if (!(code = canonical_currency(currency->get<std::string>()))) {
      errors_.add(quoted(field + ".currency"),
                  "must be a three-letter ISO 4217 code such as \"USD\", found " + describe(*currency));
    }
    if (!micros || !code) {
      return std::nullopt;
    }
    return Price{*micros, *code};
  }

  Json price_candidates(const Json& value) {
    Json out = Json::array();
    if (!list(value, "prices", kMaxListItems)) {
      return out;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string field = "prices[" + std::to_string(i) + "]";
      const Json& item = value[i];
      if (!item.is_object()) {
        errors_.add(quoted(field), "must be an object {amount, currency, ...}, found " + describe(item));
        continue;
      }
      if (auto p = price_fields(item, field)) {
        Json candidate = item;
        candidate["amount"] = micros_to_amount(p->micros);
        candidate["currency"] = p->currency;
        out.push_back(std::move(candidate));
      }
    }
    return out;
  }

  std::optional<Category> category(const Json& value) {
    if (value.is_null()) {
      return std::nullopt;
    }
    if (!value.is_object()) {
      errors_.add("`category`", "must be an object {id, path} or null, found " + describe(value));
      return std::nullopt;
    }
    for (const auto& [key, ignored] : value.items()) {
      if (key != "id" && key != "path") {
        errors_.add(quoted("category." + key), "is not a category field (a category has `id` and `path`)");
      }
    }
    const std::size_t before = problems();
    const std::string id = required_text(value, "id", "category.id", kMaxCategoryIdChars);
    const std::string raw_path =
        required_text(value, "path", "category.path", kMaxCategoryPathChars, " such as \"fashion/shoes\"");
    if (problems() != before) {
      return std::nullopt;
    }
    const auto path = canonical_category_path(raw_path);
    if (!path) {
      errors_.add("`category.path`",
                  "must be segments separated by '/' or ' > ' with none empty (\"fashion/shoes\"), found " +
                      describe(Json(raw_path)));
      return std::nullopt;
    }
    return Category{id, *path};
  }

  // tags or hashtags: trimmed, hashtags without '#', each once (first spelling kept).
  Json words(const Json& value, const std::string& name, bool strip_hash) {
    Json out = Json::array();
    if (!list(value, name, kMaxTags)) {
      return out;
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string field = name + "[" + std::to_string(i) + "]";
      if (!value[i].is_string()) {
        errors_.add(quoted(field), "must be a string, found " + describe(value[i]));
        continue;
      }
      std::string word = trim_space(value[i].get<std::string>());
      if (strip_hash) {
        word = trim_space(
            word.substr(word.find_first_not_of('#') == std::string::npos ? word.size() : word.find_first_not_of('#')));
      }
      if (word.empty()) {
        errors_.add(quoted(field), "is empty");
      } else if (utf8_length(word) > kMaxTagChars) {
        errors_.add(quoted(field), "is longer than " + std::to_string(kMaxTagChars) + " characters");
      } else if (has_control_character(word, false)) {
        errors_.add(quoted(field), "contains a control character");
      } else {
        // Spellings that search the same are one tag; emoji-only tags fold to nothing and stay apart.
        const std::string folded = search_text(word);
        if (seen.insert(folded.empty() ? word : folded).second) {
          out.push_back(word);
        }
      }
    }
    return out;
  }

  Json cta(const Json& value) {
    Json out = Json::array();
    if (!list(value, "cta", kMaxCta)) {
      return out;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string field = "cta[" + std::to_string(i) + "]";
      if (value[i].is_string()) {
        const std::string text = trim_space(value[i].get<std::string>());
        if (text.empty() || utf8_length(text) > kMaxCtaChars) {
          errors_.add(quoted(field), "must be 1 to " + std::to_string(kMaxCtaChars) + " characters");
        } else {
          out.push_back(text);
        }
      } else if (value[i].is_object()) {
        out.push_back(value[i]);
      } else {
        errors_.add(quoted(field), "must be a string or an object, found " + describe(value[i]));
      }
    }
    return out;
  }

  // An artifact reference: an object whose `hash` is a content hash; other keys are kept.
  Json artifact(const Json& value, const std::string& field, bool image) {
    if (!value.is_object()) {
      errors_.add(quoted(field), "must be an object with a `hash`, found " + describe(value));
      return Json();
    }
    Json out = value;
    const auto hash = value.find("hash");
    if (hash == value.end() || hash->is_null()) {
      errors_.add(quoted(field + ".hash"), "is required (the artifact's \"sha256:...\" content hash)");
    } else if (!hash->is_string()) {
      errors_.add(quoted(field + ".hash"), "must be a string \"sha256:<64 hex digits>\", found " + describe(*hash));
    } else if (auto canonical = canonical_content_hash(hash->get<std::string>())) {
      out["hash"] = *canonical;
    } else {
      errors_.add(quoted(field + ".hash"),
                  "is not a content hash: expected \"sha256:\" and 64 hex digits, found " + describe(*hash));
    }
    if (image) {
      for (const char* key : {"width", "height"}) {
        const auto it = value.find(key);
        if (it != value.end() && !it->is_null() &&
            (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kMaxPixels)) {
          errors_.add(quoted(field + "." + key), "must be a whole number of pixels from 1 to " +
                                                     std::to_string(kMaxPixels) + ", found " + describe(*it));
        }
      }
      text(value, "format", field + ".format", kMaxFormatChars);
    }
    if (const auto path = value.find("path"); path != value.end() && !path->is_null() && !path->is_string()) {
      errors_.add(quoted(field + ".path"), "must be a string or null, found " + describe(*path));
    }
    return out;
  }

  Json thumbnails(const Json& value) {
    Json out = Json::array();
    if (!list(value, "thumbnails", kMaxListItems)) {
      return out;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      Json item = artifact(value[i], "thumbnails[" + std::to_string(i) + "]", true);
      if (!item.is_null()) {
        out.push_back(std::move(item));
      }
    }
    return out;
  }

  Json object(const Json& value, const std::string& field, size_t max_bytes) {
    if (value.is_null()) {
      return Json::object();
    }
    if (!value.is_object()) {
      errors_.add(quoted(field), "must be an object, found " + describe(value));
      return Json::object();
    }
    if (const size_t bytes = value.dump().size(); bytes > max_bytes) {
      errors_.add(quoted(field), "is " + std::to_string(bytes) + " bytes as JSON; at most " +
                                     std::to_string(max_bytes) + " are allowed");
    }
    return value;
  }

  size_t problems() const { return errors_.count(); }

 private:
  // True when `value` is a list of at most `max_items` (null counts as an empty list).
  bool list(const Json& value, const std::string& field, size_t max_items) {
    if (value.is_null()) {
      return false;
    }
    if (!value.is_array()) {
      errors_.add(quoted(field), "must be an array, found " + describe(value));
      return false;
    }
    if (value.size() > max_items) {
      errors_.add(quoted(field), "has " + std::to_string(value.size()) + " items; at most " +
                                     std::to_string(max_items) + " are allowed");
      return false;
    }
    return true;
  }

  FieldErrors& errors_;
};

}  // namespace

std::optional<std::string> canonical_language(const std::string& text) {
  static const std::regex pattern("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$");
  if (text.size() > 35 || !std::regex_match(text, pattern)) {
    return std::nullopt;
  }
  std::string out = text;
  for (size_t i = 0; i < out.size() && out[i] != '-'; ++i) {
    if (out[i] >= 'A' && out[i] <= 'Z') {
      out[i] = static_cast<char>(out[i] - 'A' + 'a');
    }
  }
  return out;
}

std::optional<std::string> canonical_category_path(const std::string& text) {
  // Google's taxonomy writes "Apparel & Accessories > Shoes" (and has names
  // with '/' in them, "I/O Cards"), so a path with '>' is split on '>' and
  // kept with " > "; otherwise segments are separated by '/'.
  const bool google = text.find('>') != std::string::npos;
  const char sep = google ? '>' : '/';
  const std::string joiner = google ? " > " : "/";
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t at = text.find(sep, start);
    const std::string segment =
        trim_space(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (segment.empty()) {
      return std::nullopt;
    }
    out += (out.empty() ? "" : joiner) + segment;
    if (at == std::string::npos) {
      return out;
    }
    start = at + 1;
  }
}

Json price_json(const Price& price) {
  return {{"amount", micros_to_amount(price.micros)}, {"currency", price.currency}};
}

std::optional<Price> read_price(const Json& value, const std::string& field, const std::string& step) {
  FieldErrors errors;
  ProductReader reader(errors);
  auto price = reader.price(value, field);
  errors.throw_if_any(step, "price");
  return price;
}

Product normalize_product(const Json& input, const std::string& step) {
  FieldErrors errors;
  if (!input.is_object()) {
    errors.add("the product", "must be a JSON object, found " + describe(input));
    errors.throw_if_any(step, "product");
  }
  for (const auto& [key, ignored] : input.items()) {
    if (std::find(product_fields().begin(), product_fields().end(), key) == product_fields().end()) {
      const std::string guess = closest_name(key, product_fields());
      errors.add(quoted(key), "is not a product field" + (guess.empty() ? std::string(" (put extra data in `extra`)")
                                                                        : " (did you mean `" + guess + "`?)"));
    }
  }
  const auto at = [&](const char* key) -> const Json& {
    static const Json null;
    const auto it = input.find(key);
    return it == input.end() ? null : *it;
  };
  const auto or_null = [](const std::optional<std::string>& s) { return s ? Json(*s) : Json(); };

  ProductReader read(errors);
  Product p;
  p.source = read.required_text(input, "source", "source", kMaxSourceChars, " such as \"tiktok\"");
  static const std::regex source_pattern("^[a-z0-9][a-z0-9_.-]*$");
  if (!p.source.empty() && !std::regex_match(p.source, source_pattern)) {
    errors.add("`source`", "must be a lower-case name such as \"tiktok\" (letters, digits, '_', '.', '-'), found " +
                               describe(Json(p.source)));
  }
  if (at("video_id").is_number()) {
    errors.add("`video_id`",
               "must be a string (long ids do not survive as JSON numbers), found " + describe(at("video_id")));
  } else {
    p.video_id = read.required_text(input, "video_id", "video_id", kMaxVideoIdChars);
    if (p.video_id.find_first_of(" \t\r\n") != std::string::npos) {
      errors.add("`video_id`", "must not contain whitespace, found " + describe(Json(p.video_id)));
    }
  }
  const auto url = read.text(input, "url", "url", kMaxUrlChars);
  if (url) {
    std::string scheme = url->substr(0, url->find(':'));
    std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) { return std::tolower(c); });
    if ((scheme != "http" && scheme != "https") || url->find("://") != scheme.size() ||
        url->find_first_of(" \t\r\n") != std::string::npos) {
      errors.add("`url`", "must be an http:// or https:// URL without spaces, found " + describe(Json(*url)));
    }
  }
  const auto title = read.text(input, "title", "title", kMaxTitleChars);
  const auto description = read.text(input, "description", "description", kMaxDescriptionChars, true);
  p.author = read.text(input, "author", "author", kMaxNameChars);
  p.author_id = read.text(input, "author_id", "author_id", kMaxNameChars);
  p.price = read.price(at("price"), "price");
  const Json prices = read.price_candidates(at("prices"));
  p.category = read.category(at("category"));
  const Json tags = read.words(at("tags"), "tags", false);
  const Json hashtags = read.words(at("hashtags"), "hashtags", true);
  const Json cta = read.cta(at("cta"));
  if (const auto language = read.text(input, "language", "language", 35)) {
    p.language = canonical_language(*language);
    if (!p.language) {
      errors.add("`language`",
                 "must be a language tag such as \"en\" or \"pt-BR\", found " + describe(Json(*language)));
    }
  }
  const Json thumbnails = read.thumbnails(at("thumbnails"));
  const Json cover = at("cover").is_null() ? Json() : read.artifact(at("cover"), "cover", true);
  const Json video = at("video").is_null() ? Json() : read.artifact(at("video"), "video", false);
  const Json stats = read.object(at("stats"), "stats", kMaxStatsBytes);
  const auto created_at = read.text(input, "created_at", "created_at", 40);
  static const std::regex iso8601(
      R"(^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$)");
  if (created_at && !std::regex_match(*created_at, iso8601)) {
    errors.add("`created_at`", "must be an ISO 8601 date or time such as \"2024-05-01T12:00:00Z\", found " +
                                   describe(Json(*created_at)));
  }
  const Json extra = read.object(at("extra"), "extra", kMaxExtraBytes);
  errors.throw_if_any(step, "product");

  p.document = {{"source", p.source},
                {"video_id", p.video_id},
                {"url", or_null(url)},
                {"title", or_null(title)},
                {"description", or_null(description)},
                {"author", or_null(p.author)},
                {"author_id", or_null(p.author_id)},
                {"price", p.price ? price_json(*p.price) : Json()},
                {"prices", prices},
                {"category", p.category ? Json{{"id", p.category->id}, {"path", p.category->path}} : Json()},
                {"tags", tags},
                {"hashtags", hashtags},
                {"cta", cta},
                {"language", or_null(p.language)},
                {"thumbnails", thumbnails},
                {"cover", cover},
                {"video", video},
                {"stats", stats},
                {"created_at", or_null(created_at)},
                {"extra", extra}};
  if (const size_t bytes = p.document.dump().size(); bytes > kMaxDocumentBytes) {
    errors.add("the product", "is " + std::to_string(bytes) + " bytes as JSON; at most " +
                                  std::to_string(kMaxDocumentBytes) + " are allowed");
    errors.throw_if_any(step, "product");
  }
  index_words(p);
  return p;
}

void index_words(Product& p) {
  const auto text = [&](const char* field) {
    const Json* value = p.document.is_object() && p.document.contains(field) ? &p.document[field] : nullptr;
    return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
  };
  p.search_title = search_text(text("title"));
  p.search_description = search_text(text("description"));
  std::string words;
  for (const char* list : {"tags", "hashtags"}) {
    if (!p.document.is_object() || !p.document.contains(list) || !p.document[list].is_array()) {
      continue;
    }
    for (const Json& word : p.document[list]) {
      if (word.is_string()) {
        words += word.get<std::string>() + " ";
      }
    }
  }
  p.search_tags = search_text(words);
}

}  // namespace linkhub::catalog
