// The caption price accuracy of the built-in extractors alone and with the
// text on screen as ai.caption's second source, on a labelled set of rendered
// frames (tests/bench/ocr_prices.json): each case's lines are drawn onto a
// 720x1280 frame with ffmpeg's drawtext, read by media.ocr, and the catalog's
// price is chosen by the main job's own gate (workflows/rules/product-gate.lua)
// from ai.caption's output without and with `screen_text`.
//
//   build/bin/ocr_price_accuracy [tests/bench/ocr_prices.json]
//
// A case is right when the chosen price is the labelled one (amount and
// currency; none when the label is null). Conflicts are counted apart: a
// contradicting case must be flagged, no other may be. Frames go to
// /tmp/linkhub-ocr-accuracy/. Prints one line per case, then the totals.
#include "builtin_plugins.hpp"
#include "child_process.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/plugin_host.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = "/tmp/linkhub-ocr-accuracy";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ffmpeg_program() {
  const char* path = std::getenv("PATH");
  const std::string dirs = path != nullptr ? path : "";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / "ffmpeg";
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate.string();
    }
    start = end + 1;
  }
  throw std::runtime_error("ffmpeg is not on PATH: run scripts/setup.sh");
}

// The case's lines, centred one under the other from 60% down the frame.
fs::path render(const Json& set, const Json& c) {
  const Json& style = set["styles"].at(c["style"].get<std::string>());
  const int size = style["size"].get<int>();
  std::string filters;
  int n = 0;
  for (const Json& line : c["screen"]) {
    const fs::path text = kDir / (c["name"].get<std::string>() + "-" + std::to_string(n) + ".txt");
    std::ofstream(text) << line.get<std::string>();
    filters += (filters.empty() ? "" : ",") + std::string("drawtext=fontfile=") + set["font"].get<std::string>() +
               ":textfile=" + text.string() + ":fontsize=" + std::to_string(size) +
               ":fontcolor=" + style["color"].get<std::string>() + style["options"].get<std::string>() +
               ":x=(w-text_w)/2:y=h*0.6+" + std::to_string(n * size * 3 / 2);
    ++n;
  }
  const fs::path out = kDir / (c["name"].get<std::string>() + ".png");
  const std::string source = style["background"].get<std::string>();  // "testsrc2", "color=c=black"
  std::vector<std::string> argv = {
      ffmpeg_program(),
      "-nostdin",
      "-loglevel",
      "error",
      "-y",
      "-f",
      "lavfi",
      "-i",
      source + (source.find('=') == std::string::npos ? "=" : ":") + "size=720x1280:rate=1:duration=1"};
  if (!filters.empty()) {
    argv.insert(argv.end(), {"-vf", filters});
  }
  argv.insert(argv.end(), {"-frames:v", "1", out.string()});
  test::ChildProcess ffmpeg(argv);
  const test::ChildProcess::Status status = ffmpeg.wait();
  if (!status.exited || status.code != 0) {
    throw std::runtime_error("ffmpeg failed on " + c["name"].get<std::string>() + ": " + ffmpeg.transcript());
  }
  return out;
}

Json invoke(const std::string& uses, const Json& input) {
  const LoadedStep* step = test::builtin_plugins().step(uses);
  if (step == nullptr) {
    throw std::runtime_error(uses + " is not loaded from " LINKHUB_PLUGIN_BUILD_DIR);
  }
  static ArtifactStore store(kDir / "store");
  StepCall call;
  call.artifact_dir = (kDir / "run").string();
  call.artifacts = &store;
  const StepOutcome out = test::builtin_plugins().invoke(*step, call, input.dump());
  if (out.status != LH_OK) {
    throw std::runtime_error(uses + ": " + out.error);
  }
  return out.output;
}

// The price the main job's gate gives the catalog, or null.
Json catalog_price(const std::string& gate, const Json& caption) {
  return invoke("lua.rule", {{"code", gate}, {"input", caption}})["result"].value("price", Json());
}

