// linkhub serve: /api/v1/workflows: listing, showing, validating, and
// triggering runs (?wait, Idempotency-Key, and every way a request can be bad).
#include "serve_fixture.hpp"

#include <linkhub/engine/validator.hpp>

#include <fstream>
#include <sstream>

namespace linkhub::test {
namespace {

using nlohmann::json;

TEST_F(ServeTest, ListsTheRegisteredWorkflowsAndSkipsInvalidFiles) {
  start();
  const auto r = get("/api/v1/workflows");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  std::vector<std::string> names;
  const auto body = r.json();  // a temporary in the loop header would die before the loop
  for (const auto& wf : body["workflows"]) {
    names.push_back(wf["name"]);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"fanout", "flaky", "hello", "slow"}));
  const auto hello = r.json()["workflows"][2];
  EXPECT_EQ(hello["version"], 2);
  EXPECT_EQ(hello["description"], "Greets someone.");
  EXPECT_TRUE(hello["triggers"].is_array());
  EXPECT_TRUE(hello["last_run"].is_null());

  bool skipped = false;
  for (const auto& line : log_lines()) {
    const auto j = json::parse(line);
    if (j["event"] == "workflow.skipped" && j["file"].get<std::string>().find("broken.yaml") != std::string::npos) {
      skipped = true;
      EXPECT_NE(j["diagnostics"].dump().find("nope.step"), std::string::npos) << line;
    }
  }
  EXPECT_TRUE(skipped) << "no log line says broken.yaml was skipped";
}

TEST_F(ServeTest, ListShowsTheStatusOfEachWorkflowsLatestRun) {
  start();
  const std::string id = trigger("flaky");
  wait_finished(id);
  const auto body = get("/api/v1/workflows").json();
  for (const auto& wf : body["workflows"]) {
    if (wf["name"] == "flaky") {
      EXPECT_EQ(wf["last_run"]["id"], id);
      EXPECT_EQ(wf["last_run"]["status"], "failed");
    }
  }
}

TEST_F(ServeTest, ShowsAWorkflowsSourceDagAndInputSchema) {
  start();
  const auto r = get("/api/v1/workflows/hello");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto j = r.json();
  EXPECT_EQ(j["source"], kHelloYaml);
  EXPECT_EQ(j["dag"]["nodes"].size(), 2u);
  EXPECT_EQ(j["dag"]["nodes"][0]["id"], "greet");
  EXPECT_EQ(j["dag"]["nodes"][0]["uses"], "core.transform");
  EXPECT_EQ(j["dag"]["nodes"][0]["plugin"], "core");
  EXPECT_FALSE(j["dag"]["nodes"][0]["description"].get<std::string>().empty());
  EXPECT_EQ(j["dag"]["edges"], json::parse(R"([{"from": "greet", "to": "shout"}])"));
  const auto schema = j["input_schema"];
  EXPECT_EQ(schema["type"], "object");
  EXPECT_EQ(schema["required"], json::array({"name"}));
  EXPECT_EQ(schema["properties"]["name"]["type"], "string");
  EXPECT_EQ(schema["properties"]["times"]["default"], 1);
  EXPECT_EQ(schema["additionalProperties"], false);
  EXPECT_EQ(j["outputs"], json::array({"greeting", "shout"}));
}

TEST_F(ServeTest, AnUnknownWorkflowIs404) {
  start();
  for (const auto& r : {get("/api/v1/workflows/nope"), post("/api/v1/workflows/nope/runs", "{}")}) {
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(r.json()["error"]["code"], "unknown_workflow");
    EXPECT_TRUE(r.json()["error"]["details"]["known"].is_array());
  }
}

TEST_F(ServeTest, ValidateGivesTheSameDiagnosticsAsTheCommandLine) {
  start();
  const std::string file = std::string(LINKHUB_TEST_DATA_DIR) + "/validate/invalid/43-many-errors-one-pass.yaml";
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  json expected = json::array();
  for (const auto& d : check_workflow_file(file, builtin_plugins())) {
    expected.push_back(diagnostic_to_json(d));
  }
  ASSERT_FALSE(expected.empty());

  const auto as_json = post("/api/v1/workflows/validate", json{{"yaml", text.str()}, {"file", file}}.dump());
  ASSERT_EQ(as_json.status, 200) << as_json.body;
  EXPECT_EQ(as_json.json()["valid"], false);
  EXPECT_EQ(as_json.json()["diagnostics"], expected);

  HttpRequest as_yaml;
  as_yaml.method = "POST";
  as_yaml.target = "/api/v1/workflows/validate";
  as_yaml.content_type = "application/yaml";
  as_yaml.body = text.str();
  const auto r = send(as_yaml);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["diagnostics"].size(), expected.size());
  EXPECT_EQ(r.json()["diagnostics"][0]["file"], "workflow.yaml");
  EXPECT_EQ(r.json()["diagnostics"][0]["message"], expected[0]["message"]);
}

