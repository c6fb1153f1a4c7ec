#pragma once
// A real `linkhub serve` in this process: the HTTP server on 127.0.0.1 with
// an ephemeral port, a node executing runs, on a fresh SQLite database, with
// a few workflows written for the tests. Requests go through a real HTTP
// client. Runs are waited for through the node's own events, never by time.

#include "builtin_plugins.hpp"
#include "http_client.hpp"
#include "test_databases.hpp"

#include "auth/auth_store.hpp"
#include "http/serve_app.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <vector>

namespace linkhub::test {

// Two steps in a chain; `name` is required.
inline constexpr const char* kHelloYaml = R"(name: hello
version: 2
description: Greets someone.
inputs:
  name: { type: string, required: true, description: Who to greet }
  times: { type: integer, default: 1 }
steps:
  - id: greet
    uses: core.transform
    with: { value: "hello ${{ inputs.name }}" }
  - id: shout
    uses: core.transform
    needs: [greet]
    with: { value: "${{ string.upper(steps.greet.outputs.value) }}" }
outputs:
  greeting: "${{ steps.greet.outputs.value }}"
  shout: "${{ steps.shout.outputs.value }}"
)";

// Runs until cancelled (core.delay stops early when its run is cancelled).
inline constexpr const char* kSlowYaml = R"(name: slow
steps:
  - id: wait
    uses: core.delay
    with: { duration: 1h }
)";

// Its second step always fails, without retries: a dead letter every time.
inline constexpr const char* kFlakyYaml = R"(name: flaky
steps:
  - id: first
    uses: core.transform
    with: { value: 1 }
  - id: boom
    uses: core.fail
    needs: [first]
    with: { always: true, retryable: false, message: "boom" }
  - id: after
    uses: core.transform
    needs: [boom]
    with: { value: 2 }
)";

inline constexpr const char* kFanoutYaml = R"(name: fanout
inputs:
  items: { type: array, default: [1, 2, 3] }
steps:
  - id: each
    uses: core.transform
    foreach: "${{ inputs.items }}"
    with: { value: "${{ item }}" }
)";

// Refers to a step type no plugin offers: logged and skipped at start.
inline constexpr const char* kBrokenYaml = R"(name: broken
steps:
  - id: x
    uses: nope.step
)";

class ServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("linkhub-serve-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(dir_ / "workflows" / "more");
    write("workflows/hello.yaml", kHelloYaml);
    write("workflows/slow.yaml", kSlowYaml);
    write("workflows/flaky.yaml", kFlakyYaml);
    write("workflows/more/fanout.yml", kFanoutYaml);
    write("workflows/broken.yaml", kBrokenYaml);
    write("workflows/notes.txt", "not a workflow");
  }

  void TearDown() override {
    // Runs still going (the slow workflow) would hold the node's shutdown for an hour.
    if (store_) {
      for (const auto& status : {"queued", "running"}) {
        RunFilter filter;
        filter.status = status;
        for (const auto& run : store_->list_runs(filter)) {
          store_->request_cancel(run.id);
        }
      }
    }
    app_.reset();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel, std::ios::binary) << text; }

  // Starts the server; `configure` may change the options first.
  void start(const std::function<void(http::ServeOptions&)>& configure = {},
             const PluginHost& plugins = builtin_plugins()) {
    database_url_ = fresh_database(backend_);
    auto store = SqlStore::open(database_url_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    http::ServeOptions options;
    options.executor.database_url = database_url_;  // as `linkhub serve` does: plugins keep data beside the runs
    options.http.host = "127.0.0.1";
    options.http.port = 0;
    options.workflow_dirs = {dir_ / "workflows"};
    options.executor.threads = 2;
    options.executor.artifact_dir = dir_ / "artifacts";
    options.executor.on_event = [this](const EventRecord& e) {
      if (e.type == "run.succeeded" || e.type == "run.failed" || e.type == "run.cancelled") {
        std::lock_guard lock(mutex_);
        ++finished_[e.run_id];
        finished_cv_.notify_all();
      }
    };
    // Heartbeats (which carry cancellations to the node) every 200 ms.
    options.node.lease = std::chrono::milliseconds(600);
    options.log = [this](const std::string& line) {
      std::lock_guard lock(mutex_);
      log_.push_back(line);
    };
    // Authentication is on, as in production, but the limits stay out of the
    // way of tests that are not about them; keys and users are read from the
    // database on every request (no cache), and unknown users cost little.
    options.rate_limit.requests_per_second = 1e6;
    options.rate_limit.burst = 1e6;
    options.rate_limit.failed_auth_per_minute = 1e6;
    options.auth.cache_ttl = std::chrono::milliseconds(0);
    options.auth.password_cost = kMinimalPasswordCost;
    if (configure) {
      configure(options);
    }
    // The client sends an admin key unless a test says otherwise.
    auto admin = AuthStore(*store_).create_key("test admin", "admin");
    ASSERT_TRUE(admin.ok());
    admin_key_ = admin->key;
    app_ = std::make_unique<http::ServeApp>(plugins, *store_, std::move(options));
    auto port = app_->start();
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    client_ = client_with(admin_key_);
  }

  // A client sending `credential` as a Bearer token with every request; none when empty.
  std::unique_ptr<HttpClient> client_with(const std::string& credential) {
    auto client = std::make_unique<HttpClient>(port_);
    if (!credential.empty()) {
      client->set_default_headers({{"Authorization", "Bearer " + credential}});
    }
    return client;
  }

  // A new API key with this role, straight in the database (as `linkhub keys create` makes it).
  std::string make_key(const std::string& role, const std::string& name = "") {
    auto created = AuthStore(*store_).create_key(name.empty() ? "test " + role : name, role);
    EXPECT_TRUE(created.ok());
    return created.ok() ? created->key : "";
  }

  // `headers` with the admin key added, for SseStream.
  std::map<std::string, std::string> with_auth(std::map<std::string, std::string> headers = {}) {
    headers.emplace("Authorization", "Bearer " + admin_key_);
    return headers;
  }

  HttpAnswer get(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    return client_->get(target, headers);
  }
  HttpAnswer post(const std::string& target, const std::string& json_body = "",
                  const std::map<std::string, std::string>& headers = {}) {
    return client_->post_json(target, json_body, headers);
  }
  HttpAnswer send(const HttpRequest& request) { return client_->send(request); }

  // Queues a run and returns its id.
  std::string trigger(const std::string& workflow, const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {}) {
    const auto r = post("/api/v1/workflows/" + workflow + "/runs", body, headers);
    EXPECT_EQ(r.status, 202) << r.body;
    return r.json().value("run_id", "");
  }

  // Blocks until run `id` has finished `times` times on this server's node
  // (a retried run finishes again). The limit only guards against a hang.
  void wait_finished(const std::string& id, int times = 1) {
    std::unique_lock lock(mutex_);
    const bool done = finished_cv_.wait_for(lock, std::chrono::minutes(2), [&] { return finished_[id] >= times; });
    ASSERT_TRUE(done) << "run " << id << " did not finish";
  }

  // Reads the run's event stream until the run started its step `step`.
  void wait_step_started(const std::string& id, const std::string& step) {
    SseStream stream(port_, "/api/v1/runs/" + id + "/events/stream", with_auth());
    ASSERT_EQ(stream.status(), 200);
    while (auto event = stream.next()) {
      const auto j = event->json();
      if (j.value("type", "") == "step.started" && j.value("step", nlohmann::json()) == step) {
        return;
      }
    }
    FAIL() << "the stream of run " << id << " ended before step " << step << " started";
  }

  std::vector<std::string> log_lines() {
    std::lock_guard lock(mutex_);
    return log_;
  }

  std::string backend_ = "sqlite";  // or "postgres" (ServeOnBackend)
  std::string database_url_;
  std::filesystem::path dir_;
  std::unique_ptr<SqlStore> store_;
  std::unique_ptr<http::ServeApp> app_;
  std::unique_ptr<HttpClient> client_;  // sends admin_key_
  std::string admin_key_;
  uint16_t port_ = 0;

  std::mutex mutex_;
  std::condition_variable finished_cv_;
  std::map<std::string, int> finished_;
  std::vector<std::string> log_;
};

// The tests whose SQL differs by database, on SQLite and on PostgreSQL (skipped, loudly, without LINKHUB_TEST_PG).
class ServeOnBackend : public ServeTest, public ::testing::WithParamInterface<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgres" && !postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << postgres_unavailable_reason() << " ***\n";
    }
    backend_ = GetParam();
    ServeTest::SetUp();
  }
};

}  // namespace linkhub::test
