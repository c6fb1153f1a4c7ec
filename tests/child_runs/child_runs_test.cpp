// workflow.start: a step that starts another workflow's run through the
// durable trigger path. The creator-sync pattern (a list, then one child run
// per item under a key from the item) run again and again starts each item's
// run once; a retried parent step finds the run it started; a waiting step
// gets the child's outputs; workflows that start each other without keys stop
// at the depth limit. Each on SQLite and on PostgreSQL (LINKHUB_TEST_PG).
#include "builtin_plugins.hpp"
#include "test_databases.hpp"

#include <linkhub/engine/compile.hpp>
#include <linkhub/engine/node.hpp>
#include <linkhub/engine/run_starter.hpp>
#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/validator.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

// creator-sync's pattern with core.transform standing in for
// tiktok.list_videos (one list per creator), so it is tested without the
// TikTok plugin: the lists are flattened, then one child run per video.
constexpr const char* kSync = R"(name: sync-test
inputs:
  creators: { type: array, required: true }
steps:
  - id: list
    uses: core.transform
    foreach: "${{ inputs.creators }}"
    with: { value: "${{ item }}" }
  - id: new
    uses: core.transform
    needs: [list]
    with:
      value: >-
        ${{ (function() local all = {} for _, c in ipairs(steps.list.outputs) do
              for _, v in ipairs(c.value.videos) do all[#all + 1] = v end end return all end)() }}
  - id: start
    uses: workflow.start
    needs: [new]
    foreach: "${{ steps.new.outputs.value }}"
    with:
      workflow: import-video
      inputs: { url: "${{ item.url }}" }
      idempotency_key: "video:${{ item.id }}"
outputs:
  children: "${{ steps.start.outputs }}"
)";

constexpr const char* kChild = R"(name: import-video
inputs:
  url: { type: string, required: true }
steps:
  - id: note
    uses: core.transform
    with: { value: "imported ${{ inputs.url }}" }
outputs:
  note: "${{ steps.note.outputs.value }}"
)";

// One child per run, its key derived from the step's own; and one that waits.
constexpr const char* kOnce = R"(name: once-test
steps:
  - id: start
    uses: workflow.start
    with:
      workflow: import-video
      inputs: { url: "https://example.test/once" }
outputs:
  run_id: "${{ steps.start.outputs.run_id }}"
  started: "${{ steps.start.outputs.started }}"
)";

constexpr const char* kWait = R"(name: wait-test
steps:
  - id: start
    uses: workflow.start
    with:
      workflow: import-video.yaml
      inputs: { url: "https://example.test/waited" }
      wait: true
      timeout: 2m
outputs:
  note: "${{ steps.start.outputs.outputs.note }}"
  status: "${{ steps.start.outputs.status }}"
)";

// Two workflows that start each other with no key: a chain without end.
constexpr const char* kPing = R"(name: ping
steps:
  - id: start
    uses: workflow.start
    with: { workflow: pong }
)";
constexpr const char* kPong = R"(name: pong
steps:
  - id: start
    uses: workflow.start
    with: { workflow: ping }
)";

Json video(int id) {
  return Json{{"id", std::to_string(id)}, {"url", "https://www.tiktok.com/@shop/video/" + std::to_string(id)}};
}

// Two creators, as tiktok.list_videos lists them (newest first).
Json creators(Json first, Json second) {
  return Json{{"creators", Json::array({Json{{"username", "shop"}, {"videos", std::move(first)}},
                                        Json{{"username", "other"}, {"videos", std::move(second)}}})}};
}

class ChildRunsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    auto store = SqlStore::open(test::fresh_database(GetParam()));
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    dir_ = fs::path(::testing::TempDir()) / ("child-runs-" + GetParam() + "-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (auto [name, text] : {std::pair{"sync.yaml", kSync},
                              {"import-video.yaml", kChild},
                              {"once.yaml", kOnce},
                              {"wait.yaml", kWait},
                              {"ping.yaml", kPing},
                              {"pong.yaml", kPong}}) {
      std::ofstream(dir_ / name) << text;
    }
  }

  // What `linkhub run FILE` does: queue the run, then a node that executes it
  // (and the runs it starts) and returns.
  RunRecord run(const std::string& file, const Json& inputs = Json::object()) {
    Compiled compiled = compile_workflow_file((dir_ / file).string(), test::builtin_plugins());
    EXPECT_TRUE(compiled.ok()) << (compiled.ok() ? "" : compiled.first_problem());
    auto queued = enqueue_run(*store_, *compiled.workflow, inputs);
    EXPECT_TRUE(queued.ok()) << queued.error().message;
    execute(queued->id);
    return *store_->get_run(queued->id);
  }

  void execute(const std::string& run_id) {
    ExecutorOptions exec;
    exec.threads = 2;
    exec.artifact_dir = dir_ / "artifacts";
    NodeOptions options;
    options.only_runs = {run_id};
    options.scheduler = false;
    Node node(test::builtin_plugins(), *store_, std::move(exec), options);
    node.run();
  }

  std::vector<RunRecord> runs_of(const std::string& workflow) const {
    RunFilter filter;
    filter.workflow = workflow;
    filter.limit = 1000;
    return store_->list_runs(filter);
  }

  std::unique_ptr<SqlStore> store_;
  fs::path dir_;
};

TEST_P(ChildRunsTest, RunTwiceStartsEachVideosRunOnce) {
  const Json two = creators(Json::array({video(1)}), Json::array({video(2)}));
  RunRecord first = run("sync.yaml", two);
  ASSERT_EQ(first.status, RunStatus::Succeeded) << first.error;
  const Json& started = first.outputs["children"];
  ASSERT_EQ(started.size(), 2u) << first.outputs.dump();
  for (const auto& child : started) {
    EXPECT_TRUE(child["started"].get<bool>()) << child.dump();
  }
  ASSERT_EQ(runs_of("import-video").size(), 2u);
  // `linkhub run` ran the children too.
  for (const auto& child : runs_of("import-video")) {
    EXPECT_EQ(child.status, RunStatus::Succeeded) << child.error;
  }

  // The same list again: nothing new starts; each item finds its run.
  RunRecord second = run("sync.yaml", two);
  ASSERT_EQ(second.status, RunStatus::Succeeded) << second.error;
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_FALSE(second.outputs["children"][i]["started"].get<bool>());
    EXPECT_EQ(second.outputs["children"][i]["run_id"], started[i]["run_id"]);
  }
  EXPECT_EQ(runs_of("import-video").size(), 2u);

  // One new video, newest first as a lister gives them: only it starts.
  RunRecord third = run("sync.yaml", creators(Json::array({video(3), video(1)}), Json::array({video(2)})));
  ASSERT_EQ(third.status, RunStatus::Succeeded) << third.error;
  EXPECT_TRUE(third.outputs["children"][0]["started"].get<bool>());
  EXPECT_FALSE(third.outputs["children"][1]["started"].get<bool>());
  EXPECT_FALSE(third.outputs["children"][2]["started"].get<bool>());
  const auto children = runs_of("import-video");
  ASSERT_EQ(children.size(), 3u);
  std::set<std::string> urls;
  for (const auto& child : children) {
    urls.insert(child.inputs["url"].get<std::string>());
    // Who started it is kept with the run.
    auto created = store_->get_events(child.id, 0, 1);
    ASSERT_EQ(created.size(), 1u);
    EXPECT_EQ(created[0].payload["origin"]["depth"], 1) << created[0].payload.dump();
  }
  EXPECT_EQ(urls.size(), 3u);
}

