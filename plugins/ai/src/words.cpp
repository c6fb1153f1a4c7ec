#include "words.hpp"

#include <initializer_list>
#include <unordered_map>
#include <unordered_set>

namespace linkhub::ai::words {
namespace {

// Frequent function words, chosen to tell the languages apart in short
// captions. Words several languages share count for each of them (the
// guesser splits their weight).
const std::unordered_map<std::string_view, uint16_t>& stopwords() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, uint16_t>();
    auto add = [t](Latin lang, std::initializer_list<std::string_view> list) {
      for (std::string_view w : list) {
        (*t)[w] |= static_cast<uint16_t>(1u << lang);
      }
    };
    add(kEn,
        {"the",    "and",    "for",    "with",    "this",    "that",  "you",    "your",    "is",    "are",   "it",
         "of",     "to",     "in",     "on",      "my",      "our",   "get",    "now",     "just",  "only",  "new",
         "from",   "will",   "be",     "have",    "has",     "at",    "so",     "out",     "what",  "these", "was",
         "were",   "here",   "they",   "we",      "i",       "me",    "an",     "a",       "not",   "can",   "all",
         "off",    "up",     "one",    "more",    "than",    "it's",  "don't",  "i'm",     "its",   "how",   "who",
         "when",   "if",     "or",     "but",     "by",      "us",    "every",  "today",   "while", "last",  "under",
         "below",  "about",  "there",  "their",   "them",    "look",  "any",    "each",    "per",   "we'll", "i'll",
         "you'll", "she'll", "he'll",  "it'll",   "they'll", "we're", "you're", "they're", "i've",  "we've", "can't",
         "won't",  "isn't",  "that's", "there's", "yes"});
    add(kEs, {"el",    "la",    "los",   "las",   "de",     "del",     "y",     "que",    "en",        "un",
              "una",   "por",   "para",  "con",   "es",     "está",    "este",  "esta",   "tu",        "tus",
              "mi",    "mis",   "al",    "lo",    "se",     "más",     "muy",   "pero",   "solo",      "sólo",
              "hoy",   "ya",    "aquí",  "nuevo", "nueva",  "también", "envío", "gratis", "precio",    "oferta",
              "como",  "sin",   "todo",  "todos", "ahora",  "compra",  "a",     "o",      "su",        "sus",
              "desde", "hasta", "menos", "cupón", "código", "llévate", "pide",  "tienda", "descuento", "aprovecha"});
    add(kPt,
        {"o",      "os",        "as",        "de",     "do",      "da",     "dos",    "das",   "e",      "que",
         "em",     "um",        "uma",       "por",    "para",    "com",    "é",      "está",  "este",   "esta",
         "você",   "seu",       "sua",       "meu",    "minha",   "no",     "na",     "nos",   "nas",    "mais",
         "muito",  "hoje",      "já",        "aqui",   "novo",    "nova",   "também", "frete", "grátis", "preço",
         "oferta", "agora",     "só",        "não",    "pra",     "compre", "até",    "a",     "cupom",  "desconto",
         "loja",   "aproveita", "aproveite", "apenas", "garanta", "pelo",   "pela"});
    add(kId,
        {"yang",    "dan",    "di",     "ini",       "itu",    "untuk",    "dengan", "dari",     "ke",     "ada",
         "aja",     "banget", "bisa",   "juga",      "kak",    "kakak",    "murah",  "ongkir",   "harga",  "cuma",
         "hanya",   "sudah",  "udah",   "lagi",      "baru",   "bagus",    "beli",   "sekarang", "diskon", "sampai",
         "pakai",   "pake",   "kamu",   "aku",       "kita",   "tidak",    "gak",    "nggak",    "yuk",    "buat",
         "jadi",    "sama",   "gratis", "keranjang", "kuning", "langsung", "cek",    "mulai",    "bikin",  "cocok",
         "dibawah", "bawah",  "kode",   "terus",     "makin",  "lebih",    "semua",  "biar",     "kalian", "dong"});
    add(kVi, {"và",   "của",  "cho", "có",  "không", "là",   "này", "mình",  "bạn",  "ngay", "giá", "chỉ",
              "siêu", "đẹp",  "với", "các", "những", "được", "một", "rất",   "nhé",  "nha",  "ạ",   "mua",
              "hàng", "giảm", "còn", "từ",  "đến",   "tại",  "để",  "trong", "khi",  "thì",  "em",  "chị",
              "anh",  "luôn", "quá", "lắm", "giỏ",   "mã",   "đơn", "dưới",  "xinh", "mới",  "về",  "nào"});
    add(kFr, {"le",     "la",   "les",     "de",       "des",       "du",         "et",          "est",       "un",
              "une",    "pour", "avec",    "dans",     "sur",       "ce",         "cette",       "ces",       "mon",
              "ma",     "mes",  "votre",   "vos",      "notre",     "nos",        "tu",          "vous",      "il",
              "elle",   "que",  "qui",     "pas",      "plus",      "très",       "aujourd'hui", "à",         "au",
              "aux",    "en",   "nouveau", "nouvelle", "livraison", "gratuite",   "prix",        "seulement", "moins",
              "lien",   "dès",  "chez",    "c'est",    "ici",       "maintenant", "commandez",   "achetez",   "offerte",
              "offert", "tout", "toute",   "aussi",    "déjà",      "vite"});
    add(kDe, {"der",     "die",    "das",     "und",         "ist",       "mit",   "für",   "ein",   "eine", "einen",
              "dem",     "den",    "von",     "zu",          "auf",       "im",    "nicht", "auch",  "nur",  "jetzt",
              "hier",    "dein",   "deine",   "unser",       "unsere",    "sie",   "wir",   "ich",   "du",   "noch",
              "neu",     "neue",   "versand", "kostenloser", "kostenlos", "preis", "heute", "bei",   "aus",  "wie",
              "sehr",    "unter",  "ab",      "im",          "mein",      "meine", "gibt",  "schon", "alle", "dich",
              "solange", "sobald", "weil",    "wenn",        "dass",      "oder",  "aber",  "reicht"});
    add(kIt, {"il",     "lo",         "la",       "gli",    "le",     "di",    "del", "della", "e",      "è",
              "che",    "per",        "con",      "un",     "una",    "non",   "più", "molto", "questo", "questa",
              "mio",    "mia",        "tuo",      "tua",    "nostro", "sono",  "ora", "solo",  "oggi",   "nuovo",
              "nuova",  "spedizione", "gratuita", "prezzo", "anche",  "tutti", "a",   "da",    "nel",    "nella",
              "sconto", "codice",     "subito",   "ti",     "ecco",   "i"});
    return t;
  }();
  return *table;
}

