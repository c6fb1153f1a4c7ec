#include "screen_text_input.hpp"

#include "caption.hpp"

#include <cmath>
#include <string>

namespace linkhub::ai {
namespace {

using sdk::Json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw sdk::StepError(sdk::errors::invalid_input, "ai.caption: screen_text" + where + " " + what);
}

std::string checked_text(const Json& value, const std::string& where) {
  if (!value.is_string()) {
    bad(where, "must be a string, found " + std::string(value.type_name()));
  }
  std::string text = value.get<std::string>();
  try {
    check_text(text, "screen_text" + where);
  } catch (const InvalidText& e) {
    bad("", std::string("is unreadable: ") + e.what());
  }
  return text;
}

// Text without confidences (typed, or OCR already filtered): one sure word per line.
void add_lines(const std::string& text, int frame, std::vector<ScreenWord>& out) {
  int line = 0;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\n', start), text.size());
    if (end > start) {
      out.push_back({text.substr(start, end - start), 100, frame, line});
    }
    ++line;
    start = end + 1;
  }
}

// media.ocr's words of one frame. Their `line` says which line each is on;
// words without one (from elsewhere) start a new line when their box's middle
// is off the previous word's band.
void add_words(const Json& words, int frame, const std::string& where, std::vector<ScreenWord>& out) {
  int line = -1;
  double previous_top = 0;
  double previous_bottom = -1;
  for (size_t i = 0; i < words.size(); ++i) {
    const Json& w = words[i];
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (w.is_string()) {
      add_lines(checked_text(w, at), frame, out);
      out.back().line = ++line;
      continue;
    }
    if (!w.is_object()) {
      bad(at, "must be a word {text, confidence, box} or a string, found " + std::string(w.type_name()));
    }
    ScreenWord word;
    word.text = checked_text(w.contains("text") ? w["text"] : Json(), at + ".text");
    word.frame = frame;
    if (const auto c = w.find("confidence"); c != w.end()) {
      if (!c->is_number() || c->get<double>() < 0 || c->get<double>() > 100) {
        bad(at + ".confidence", "must be a number from 0 to 100, found " + c->dump());
      }
      word.confidence = c->get<double>();
    }
    if (const auto l = w.find("line"); l != w.end() && l->is_number_integer()) {
      word.line = l->get<int>();
    } else {
      const Json box = w.value("box", Json::object());
      const double top = box.value("y", 0.0);
      const double middle = top + box.value("height", 0.0) / 2;
      if (line < 0 || middle < previous_top || middle > previous_bottom) {
        ++line;
      }
      previous_top = top;
      previous_bottom = top + box.value("height", 0.0);
      word.line = line;
    }
    out.push_back(std::move(word));
  }
}

void add_frame(const Json& frame, int index, const std::string& where, std::vector<ScreenWord>& out) {
  if (const auto words = frame.find("words"); words != frame.end()) {
    if (!words->is_array()) {
      bad(where + ".words", "must be a list of words, found " + std::string(words->type_name()));
    }
    add_words(*words, index, where + ".words", out);
  } else if (const auto text = frame.find("text"); text != frame.end()) {
    add_lines(checked_text(*text, where + ".text"), index, out);
  } else {
    bad(where, "has neither words nor text (give media.ocr's output, a string, or a list of lines or words)");
  }
}

Json price_json(const Price& p) {
  return {{"amount", p.amount},
          {"currency", p.currency},
          {"text", p.text},
          {"kind", kind_name(p.kind)},
          {"confidence", p.confidence}};
}

PriceKind kind_of(const std::string& name) {
  for (const PriceKind k :
       {PriceKind::Exact, PriceKind::RangeLow, PriceKind::RangeHigh, PriceKind::Max, PriceKind::Min}) {
    if (kind_name(k) == name) {
      return k;
    }
  }
  return PriceKind::Exact;
}

std::vector<Price> prices_of(const Json& prices) {
  std::vector<Price> out;
  for (const Json& p : prices) {
    Price price;
    price.amount = p.value("amount", 0.0);
    price.currency = p.value("currency", "");
    price.text = p.value("text", "");
    price.kind = kind_of(p.value("kind", "exact"));
    price.confidence = p.value("confidence", 0.0);
    out.push_back(std::move(price));
  }
  return out;
}

// The currency the caption speaks in, when it names exactly one: "299k" on
// screen under a caption priced in dong is dong too.
std::string caption_currency(const std::vector<Price>& prices) {
  std::string currency;
  for (const Price& p : prices) {
    if (!currency.empty() && p.currency != currency) {
      return "";
    }
    currency = p.currency;
  }
  return currency;
}

double rounded(double value) {
  return std::round(value * 100) / 100;
}

}  // namespace

