// The executor, run through the real built-in plugins over the C ABI, at 1, 2
// and 8 threads. Order is asserted from the recorded events, never from time.
#include "builtin_plugins.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/event_type.hpp>
#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/memory_run_store.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/workflow.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>

namespace linkhub {
namespace {

using test::builtin_plugins;

class ExecutorTest : public ::testing::TestWithParam<int> {
 protected:
  Workflow load(const std::string& yaml) {
    Compiled compiled = compile_workflow(yaml, "test.yaml", builtin_plugins());
    for (const auto& d : compiled.diagnostics) {
      ADD_FAILURE() << format_diagnostic(d);
    }
    EXPECT_TRUE(compiled.workflow != nullptr);
    return compiled.workflow ? *compiled.workflow : Workflow{};
  }

  RunResult run(const std::string& yaml, const Json& inputs = Json::object()) {
    Workflow wf = load(yaml);
    Executor executor(builtin_plugins(), store_, options());
    auto plan = executor.prepare(wf);
    EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.error().message);
    auto result = executor.run(*plan, inputs);
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? *result : RunResult{};
  }

  ExecutorOptions options() {
    ExecutorOptions o;
    o.threads = GetParam();
    o.artifact_dir = ::testing::TempDir() + "/artifacts";
    o.secrets = {{"API_TOKEN", "s3cr3t-value"}};
    o.expression_limits.max_instructions = 200'000;
    o.expression_limits.max_memory_bytes = 8u << 20;
    return o;
  }

  static const StepResult& step(const RunResult& r, const std::string& id) {
    for (const auto& s : r.steps) {
      if (s.id == id) {
        return s;
      }
    }
    throw std::runtime_error("no step " + id);
  }

  std::vector<EventRecord> events(const RunResult& r) { return store_.get_events(r.run_id, 0, 100000); }

  // Sequence number of the first event of `type` for `step` (and item index).
  int64_t seq_of(const RunResult& r, const std::string& type, const std::string& step_id, int index = -1) {
    for (const auto& e : events(r)) {
      if (e.type == type && e.step_id == step_id && e.index == index) {
        return e.seq;
      }
    }
    ADD_FAILURE() << "no " << type << " event for " << step_id;
    return -1;
  }

