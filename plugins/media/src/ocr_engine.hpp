#pragma once
// Text read from a frame: text regions found and binarised with OpenCV
// (text_regions.hpp), each read by Tesseract (its C++ API, LSTM engine),
// words kept only when Tesseract is confident, so a frame without writing
// gives nothing rather than noise.
//
// Loading a language model costs far more than reading a frame, so engines
// are kept in a pool by language set and reused; an engine serves one frame
// at a time (Tesseract's API object is not thread-safe), concurrent steps
// each take their own.

#include "media_error.hpp"

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace linkhub::media {

struct OcrWord {
  std::string text;       // UTF-8
  double confidence = 0;  // 0-100, Tesseract's
  cv::Rect box;           // in the frame's pixels
};

struct OcrLine {
  std::vector<OcrWord> words;
  std::string text;  // the words joined by spaces
};

struct OcrResult {
  std::vector<OcrLine> lines;  // top to bottom
  int regions = 0;             // text regions looked at
  std::string text() const;    // the lines joined by newlines
};

struct OcrOptions {
  std::vector<std::string> languages{"eng"};  // Tesseract codes: eng, por, spa, ind, vie, fra, ...
  double min_confidence = 60;                 // words below are dropped
};

// Tesseract's language data folder: $TESSDATA_PREFIX, else Debian's.
std::string tessdata_dir();
// The languages installed there (eng, fra, ...), sorted.
std::vector<std::string> installed_languages();
// Throws MediaError naming each unknown or malformed code and what is installed.
void check_languages(const std::vector<std::string>& languages);

// Reads `frame` (BGR or grey, 8-bit). Throws MediaError when the languages
// cannot be loaded; Interrupted / OutOfTime from `interrupt` between regions.
OcrResult read_text(const cv::Mat& frame, const OcrOptions& options, const Interrupt& interrupt = {});

}  // namespace linkhub::media
