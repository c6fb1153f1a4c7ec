// Engine overhead, in memory. Run: build/bin/engine_bench
//   BM_Chain1000/threads      a chain of 1,000 no-op core.transform steps through the C ABI
//   BM_Foreach10000/threads   one foreach step over 10,000 items
//   BM_Expression             one ${{ }} evaluation on a reused sandbox
//   BM_LoadValidate100        loading and validating a 100-step workflow
// "per_step" counters are microseconds per step (or item).
#include "builtin_plugins.hpp"

#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/memory_run_store.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/template.hpp>
#include <linkhub/engine/validator.hpp>

#include <benchmark/benchmark.h>

namespace linkhub {
namespace {

const PluginHost& plugins() {
  return test::builtin_plugins();
}

std::string chain_yaml(int steps) {
  std::string y = "name: chain\nsteps:\n";
  for (int i = 0; i < steps; ++i) {
    y += "  - id: s" + std::to_string(i) + "\n    uses: core.transform\n    with: { value: " + std::to_string(i) +
         " }\n";
    if (i > 0) {
      y += "    needs: [s" + std::to_string(i - 1) + "]\n";
    }
  }
  return y;
}

Workflow must_load(const std::string& yaml) {
  LoadResult r = load_workflow_text(yaml, "bench.yaml");
  if (!r.workflow || !r.diagnostics.empty()) {
    std::fprintf(stderr, "bench workflow does not load: %s\n",
                 r.diagnostics.empty() ? "?" : format_diagnostic(r.diagnostics[0]).c_str());
    std::abort();
  }
  return *r.workflow;
}

void run_plan(benchmark::State& state, const Workflow& wf, double units) {
  MemoryRunStore store;
  ExecutorOptions options;
  options.threads = static_cast<int>(state.range(0));
  Executor executor(plugins(), store, options);
  auto plan = executor.prepare(wf);
  if (!plan) {
    state.SkipWithError(plan.error().message.c_str());
    return;
  }
  for (auto _ : state) {
    auto r = executor.run(*plan, Json::object());
    if (!r || r->status != RunStatus::Succeeded) {
      state.SkipWithError("run failed");
      return;
    }
    // What the store keeps of each run is dropped between runs (untimed):
    // kept, hundreds of thousands of steps' records grow the heap by ~1.6 KB
    // a step, and the page faults of that growth were a third of the figure.
    state.PauseTiming();
    store.clear();
    state.ResumeTiming();
  }
  state.counters["per_step_us"] = benchmark::Counter(units * static_cast<double>(state.iterations()) / 1e6,
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Chain1000(benchmark::State& state) {
  static const Workflow wf = must_load(chain_yaml(1000));
  run_plan(state, wf, 1000);
}
BENCHMARK(BM_Chain1000)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Foreach10000(benchmark::State& state) {
  static const Workflow wf = must_load(R"(
name: fanout
steps:
  - id: each
    uses: core.transform
    foreach: "${{ (function() local t = {} for i = 1, 10000 do t[i] = i end return t end)() }}"
    with: { value: "${{ item }}" }
)");
  run_plan(state, wf, 10000);
}
BENCHMARK(BM_Foreach10000)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Expression(benchmark::State& state) {
  lua::Sandbox sandbox;
  const Json inputs = {{"price", 19.99}, {"qty", 3}};
  const Json steps = {{"fetch", {{"outputs", {{"title", "Linen shirt"}}}}}};
  const lua::Bindings bindings{{"inputs", &inputs}, {"steps", &steps}};
  auto tpl = ValueTemplate::compile(Json("${{ inputs.price * inputs.qty }}"));
  for (auto _ : state) {
    auto v = tpl->render(sandbox, bindings);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_Expression)->Unit(benchmark::kMicrosecond);

// With library calls and a string method: each evaluation gets its own library views.
void BM_ExpressionWithLibraries(benchmark::State& state) {
  lua::Sandbox sandbox;
  const Json inputs = {{"price", 19.99}, {"qty", 3}};
  const Json steps = {{"fetch", {{"outputs", {{"title", "Linen shirt"}}}}}};
  const lua::Bindings bindings{{"inputs", &inputs}, {"steps", &steps}};
  auto tpl = ValueTemplate::compile(
      Json("${{ string.upper(steps.fetch.outputs.title):sub(1, 5) .. math.floor(inputs.price * inputs.qty) }}"));
  for (auto _ : state) {
    auto v = tpl->render(sandbox, bindings);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_ExpressionWithLibraries)->Unit(benchmark::kMicrosecond);

void BM_LoadValidate100(benchmark::State& state) {
  const std::string yaml = chain_yaml(100);
  for (auto _ : state) {
    LoadResult r = load_workflow_text(yaml, "bench.yaml");
    Diagnostics d = validate_workflow(*r.workflow, plugins());
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_LoadValidate100)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace linkhub
