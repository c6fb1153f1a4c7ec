// linkhub serve: probes, plugins, metrics, the OpenAPI document against the
// route table, 404/405, request ids, the access log, and CORS.
#include "serve_fixture.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace linkhub::test {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST_F(ServeTest, HealthzAndReadyzAnswer200WhenAllIsWell) {
  start();
  const auto health = get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["status"], "ok");
  const auto ready = get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(ready.json()["checks"]["database"], "ok");
  EXPECT_GT(ready.json()["checks"]["plugins"].get<int>(), 0);
  EXPECT_EQ(ready.json()["checks"]["workflows"], 4);
  EXPECT_EQ(ready.json()["checks"]["worker"], true);
}

TEST_F(ServeTest, ReadyzIs503WithoutPlugins) {
  static const PluginHost no_plugins;  // outlives the server
  start({}, no_plugins);
  const auto ready = get("/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(ready.json()["error"]["code"], "no_plugins");
  EXPECT_EQ(ready.json()["error"]["details"]["checks"]["plugins"], 0);
  EXPECT_EQ(get("/healthz").status, 200) << "the process is still up";
}

TEST_F(ServeTest, ListsPluginsWithVersionsAndStepSchemas) {
  start();
  const auto r = get("/api/v1/plugins");
  ASSERT_EQ(r.status, 200) << r.body;
  bool found = false;
  const auto body = r.json();
  for (const auto& plugin : body["plugins"]) {
    if (plugin["name"] != "core") {
      continue;
    }
    found = true;
    EXPECT_FALSE(plugin["version"].get<std::string>().empty());
    bool transform = false;
    for (const auto& step : plugin["steps"]) {
      if (step["uses"] == "core.transform") {
        transform = true;
        EXPECT_EQ(step["input_schema"]["type"], "object");
        EXPECT_TRUE(step["output_schema"].is_object());
      }
    }
    EXPECT_TRUE(transform);
  }
  EXPECT_TRUE(found) << r.body;
}

TEST_F(ServeTest, MetricsCountRunsStepsAndRequests) {
  start();
  const auto hello = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "m"}})");
  const auto fanout = post("/api/v1/workflows/fanout/runs?wait=30s", "");
  ASSERT_EQ(hello.status, 200) << hello.body;
  ASSERT_EQ(fanout.status, 200) << fanout.body;
  wait_finished(hello.json()["id"]);  // the node's event hook has counted them by then
  wait_finished(fanout.json()["id"]);
  get("/api/v1/nothing-here");

  const auto r = get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u) << r.header("content-type");
  const std::string& m = r.body;
  for (const char* line : {
           "linkhub_runs_triggered_total{workflow=\"hello\"} 1\n",
           "linkhub_runs_started_total{workflow=\"hello\"} 1\n",
           "linkhub_runs_finished_total{workflow=\"hello\",status=\"succeeded\"} 1\n",
           "linkhub_runs_finished_total{workflow=\"fanout\",status=\"succeeded\"} 1\n",
           // hello's two steps and fanout's three items (not the foreach step as a whole)
           "linkhub_step_duration_seconds_count{uses=\"core.transform\",status=\"succeeded\"} 5\n",
           "linkhub_step_duration_seconds_bucket{uses=\"core.transform\",status=\"succeeded\",le=\"+Inf\"} 5\n",
           "linkhub_http_requests_total{route=\"/api/v1/workflows/{name}/runs\",method=\"POST\",status=\"200\"} 2\n",
           "linkhub_http_request_duration_seconds_count{route=\"/api/v1/workflows/{name}/runs\",method=\"POST\"} 2\n",
           "linkhub_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n",
           "linkhub_queue_depth 0\n",
           "linkhub_node_runs_claimed_total 2\n",
           "linkhub_node_runs_taken_at_trigger_total 2\n",  // created claimed: the node had room
           "linkhub_node_lease_reclaims_total 0\n",
           "linkhub_node_runs_released_total 0\n",
           "# TYPE linkhub_step_duration_seconds histogram\n",
       }) {
    EXPECT_NE(m.find(line), std::string::npos) << "missing: " << line << "in:\n" << m;
  }
}

