// linkhub serve: registering workflows at run time (PUT / DELETE
// /api/v1/workflows/{name}), kept in the database so every node offers the
// same list; runs keep the version they started with; schedules follow; and
// how files under --workflows meet API registrations at the next start.
#include "serve_fixture.hpp"

#include "http/workflow_catalog.hpp"

#include <linkhub/engine/cron.hpp>
#include <linkhub/engine/node.hpp>

namespace linkhub::test {
namespace {

using nlohmann::json;

std::string versioned_yaml(const std::string& step, const std::string& value) {
  return "name: versioned\nsteps:\n  - id: " + step + "\n    uses: core.transform\n    with: { value: \"" + value +
         "\" }\n";
}

std::string scheduled_yaml(const std::string& cron) {
  return "name: nightly\ntriggers:\n  - schedule: { cron: \"" + cron +
         "\" }\nsteps:\n  - id: x\n    uses: core.transform\n    with: { value: 1 }\n";
}

// On SQLite, and on PostgreSQL when LINKHUB_TEST_PG is set.
class ServeRegistry : public ServeOnBackend {
 protected:
  HttpAnswer put_workflow(const std::string& name, const std::string& body,
                          const std::string& content_type = "application/yaml") {
    HttpRequest request;
    request.method = "PUT";
    request.target = "/api/v1/workflows/" + name;
    request.body = body;
    request.content_type = content_type;
    return send(request);
  }
  HttpAnswer delete_workflow(const std::string& name) {
    HttpRequest request;
    request.method = "DELETE";
    request.target = "/api/v1/workflows/" + name;
    return send(request);
  }
  std::vector<std::string> listed_names(HttpClient& client) {
    std::vector<std::string> names;
    const auto body = client.get("/api/v1/workflows").json();
    for (const auto& wf : body["workflows"]) {
      names.push_back(wf["name"]);
    }
    return names;
  }
  std::vector<Schedule> schedules_of(const std::string& workflow) {
    std::vector<Schedule> out;
    for (auto& s : store_->schedules()) {
      if (s.workflow == workflow) {
        out.push_back(std::move(s));
      }
    }
    return out;
  }
};

TEST_P(ServeRegistry, RegistersReplacesAndKeepsAnUnchangedWorkflow) {
  start();
  const auto created = put_workflow("versioned", versioned_yaml("a", "v1"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["name"], "versioned");
  EXPECT_EQ(created.json()["status"], "created");
  EXPECT_EQ(created.json()["version"], 1);
  EXPECT_EQ(created.header("location"), "/api/v1/workflows/versioned");
  const std::string v1 = created.json()["hash"];

  const auto shown = get("/api/v1/workflows/versioned");
  ASSERT_EQ(shown.status, 200) << shown.body;
  EXPECT_EQ(shown.json()["hash"], v1);
  EXPECT_EQ(shown.json()["registered"]["origin"], "api");

  const auto same = put_workflow("versioned", versioned_yaml("a", "v1"));
  ASSERT_EQ(same.status, 200) << same.body;
  EXPECT_EQ(same.json()["status"], "unchanged");
  EXPECT_EQ(same.json()["hash"], v1);

  // JSON {"yaml": ...} works as well as YAML text.
  const auto replaced = put_workflow("versioned", json{{"yaml", versioned_yaml("b", "v2")}}.dump(), "application/json");
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.json()["status"], "replaced");
  EXPECT_NE(replaced.json()["hash"], v1);
  EXPECT_EQ(get("/api/v1/workflows/versioned").json()["hash"], replaced.json()["hash"]);

  const std::string id = trigger("versioned");
  wait_finished(id);
  const auto run = get("/api/v1/runs/" + id).json();
  EXPECT_EQ(run["workflow_hash"], replaced.json()["hash"]);
  ASSERT_EQ(run["steps"].size(), 1u) << run.dump();
  EXPECT_EQ(run["steps"][0]["step"], "b");
}

TEST_P(ServeRegistry, DeletedWorkflowsAre404ToTriggersAndLeaveTheList) {
  start();
  ASSERT_EQ(put_workflow("versioned", versioned_yaml("a", "v1")).status, 201);
  const auto deleted = delete_workflow("versioned");
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_TRUE(deleted.body.empty());
  const auto trig = post("/api/v1/workflows/versioned/runs");
  EXPECT_EQ(trig.status, 404);
  EXPECT_EQ(trig.json()["error"]["code"], "unknown_workflow");
  EXPECT_EQ(get("/api/v1/workflows/versioned").status, 404);
  const auto names = listed_names(*client_);
  EXPECT_EQ(std::count(names.begin(), names.end(), "versioned"), 0);
  EXPECT_EQ(delete_workflow("versioned").status, 404);
  EXPECT_EQ(delete_workflow("never-was").status, 404);
  // A file's workflow can be deleted too.
  EXPECT_EQ(delete_workflow("hello").status, 204);
  EXPECT_EQ(post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "x"}})").status, 404);
  // Registering again after a delete is a creation.
  EXPECT_EQ(put_workflow("versioned", versioned_yaml("a", "v1")).status, 201);
}

