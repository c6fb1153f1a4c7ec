#include "ocr_engine.hpp"

#include "text_regions.hpp"

#include <opencv2/imgproc.hpp>

#include <omp.h>
#include <tesseract/baseapi.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <regex>

namespace linkhub::media {

namespace {

namespace fs = std::filesystem;

// Frames wider than this are read at this width (a 4K still is no more legible, only slower).
constexpr int kMaxOcrWidth = 1920;
// Engines kept idle per language set.
constexpr size_t kIdlePerLanguages = 2;

std::string joined(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) {
      out += separator;
    }
    out += part;
  }
  return out;
}

using Engine = std::unique_ptr<tesseract::TessBaseAPI>;

Engine new_engine(const std::string& languages) {
  auto api = std::make_unique<tesseract::TessBaseAPI>();
  // Quiet: Tesseract prints to stderr otherwise, in the middle of the host's log.
  api->SetVariable("debug_file", "/dev/null");
  if (api->Init(tessdata_dir().c_str(), languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    throw MediaError("Tesseract cannot load the languages " + languages + " from " + tessdata_dir());
  }
  // Our regions are lines; the resolution it cannot know is set so it does not guess (and warn).
  api->SetPageSegMode(tesseract::PSM_SINGLE_BLOCK);
  api->SetVariable("user_defined_dpi", "300");
  return api;
}

class EnginePool {
 public:
  Engine take(const std::string& languages) {
    {
      const std::lock_guard lock(mutex_);
      auto& idle = idle_[languages];
      if (!idle.empty()) {
        Engine engine = std::move(idle.back());
        idle.pop_back();
        return engine;
      }
    }
    return new_engine(languages);
  }
  void give_back(const std::string& languages, Engine engine) {
    engine->Clear();
    const std::lock_guard lock(mutex_);
    auto& idle = idle_[languages];
    if (idle.size() < kIdlePerLanguages) {
      idle.push_back(std::move(engine));
    }
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::vector<Engine>> idle_;
};

EnginePool& pool() {
  static EnginePool instance;
  return instance;
}

// An engine for the duration of one frame.
class BorrowedEngine {
 public:
  explicit BorrowedEngine(std::string languages) : languages_(std::move(languages)), engine_(pool().take(languages_)) {}
  ~BorrowedEngine() {
    try {
      pool().give_back(languages_, std::move(engine_));
    } catch (...) {  // out of memory: the engine is simply not kept
    }
  }
  BorrowedEngine(const BorrowedEngine&) = delete;
  BorrowedEngine& operator=(const BorrowedEngine&) = delete;
  tesseract::TessBaseAPI& operator*() { return *engine_; }

 private:
  std::string languages_;
  Engine engine_;
};

// Punctuation, symbols and lone marks read out of edges are noise; a word
// needs a letter or digit (any non-ASCII byte counts: accented and other
// scripts' letters).
bool has_letter_or_digit(const std::string& word) {
  return std::any_of(word.begin(), word.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) != 0;
  });
}

