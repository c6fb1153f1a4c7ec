// Issue 10 item 10: input two readers could understand differently is refused
// instead of silently resolved. A JSON body that gives a key twice (nlohmann
// keeps the last, other parsers the first) is a 400 naming the key and where;
// a query parameter a route does not declare, or one given twice, is a 400 on
// every route, from the route table (the list the OpenAPI document shows).
#include "serve_fixture.hpp"

#include "http/body.hpp"
#include "http/query.hpp"
#include "http/router.hpp"
#include "http/routes.hpp"

#include <gtest/gtest.h>

#include <string>

namespace linkhub::test {
namespace {

using http::parse_json;

TEST(SecurityAmbiguousInput, DuplicateJsonKeysAreRefusedWithKeyAndPlace) {
  auto top = parse_json(R"({"inputs": {}, "inputs": {"x": 1}})");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().status, 400);
  EXPECT_EQ(top.error().code, "duplicate_key");
  EXPECT_NE(top.error().message.find("duplicate key \"inputs\" at /"), std::string::npos) << top.error().message;
  EXPECT_EQ(top.error().details["key"], "inputs");
  EXPECT_EQ(top.error().details["at"], "/");

  auto nested = parse_json(R"({"inputs": {"name": "a", "name": "b"}})");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.error().details["at"], "/inputs");

  auto in_array = parse_json(R"([{"a": 1}, [], {"k/~": 1, "b": 2, "b": 3}])");
  ASSERT_FALSE(in_array.ok());
  EXPECT_EQ(in_array.error().details["at"], "/2");

  auto deeper = parse_json(R"({"a/b": [0, {"c": {"d": 1, "d": 2}}]})");
  ASSERT_FALSE(deeper.ok());
  EXPECT_EQ(deeper.error().details["at"], "/a~1b/1/c");
}

TEST(SecurityAmbiguousInput, EqualKeysInDifferentObjectsAreFine) {
  auto ok = parse_json(R"({"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 3}, {"k": 4}], "k": 5})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)["c"][1]["k"], 4);
}

const http::Route& route(const std::string& method, const std::string& pattern) {
  static const std::vector<http::Route> routes = http::api_routes();
  for (const auto& r : routes) {
    if (r.method == method && r.pattern == pattern) {
      return r;
    }
  }
  ADD_FAILURE() << "no route " << method << " " << pattern;
  return routes.front();
}

TEST(SecurityAmbiguousInput, QueryParametersAreCheckedAgainstTheRouteTable) {
  const auto& runs = route("GET", "/api/v1/runs");
  auto check = [&](const http::Route& r, const std::string& target) {
    auto parsed = http::parse_target(target);
    EXPECT_TRUE(parsed.has_value()) << target;
    return parsed ? http::check_query(r, *parsed) : std::nullopt;
  };
  EXPECT_FALSE(check(runs, "/api/v1/runs?limit=5&status=failed").has_value());
  auto unknown = check(runs, "/api/v1/runs?limt=5");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(unknown->code, "unknown_parameter");
  EXPECT_EQ(unknown->details["parameter"], "limt");
  EXPECT_NE(unknown->message.find("limit"), std::string::npos) << unknown->message;  // suggested and listed
  auto repeated = check(runs, "/api/v1/runs?limit=1&limit=2");
  ASSERT_TRUE(repeated.has_value());
  EXPECT_EQ(repeated->code, "repeated_parameter");
  EXPECT_EQ(repeated->details["parameter"], "limit");
  // A route that takes none says so.
  auto none = check(route("GET", "/healthz"), "/healthz?verbose=1");
  ASSERT_TRUE(none.has_value());
  EXPECT_NE(none->message.find("takes none"), std::string::npos) << none->message;
}

TEST_F(ServeTest, SecurityAmbiguousInputDuplicateKeyInATriggerIs400AndStartsNoRun) {
  start();
  const auto r = post("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "a"}, "inputs": {"name": "b"}})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["error"]["code"], "duplicate_key") << r.body;
  EXPECT_EQ(r.json()["error"]["details"]["key"], "inputs") << r.body;
  EXPECT_EQ(get("/api/v1/runs").json()["runs"].size(), 0u);
  const auto login = post("/api/v1/auth/login", R"({"username": "a", "username": "b", "password": "x"})");
  EXPECT_EQ(login.status, 400) << login.body;
  EXPECT_EQ(login.json()["error"]["code"], "duplicate_key") << login.body;
}

TEST_F(ServeTest, SecurityAmbiguousInputEveryRouteRefusesUnknownAndRepeatedParameters) {
  start();
  for (const std::string target : {"/api/v1/runs?bogus=1", "/api/v1/workflows?x=1", "/api/v1/runs?limit=1&limit=2",
                                   "/healthz?x=1", "/api/v1/products?price_min=3", "/api/v1/openapi.json?v=2"}) {
    const auto r = get(target);
    EXPECT_EQ(r.status, 400) << target << " " << r.body;
    const std::string code = r.json()["error"].value("code", "");
    EXPECT_TRUE(code == "unknown_parameter" || code == "repeated_parameter") << target << " " << r.body;
    EXPECT_FALSE(r.header("x-request-id").empty()) << target;
  }
  // Refused before authentication: no key needed to learn the route's parameters, none leaked either.
  HttpRequest anonymous;
  anonymous.target = "/api/v1/runs?bogus=1";
  HttpClient client(port_);
  EXPECT_EQ(client.send(anonymous).status, 400);
  // The declared ones still work.
  EXPECT_EQ(get("/api/v1/runs?limit=5").status, 200);
}

}  // namespace
}  // namespace linkhub::test