TEST_P(ChildRunsTest, RetriedParentStepFindsTheRunItStarted) {
  RunRecord first = run("once.yaml");
  ASSERT_EQ(first.status, RunStatus::Succeeded) << first.error;
  EXPECT_TRUE(first.outputs["started"].get<bool>());
  ASSERT_EQ(runs_of("import-video").size(), 1u);

  // The engine's retry path: the step runs again with the same idempotency key.
  auto requeued = retry_run(*store_, first.id, "start");
  ASSERT_TRUE(requeued.ok()) << requeued.error().message;
  execute(first.id);
  RunRecord again = *store_->get_run(first.id);
  ASSERT_EQ(again.status, RunStatus::Succeeded) << again.error;
  EXPECT_FALSE(again.outputs["started"].get<bool>());
  EXPECT_EQ(again.outputs["run_id"], first.outputs["run_id"]);
  EXPECT_EQ(runs_of("import-video").size(), 1u);

  // Another run of the same parent is another step: it starts its own child.
  RunRecord other = run("once.yaml");
  EXPECT_TRUE(other.outputs["started"].get<bool>());
  EXPECT_EQ(runs_of("import-video").size(), 2u);
}

TEST_P(ChildRunsTest, WaitingStepReturnsTheChildsOutputs) {
  RunRecord parent = run("wait.yaml");
  ASSERT_EQ(parent.status, RunStatus::Succeeded) << parent.error;
  EXPECT_EQ(parent.outputs["status"], "succeeded");
  EXPECT_EQ(parent.outputs["note"], "imported https://example.test/waited");
}

// A node serving the queue (not `linkhub run`'s batch) takes the child run
// its step starts, created claimed, instead of queueing it for a claim.
TEST_P(ChildRunsTest, AServingNodeTakesTheChildRunItsStepStarts) {
  Compiled compiled = compile_workflow_file((dir_ / "wait.yaml").string(), test::builtin_plugins());
  ASSERT_TRUE(compiled.ok()) << compiled.first_problem();
  auto parent = enqueue_run(*store_, *compiled.workflow, Json::object());
  ASSERT_TRUE(parent.ok()) << parent.error().message;
  ExecutorOptions exec;
  exec.threads = 2;
  exec.artifact_dir = dir_ / "artifacts";
  NodeOptions options;
  options.scheduler = false;
  options.exit_when_idle = true;
  Node node(test::builtin_plugins(), *store_, std::move(exec), options);
  node.run();
  const RunRecord done = *store_->get_run(parent->id);
  ASSERT_EQ(done.status, RunStatus::Succeeded) << done.error;
  EXPECT_EQ(done.outputs["note"], "imported https://example.test/waited");
  const auto children = runs_of("import-video");
  ASSERT_EQ(children.size(), 1u);
  EXPECT_EQ(children[0].lease_epoch, 1) << "created claimed, never claimed again";
  EXPECT_EQ(node.stats().submitted, 1u);
  EXPECT_EQ(node.stats().claimed, 2u);
}

TEST_P(ChildRunsTest, WorkflowsStartingEachOtherStopAtTheDepthLimit) {
  run("ping.yaml");
  const auto pings = runs_of("ping");
  const auto pongs = runs_of("pong");
  // Depths 0 to kMaxChildRunDepth; the deepest may not start another.
  EXPECT_EQ(pings.size() + pongs.size(), static_cast<size_t>(kMaxChildRunDepth + 1));
  size_t failed = 0;
  for (const auto* list : {&pings, &pongs}) {
    for (const auto& r : *list) {
      if (r.status == RunStatus::Failed) {
        ++failed;
        EXPECT_EQ(r.error_code, "invalid_workflow");
        EXPECT_NE(r.error.find("levels deep"), std::string::npos) << r.error;
      } else {
        EXPECT_EQ(r.status, RunStatus::Succeeded) << r.error;
      }
    }
  }
  EXPECT_EQ(failed, 1u);
}

TEST_P(ChildRunsTest, UnknownWorkflowFailsTheStepWithNotFound) {
  std::ofstream(dir_ / "lost.yaml") << "name: lost\nsteps:\n  - id: start\n    uses: workflow.start\n"
                                       "    with: { workflow: \"${{ 'no-such' .. '-workflow' }}\" }\n";
  RunRecord parent = run("lost.yaml");
  ASSERT_EQ(parent.status, RunStatus::Failed);
  EXPECT_EQ(parent.error_code, "not_found") << parent.error;
  EXPECT_NE(parent.error.find("no workflow named 'no-such-workflow'"), std::string::npos) << parent.error;
}