  MemoryRunStore store_;
};

TEST_P(ExecutorTest, RunsADiamondInDependencyOrderAndComputesOutputs) {
  const RunResult r = run(R"(
name: diamond
inputs:
  n: { type: integer, default: 20 }
steps:
  - id: a
    uses: core.transform
    with: { value: "${{ inputs.n + 1 }}" }
  - id: b
    uses: core.transform
    needs: [a]
    with: { value: "${{ steps.a.outputs.value * 2 }}" }
  - id: c
    uses: core.transform
    needs: [a]
    with: { value: "c saw ${{ steps.a.outputs.value }}" }
  - id: d
    uses: core.transform
    needs: [b, c]
    with: { value: { sum: "${{ steps.b.outputs.value + steps.a.outputs.value }}", text: "${{ steps.c.outputs.value }}" } }
outputs:
  total: "${{ steps.d.outputs.value.sum }}"
  text: "${{ steps.d.outputs.value.text }}"
)");
  ASSERT_EQ(r.status, RunStatus::Succeeded) << r.error;
  EXPECT_EQ(r.outputs["total"], 63);
  EXPECT_EQ(r.outputs["text"], "c saw 21");
  EXPECT_LT(seq_of(r, "step.succeeded", "a"), seq_of(r, "step.started", "b"));
  EXPECT_LT(seq_of(r, "step.succeeded", "a"), seq_of(r, "step.started", "c"));
  EXPECT_LT(seq_of(r, "step.succeeded", "b"), seq_of(r, "step.started", "d"));
  EXPECT_LT(seq_of(r, "step.succeeded", "c"), seq_of(r, "step.started", "d"));
}

TEST_P(ExecutorTest, ForeachKeepsItemOrderAndHonoursConcurrency) {
  const RunResult r = run(R"(
name: fanout
inputs:
  words: { type: array, default: [a, b, c, d, e, f, g, h, i, j] }
steps:
  - id: each
    uses: core.transform
    foreach: "${{ inputs.words }}"
    concurrency: 2
    with: { value: "${{ index }}:${{ item }}" }
outputs:
  all: "${{ steps.each.outputs }}"
)");
  ASSERT_EQ(r.status, RunStatus::Succeeded) << r.error;
  ASSERT_EQ(r.outputs["all"].size(), 10u);
  const std::string letters = "abcdefghij";
  for (size_t k = 0; k < 10; ++k) {
    EXPECT_EQ(r.outputs["all"][k]["value"], std::to_string(k) + ":" + letters[k]);
  }
  int in_flight = 0;
  int max_in_flight = 0;
  for (const auto& e : events(r)) {
    if (e.step_id == "each" && e.index >= 0 && e.type == "step.started") {
      max_in_flight = std::max(max_in_flight, ++in_flight);
    } else if (e.step_id == "each" && (e.type == "item.succeeded" || e.type == "item.failed")) {
      --in_flight;
    }
  }
  EXPECT_LE(max_in_flight, 2);
  EXPECT_GE(max_in_flight, 1);
}

TEST_P(ExecutorTest, ForeachOverAnEmptyArrayGivesAnEmptyOutput) {
  const RunResult r = run(R"(
name: empty
steps:
  - id: each
    uses: core.transform
    foreach: "${{ {} }}"
    with: { value: "${{ item }}" }
outputs:
  all: "${{ steps.each.outputs }}"
)");
  ASSERT_EQ(r.status, RunStatus::Succeeded) << r.error;
  EXPECT_TRUE(r.outputs["all"].empty());
}

TEST_P(ExecutorTest, SkipsOnFalseConditionAndWhatNeedsOnlySkippedSteps) {
  const RunResult r = run(R"(
name: skipping
inputs:
  go: { type: boolean, default: false }
steps:
  - id: gate
    uses: core.transform
    if: inputs.go
    with: { value: 1 }
  - id: after_gate
    uses: core.transform
    needs: [gate]
    with: { value: 2 }
  - id: other
    uses: core.transform
    with: { value: 3 }
  - id: join
    uses: core.transform
    needs: [gate, other]
    with: { value: "${{ steps.gate.status }}/${{ steps.other.status }}" }
outputs:
  join: "${{ steps.join.outputs.value }}"
)");
  ASSERT_EQ(r.status, RunStatus::Succeeded) << r.error;
  EXPECT_EQ(step(r, "gate").status, StepStatus::Skipped);
  EXPECT_EQ(step(r, "after_gate").status, StepStatus::Skipped);
  EXPECT_EQ(step(r, "other").status, StepStatus::Succeeded);
  EXPECT_EQ(step(r, "join").status, StepStatus::Succeeded);
  EXPECT_EQ(r.outputs["join"], "skipped/succeeded");
}

TEST_P(ExecutorTest, RetriesARetryableFailureWithBackoffUntilItSucceeds) {
  const RunResult r = run(R"(
name: retrying
steps:
  - id: flaky
    uses: core.fail
    with: { fail_attempts: 2 }
    retry: { attempts: 3, initial: 1ms, max: 4ms }
outputs:
  attempt: "${{ steps.flaky.outputs.attempt }}"
)");
  ASSERT_EQ(r.status, RunStatus::Succeeded) << r.error;
  EXPECT_EQ(r.outputs["attempt"], 3);
  EXPECT_EQ(step(r, "flaky").attempts, 3);
  int retries = 0;
  for (const auto& e : events(r)) {
    retries += e.type == "step.retrying" ? 1 : 0;
  }
  EXPECT_EQ(retries, 2);
}

TEST_P(ExecutorTest, FailsTheRunWhenRetriesAreExhaustedAndSkipsDependents) {
  const RunResult r = run(R"(
name: exhausted
steps:
  - id: flaky
    uses: core.fail
    with: { fail_attempts: 5, message: "upstream is down" }
    retry: { attempts: 2, initial: 1ms }
  - id: after
    uses: core.transform
    needs: [flaky]
    with: { value: 1 }
  - id: independent
    uses: core.transform
    with: { value: 2 }
)");
  EXPECT_EQ(r.status, RunStatus::Failed);
  EXPECT_EQ(step(r, "flaky").status, StepStatus::Failed);
  EXPECT_EQ(step(r, "flaky").attempts, 2);
  EXPECT_NE(step(r, "flaky").error.find("upstream is down"), std::string::npos) << step(r, "flaky").error;
  EXPECT_NE(step(r, "flaky").error.find("after 2 attempts"), std::string::npos) << step(r, "flaky").error;
  EXPECT_EQ(step(r, "after").status, StepStatus::Skipped);
  EXPECT_EQ(step(r, "independent").status, StepStatus::Succeeded);
  EXPECT_NE(r.error.find("flaky"), std::string::npos);
}

TEST_P(ExecutorTest, DoesNotRetryAPermanentFailure) {
  const RunResult r = run(R"(
name: permanent
steps:
  - id: broken
    uses: core.fail
    with: { always: true, retryable: false }
    retry: { attempts: 5, initial: 1ms }
)");
  EXPECT_EQ(r.status, RunStatus::Failed);
  EXPECT_EQ(step(r, "broken").attempts, 1);
}

TEST_P(ExecutorTest, CarriesThePluginsErrorCodeAndDetailsToStepRunAndEvents) {
  const RunResult r = run(R"(
name: coded
steps:
  - id: lookup
    uses: core.fail
    with: { always: true, retryable: false, code: not_found, message: "nothing there", details: { id: 7 } }
)");
  ASSERT_EQ(r.status, RunStatus::Failed);
  EXPECT_EQ(step(r, "lookup").error_code, "not_found");
  EXPECT_EQ(step(r, "lookup").error_details, (Json{{"id", 7}}));
  EXPECT_EQ(r.error_code, "not_found");
  EXPECT_EQ(r.error_details, (Json{{"id", 7}}));
  const auto stored = store_.get_run(r.run_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->error_code, "not_found");
  EXPECT_EQ(stored->error_details, (Json{{"id", 7}}));
  const auto steps = store_.get_steps(r.run_id);
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0].error_code, "not_found");
  EXPECT_EQ(steps[0].error_details, (Json{{"id", 7}}));
  int seen = 0;
  for (const auto& e : events(r)) {
    if (e.type == "step.failed" || e.type == "run.failed") {
      EXPECT_EQ(e.payload.value("code", ""), "not_found") << e.type;
      EXPECT_EQ(e.payload.value("details", Json()), (Json{{"id", 7}})) << e.type;
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2);
}

