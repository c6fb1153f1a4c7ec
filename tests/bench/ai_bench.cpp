// ai plugin speed. Run: build/bin/ai_bench  (goal: under 50 µs per typical caption)
//   BM_CaptionCorpus   the extractors on every caption of plugins/ai/tests/captions.json,
//                      "per_caption_us" is the mean over the corpus
//   BM_CaptionStep     one typical caption through the plugin's C ABI: JSON in, analysis,
//                      JSON out, output schema check by the host
//   BM_Caption100KB    one 100 KB caption
//   BM_Tags            tagging and categorising one product, taxonomy already loaded
//   BM_TaxonomyParse   parsing and indexing Google's 5,595-category taxonomy
#include "builtin_plugins.hpp"

#include "caption.hpp"
#include "tags.hpp"
#include "taxonomy.hpp"

#include <linkhub/engine/plugin_host.hpp>

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

namespace linkhub {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::vector<std::pair<std::string, std::string>>& corpus() {
  static const auto* captions = [] {
    auto* out = new std::vector<std::pair<std::string, std::string>>();
    const Json cases = Json::parse(read_file(std::string(LINKHUB_SOURCE_DIR) + "/plugins/ai/tests/captions.json"));
    for (const Json& c : cases) {
      out->emplace_back(c["caption"].get<std::string>(), c.value("default_currency", std::string()));
    }
    return out;
  }();
  return *captions;
}

constexpr const char* kTypical =
    "New linen shirts just dropped! 🌿 Only $24.99 this week, use code SAVE20 for 20% off. Link in bio 👆 "
    "#linen #summerstyle #TikTokShop";

void BM_CaptionCorpus(benchmark::State& state) {
  const auto& captions = corpus();
  if (captions.empty()) {
    state.SkipWithError("no captions.json");
    return;
  }
  for (auto _ : state) {
    for (const auto& [text, currency] : captions) {
      ai::CaptionAnalysis a = ai::analyse_caption(text, {currency});
      benchmark::DoNotOptimize(a);
    }
  }
  state.counters["captions"] = static_cast<double>(captions.size());
  state.counters["per_caption_us"] =
      benchmark::Counter(static_cast<double>(captions.size()) * static_cast<double>(state.iterations()) / 1e6,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_CaptionCorpus)->Unit(benchmark::kMicrosecond);

void BM_CaptionStep(benchmark::State& state) {
  const LoadedStep* step = test::builtin_plugins().step("ai.caption");
  if (step == nullptr) {
    state.SkipWithError("ai.caption is not built");
    return;
  }
  const std::string input = Json{{"caption", kTypical}}.dump();
  const StepCall call;
  for (auto _ : state) {
    StepOutcome out = test::builtin_plugins().invoke(*step, call, input);
    if (out.status != LH_OK) {
      state.SkipWithError(out.error.c_str());
      return;
    }
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_CaptionStep)->Unit(benchmark::kMicrosecond);

void BM_Caption100KB(benchmark::State& state) {
  std::string big;
  while (big.size() < 100 * 1024) {
    big += kTypical;
    big += '\n';
  }
  for (auto _ : state) {
    ai::CaptionAnalysis a = ai::analyse_caption(big);
    benchmark::DoNotOptimize(a);
  }
  state.SetBytesProcessed(static_cast<int64_t>(big.size()) * state.iterations());
}
BENCHMARK(BM_Caption100KB)->Unit(benchmark::kMillisecond);

std::string taxonomy_path() {
  return std::string(LINKHUB_SOURCE_DIR) + "/plugins/ai/data/google_product_taxonomy_with_ids.en-US.txt";
}

void BM_Tags(benchmark::State& state) {
  const auto taxonomy = ai::Taxonomy::load(taxonomy_path());
  ai::TagsRequest request;
  request.hashtags = {"linen", "summerstyle", "tiktokshop"};
  request.title = "Linen shirt for men, relaxed fit";
  request.text = kTypical;
  for (auto _ : state) {
    ai::TagsResult r = ai::suggest_tags(request, taxonomy.get());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Tags)->Unit(benchmark::kMicrosecond);

void BM_TaxonomyParse(benchmark::State& state) {
  const std::string text = read_file(taxonomy_path());
  for (auto _ : state) {
    auto t = ai::Taxonomy::parse(text, "taxonomy");
    benchmark::DoNotOptimize(t);
  }
}
BENCHMARK(BM_TaxonomyParse)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace linkhub