bool same(const Json& price, const Json& expect) {
  if (price.is_null() || expect.is_null()) {
    return price.is_null() && expect.is_null();
  }
  return price["currency"] == expect["currency"] &&
         std::fabs(price["amount"].get<double>() - expect["amount"].get<double>()) < 0.005;
}

std::string show(const Json& price) {
  return price.is_null() ? "-" : price["amount"].dump() + " " + price["currency"].get<std::string>();
}

struct Tally {
  int cases = 0;
  int alone = 0;
  int with_ocr = 0;
};

int run(const fs::path& file) {
  const Json set = Json::parse(read_text(file));
  const std::string gate = read_text(fs::path(LINKHUB_SOURCE_DIR) / "workflows" / "rules" / "product-gate.lua");
  fs::create_directories(kDir);
  std::map<std::string, Tally> by_category;
  Tally all;
  int conflicts_expected = 0;
  int conflicts_flagged = 0;
  int conflicts_false = 0;
  std::printf("%-30s %-13s %-16s %-16s %-16s %s\n", "case", "category", "expected", "builtin", "builtin+ocr",
              "conflict");
  for (const Json& c : set["cases"]) {
    const fs::path frame = render(set, c);
    const Json ocr = invoke("media.ocr", {{"path", frame.string()}, {"languages", c["ocr_languages"]}});
    const Json alone = invoke("ai.caption", {{"caption", c["caption"]}});
    const Json both = invoke("ai.caption", {{"caption", c["caption"]}, {"screen_text", ocr}});
    const Json price_alone = catalog_price(gate, alone);
    const Json price_both = catalog_price(gate, both);
    const bool flagged = both["price_conflict"].is_object();
    const bool expected_conflict = c["conflict"].get<bool>();
    Tally& t = by_category[c["category"].get<std::string>()];
    for (Tally* tally : {&t, &all}) {
      ++tally->cases;
      tally->alone += same(price_alone, c["expect"]) ? 1 : 0;
      tally->with_ocr += same(price_both, c["expect"]) ? 1 : 0;
    }
    conflicts_expected += expected_conflict ? 1 : 0;
    conflicts_flagged += expected_conflict && flagged ? 1 : 0;
    conflicts_false += !expected_conflict && flagged ? 1 : 0;
    std::string read = ocr["text"].get<std::string>();
    for (char& ch : read) {
      ch = ch == '\n' ? '|' : ch;
    }
    std::printf("%-30s %-13s %-16s %-16s %-16s %-5s ocr: %s\n", c["name"].get<std::string>().c_str(),
                c["category"].get<std::string>().c_str(), show(c["expect"]).c_str(), show(price_alone).c_str(),
                show(price_both).c_str(), flagged ? "yes" : "no", read.c_str());
  }
  std::printf("\n%-13s %6s %18s %18s\n", "category", "cases", "builtin", "builtin+ocr");
  const auto line = [](const std::string& name, const Tally& t) {
    std::printf("%-13s %6d %10d (%3.0f%%) %10d (%3.0f%%)\n", name.c_str(), t.cases, t.alone, 100.0 * t.alone / t.cases,
                t.with_ocr, 100.0 * t.with_ocr / t.cases);
  };
  for (const auto& [name, t] : by_category) {
    line(name, t);
  }
  line("all", all);
  std::printf("conflicts flagged: %d of %d contradicting cases; %d flagged wrongly\n", conflicts_flagged,
              conflicts_expected, conflicts_false);
  return 0;
}

}  // namespace
}  // namespace linkhub

int main(int argc, char** argv) {
  const std::filesystem::path file =
      argc > 1 ? std::filesystem::path(argv[1])
               : std::filesystem::path(LINKHUB_SOURCE_DIR) / "tests" / "bench" / "ocr_prices.json";
  try {
    return linkhub::run(file);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ocr_price_accuracy: %s\n", e.what());
    return 1;
  }
}