TEST_P(ExecutorTest, DerivesACodeWhenThePluginGivesNoneAndCodesItsOwnFailures) {
  const RunResult r = run(R"(
name: uncoded
steps:
  - id: plain
    uses: core.fail
    with: { always: true, retryable: false }
    continue_on_error: true
  - id: flaky
    uses: core.fail
    with: { always: true, code: unavailable }
    retry: { attempts: 2, initial: 1ms }
    continue_on_error: true
  - id: slow
    uses: core.delay
    with: { duration: 1h }
    timeout: 20ms
    continue_on_error: true
  - id: loop
    uses: core.transform
    foreach: "${{ tonumber('3') }}"
    with: { value: 1 }
    continue_on_error: true
  - id: bad_input
    uses: core.fail
    with: { always: true, fail_attempts: "${{ 'many' }}" }
    continue_on_error: true
)");
  EXPECT_EQ(step(r, "plain").error_code, "step_failed");
  EXPECT_EQ(step(r, "flaky").error_code, "unavailable");
  EXPECT_EQ(step(r, "slow").error_code, "timeout");
  EXPECT_EQ(step(r, "loop").error_code, "expression_error");
  EXPECT_EQ(step(r, "bad_input").error_code, "invalid_input");
  ASSERT_TRUE(step(r, "bad_input").error_details.contains("violations")) << step(r, "bad_input").error_details;
  EXPECT_EQ(step(r, "bad_input").error_details["violations"][0]["pointer"], "/fail_attempts");
  bool retried_with_code = false;
  for (const auto& e : events(r)) {
    retried_with_code =
        retried_with_code || (e.type == "step.retrying" && e.payload.value("code", "") == "unavailable");
  }
  EXPECT_TRUE(retried_with_code);
}