TEST_P(ServeRegistry, AnInvalidWorkflowIs422WithTheValidatorsDiagnostics) {
  start();
  const std::string yaml = "name: bad\nsteps:\n  - id: x\n    uses: nope.step\n";
  const auto r = put_workflow("bad", yaml);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "invalid_workflow");
  const auto diagnostics = r.json()["error"]["details"]["diagnostics"];
  ASSERT_FALSE(diagnostics.empty());
  // Exactly what validate answers for the same text.
  const auto validated = post("/api/v1/workflows/validate", json{{"yaml", yaml}, {"file", "bad.yaml"}}.dump());
  EXPECT_EQ(diagnostics, validated.json()["diagnostics"]);
  EXPECT_NE(diagnostics.dump().find("nope.step"), std::string::npos);
  EXPECT_EQ(get("/api/v1/workflows/bad").status, 404);

  const auto unparsable = put_workflow("bad", "name: [unclosed\n");
  EXPECT_EQ(unparsable.status, 422) << unparsable.body;
  EXPECT_FALSE(unparsable.json()["error"]["details"]["diagnostics"].empty());
}

TEST_P(ServeRegistry, ANameThatDiffersFromThePathIs400) {
  start();
  const auto r = put_workflow("other", versioned_yaml("a", "v1"));
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "name_mismatch");
  EXPECT_EQ(r.json()["error"]["details"]["yaml"], "versioned");
  EXPECT_EQ(get("/api/v1/workflows/other").status, 404);
  EXPECT_EQ(get("/api/v1/workflows/versioned").status, 404);
}

TEST_P(ServeRegistry, BadBodiesAreRefused) {
  start();
  EXPECT_EQ(put_workflow("versioned", "<xml/>", "application/xml").status, 415);
  EXPECT_EQ(put_workflow("versioned", R"({"yaml": 5})", "application/json").status, 400);
  EXPECT_EQ(put_workflow("versioned", "", "application/yaml").status, 400);
}

TEST_P(ServeRegistry, AnotherNodeOnTheSameDatabaseSeesAndRunsRegistrations) {
  start();
  // Another connection to the same database where the URL allows (PostgreSQL's display URL hides the password).
  std::unique_ptr<SqlStore> own_store;
  if (backend_ == "sqlite") {
    auto opened = SqlStore::open(store_->display_url());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    own_store = std::move(*opened);
  }
  SqlStore& other_store = own_store ? *own_store : *store_;
  http::ServeOptions options;
  options.http.host = "127.0.0.1";
  options.http.port = 0;
  options.worker = false;  // the first server's node executes
  options.log = [](const std::string&) {};
  http::ServeApp other(builtin_plugins(), other_store, std::move(options));
  auto port = other.start();
  ASSERT_TRUE(port.ok()) << port.error().message;
  HttpClient other_client(*port);
  other_client.set_default_headers({{"Authorization", "Bearer " + admin_key_}});  // keys live in the shared database

  // The other node registered no files but lists this one's.
  EXPECT_EQ(listed_names(other_client), (std::vector<std::string>{"fanout", "flaky", "hello", "slow"}));
  HttpRequest put;
  put.method = "PUT";
  put.target = "/api/v1/workflows/versioned";
  put.body = versioned_yaml("a", "from the other node");
  put.content_type = "text/yaml";
  ASSERT_EQ(other_client.send(put).status, 201);
  const auto names = listed_names(*client_);
  EXPECT_EQ(std::count(names.begin(), names.end(), "versioned"), 1);
  // Triggered here, run by this node: the version the other node stored.
  const std::string id = trigger("versioned");
  wait_finished(id);
  const auto run = get("/api/v1/runs/" + id).json();
  EXPECT_EQ(run["status"], "succeeded");
  EXPECT_EQ(run["steps"][0]["output"]["value"], "from the other node");
  // And a delete there is seen here.
  HttpRequest del;
  del.method = "DELETE";
  del.target = "/api/v1/workflows/versioned";
  ASSERT_EQ(other_client.send(del).status, 204);
  EXPECT_EQ(get("/api/v1/workflows/versioned").status, 404);
  other.stop();
}

