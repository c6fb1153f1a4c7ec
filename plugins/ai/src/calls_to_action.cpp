#include "calls_to_action.hpp"

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <vector>

namespace linkhub::ai {
namespace {

struct Entry {
  std::string_view id;
  std::initializer_list<std::string_view> phrases;  // lowercase words, one space apart
};

// Phrases in English, Spanish, Portuguese, Indonesian, Vietnamese (with and
// without diacritics where shops drop them), French, German, Italian, Thai,
// Japanese, Chinese, Korean, Arabic and Hindi.
const Entry kEntries[] = {
    {"link_in_bio",
     {"link in bio", "link in my bio", "link in our bio", "link in the bio", "link on bio", "link on my bio",
      "links in bio", "tap the link in bio", "tap the link in my bio", "click the link in bio",
      "click the link in my bio", "shop the link in bio", "check my bio", "check the bio", "link di bio",
      "link ada di bio", "klik link di bio", "cek bio", "link na bio", "link na minha bio", "link no perfil",
      "link en bio", "link en mi bio", "link en la bio", "enlace en bio", "enlace en la bio", "enlace en mi bio",
      "lien en bio", "lien dans la bio", "lien dans ma bio", "link in der bio", "link in meiner bio", "link nella bio",
      "link ở bio", "link trong bio", "link ở phần bio", "link o bio", "link trong tiểu sử",
      // Thai, Japanese, Chinese, Korean, Arabic, Hindi
      "ลิงก์ในไบโอ", "ลิงก์ในโปรไฟล์", "ลิ้งค์ในไบโอ", "プロフィールのリンク", "プロフのリンク", "主页链接", "链接在主页",
      "链接在简介", "프로필 링크", "바이오 링크", "الرابط في البايو", "الرابط في البايو", "الرابط في الملف الشخصي",
      "लिंक बायो में", "बायो में लिंक"}},
    {"shop_now",
     {"shop now", "buy now", "buy it now", "add to cart", "add to basket", "get yours", "get yours now", "grab yours",
      "grab yours now", "grab it now", "shop the look", "mua ngay", "săn ngay", "san ngay", "beli sekarang",
      "buruan beli", "checkout sekarang", "co ngay", "compra ya", "compra ahora", "cómpralo ya", "compralo ya",
      "compre já", "compre ja", "compre agora", "achetez maintenant", "achète maintenant", "jetzt kaufen",
      "jetzt shoppen", "compra ora", "acquista ora",
      // Thai, Japanese, Chinese, Korean, Arabic, Hindi
      "ซื้อเลย", "ซื้อเลยตอนนี้", "今すぐ購入", "今すぐ買う", "カートに入れる", "立即购买", "马上抢购", "立即購買",
      "加入购物车", "지금 구매", "지금 구매하세요", "구매하기", "اشتري الآن", "تسوق الآن", "अभी खरीदें", "अभी ख़रीदें"}},
    {"order_now",
     {"order now", "order today", "order yours", "pre-order now", "preorder now", "pesan sekarang", "order sekarang",
      "buruan order", "đặt hàng ngay", "dat hang ngay", "đặt ngay", "chốt đơn", "chot don", "lên đơn", "len don",
      "encomende já", "encomende agora", "faça seu pedido", "pide ya", "pídelo ya", "haz tu pedido", "commandez",
      "commande maintenant", "commandez maintenant", "jetzt bestellen", "ordina ora",
      // Thai, Japanese, Chinese, Korean, Arabic, Hindi
      "สั่งเลย", "สั่งซื้อ", "กดสั่งซื้อ", "กดสั่งซื้อได้เลย", "กดสั่งเลย", "今すぐ注文", "ご注文はこちら", "立即下单", "马上下单",
      "지금 주문", "주문하기", "اطلب الآن", "اطلبي الآن", "اطلب الان", "अभी ऑर्डर करें", "ऑर्डर करें"}},
    {"dm",
     {"dm",
      "dm me",
      "dm us",
      "dm for",
      "send me a dm",
      "send us a dm",
      "message me",
      "message us",
      "inbox me",
      "inbox us",
      "pm me",
      "ib shop",
      "ib mình",
      "ib em",
      "ib ngay",
      "inbox shop",
      "nhắn tin",
      "nhan tin",
      "chat admin",
      "chat kami",
      "chat penjual",
      "manda dm",
      "mande dm",
      "me manda dm",
      "chama no direct",
      "envíame un dm",
      "escríbeme",
      "écris-moi",
      "écrivez-nous",
      "envoie-moi un dm",
      "schreib mir",
      "schreibt uns",
      "scrivimi"}},
    {"yellow_basket",
     {"yellow basket",
      "yellow cart",
      "orange basket",
      "orange cart",
      "tap the basket",
      "click the basket",
      "tap the yellow basket",
      "click the yellow basket",
      "tap the orange cart",
      "tap the orange basket",
      "tap basket",
      "check the basket",
      "tap the cart",
      "click the cart",
      "shopping basket",
      "keranjang kuning",
      "keranjang oren",
      "keranjang orange",
      "klik keranjang",
      "cek keranjang",
      "giỏ hàng",
      "gio hang",
      "giỏ vàng",
      "gio vang",
      "cesta amarilla",
      "carrito amarillo",
      "cesto amarelo",
      "sacola amarela",
      "carrinho amarelo",
      "panier jaune",
      "gelber warenkorb",
      "carrello giallo"}},
    {"swipe_up",
     {"swipe up", "desliza hacia arriba", "arrastra hacia arriba", "arraste para cima", "geser ke atas", "vuốt lên",
      "vuot len", "glisse vers le haut", "swipe nach oben", "scorri verso l'alto"}},
    {"shop_tab",
     {"shop tab",       "tiktok shop tab",    "storefront",    "my storefront", "our storefront", "visit our shop",
      "check our shop", "check out our shop", "in our shop",   "in my shop",    "showcase",       "etalase",
      "cek etalase",    "tab shop",           "ghé shop",      "ghe shop",      "vitrine",        "vitrina",
      "escaparate",     "aba loja",           "loja do perfil"}},
    {"click_link",
     {"click the link", "tap the link", "click link", "tap link", "klik link", "bấm vào link", "bấm link", "bam link",
      "haz clic en el enlace", "clique no link", "clique sur le lien", "klick auf den link",
      // Thai, Japanese, Chinese, Korean, Arabic, Hindi
      "คลิกลิงก์", "リンクをクリック", "点击链接", "링크 클릭", "اضغط على الرابط", "लिंक पर क्लिक करें"}},
};

struct Phrase {
  std::string_view id;
  std::vector<std::string> words;
};

struct Hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using Index = std::unordered_map<std::string, std::vector<Phrase>, Hash, std::equal_to<>>;

// First word -> phrases starting with it, longest first. A phrase is split
// into words by the tokenizer that splits captions, so a phrase of a script
// written without spaces ("สั่งเลย", "立即购买") is cut where ICU's
// dictionary cuts the caption.
const Index& index() {
  static const auto* table = [] {
    auto* t = new Index();
    for (const Entry& e : kEntries) {
      for (std::string_view text : e.phrases) {
        Phrase p{e.id, {}};
        const Tokens words(text);
        for (size_t i = 0; i < words.size(); ++i) {
          if (words.is(i, TokenKind::Word)) {
            p.words.emplace_back(words.fold(i));
          }
        }
        if (!p.words.empty()) {
          (*t)[p.words[0]].push_back(std::move(p));
        }
      }
    }
    for (auto& [first, list] : *t) {
      std::stable_sort(list.begin(), list.end(),
                       [](const Phrase& a, const Phrase& b) { return a.words.size() > b.words.size(); });
    }
    return t;
  }();
  return *table;
}

bool any_of(std::string_view word, std::initializer_list<std::string_view> list) {
  for (std::string_view w : list) {
    if (w == word) {
      return true;
    }
  }
  return false;
}

bool is_quote(char32_t c) {
  return c == '"' || c == '\'' || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0xAB || c == 0xBB;
}

// "comment BUY", "comment 'link'", "komen MAU", "bình luận "CÓ"", "comenta QUIERO".
// Returns the token after the match, or 0 when there is no keyword.
size_t comment_keyword(const Tokens& t, size_t i, CallToAction& out) {
  size_t j = i + 1;
  if (t.is_word(i, "bình") || t.is_word(i, "binh")) {
    if (!(t.is_word(j, "luận") || t.is_word(j, "luan"))) {
      return 0;
    }
    ++j;
  } else if (!any_of(t.lower(i), {"comment", "comenta", "comente", "komen", "komentar", "cmt", "commente", "commentez",
                                  "kommentiere", "kommentiert", "commenta", "type"})) {
    return 0;
  }
  bool quoted = false;
  for (int skipped = 0; j < t.size() && skipped < 4 && t[j].line == t[i].line; ++skipped, ++j) {
    if (t.is(j, TokenKind::Symbol) && (is_quote(t[j].cp) || t[j].cp == ':' || t[j].cp == '-')) {
      quoted = quoted || is_quote(t[j].cp);
      continue;
    }
    if (t.is(j, TokenKind::Emoji)) {
      continue;
    }
    if (t.is(j, TokenKind::Word) && !t[j].all_upper &&
        any_of(t.lower(j), {"the", "word", "with", "a", "an", "chữ", "từ", "kata", "la", "palabra", "palavra", "le",
                            "mot", "das", "wort", "below", "down", "di", "bawah"})) {
      continue;
    }
    break;
  }
  if (!t.is(j, TokenKind::Word) || t[j].line != t[i].line) {
    return 0;
  }
  const bool closed_quote = quoted && t.is(j + 1, TokenKind::Symbol) && is_quote(t[j + 1].cp);
  const std::string_view word = t.raw(j);
  if (!(closed_quote || (t[j].all_upper && word.size() >= 2))) {
    return 0;
  }
  out.id = "comment_keyword";
  out.keyword = std::string(word);
  out.first_token = i;
  out.last_token = closed_quote ? j + 1 : j;
  return out.last_token + 1;
}

}  // namespace

std::vector<CallToAction> find_calls_to_action(const Tokens& t) {
  std::vector<CallToAction> out;
  auto add = [&](CallToAction cta) {
    cta.text = std::string(t.text().substr(t[cta.first_token].begin, t[cta.last_token].end - t[cta.first_token].begin));
    out.push_back(std::move(cta));
  };
  const auto& phrases = index();
  for (size_t i = 0; i < t.size(); ++i) {
    if (!t.is(i, TokenKind::Word)) {
      continue;
    }
    CallToAction comment;
    if (const size_t next = comment_keyword(t, i, comment); next != 0) {
      add(std::move(comment));
      i = next - 1;
      continue;
    }
    // Folded on both sides: "ＳＨＯＰ ＮＯＷ" (full width) and "chot don"
    // (typed without its diacritics) are the phrases they spell.
    const auto it = phrases.find(t.fold(i));
    if (it == phrases.end()) {
      continue;
    }
    for (const Phrase& p : it->second) {
      size_t k = 0;
      while (k < p.words.size() && t.is(i + k, TokenKind::Word) && t[i + k].line == t[i].line &&
             t.fold(i + k) == p.words[k]) {
        ++k;
      }
      if (k == p.words.size()) {
        add({std::string(p.id), {}, {}, i, i + k - 1});
        i += k - 1;
        break;
      }
    }
  }
  return out;
}

}  // namespace linkhub::ai

namespace linkhub::ai {

std::vector<CallToAction> distinct_calls_to_action(const std::vector<CallToAction>& all) {
  std::vector<CallToAction> out;
  for (const CallToAction& cta : all) {
    bool seen = false;
    for (const CallToAction& c : out) {
      seen = seen || (c.id == cta.id && c.keyword == cta.keyword);
    }
    if (!seen) {
      out.push_back(cta);
    }
  }
  return out;
}

}  // namespace linkhub::ai