TEST_P(ExecutorTest, ContinueOnErrorLetsDependentsRunAndSeeTheFailure) {
  const RunResult r = run(R"(
name: tolerant
steps:
  - id: optional
    uses: core.fail
    with: { always: true }
    continue_on_error: true
  - id: after
    uses: core.transform
    needs: [optional]
    with: { value: "${{ steps.optional.status }}" }
outputs:
  seen: "${{ steps.after.outputs.value }}"
)");
  ASSERT_EQ(r.status, RunStatus::Succeeded) << r.error;
  EXPECT_EQ(step(r, "optional").status, StepStatus::Failed);
  EXPECT_EQ(r.outputs["seen"], "failed");
}

TEST_P(ExecutorTest, TimesOutAStepThatTakesTooLong) {
  const RunResult r = run(R"(
name: slow
steps:
  - id: sleepy
    uses: core.delay
    with: { duration: 1h }
    timeout: 20ms
)");
  EXPECT_EQ(r.status, RunStatus::Failed);
  EXPECT_NE(step(r, "sleepy").error.find("timed out after 20ms"), std::string::npos) << step(r, "sleepy").error;
}

TEST_P(ExecutorTest, RunawayExpressionsFailTheirStepWhileTheRestGoesOn) {
  const RunResult r = run(R"(
name: runaway
steps:
  - id: spin
    uses: core.transform
    with: { value: "${{ (function() while true do end end)() }}" }
  - id: hog
    uses: core.transform
    with: { value: "${{ string.rep('x', 1024 * 1024 * 1024) }}" }
  - id: fine
    uses: core.transform
    with: { value: ok }
)");
  EXPECT_EQ(r.status, RunStatus::Failed);
  EXPECT_EQ(step(r, "spin").status, StepStatus::Failed);
  EXPECT_NE(step(r, "spin").error.find("instruction"), std::string::npos) << step(r, "spin").error;
  EXPECT_EQ(step(r, "hog").status, StepStatus::Failed);
  EXPECT_NE(step(r, "hog").error.find("memory"), std::string::npos) << step(r, "hog").error;
  EXPECT_EQ(step(r, "fine").status, StepStatus::Succeeded);
  EXPECT_EQ(step(r, "fine").output["value"], "ok");
}

TEST_P(ExecutorTest, SecretsAreUsableButNeverAppearInErrors) {
  const RunResult r = run(R"(
name: secretive
steps:
  - id: leak
    uses: core.fail
    with: { always: true, message: "token was ${{ secrets.API_TOKEN }}", code: unauthorized,
            details: { token: "${{ secrets.API_TOKEN }}" } }
)");
  EXPECT_EQ(r.status, RunStatus::Failed);
  EXPECT_EQ(step(r, "leak").error.find("s3cr3t-value"), std::string::npos) << step(r, "leak").error;
  EXPECT_EQ(step(r, "leak").error_details.dump().find("s3cr3t-value"), std::string::npos);
  EXPECT_EQ(r.error_details.dump().find("s3cr3t-value"), std::string::npos);
  for (const auto& s : store_.get_steps(r.run_id)) {
    EXPECT_EQ(s.error_details.dump().find("s3cr3t-value"), std::string::npos);
  }
  for (const auto& e : events(r)) {
    EXPECT_EQ(e.payload.dump().find("s3cr3t-value"), std::string::npos) << e.type;
  }
}

TEST_P(ExecutorTest, RecordsEveryTransitionWithIncreasingSequenceNumbers) {
  const RunResult r = run(R"(
name: events
steps:
  - id: a
    uses: core.log
    with: { message: "hello from a" }
  - id: b
    uses: core.transform
    needs: [a]
    with: { value: 1 }
)");
  ASSERT_EQ(r.status, RunStatus::Succeeded) << r.error;
  const auto evs = events(r);
  for (size_t k = 0; k < evs.size(); ++k) {
    EXPECT_EQ(evs[k].seq, static_cast<int64_t>(k) + 1);
  }
  EXPECT_EQ(evs.front().type, "run.created");
  EXPECT_EQ(evs.back().type, "run.succeeded");
  bool logged = false;
  for (const auto& e : evs) {
    logged = logged || (e.type == "step.log" && e.payload.value("message", "") == "hello from a");
  }
  EXPECT_TRUE(logged);
  const auto run_record = store_.get_run(r.run_id);
  ASSERT_TRUE(run_record.has_value());
  EXPECT_EQ(run_record->status, RunStatus::Succeeded);
  EXPECT_EQ(store_.get_steps(r.run_id).size(), 2u);
}

