#include "synonyms.hpp"

#include "taxonomy.hpp"

#include <unordered_map>
#include <utility>

namespace linkhub::ai {
namespace {

// Keys and values as a shopper writes them; both go through normalise_term,
// so "sneakers" and "sneaker" are one key.
constexpr std::pair<std::string_view, std::string_view> kSynonyms[] = {
    // Clothing
    {"tee", "shirt top"},
    {"tshirt", "shirt top"},
    {"t-shirt", "shirt top"},
    {"blouse", "shirt top"},
    {"polo", "shirt top"},
    {"crop top", "shirt top"},
    {"tank top", "shirt top"},
    {"hoodie", "shirt top"},
    {"sweatshirt", "shirt top"},
    {"sweater", "shirt top"},
    {"cardigan", "shirt top"},
    {"jeans", "pants"},
    {"leggings", "pants"},
    {"trousers", "pants"},
    {"joggers", "pants"},
    {"bikini", "swimwear"},
    {"swimsuit", "swimwear"},
    {"pyjamas", "pajamas"},
    {"jacket", "coats jackets"},
    {"coat", "coats jackets"},
    {"bra", "bras"},
    // Shoes and bags
    {"sneakers", "shoes"},
    {"trainers", "shoes"},
    {"heels", "shoes"},
    {"sandals", "shoes"},
    {"boots", "shoes"},
    {"slippers", "shoes"},
    {"loafers", "shoes"},
    {"footwear", "shoes"},
    {"purse", "handbags"},
    {"tote", "handbags"},
    {"tote bag", "handbags"},
    {"crossbody", "handbags"},
    {"wallet", "wallets money clips"},
    // Beauty
    {"lippie", "lipstick"},
    {"lip tint", "lip cheek stains"},
    {"serum", "skin care"},
    {"essence", "skin care"},
    {"skincare", "skin care"},
    {"moisturiser", "lotion moisturizer"},
    {"moisturizer", "lotion moisturizer"},
    {"face cream", "lotion moisturizer"},
    {"sunblock", "sunscreen"},
    {"spf", "sunscreen"},
    {"cleanser", "facial cleansers"},
    {"face wash", "facial cleansers"},
    {"sheet mask", "skin care masks"},
    {"face mask", "skin care masks"},
    {"perfume", "perfume cologne"},
    {"parfum", "perfume cologne"},
    {"cologne", "perfume cologne"},
    {"fragrance", "perfume cologne"},
    {"concealer", "foundations concealers"},
    {"foundation", "foundations concealers"},
    {"bb cream", "foundations concealers"},
    {"blush", "blushes bronzers"},
    {"eyeshadow", "eye shadow"},
    {"lashes", "false eyelashes"},
    {"nail polish", "nail polishes"},
    {"straightener", "hair straighteners"},
    {"hair dryer", "hair dryers"},
    {"makeup brush", "makeup brushes"},
    // Electronics
    {"phone case", "mobile phone cases"},
    {"phonecase", "mobile phone cases"},
    {"iphone case", "mobile phone cases"},
    {"earbuds", "headphones"},
    {"earphones", "headphones"},
    {"airpods", "headphones"},
    {"tws", "headphones"},
    {"headphone", "headphones"},
    {"power bank", "power adapters chargers"},
    {"powerbank", "power adapters chargers"},
    {"charger", "power adapters chargers"},
    {"smartwatch", "watches"},
    {"smart watch", "watches"},
    {"phone", "mobile phones"},
    {"smartphone", "mobile phones"},
    {"laptop", "laptops"},
    {"speaker", "speakers"},
    {"phone stand", "mobile phone stands"},
    // Home and kitchen
    {"water bottle", "water bottles"},
    {"mug", "mugs"},
    {"coffee bean", "coffee"},
    {"ground coffee", "coffee"},
    {"air fryer", "deep fryers"},
    {"airfryer", "deep fryers"},
    {"blender", "food mixers blenders"},
    {"candle", "candles"},
    {"pillow", "throw pillows"},
    {"vacuum", "vacuums"},
    {"plushie", "stuffed animals"},
    {"plush", "stuffed animals"},
    {"teddy", "stuffed animals"},
    {"lego", "building"},
    // Vietnamese (diacritics folded), Indonesian, Spanish, Portuguese, French, German
    {"ao thun", "shirt top"},
    {"ao", "shirt top"},
    {"kaos", "shirt top"},
    {"kemeja", "shirt top"},
    {"camiseta", "shirt top"},
    {"camisa", "shirt top"},
    {"blusa", "shirt top"},
    {"giay", "shoes"},
    {"sepatu", "shoes"},
    {"zapatos", "shoes"},
    {"zapatillas", "shoes"},
    {"tenis", "shoes"},
    {"sapatos", "shoes"},
    {"chaussures", "shoes"},
    {"schuhe", "shoes"},
    {"vay", "dresses"},
    {"dam", "dresses"},
    {"gaun", "dresses"},
    {"vestido", "dresses"},
    {"kleid", "dresses"},
    {"son moi", "lipstick"},
    {"lipstik", "lipstick"},
    {"tui", "handbags"},
    {"tui xach", "handbags"},
    {"tas", "handbags"},
    {"bolso", "handbags"},
    {"bolsa", "handbags"},
    {"sac", "handbags"},
    {"tasche", "handbags"},
    {"chong nang", "sunscreen"},
    {"op lung", "mobile phone cases"},
    {"tai nghe", "headphones"},
    {"jam tangan", "watches"},
    {"dong ho", "watches"},
    {"reloj", "watches"},
    {"relogio", "watches"},
    {"celana", "pants"},
    {"quan", "pants"},
    {"pantalones", "pants"},
    {"calca", "pants"},
    {"jaket", "coats jackets"},
    {"chaqueta", "coats jackets"},
    {"jaqueta", "coats jackets"},
    {"nuoc hoa", "perfume cologne"},
    {"ao khoac", "coats jackets"},
    {"kem duong", "lotion moisturizer"},
    {"pelembab", "lotion moisturizer"},
    {"sua rua mat", "facial cleansers"},
};

std::string normalise_phrase(std::string_view phrase) {
  std::string out;
  size_t start = 0;
  while (start < phrase.size()) {
    size_t end = phrase.find(' ', start);
    if (end == std::string_view::npos) {
      end = phrase.size();
    }
    if (!out.empty()) {
      out += ' ';
    }
    out += normalise_term(phrase.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

const std::unordered_map<std::string, std::vector<std::string>>& table() {
  static const auto* t = [] {
    auto* map = new std::unordered_map<std::string, std::vector<std::string>>();
    for (const auto& [key, value] : kSynonyms) {
      std::vector<std::string> words;
      const std::string normal = normalise_phrase(value);
      size_t start = 0;
      while (start < normal.size()) {
        size_t end = normal.find(' ', start);
        if (end == std::string::npos) {
          end = normal.size();
        }
        words.push_back(normal.substr(start, end - start));
        start = end + 1;
      }
      map->emplace(normalise_phrase(key), std::move(words));
    }
    return map;
  }();
  return *t;
}

}  // namespace

const std::vector<std::string>* synonym(std::string_view key) {
  const auto& t = table();
  const auto it = t.find(std::string(key));
  return it == t.end() ? nullptr : &it->second;
}

}  // namespace linkhub::ai