TEST_F(ServeTest, TheOpenApiDocumentDescribesExactlyTheRouteTable) {
  start();
  const auto r = get("/api/v1/openapi.json");
  ASSERT_EQ(r.status, 200);
  const auto doc = r.json();
  EXPECT_EQ(doc["openapi"], "3.0.3");

  std::set<std::pair<std::string, std::string>> table;
  for (const auto& route : app_->router().routes()) {
    table.insert({route.pattern, lower(route.method)});
  }
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, op] : operations.items()) {
      documented.insert({path, method});
      EXPECT_TRUE(op.contains("x-linkhub-role")) << method << " " << path;
      EXPECT_TRUE(op["responses"].contains("500")) << method << " " << path;
      for (const auto& [status, response] : op["responses"].items()) {
        if (status[0] >= '4') {
          EXPECT_EQ(response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error")
              << method << " " << path << " " << status;
        }
      }
    }
  }
  for (const auto& [path, method] : table) {
    EXPECT_TRUE(documented.count({path, method})) << "the document lacks " << method << " " << path;
  }
  for (const auto& [path, method] : documented) {
    EXPECT_TRUE(table.count({path, method})) << "the document names a route the table lacks: " << method << " " << path;
    // And the server really answers it: some handler, never "no such route".
    HttpRequest request;
    request.method = method;
    std::transform(request.method.begin(), request.method.end(), request.method.begin(), ::toupper);
    request.target = std::regex_replace(path, std::regex("\\{[a-z]+\\}"), "nope");
    if (path == "/api/v1/runs/stream") {
      request.target += "?after=x";  // an accepted stream never ends: a bad resume id answers 400 at once
    }
    const auto answer = send(request);
    EXPECT_NE(answer.status, 405) << method << " " << path;
    const auto j = answer.json();
    EXPECT_FALSE(j.is_object() && j.contains("error") && j["error"]["code"] == "unknown_route")
        << method << " " << path;
  }

  // Every schema reference resolves.
  const std::string text = doc.dump();
  const std::regex ref("#/components/schemas/([A-Za-z]+)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref); it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(doc["components"]["schemas"].contains((*it)[1].str())) << (*it)[1].str();
  }
}

TEST_F(ServeTest, UnknownPathsAre404AndWrongMethods405) {
  start();
  const auto missing = get("/api/v2/runs");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.json()["error"]["code"], "unknown_route");
  const auto wrong = send(HttpRequest{"DELETE", "/api/v1/runs", "", "", {}, false});
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("allow"), "GET");
  EXPECT_EQ(wrong.json()["error"]["code"], "method_not_allowed");
  const auto get_runs_trigger = get("/api/v1/workflows/hello/runs");
  EXPECT_EQ(get_runs_trigger.status, 405);
  EXPECT_EQ(get_runs_trigger.header("allow"), "POST");
}

TEST_F(ServeTest, RequestIdsAreEchoedOrMadeAndLoggedWithoutBodiesOrSecrets) {
  start();
  const auto echoed = get("/api/v1/workflows", {{"X-Request-Id", "req-42.a"}});
  EXPECT_EQ(echoed.header("x-request-id"), "req-42.a");
  const auto made = get("/api/v1/workflows");
  EXPECT_TRUE(std::regex_match(made.header("x-request-id"), std::regex("[0-9a-f]{32}"))) << made.header("x-request-id");
  const auto replaced = get("/api/v1/workflows", {{"X-Request-Id", "has spaces\tand tabs"}});
  EXPECT_TRUE(std::regex_match(replaced.header("x-request-id"), std::regex("[0-9a-f]{32}")));

  const std::string secret = "s3cr3t-token-value";
  const auto r = post("/api/v1/workflows/hello/runs?wait=30s", json{{"inputs", {{"name", secret}}}}.dump(),
                      {{"X-Secret-Header", secret}, {"X-Request-Id", "with-secret"}});
  ASSERT_EQ(r.status, 200);
  bool logged = false;
  for (const auto& line : log_lines()) {
    EXPECT_EQ(line.find(secret), std::string::npos) << "a log line holds a body or header value: " << line;
    EXPECT_EQ(line.find(admin_key_.substr(21)), std::string::npos) << "a log line holds the API key: " << line;
    const auto j = json::parse(line);
    if (j["event"] == "http.request" && j["request_id"] == "with-secret") {
      logged = true;
      EXPECT_EQ(j["method"], "POST");
      EXPECT_EQ(j["route"], "/api/v1/workflows/{name}/runs");
      EXPECT_EQ(j["status"], 200);
      EXPECT_TRUE(j["duration_ms"].is_number());
      EXPECT_TRUE(j["time"].is_string());
      EXPECT_EQ(j["principal"].get<std::string>().rfind("key:", 0), 0u) << line;
    }
  }
  EXPECT_TRUE(logged);
}

TEST_F(ServeTest, CorsHeadersGoOnlyToTheConfiguredOrigin) {
  start([](http::ServeOptions& o) { o.limits.cors_origin = "http://console.local:5173"; });
  const auto allowed = get("/api/v1/workflows", {{"Origin", "http://console.local:5173"}});
  EXPECT_EQ(allowed.header("access-control-allow-origin"), "http://console.local:5173");
  EXPECT_NE(allowed.header("access-control-expose-headers").find("X-Request-Id"), std::string::npos);
  const auto other = get("/api/v1/workflows", {{"Origin", "http://elsewhere.example"}});
  EXPECT_EQ(other.header("access-control-allow-origin"), "");

  HttpRequest preflight{"OPTIONS", "/api/v1/runs/abc/retry", "", "", {{"Origin", "http://console.local:5173"}}, false};
  const auto p = send(preflight);
  EXPECT_EQ(p.status, 204);
  EXPECT_EQ(p.header("access-control-allow-methods"), "POST, OPTIONS");
  EXPECT_NE(p.header("access-control-allow-headers").find("Idempotency-Key"), std::string::npos);
  preflight.headers["Origin"] = "http://elsewhere.example";
  EXPECT_EQ(send(preflight).header("access-control-allow-methods"), "");
}

}  // namespace
}  // namespace linkhub::test