// on_run_launched is told each run it takes, started or resumed, with its
// workflow and version, before any event of that run reaches on_event.
TEST_P(ExecutorTest, TellsEachRunItTakesBeforeAnyOfItsEvents) {
  const Workflow wf = load(R"(
name: launched
steps:
  - id: a
    uses: core.transform
    with: { value: 1 }
)");
  std::mutex mutex;
  std::vector<std::string> seen;  // "launched <id> <workflow>" and "event <id> <type>", in order
  ExecutorOptions o = options();
  o.on_run_launched = [&](const RunRecord& run) {
    std::lock_guard lock(mutex);
    seen.push_back("launched " + run.id + " " + run.workflow + (run.workflow_hash.empty() ? "" : " hashed"));
  };
  o.on_event = [&](const EventRecord& event) {
    std::lock_guard lock(mutex);
    seen.push_back("event " + event.run_id + " " + event.type);
  };
  Executor executor(builtin_plugins(), store_, o);
  auto plan = executor.prepare(wf);
  ASSERT_TRUE(plan.ok());
  auto first = executor.run(*plan, Json::object());
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->status, RunStatus::Succeeded);

  RunRecord queued;
  queued.workflow = "launched";
  queued.workflow_hash = store_.get_run(first->run_id)->workflow_hash;  // the plan's version
  queued.inputs = Json::object();
  queued.status = RunStatus::Queued;
  queued = store_.create_run(queued);
  auto resumed = executor.resume(*plan, queued, {});
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(executor.wait(*resumed).status, RunStatus::Succeeded);

  std::lock_guard lock(mutex);
  for (const std::string& id : {first->run_id, *resumed}) {
    const auto launched = std::find_if(seen.begin(), seen.end(),
                                       [&](const std::string& line) { return line.rfind("launched " + id, 0) == 0; });
    const auto first_event = std::find_if(seen.begin(), seen.end(),
                                          [&](const std::string& line) { return line.rfind("event " + id, 0) == 0; });
    ASSERT_NE(launched, seen.end()) << id;
    ASSERT_NE(first_event, seen.end()) << id;
    EXPECT_LT(launched - seen.begin(), first_event - seen.begin()) << id;
    EXPECT_EQ(std::count_if(seen.begin(), seen.end(),
                            [&](const std::string& line) { return line.rfind("launched " + id, 0) == 0; }),
              1)
        << id;
  }
  EXPECT_NE(std::find(seen.begin(), seen.end(), "launched " + *resumed + " launched hashed"), seen.end());
}

TEST_P(ExecutorTest, CancelStopsRunningStepsAndMarksTheRunCancelled) {
  Workflow wf = load(R"(
name: cancellable
steps:
  - id: long
    uses: core.delay
    with: { duration: 1h }
  - id: after
    uses: core.transform
    needs: [long]
    with: { value: 1 }
)");
  std::mutex m;
  std::condition_variable cv;
  bool started = false;
  ExecutorOptions o = options();
  o.on_event = [&](const EventRecord& e) {
    if (e.type == "step.started" && e.step_id == "long") {
      std::lock_guard lock(m);
      started = true;
      cv.notify_all();
    }
  };
  Executor executor(builtin_plugins(), store_, o);
  auto plan = executor.prepare(wf);
  ASSERT_TRUE(plan.ok());
  auto id = executor.start(*plan, Json::object());
  ASSERT_TRUE(id.ok());
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return started; });
  }
  EXPECT_TRUE(executor.cancel(*id));
  const RunResult r = executor.wait(*id);
  EXPECT_EQ(r.status, RunStatus::Cancelled);
  EXPECT_EQ(step(r, "long").status, StepStatus::Cancelled);
  EXPECT_EQ(step(r, "after").status, StepStatus::Cancelled);
}