TEST_P(ServeRegistry, ARunKeepsTheVersionItStartedWith) {
  // No worker here: runs stay queued until the node below takes them.
  start([](http::ServeOptions& o) { o.worker = false; });
  ASSERT_EQ(put_workflow("versioned", versioned_yaml("old_step", "v1")).status, 201);
  const std::string first = trigger("versioned");
  ASSERT_EQ(put_workflow("versioned", versioned_yaml("new_step", "v2")).status, 200);
  const std::string second = trigger("versioned");
  ASSERT_EQ(delete_workflow("versioned").status, 204);
  EXPECT_EQ(get("/api/v1/runs/" + first).json()["status"], "queued");

  ExecutorOptions exec;
  exec.threads = 2;
  exec.artifact_dir = dir_ / "artifacts";
  NodeOptions node_options;
  node_options.only_runs = {first, second};
  Node node(builtin_plugins(), *store_, exec, node_options);
  node.run();  // returns when both runs finished

  const auto old_run = get("/api/v1/runs/" + first).json();
  EXPECT_EQ(old_run["status"], "succeeded") << old_run.dump();
  ASSERT_EQ(old_run["steps"].size(), 1u);
  EXPECT_EQ(old_run["steps"][0]["step"], "old_step");
  EXPECT_EQ(old_run["steps"][0]["output"]["value"], "v1");
  const auto new_run = get("/api/v1/runs/" + second).json();
  EXPECT_EQ(new_run["status"], "succeeded") << new_run.dump();
  ASSERT_EQ(new_run["steps"].size(), 1u);
  EXPECT_EQ(new_run["steps"][0]["step"], "new_step");
  EXPECT_EQ(new_run["steps"][0]["output"]["value"], "v2");
  EXPECT_NE(old_run["workflow_hash"], new_run["workflow_hash"]);
}

TEST_P(ServeRegistry, SchedulesFollowReplaceAndDelete) {
  start();
  ASSERT_EQ(put_workflow("nightly", scheduled_yaml("0 3 * * *")).status, 201);
  auto schedules = schedules_of("nightly");
  ASSERT_EQ(schedules.size(), 1u);
  EXPECT_EQ(schedules[0].cron, CronSchedule::parse("0 3 * * *")->text());
  const std::string v1 = schedules[0].workflow_hash;

  const auto replaced = put_workflow("nightly", scheduled_yaml("30 4 * * 1"));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  schedules = schedules_of("nightly");
  ASSERT_EQ(schedules.size(), 1u);
  EXPECT_EQ(schedules[0].cron, CronSchedule::parse("30 4 * * 1")->text());
  EXPECT_EQ(schedules[0].workflow_hash, replaced.json()["hash"]);
  EXPECT_NE(schedules[0].workflow_hash, v1);

  // A replacement without the trigger drops the schedule.
  ASSERT_EQ(
      put_workflow("nightly", "name: nightly\nsteps:\n  - id: x\n    uses: core.transform\n    with: { value: 2 }\n")
          .status,
      200);
  EXPECT_TRUE(schedules_of("nightly").empty());
  ASSERT_EQ(put_workflow("nightly", scheduled_yaml("0 3 * * *")).status, 200);
  EXPECT_EQ(schedules_of("nightly").size(), 1u);
  ASSERT_EQ(delete_workflow("nightly").status, 204);
  EXPECT_TRUE(schedules_of("nightly").empty());
}

// The next start, as ServeApp::start does it: the files again, on the same database.
size_t restart_catalog(SqlStore& store, const std::filesystem::path& dir) {
  http::Log log([](const std::string&) {});
  http::WorkflowCatalog catalog(store, builtin_plugins(), log);
  return catalog.load_files({dir});
}

TEST_P(ServeRegistry, AFileDoesNotOverrideTheApiUntilItsContentChanges) {
  start();
  const std::string file_hash = get("/api/v1/workflows/hello").json()["hash"];
  std::string api_yaml = kHelloYaml;
  api_yaml.replace(api_yaml.find("Greets someone."), 15, "Greets from the API.");
  const auto put = put_workflow("hello", api_yaml);
  ASSERT_EQ(put.status, 200) << put.body;
  ASSERT_EQ(delete_workflow("slow").status, 204);

  restart_catalog(*store_, dir_ / "workflows");
  // Unchanged files: the API's registration and deletion stand.
  EXPECT_EQ(get("/api/v1/workflows/hello").json()["hash"], put.json()["hash"]);
  EXPECT_EQ(get("/api/v1/workflows/slow").status, 404);

  // Files whose content changed take their names back.
  std::string edited = kHelloYaml;
  edited.replace(edited.find("Greets someone."), 15, "Greets, edited on disk.");
  write("workflows/hello.yaml", edited);
  write("workflows/slow.yaml", std::string(kSlowYaml) + "description: edited\n");
  restart_catalog(*store_, dir_ / "workflows");
  const auto hello = get("/api/v1/workflows/hello").json();
  EXPECT_NE(hello["hash"], put.json()["hash"]);
  EXPECT_NE(hello["hash"], file_hash);
  EXPECT_EQ(hello["description"], "Greets, edited on disk.");
  EXPECT_EQ(hello["registered"]["origin"], "file");
  EXPECT_EQ(get("/api/v1/workflows/slow").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, ServeRegistry, ::testing::ValuesIn(all_sql_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace linkhub::test