const std::unordered_set<std::string_view>& fillers() {
  static const auto* set = new std::unordered_set<std::string_view>{
      // English
      "sale", "free", "shipping", "link", "bio", "price", "new", "today", "deal", "deals", "offer", "discount", "code",
      "promo", "coupon", "order", "buy", "shop", "now", "off", "limited", "stock", "only", "just", "get", "grab",
      "yours", "available", "best", "seller", "hot", "cheap", "save", "check", "comment", "click", "tap", "basket",
      "cart", "dm", "follow", "like", "tiktok", "tiktokshop", "fyp", "viral", "must", "have", "love", "obsessed",
      "need", "want", "amazing", "perfect", "favorite", "favourite", "week", "day", "time", "left", "back", "restock",
      "restocked", "dropped", "drop", "sold", "selling", "store", "use", "arrival", "arrivals", "shipping", "ship",
      "ships", "worldwide", "size", "sizes", "color", "colors", "colour", "colours", "tab", "pcs", "pc", "pieces",
      "piece", "delivery", "promoção", "promoción", "promotion", "soldes", "giveaway",
      // Other languages
      "giá", "rẻ", "mua", "ngay", "freeship", "sale", "harga", "murah", "gratis", "ongkir", "promo", "diskon", "beli",
      "precio", "oferta", "envío", "preço", "frete", "grátis", "prix", "livraison", "gratuite", "preis", "versand",
      "kostenlos", "prezzo", "spedizione", "gratuita", "descuento", "desconto", "rabatt", "sconto", "giảm", "đơn",
      "hàng", "shop", "xu", "hướng", "xuhuong", "keranjang", "kuning", "cek"};
  return *set;
}

}  // namespace

uint16_t stopword_languages(std::string_view lower) {
  const auto& t = stopwords();
  const auto it = t.find(lower);
  return it == t.end() ? 0 : it->second;
}

bool is_filler(std::string_view lower) {
  return fillers().count(lower) != 0;
}

}  // namespace linkhub::ai::words