std::vector<ScreenWord> screen_words(const Json& value) {
  std::vector<ScreenWord> out;
  if (value.is_string()) {
    add_lines(checked_text(value, ""), 0, out);
  } else if (value.is_array()) {
    add_words(value, 0, "", out);
  } else if (value.is_object() && value.contains("frames")) {
    const Json& frames = value["frames"];
    if (!frames.is_array()) {
      bad(".frames", "must be a list, found " + std::string(frames.type_name()));
    }
    for (size_t i = 0; i < frames.size(); ++i) {
      const std::string at = ".frames[" + std::to_string(i) + "]";
      if (!frames[i].is_object()) {
        bad(at, "must be an object, found " + std::string(frames[i].type_name()));
      }
      add_frame(frames[i], static_cast<int>(i), at, out);
    }
  } else if (value.is_object()) {
    add_frame(value, 0, "", out);
  } else {
    bad("",
        "must be a string, media.ocr's output or a list of lines or words, found " + std::string(value.type_name()));
  }
  return out;
}

bool has_screen_text(const Json& input) {
  const auto it = input.find("screen_text");
  return it != input.end() && !it->is_null();
}

void add_screen_source(Json& out, const Json& input) {
  const double floor = input.value("screen_min_confidence", kScreenMinConfidence);
  const std::vector<ScreenWord> words = screen_words(input["screen_text"]);
  const std::vector<Price> caption = prices_of(out["prices"]);
  std::string hint = input.value("default_currency", "");
  for (char& c : hint) {
    c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 0x20 : c);
  }
  const std::string currency = hint.empty() ? caption_currency(caption) : hint;
  const std::string language = out.value("language", "");
  const ScreenReading screen = read_screen_prices(words, {currency, language}, floor);
  const PriceComparison compared = compare_prices(caption, screen);

  for (Json& p : out["prices"]) {
    p["source"] = "caption";
  }
  if (!compared.screen_only.empty()) {  // the caption has no price: the screen's stand in
    for (const ScreenPrice& s : screen.prices) {
      Json p = price_json(s.price);
      // As sure as the extractor is of the text, times as sure as Tesseract is of its words.
      p["confidence"] = rounded(s.price.confidence * std::min(1.0, s.ocr_confidence / 100));
      p["source"] = "screen";
      out["prices"].push_back(std::move(p));
    }
  }
  out["price_source"] = !caption.empty() ? "caption" : !compared.screen_only.empty() ? "screen" : "none";
  if (compared.conflict) {
    const auto brief = [](const Price& p) {
      return Json{{"amount", p.amount}, {"currency", p.currency}, {"text", p.text}};
    };
    out["price_conflict"] = {{"caption", brief(compared.conflict->first)},
                             {"screen", brief(compared.conflict->second)}};
  } else {
    out["price_conflict"] = nullptr;
  }
  Json shown = Json::array();
  for (const ScreenPrice& s : screen.prices) {
    Json p = price_json(s.price);
    p["frame"] = s.frame;
    p["ocr_confidence"] = rounded(s.ocr_confidence);
    p["line"] = s.line;
    shown.push_back(std::move(p));
  }
  out["screen"] = {{"prices", std::move(shown)}, {"confirmed", compared.confirmed},       {"lines", screen.lines},
                   {"words", screen.words},      {"words_dropped", screen.words_dropped}, {"min_confidence", floor}};
}

Json screen_input_properties() {
  return {{"screen_text",
           {{"type", {"string", "object", "array", "null"}},
            {"items", {{"type", {"string", "object"}}}},  // lines, or media.ocr's words
            {"description",
             "A second source of prices: the text on screen. media.ocr's output (its words with confidences), one "
             "of its frames, a list of its words, a list of lines, or a string. A price shown only there is "
             "added with source: screen; one that disagrees with the caption's is reported in price_conflict"}}},
          {"screen_min_confidence",
           {{"type", "number"},
            {"minimum", 0},
            {"maximum", 100},
            {"default", kScreenMinConfidence},
            {"description",
             "OCR words less sure than this (0-100, Tesseract's) are never read as part of a price: OCR noise "
             "must not invent prices"}}}};
}

Json screen_output_properties() {
  const Json brief = {
      {"type", "object"},
      {"properties",
       {{"amount", {{"type", "number"}}}, {"currency", {{"type", "string"}}}, {"text", {{"type", "string"}}}}},
      {"required", {"amount", "currency", "text"}}};
  return {{"price_source",
           {{"type", "string"},
            {"enum", {"caption", "screen", "none"}},
            {"description", "With screen_text: where `prices` came from (the caption wins when it has one)"}}},
          {"price_conflict",
           {{"type", {"object", "null"}},
            {"properties", {{"caption", brief}, {"screen", brief}}},
            {"description",
             "With screen_text: the caption's and the screen's exact prices when no amount of one is on the "
             "other; null when they agree or either has none"}}},
          {"screen",
           {{"type", "object"},
            {"description", "With screen_text: what was read there"},
            {"properties",
             {{"prices", {{"type", "array"}, {"items", {{"type", "object"}}}}},
              {"confirmed", {{"type", "boolean"}}},
              {"lines", {{"type", "integer"}}},
              {"words", {{"type", "integer"}}},
              {"words_dropped", {{"type", "integer"}}},
              {"min_confidence", {{"type", "number"}}}}}}}};
}

const std::vector<const char*>& screen_output_keys() {
  static const std::vector<const char*> keys = {"price_source", "price_conflict", "screen"};
  return keys;
}

}  // namespace linkhub::ai