INSTANTIATE_TEST_SUITE_P(Backends, ChildRunsTest, ::testing::ValuesIn(test::all_sql_backends()),
                         [](const auto& info) { return info.param; });

// ------------------------------------------------------------- validation

class WorkflowStartValidation : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("start-validate-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "import-video.yaml") << kChild;
  }
  Diagnostics check(const std::string& yaml) {
    std::ofstream(dir_ / "main.yaml") << yaml;
    return check_workflow_file((dir_ / "main.yaml").string(), test::builtin_plugins());
  }
  static std::vector<std::string> codes(const Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& x : d) {
      out.push_back(x.code + (x.severity == Severity::Warning ? " (warning)" : ""));
    }
    return out;
  }
  fs::path dir_;
};

TEST_F(WorkflowStartValidation, AcceptsAStartOfAWorkflowBesideIt) {
  const auto d = check(std::string(kSync));
  EXPECT_TRUE(d.empty()) << format_diagnostic(d.front());
}

TEST_F(WorkflowStartValidation, RefusesAWorkflowStartingItselfWithoutAKey) {
  const auto d = check("name: loop\nsteps:\n  - id: again\n    uses: workflow.start\n    with: { workflow: loop }\n");
  ASSERT_EQ(codes(d), std::vector<std::string>{"workflow-start-cycle"});
  EXPECT_EQ(d[0].pos.line, 5);
  EXPECT_NE(d[0].message.find("idempotency_key"), std::string::npos) << d[0].message;
  // With a key that repeats, a workflow may start itself (each key once).
  EXPECT_TRUE(check("name: loop\nsteps:\n  - id: again\n    uses: workflow.start\n"
                    "    with: { workflow: loop, idempotency_key: once }\n")
                  .empty());
}

TEST_F(WorkflowStartValidation, ChecksInputsAgainstTheTargetsDeclaredInputs) {
  const auto d = check(
      "name: main\nsteps:\n  - id: s\n    uses: workflow.start\n    with:\n      workflow: import-video\n"
      "      inputs: { uri: x }\n");
  // In file order: `inputs:` itself, then its key.
  ASSERT_EQ(codes(d), (std::vector<std::string>{"missing-workflow-input", "unknown-workflow-input"}));
  EXPECT_NE(d[0].message.find("requires input 'url'"), std::string::npos) << d[0].message;
  EXPECT_NE(d[1].message.find("did you mean 'url'"), std::string::npos) << d[1].message;
  EXPECT_EQ(d[1].pos.line, 7);
}

TEST_F(WorkflowStartValidation, WarnsWhenTheTargetIsNoFileBesideIt) {
  const auto d = check("name: main\nsteps:\n  - id: s\n    uses: workflow.start\n    with: { workflow: elsewhere }\n");
  ASSERT_EQ(codes(d), std::vector<std::string>{"unknown-workflow (warning)"});
  EXPECT_NE(d[0].message.find("must be registered"), std::string::npos) << d[0].message;
}

TEST_F(WorkflowStartValidation, RefusesAFileThatDeclaresAnotherName) {
  std::ofstream(dir_ / "renamed.yaml") << "name: not-renamed\nsteps:\n  - id: a\n    uses: core.log\n"
                                          "    with: { message: hi }\n";
  const auto d = check("name: main\nsteps:\n  - id: s\n    uses: workflow.start\n    with: { workflow: renamed }\n");
  ASSERT_EQ(codes(d), std::vector<std::string>{"workflow-start-target"});
}

TEST(WorkflowStartStep, IsBuiltIntoEveryHostAndRefusesToRunOutsideANode) {
  PluginHost host;
  const LoadedStep* step = host.step("workflow.start");
  ASSERT_NE(step, nullptr);
  EXPECT_TRUE(step->plugin->builtin);
  StepCall call;
  call.run_id = "r";
  call.step_id = "s";
  const StepOutcome out = host.invoke(*step, call, R"({"workflow": "x", "inputs": {}, "wait": false})");
  EXPECT_EQ(out.status, LH_ERROR);
  EXPECT_EQ(out.code, "unavailable");
}

}  // namespace
}  // namespace linkhub
