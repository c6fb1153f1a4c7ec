// GET /api/v1/summary, the console's Overview: numbers from runs this test
// makes (hello succeeds, flaky fails, slow stays running), the plugins' daily
// numbers through catalog.stats and whatsapp.stats, and each plugin's part
// saying why when it is not loaded (never a 500). The store's queries are
// tested on both backends in summary_store_test.cpp.
#include "serve_fixture.hpp"

namespace linkhub::test {
namespace {

using nlohmann::json;

const std::string kHelloBody = R"({"inputs": {"name": "ada"}})";

class SummaryRoute : public ServeTest {};

TEST_F(SummaryRoute, CountsTheRunsTheQueueTheNodeAndTheSlowestSteps) {
  start();
  const std::string ok1 = trigger("hello", kHelloBody);
  const std::string ok2 = trigger("hello", kHelloBody);
  const std::string bad = trigger("flaky");
  wait_finished(ok1);
  wait_finished(ok2);
  wait_finished(bad);
  const std::string slow = trigger("slow");
  wait_step_started(slow, "wait");

  const auto answer = get("/api/v1/summary");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json s = answer.json();
  // Runs created per minute: 60 minutes, these four among them.
  ASSERT_EQ(s["runs"]["per_minute"]["counts"].size(), 60u);
  int64_t created = 0;
  for (const auto& n : s["runs"]["per_minute"]["counts"]) {
    created += n.get<int64_t>();
  }
  EXPECT_EQ(created, 4);
  for (const char* window : {"last_hour", "last_day"}) {
    const json& w = s["runs"][window];
    EXPECT_EQ(w["succeeded"], 2) << window;
    EXPECT_EQ(w["failed"], 1) << window;
    EXPECT_EQ(w["cancelled"], 0) << window;
    EXPECT_EQ(w["unfinished"], 1) << window;
    EXPECT_DOUBLE_EQ(w["failure_rate"].get<double>(), 1.0 / 3) << window;
  }
  EXPECT_EQ(s["queue"], (json{{"queued", 0}, {"running", 1}, {"waiting", 0}}));
  // This server's node holds the slow run under a live lease.
  ASSERT_EQ(s["nodes"].size(), 1u) << s["nodes"].dump();
  EXPECT_EQ(s["nodes"][0]["runs"], 1);
  EXPECT_EQ(s["nodes"][0]["live_runs"], 1);
  EXPECT_EQ(s["nodes"][0]["alive"], true);
  EXPECT_GE(s["nodes"][0]["lease_expires_ms"].get<int64_t>(), s["generated_ms"].get<int64_t>());
  // Slowest steps by plugin step: hello's two core.transform steps twice, flaky's
  // first (transform) and boom (core.fail, failed) once each.
  std::map<std::string, json> steps;
  for (const auto& step : s["slowest_steps"]["steps"]) {
    steps[step["step"].get<std::string>()] = step;
  }
  ASSERT_TRUE(steps.count("core.transform")) << s["slowest_steps"].dump();
  EXPECT_EQ(steps["core.transform"]["count"], 5);
  EXPECT_EQ(steps["core.transform"]["failed"], 0);
  EXPECT_EQ(steps["core.transform"]["plugin"], "core");
  ASSERT_TRUE(steps.count("core.fail"));
  EXPECT_EQ(steps["core.fail"]["count"], 1);
  EXPECT_EQ(steps["core.fail"]["failed"], 1);
  EXPECT_LE(steps["core.transform"]["p50_ms"].get<int64_t>(), steps["core.transform"]["p95_ms"].get<int64_t>());
  EXPECT_LE(steps["core.transform"]["p95_ms"].get<int64_t>(), steps["core.transform"]["max_ms"].get<int64_t>());
  EXPECT_EQ(s["slowest_steps"]["truncated"], false);
  // The plugins' daily numbers: 14 days, nothing yet.
  EXPECT_EQ(s["days"], 14);
  ASSERT_EQ(s["catalog"]["available"], true) << s["catalog"].dump();
  ASSERT_EQ(s["catalog"]["products_per_day"].size(), 14u);
  ASSERT_EQ(s["catalog"]["orders_per_day"].size(), 14u);
  EXPECT_EQ(s["catalog"]["products_per_day"][13]["count"], 0);
  ASSERT_EQ(s["whatsapp"]["available"], true) << s["whatsapp"].dump();
  ASSERT_EQ(s["whatsapp"]["messages_per_day"].size(), 14u);
}

TEST_F(SummaryRoute, CountsProductsTheCatalogAddedToday) {
  start();
  for (const char* title : {"Red sneakers", "Blue boots"}) {
    const auto created = post("/api/v1/products", json{{"title", title}}.dump());
    ASSERT_EQ(created.status, 201) << created.body;
  }
  const json s = get("/api/v1/summary").json();
  ASSERT_EQ(s["catalog"]["available"], true) << s["catalog"].dump();
  int64_t added = 0;  // summed: the two may straddle midnight
  for (const auto& day : s["catalog"]["products_per_day"]) {
    added += day["count"].get<int64_t>();
  }
  EXPECT_EQ(added, 2);
}

TEST_F(SummaryRoute, AViewerReadsItAndAMissingPluginLeavesItsPartUnavailable) {
  static PluginHost* core_only = [] {
    auto* host = new PluginHost();  // plugins stay loaded for the process
    host->load_file(std::filesystem::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_core.so");
    return host;
  }();
  start({}, *core_only);
  const auto viewer = client_with(make_key("viewer"));
  const auto answer = viewer->get("/api/v1/summary");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json s = answer.json();
  for (const char* plugin : {"catalog", "whatsapp"}) {
    EXPECT_EQ(s[plugin]["available"], false) << plugin;
    EXPECT_EQ(s[plugin]["error"]["code"], "plugin_unavailable") << plugin;
    EXPECT_NE(s[plugin]["error"]["message"].get<std::string>().find(plugin), std::string::npos);
  }
  EXPECT_EQ(s["queue"]["queued"], 0);
  EXPECT_EQ(client_with("")->get("/api/v1/summary").status, 401);
}

}  // namespace
}  // namespace linkhub::test
