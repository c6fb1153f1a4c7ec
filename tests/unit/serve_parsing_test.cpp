// linkhub serve's request parsing as plain functions: targets, query
// parameters, cursors, media types, --listen. (serve_body_fuzz feeds them
// random bytes; these pin down what they must answer.)
#include "http/body.hpp"
#include "http/query.hpp"
#include "http/serve_app.hpp"

#include <gtest/gtest.h>

namespace linkhub::http {
namespace {

TEST(ServeParsing, TargetsAreSplitAndPercentDecoded) {
  auto t = parse_target("/api/v1/workflows/caption%20gate/runs?wait=30s&x=a%2Bb+c&empty=&flag");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->segments, (std::vector<std::string>{"api", "v1", "workflows", "caption gate", "runs"}));
  EXPECT_EQ(t->query.at("wait"), "30s");
  EXPECT_EQ(t->query.at("x"), "a+b c");
  EXPECT_EQ(t->query.at("empty"), "");
  EXPECT_EQ(t->query.at("flag"), "");
  EXPECT_EQ(parse_target("/api/v1/runs/")->segments, (std::vector<std::string>{"api", "v1", "runs"}));
  EXPECT_EQ(parse_target("/api/v1/runs/a%2Fb")->segments.back(), "a/b") << "an encoded slash stays in its segment";
  EXPECT_FALSE(parse_target("api/v1").has_value());
  EXPECT_FALSE(parse_target("/bad%zz").has_value());
  EXPECT_FALSE(parse_target("/trailing%2").has_value());
  EXPECT_FALSE(parse_target("/nul%00byte").has_value());
}

TEST(ServeParsing, AuthBodiesNameTheFieldButNeverEchoTheValue) {
  auto login = parse_login_body(R"({"username": "ada", "password": "p4ss word"})");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->username, "ada");
  EXPECT_EQ(login->password, "p4ss word");
  EXPECT_EQ(parse_login_body(R"({"username": "ada"})").error().code, "missing_field");
  EXPECT_EQ(parse_login_body(R"({"username": "ada", "password": ""})").error().code, "empty_field");
  EXPECT_EQ(parse_login_body(R"({"username": "ada", "password": 42})").error().code, "wrong_type");
  const auto unknown = parse_login_body(R"({"username": "ada", "password": "x", "pasword": "secret-typo"})");
  EXPECT_EQ(unknown.error().code, "unknown_field");
  EXPECT_EQ(unknown.error().message.find("secret-typo"), std::string::npos);
  EXPECT_EQ(parse_login_body("").error().code, "malformed_json");

  EXPECT_EQ(*parse_refresh_body(R"({"refresh_token": "lhr_x"})"), "lhr_x");
  EXPECT_EQ(parse_refresh_body("{}").error().code, "missing_field");

  auto key = parse_key_body(R"({"role": "viewer"})");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->role, "viewer");
  EXPECT_EQ(key->name, "");
  EXPECT_EQ(parse_key_body(R"({"role": "viewer", "name": 3})").error().code, "wrong_type");
}

TEST(ServeParsing, IntegerAndDurationParametersStayInRange) {
  const auto t = *parse_target("/x?limit=20&big=99999999999999999999&neg=-1&wait=500ms&secs=12&long=2m");
  EXPECT_EQ(*int_param(t, "limit", 50, 1, 500), 20);
  EXPECT_EQ(*int_param(t, "absent", 50, 1, 500), 50);
  EXPECT_EQ(int_param(t, "big", 0, 0, INT64_MAX).error().details["parameter"], "big");
  EXPECT_FALSE(int_param(t, "neg", 0, 0, 10).ok());
  EXPECT_EQ(*duration_param(t, "wait", std::chrono::seconds(60)), std::chrono::milliseconds(500));
  EXPECT_EQ(*duration_param(t, "secs", std::chrono::seconds(60)), std::chrono::seconds(12));
  EXPECT_EQ(*duration_param(t, "absent", std::chrono::seconds(60)), std::chrono::milliseconds(0));
  EXPECT_EQ(duration_param(t, "long", std::chrono::seconds(60)).error().status, 400);
}

TEST(ServeParsing, CursorsRoundTripAndAnythingElseIsRefused) {
  const Cursor c{1716212345678, "01a21306-f797-7716-8afc-f8a1428eb326"};
  const auto back = decode_cursor(encode_cursor(c));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->created_ms, c.created_ms);
  EXPECT_EQ(back->id, c.id);
  EXPECT_EQ(encode_cursor(c).find_first_of("+/="), std::string::npos) << "URL-safe, no padding";
  for (const char* bad : {"", "garbage!", "djE6", "djE6MTIzOg", "djI6MTIzOmFiYw", "djE6LTE6YWJj", "djE6MTIzOmEnYg"}) {
    EXPECT_FALSE(decode_cursor(bad).has_value()) << bad;
  }
}

TEST(ServeParsing, MediaTypesIgnoreParametersAndCase) {
  EXPECT_EQ(classify_media_type("application/json"), MediaType::Json);
  EXPECT_EQ(classify_media_type("Application/JSON; charset=utf-8"), MediaType::Json);
  EXPECT_EQ(classify_media_type("application/merge-patch+json"), MediaType::Json);
  EXPECT_EQ(classify_media_type("text/yaml"), MediaType::Yaml);
  EXPECT_EQ(classify_media_type("application/x-yaml"), MediaType::Yaml);
  EXPECT_EQ(classify_media_type(""), MediaType::None);
  EXPECT_EQ(classify_media_type("application/xml"), MediaType::Other);
}

TEST(ServeParsing, BodiesNameTheFieldTheyRefuse) {
  EXPECT_EQ(parse_trigger_body("")->inputs, Json::object());
  EXPECT_EQ(parse_trigger_body(" \r\n")->inputs, Json::object());
  EXPECT_EQ(parse_trigger_body(R"({"inputs": {"a": 1}})")->inputs, Json::parse(R"({"a": 1})"));
  EXPECT_EQ(parse_trigger_body(R"({"inputs": null})").error().details["field"], "inputs");
  EXPECT_EQ(parse_trigger_body(R"("text")").error().code, "wrong_type");
  EXPECT_EQ(parse_retry_body(R"({"from": null})")->from, "");
  EXPECT_EQ(parse_retry_body(R"({"from": ""})").error().code, "empty_field");
  EXPECT_EQ(parse_validate_body("name: x", MediaType::Yaml)->yaml, "name: x");
  EXPECT_EQ(parse_validate_body(R"({"yaml": "name: x", "file": 3})", MediaType::Json).error().details["field"], "file");
  EXPECT_EQ(parse_idempotency_key("order 7").error().code, "bad_idempotency_key");
  EXPECT_EQ(*parse_idempotency_key("order-7"), "order-7");
}

TEST(ServeParsing, ListenAddressesTakeHostAndPort) {
  EXPECT_EQ(*parse_listen("127.0.0.1:8080"), std::make_pair(std::string("127.0.0.1"), uint16_t{8080}));
  EXPECT_EQ(*parse_listen(":9000"), std::make_pair(std::string("0.0.0.0"), uint16_t{9000}));
  EXPECT_EQ(*parse_listen("[::1]:0"), std::make_pair(std::string("::1"), uint16_t{0}));
  EXPECT_EQ(parse_listen("localhost:80")->first, "localhost");
  for (const char* bad : {"8080", "host:", "host:65536", "host:x", "::1:80"}) {
    EXPECT_FALSE(parse_listen(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace linkhub::http
