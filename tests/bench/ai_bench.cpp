// ai plugin speed. Run: build/bin/ai_bench  (goal: under 50 µs per typical caption)
//   BM_CaptionCorpus   the extractors on every caption of plugins/ai/tests/captions.json,
//                      "per_caption_us" is the mean over the corpus
//   BM_CaptionStep     one typical caption through the plugin's C ABI: JSON in, analysis,
//                      JSON out, output schema check by the host
//   BM_Caption100KB    one 100 KB caption
//   BM_Tags            tagging and categorising one product, taxonomy already loaded
//   BM_TaxonomyParse   parsing and indexing Google's 5,595-category taxonomy
//   BM_ExtractCached   ai.extract on the llm backend through the C ABI, answered from the
//                      response cache (SQLite; warmed once by a loopback stand-in); goal < 1 ms
#include "builtin_plugins.hpp"
#include "loopback_server.hpp"
#include "temp_dir.hpp"

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

void BM_ExtractCached(benchmark::State& state) {
  const LoadedStep* step = test::builtin_plugins().step("ai.extract");
  if (step == nullptr) {
    state.SkipWithError("ai.extract is not built");
    return;
  }
  const Json entry = {{"product_name", {{"value", "Linen shirt"}, {"confidence", 0.9}}},
                      {"brand", {{"value", nullptr}, {"confidence", 0}}},
                      {"sizes", {{"value", Json::array()}, {"confidence", 0}}},
                      {"colours", {{"value", Json::array()}, {"confidence", 0}}},
                      {"materials", {{"value", {"linen"}}, {"confidence", 0.9}}},
                      {"description", {{"value", "A linen shirt."}, {"language", "en"}, {"confidence", 0.6}}},
                      {"translated_description", {{"value", nullptr}, {"language", nullptr}, {"confidence", 0}}},
                      {"sentiment", {{"value", "positive"}, {"confidence", 0.7}}},
                      {"keywords", {{"value", {"linen shirt"}}, {"confidence", 0.8}}}};
  test::LoopbackServer api;
  api.on("/v1/chat/completions", [&](const test::Request&) {
    const Json body = {
        {"object", "chat.completion"},
        {"model", "bench"},
        {"choices",
         {{{"index", 0}, {"message", {{"role", "assistant"}, {"content", entry.dump()}}}, {"finish_reason", "stop"}}}},
        {"usage", {{"prompt_tokens", 100}, {"completion_tokens", 50}, {"total_tokens", 150}}}};
    return test::Response{200, "application/json", body.dump(), {}};
  });
  api.start();
  test::TempDir dir("linkhub-ai-bench-");
  StepCall call;
  call.plugin_config = Json{{"backend", "llm"}, {"llm", {{"base_url", api.url("/v1")}, {"model", "bench"}}}}.dump();
  call.secret = [](std::string_view name) -> std::optional<std::string> {
    return name == "OPENAI_API_KEY" ? std::optional<std::string>("sk-bench") : std::nullopt;
  };
  call.http_allow = {"127.0.0.1"};
  call.database_url = (dir.path() / "ai.db").string();
  const std::string input = Json{{"caption", kTypical}}.dump();
  const StepOutcome warm = test::builtin_plugins().invoke(*step, call, input);  // the one request
  if (warm.status != LH_OK || warm.output.value("backend", "") != "llm") {
    state.SkipWithError(("warming the cache failed: " + warm.error + warm.output.dump()).c_str());
    return;
  }
  for (auto _ : state) {
    StepOutcome out = test::builtin_plugins().invoke(*step, call, input);
    if (out.status != LH_OK || out.output.value("cached", false) != true) {
      state.SkipWithError("not served from the cache");
      return;
    }
    benchmark::DoNotOptimize(out);
  }
  state.counters["requests"] = api.requests("/v1/chat/completions");
}
BENCHMARK(BM_ExtractCached)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace linkhub
