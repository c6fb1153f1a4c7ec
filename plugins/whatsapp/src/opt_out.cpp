#include "opt_out.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>

namespace linkhub::whatsapp {

namespace {

constexpr size_t kMaxWordsBytes = 200;  // an opt-out is a word or three; longer text is a message

// Folded forms (fold_words) only.
constexpr std::array<std::string_view, 22> kOptOut = {
    "stop",  "stopall",  "unsubscribe",  "opt out", "optout",      "cancel",        "parar",   "pare",
    "sair",  "cancelar", "descadastrar", "baja",    "dar de baja", "darme de baja", "detener", "berhenti",
    "batal", "henti",    "dung",         "huy",     "huy dang ky", "ngung"};
constexpr std::array<std::string_view, 8> kOptIn = {"start",   "subscribe", "unstop",  "mulai",
                                                    "bat dau", "comecar",   "iniciar", "alta"};

bool is_space(UChar32 c) {
  return u_isUWhiteSpace(c) != 0;
}

}  // namespace

std::string fold_words(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) {
    return {};
  }
  const icu::UnicodeString decomposed = nfd->normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))), status);
  if (U_FAILURE(status)) {
    return {};
  }
  icu::UnicodeString folded;
  bool pending_space = false;
  for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
    UChar32 c = decomposed.char32At(i);
    if (u_charType(c) == U_NON_SPACING_MARK) {
      continue;
    }
    if (is_space(c)) {
      pending_space = !folded.isEmpty();
      continue;
    }
    if (pending_space) {
      folded.append(static_cast<UChar32>(' '));
      pending_space = false;
    }
    c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    if (c == 0x0111) {  // đ has no decomposition
      c = 'd';
    }
    folded.append(c);
  }
  std::string out;
  folded.toUTF8String(out);
  while (!out.empty() && (out.back() == '.' || out.back() == '!' || out.back() == '?' || out.back() == ' ')) {
    out.pop_back();
  }
  return out;
}

bool is_opt_out(std::string_view text) {
  if (text.size() > kMaxWordsBytes) {
    return false;
  }
  const std::string folded = fold_words(text);
  return std::find(kOptOut.begin(), kOptOut.end(), folded) != kOptOut.end();
}

bool is_opt_in(std::string_view text) {
  if (text.size() > kMaxWordsBytes) {
    return false;
  }
  const std::string folded = fold_words(text);
  return std::find(kOptIn.begin(), kOptIn.end(), folded) != kOptIn.end();
}

}  // namespace linkhub::whatsapp