TEST_F(ServeTest, ValidateSaysAValidWorkflowIsValid) {
  start();
  HttpRequest r;
  r.method = "POST";
  r.target = "/api/v1/workflows/validate";
  r.content_type = "text/yaml; charset=utf-8";
  r.body = kHelloYaml;
  const auto a = send(r);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.json(), json::parse(R"({"valid": true, "diagnostics": []})"));
}

TEST_F(ServeTest, ValidateRefusesBadBodies) {
  start();
  HttpRequest xml;
  xml.method = "POST";
  xml.target = "/api/v1/workflows/validate";
  xml.content_type = "application/xml";
  xml.body = "<workflow/>";
  const auto r415 = send(xml);
  EXPECT_EQ(r415.status, 415) << r415.body;
  EXPECT_EQ(r415.json()["error"]["code"], "unsupported_media_type");

  const auto missing = post("/api/v1/workflows/validate", R"({"file": "x.yaml"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["error"]["details"]["field"], "yaml");
  const auto wrong = post("/api/v1/workflows/validate", R"({"yaml": 12})");
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.json()["error"]["code"], "wrong_type");
  EXPECT_EQ(wrong.json()["error"]["details"]["field"], "yaml");
}

TEST_F(ServeTest, TriggerWithWaitAnswersWithTheFinishedRun) {
  start();
  const auto r = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "Ada"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto run = r.json();
  EXPECT_EQ(run["status"], "succeeded");
  EXPECT_EQ(run["outputs"]["greeting"], "hello Ada");
  EXPECT_EQ(run["outputs"]["shout"], "HELLO ADA");
  EXPECT_EQ(run["inputs"], json::parse(R"({"name": "Ada", "times": 1})"));
  ASSERT_EQ(run["steps"].size(), 2u);
  EXPECT_EQ(r.header("location"), "/api/v1/runs/" + run["id"].get<std::string>());
}

TEST_F(ServeTest, TriggerWithoutWaitAnswers202AtOnce) {
  start();
  const auto r = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "Bo"}})");
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string id = r.json()["run_id"];
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(r.header("location"), "/api/v1/runs/" + id);
  EXPECT_EQ(r.json()["links"]["stream"], "/api/v1/runs/" + id + "/events/stream");
  wait_finished(id);
  EXPECT_EQ(get("/api/v1/runs/" + id).json()["status"], "succeeded");
}

TEST_F(ServeTest, WaitAnswers202WhenTheRunIsStillGoingAtTheDeadline) {
  start();
  const auto r = post("/api/v1/workflows/slow/runs?wait=50ms", "");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(r.json()["status"] == "queued" || r.json()["status"] == "running") << r.body;
}

TEST_F(ServeTest, WaitMustBeADurationOfAtMostAMinute) {
  start();
  for (const char* wait : {"2m", "soon", "-1s", "61"}) {
    const auto r = post(std::string("/api/v1/workflows/hello/runs?wait=") + wait, R"({"inputs": {"name": "x"}})");
    EXPECT_EQ(r.status, 400) << wait << ": " << r.body;
    EXPECT_EQ(r.json()["error"]["details"]["parameter"], "wait");
  }
}

TEST_F(ServeTest, TheSameIdempotencyKeyTwiceGivesTheSameRun) {
  start();
  const std::map<std::string, std::string> key{{"Idempotency-Key", "order-7"}};
  const auto first = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "Cy"}})", key);
  const auto second = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "Cy"}})", key);
  ASSERT_EQ(first.status, 202) << first.body;
  ASSERT_EQ(second.status, 202) << second.body;
  EXPECT_EQ(first.json()["run_id"], second.json()["run_id"]);
  const auto other =
      post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "Cy"}})", {{"Idempotency-Key", "order-8"}});
  EXPECT_NE(other.json()["run_id"], first.json()["run_id"]);
  const auto bad = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "Cy"}})",
                        {{"Idempotency-Key", std::string(201, 'k')}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["code"], "bad_idempotency_key");
  wait_finished(first.json()["run_id"]);
  wait_finished(other.json()["run_id"]);
}