TEST_P(ExecutorTest, ManyRunsShareOneExecutor) {
  Workflow wf = load(R"(
name: many
inputs:
  n: { type: integer, required: true }
steps:
  - id: a
    uses: core.transform
    with: { value: "${{ inputs.n }}" }
  - id: b
    uses: core.transform
    needs: [a]
    with: { value: "${{ steps.a.outputs.value * 10 }}" }
outputs:
  v: "${{ steps.b.outputs.value }}"
)");
  Executor executor(builtin_plugins(), store_, options());
  auto plan = executor.prepare(wf);
  ASSERT_TRUE(plan.ok());
  std::vector<std::string> ids;
  for (int n = 0; n < 50; ++n) {
    auto id = executor.start(*plan, Json{{"n", n}});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  for (int n = 0; n < 50; ++n) {
    const RunResult r = executor.wait(ids[static_cast<size_t>(n)]);
    ASSERT_EQ(r.status, RunStatus::Succeeded) << r.error;
    EXPECT_EQ(r.outputs["v"], n * 10);
  }

  // A cleared memory store forgets every run; the executor goes on with new ones.
  store_.clear();
  EXPECT_FALSE(store_.get_run(ids[0]).has_value());
  EXPECT_TRUE(store_.list_runs(100).empty());
  EXPECT_TRUE(store_.get_events(ids[0], 0, 100).empty());
  auto again = executor.run(*plan, Json{{"n", 7}});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->outputs["v"], 70);
  EXPECT_EQ(store_.list_runs(100).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Threads, ExecutorTest, ::testing::Values(1, 2, 8),
                         [](const ::testing::TestParamInfo<int>& info) {
                           return std::to_string(info.param) + "Threads";
                         });

TEST(EventTypes, EveryTypeHasOneNameThatParsesBack) {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(EventType::WaitTimedOut); ++i) {
    const auto type = static_cast<EventType>(i);
    const std::string& name = to_string(type);
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(parse_event_type(name), type) << name;
  }
  EXPECT_EQ(to_string(EventType::StepFailed), "step.failed");
  EXPECT_FALSE(parse_event_type("step.exploded").has_value());
  EXPECT_FALSE(parse_event_type("").has_value());
  EXPECT_TRUE(is_run_end("run.cancelled"));
  EXPECT_FALSE(is_run_end("run.started"));
  EXPECT_FALSE(is_run_end("nonsense"));
}

TEST(ErrorCodes, EveryCodeIsWellFormedAndUnknownStatusesGetAGenericOne) {
  std::set<std::string_view> seen;
  for (std::string_view code : error_codes::all()) {
    EXPECT_TRUE(error_codes::is_valid(code)) << code;
    EXPECT_TRUE(seen.insert(code).second) << code;
  }
  EXPECT_FALSE(error_codes::is_valid("Not_Found"));
  EXPECT_FALSE(error_codes::is_valid("not found"));
  EXPECT_FALSE(error_codes::is_valid("_x"));
  EXPECT_FALSE(error_codes::is_valid(std::string(65, 'a')));
  EXPECT_EQ(error_codes::from_status(LH_INVALID_INPUT), std::string_view("invalid_input"));
  EXPECT_EQ(error_codes::from_status(LH_CANCELLED), std::string_view("cancelled"));
  EXPECT_EQ(error_codes::from_status(LH_RETRYABLE), std::string_view("step_failed"));
  EXPECT_EQ(error_codes::from_status(LH_ERROR), std::string_view("step_failed"));
}

TEST(ExecutorInputs, FillsDefaultsAndConvertsTextToTheDeclaredType) {
  LoadResult loaded = load_workflow_text(R"(
name: inputs
inputs:
  url: { type: string, required: true }
  count: { type: integer, default: 3 }
  flag: { type: boolean }
steps:
  - id: a
    uses: core.transform
    with: { value: 1 }
)",
                                         "inputs.yaml");
  ASSERT_TRUE(loaded.workflow.has_value());
  auto ok = Executor::prepare_inputs(*loaded.workflow, Json{{"url", "https://x"}, {"flag", "true"}});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)["count"], 3);
  EXPECT_EQ((*ok)["flag"], true);

  auto missing = Executor::prepare_inputs(*loaded.workflow, Json::object());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("'url' is required"), std::string::npos);

  auto wrong = Executor::prepare_inputs(*loaded.workflow, Json{{"url", "x"}, {"count", "many"}});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("input 'count': expected an integer"), std::string::npos)
      << wrong.error().message;

  auto unknown = Executor::prepare_inputs(*loaded.workflow, Json{{"url", "x"}, {"cuont", 1}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("'cuont' is not declared"), std::string::npos);
}

}  // namespace
}  // namespace linkhub