std::vector<OcrWord> read_region(tesseract::TessBaseAPI& api, const TextRegion& region, double to_frame,
                                 const cv::Rect& frame, double min_confidence) {
  const cv::Mat& image = region.binary;
  // Debian's Tesseract runs its LSTM with OpenMP teams of a fixed size; on a
  // busy worker (or one pinned to a core) those threads fight over the CPU
  // and reading a frame took 4x longer. Dynamic teams shrink to the cores
  // that are free (libgomp: online CPUs minus the load average, at least 1).
  omp_set_dynamic(1);
  api.SetImage(image.data, image.cols, image.rows, 1, static_cast<int>(image.step));
  std::vector<OcrWord> words;
  if (api.Recognize(nullptr) != 0) {
    return words;
  }
  std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
  if (!it) {
    return words;
  }
  do {
    const std::unique_ptr<char[]> text(it->GetUTF8Text(tesseract::RIL_WORD));
    if (!text) {
      continue;
    }
    OcrWord word;
    word.text = text.get();
    word.confidence = it->Confidence(tesseract::RIL_WORD);
    if (word.confidence < min_confidence || !has_letter_or_digit(word.text)) {
      continue;
    }
    int left = 0, top = 0, right = 0, bottom = 0;
    it->BoundingBox(tesseract::RIL_WORD, &left, &top, &right, &bottom);
    // Back through the margin and scale of the region, then to the frame as given.
    const auto frame_x = [&](int x) {
      return static_cast<int>(std::lround(((x - region.margin) / region.scale + region.box.x) * to_frame));
    };
    const auto frame_y = [&](int y) {
      return static_cast<int>(std::lround(((y - region.margin) / region.scale + region.box.y) * to_frame));
    };
    word.box = cv::Rect(cv::Point(frame_x(left), frame_y(top)), cv::Point(frame_x(right), frame_y(bottom))) & frame;
    words.push_back(std::move(word));
  } while (it->Next(tesseract::RIL_WORD));
  return words;
}

}  // namespace

std::string OcrResult::text() const {
  std::vector<std::string> texts;
  for (const OcrLine& line : lines) {
    texts.push_back(line.text);
  }
  return joined(texts, "\n");
}

std::string tessdata_dir() {
  const char* prefix = std::getenv("TESSDATA_PREFIX");
  return prefix != nullptr && *prefix != '\0' ? std::string(prefix) : "/usr/share/tesseract-ocr/5/tessdata";
}

std::vector<std::string> installed_languages() {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(tessdata_dir(), ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".traineddata") {
      out.push_back(it->path().stem().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_languages(const std::vector<std::string>& languages) {
  if (languages.empty()) {
    throw MediaError(
        "'languages' must name at least one OCR language (installed: " + joined(installed_languages(), ", ") + ")");
  }
  static const std::regex code("[a-z]{3}(_[a-z]+)?");
  const std::vector<std::string> installed = installed_languages();
  for (const std::string& language : languages) {
    if (!std::regex_match(language, code)) {
      throw MediaError("OCR language '" + language +
                       "' is not a Tesseract language code (three letters, as eng, por, spa)");
    }
    if (!std::binary_search(installed.begin(), installed.end(), language)) {
      throw MediaError("OCR language '" + language + "' is not installed in " + tessdata_dir() + " (installed: " +
                       joined(installed, ", ") + "; Debian's package is tesseract-ocr-" + language + ")");
    }
  }
}

OcrResult read_text(const cv::Mat& frame, const OcrOptions& options, const Interrupt& interrupt) {
  check_languages(options.languages);
  cv::Mat grey;
  if (frame.channels() == 1) {
    grey = frame;
  } else {
    cv::cvtColor(frame, grey, frame.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
  }
  double to_frame = 1;
  if (grey.cols > kMaxOcrWidth) {
    to_frame = static_cast<double>(grey.cols) / kMaxOcrWidth;
    cv::resize(grey, grey, {}, 1 / to_frame, 1 / to_frame, cv::INTER_AREA);
  }
  const cv::Rect frame_box(0, 0, frame.cols, frame.rows);
  OcrResult result;
  const std::vector<cv::Rect> boxes = find_text_regions(grey);
  result.regions = static_cast<int>(boxes.size());
  if (boxes.empty()) {
    return result;
  }
  BorrowedEngine engine(joined(options.languages, "+"));
  for (const cv::Rect& box : boxes) {
    interrupt.check("reading text");
    const bool light = looks_light_on_dark(grey, box);
    std::vector<OcrWord> words =
        read_region(*engine, prepare_region(grey, box, light), to_frame, frame_box, options.min_confidence);
    if (words.empty()) {
      continue;
    }
    OcrLine line;
    std::vector<std::string> texts;
    for (const OcrWord& w : words) {
      texts.push_back(w.text);
    }
    line.text = joined(texts, " ");
    line.words = std::move(words);
    result.lines.push_back(std::move(line));
  }
  return result;
}

}  // namespace linkhub::media