TEST_F(ServeTest, MalformedJsonIs400WithTheOffset) {
  start();
  const auto r = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": )");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["code"], "malformed_json");
  EXPECT_TRUE(r.json()["error"]["details"]["offset"].is_number());
  const auto huge = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "x", "times": 1e999}})");
  EXPECT_EQ(huge.status, 400) << huge.body;
  EXPECT_EQ(huge.json()["error"]["code"], "malformed_json");
  const auto deep = post("/api/v1/workflows/hello/runs", std::string(10000, '[') + std::string(10000, ']'));
  EXPECT_EQ(deep.status, 400);
  EXPECT_EQ(deep.json()["error"]["code"], "too_deep");
}

TEST_F(ServeTest, WrongTypesAre400NamingTheField) {
  start();
  const auto not_object = post("/api/v1/workflows/hello/runs", R"([1, 2])");
  EXPECT_EQ(not_object.status, 400);
  EXPECT_EQ(not_object.json()["error"]["code"], "wrong_type");
  const auto inputs = post("/api/v1/workflows/hello/runs", R"({"inputs": 5})");
  EXPECT_EQ(inputs.status, 400);
  EXPECT_EQ(inputs.json()["error"]["details"]["field"], "inputs");
  EXPECT_NE(inputs.json()["error"]["message"].get<std::string>().find("an integer"), std::string::npos);
  const auto typo = post("/api/v1/workflows/hello/runs", R"({"input": {"name": "x"}})");
  EXPECT_EQ(typo.status, 400);
  EXPECT_EQ(typo.json()["error"]["code"], "unknown_field");
  EXPECT_EQ(typo.json()["error"]["details"]["field"], "input");
}

TEST_F(ServeTest, InputsFailingTheWorkflowsDeclarationsAre422) {
  start();
  const auto missing = post("/api/v1/workflows/hello/runs", "");
  EXPECT_EQ(missing.status, 422) << missing.body;
  EXPECT_EQ(missing.json()["error"]["code"], "invalid_inputs");
  EXPECT_NE(missing.json()["error"]["message"].get<std::string>().find("name"), std::string::npos);
  const auto wrong = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "x", "times": "many"}})");
  EXPECT_EQ(wrong.status, 422) << wrong.body;
  EXPECT_NE(wrong.json()["error"]["message"].get<std::string>().find("times"), std::string::npos);
  const auto unknown = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "x", "colour": "red"}})");
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_TRUE(unknown.json()["error"]["details"]["input_schema"].is_object());
}

TEST_F(ServeTest, ABodyOverTheLimitIs413) {
  start([](http::ServeOptions& o) { o.limits.max_body_bytes = 4096; });
  const std::string big = R"({"inputs": {"name": ")" + std::string(5000, 'x') + R"("}})";
  const auto declared = post("/api/v1/workflows/hello/runs", big);
  EXPECT_EQ(declared.status, 413) << declared.body;
  EXPECT_EQ(declared.json()["error"]["code"], "body_too_large");
  EXPECT_EQ(declared.json()["error"]["details"]["limit_bytes"], 4096);

  HttpRequest chunked;
  chunked.method = "POST";
  chunked.target = "/api/v1/workflows/hello/runs";
  chunked.content_type = "application/json";
  chunked.body = big;
  chunked.chunked = true;
  const auto streamed = send(chunked);
  EXPECT_EQ(streamed.status, 413) << streamed.body;

  // The refused bodies were read and dropped: the same connection carries the next request.
  const auto ok = post("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "small"}})");
  EXPECT_EQ(ok.status, 200) << ok.body;
}

TEST_F(ServeTest, ABodyThatIsNotJsonIs415) {
  start();
  HttpRequest form;
  form.method = "POST";
  form.target = "/api/v1/workflows/hello/runs";
  form.content_type = "application/x-www-form-urlencoded";
  form.body = "name=x";
  const auto r = send(form);
  EXPECT_EQ(r.status, 415) << r.body;
  EXPECT_EQ(r.json()["error"]["details"]["accepted"], json::array({"application/json"}));
  form.content_type = "";
  EXPECT_EQ(send(form).status, 415);
}

}  // namespace
}  // namespace linkhub::test
