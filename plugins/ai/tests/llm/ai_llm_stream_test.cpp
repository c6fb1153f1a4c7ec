// plugins.ai.llm.stream: the request asks for server-sent events with the
// usage chunk, and the answer is the events joined; the recorded streams of
// the OpenAI API (tests/fixtures/openai_chat_stream_*.sse) and malformed ones.
#include "ai_llm_test_support.hpp"

namespace linkhub::ai_llm_test {
namespace {

// The content deltas of a recorded stream, joined here independently of the plugin.
std::string joined_deltas(const std::string& sse) {
  std::string out;
  std::istringstream lines(sse);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("data: {", 0) == 0) {
      const Json chunk = Json::parse(line.substr(6));
      for (const Json& choice : chunk["choices"]) {
        if (choice["delta"].contains("content") && choice["delta"]["content"].is_string()) {
          out += choice["delta"]["content"].get<std::string>();
        }
      }
    }
  }
  return out;
}

TEST(AiLlmStream, TheRequestAsksForEventsAndTheDeltasAndTheLastChunksUsageMakeTheAnswer) {
  Harness h;
  h.llm_config["stream"] = true;
  h.api.answer_sse(sse_of(valid_entry().dump(), 120, 45, 7));
  const StepResult r = h.extract(kCaption);
  ASSERT_TRUE(r.ok()) << r.error << "\n" << r.log_text();
  EXPECT_EQ(r.output["backend"], "llm");
  EXPECT_EQ(r.output["brand"]["value"], "Nike");
  EXPECT_EQ(r.output["usage"]["prompt_tokens"], 120);
  EXPECT_EQ(r.output["usage"]["completion_tokens"], 45);
  EXPECT_EQ(r.output["model"], kModel);
  const Json body = h.api.body(0);
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_EQ(body["response_format"]["type"], "json_schema");
}

TEST(AiLlmStream, TheRecordedPlainStreamIsJoinedAndItsTokensCounted) {
  Harness h;
  h.llm_config["stream"] = true;
  const std::string recorded = read_fixture("openai_chat_stream_plain_text.sse");
  const std::string expected = joined_deltas(recorded);
  ASSERT_GT(expected.size(), 40u);
  // Plain text is not the JSON the schema asks for: the repair request carries
  // the joined answer back to the model, which then answers properly.
  h.api.answer_sse(recorded);
  h.api.answer_sse(sse_of(valid_entry().dump(), 100, 40));
  const StepResult r = h.extract(kCaption);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.output["backend"], "llm");
  EXPECT_EQ(r.output["repairs"], 1);
  const Json repair = h.api.body(1)["messages"];
  ASSERT_EQ(repair.size(), 4u);
  EXPECT_EQ(repair[2]["content"], expected);
  EXPECT_NE(repair[3]["content"].get<std::string>().find("not valid JSON"), std::string::npos);
  // The recorded stream's last chunk holds its usage; ours adds 140.
  const Json usage =
      Json::parse(recorded.substr(recorded.rfind("data: {") + 6, recorded.find('\n', recorded.rfind("data: {")) -
                                                                     recorded.rfind("data: {") - 6))["usage"];
  EXPECT_EQ(r.output["usage"]["total_tokens"], usage["total_tokens"].get<int>() + 140);
}

TEST(AiLlmStream, TheRecordedStructuredStreamIsValidatedLikeAnyAnswer) {
  Harness h;
  h.llm_config["stream"] = true;
  h.llm_config["fallback"] = false;
  h.llm_config["max_repairs"] = 0;
  // The recorded answer is a location ({"city": ..., "temperature": ...}): valid JSON, the wrong schema.
  h.api.answer_sse(read_fixture("openai_chat_stream_structured_location.sse"));
  const StepResult r = h.extract(kCaption);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code, "bad_output");
  EXPECT_NE(r.error.find("breaks the schema"), std::string::npos) << r.error;
}

TEST(AiLlmStream, AStreamCutAtTheTokenLimitIsTheSameErrorAsUnstreamed) {
  Harness h;
  h.llm_config["stream"] = true;
  h.llm_config["fallback"] = false;
  h.api.answer_sse(read_fixture("openai_chat_stream_max_tokens_length.sse"));
  const StepResult streamed = h.extract(kCaption);
  ASSERT_FALSE(streamed.ok());
  EXPECT_EQ(streamed.code, "bad_output");
  EXPECT_NE(streamed.error.find("cut at its token limit (finish_reason length, 1 completion tokens)"),
            std::string::npos)
      << streamed.error;
  EXPECT_EQ(h.api.calls(), 1);  // not repaired

  Harness plain;
  plain.llm_config["fallback"] = false;
  Json cut = completion("{\"");
  cut["choices"][0]["finish_reason"] = "length";
  cut["usage"] = {{"prompt_tokens", 79}, {"completion_tokens", 1}, {"total_tokens", 80}};
  plain.api.answer(200, cut);
  const StepResult unstreamed = plain.extract(kCaption);
  ASSERT_FALSE(unstreamed.ok());
  EXPECT_EQ(unstreamed.error, streamed.error);
}

TEST(AiLlmStream, AMalformedChunkIsABadOutputErrorNamingTheEvent) {
  Harness h;
  h.llm_config["stream"] = true;
  h.llm_config["fallback"] = false;
  h.llm_config["max_attempts"] = 1;
  const std::string good = sse_of(valid_entry().dump(), 10, 10);
  const size_t second = good.find("data: ", 1);
  h.api.answer_sse(good.substr(0, second) + "data: {\"choices\": [{\"delta\": \n\n" + good.substr(second));
  const StepResult r = h.extract(kCaption);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.code, "bad_output");
  EXPECT_NE(r.error.find("event 2 is not a JSON object"), std::string::npos) << r.error;

  // Without the fallback off, the built-in extractors answer and say why.
  Harness f;
  f.llm_config["stream"] = true;
  f.api.answer_sse("data: [1, 2]\n\n");
  const StepResult fell = f.extract(kCaption);
  ASSERT_TRUE(fell.ok()) << fell.error;
  EXPECT_EQ(fell.output["backend"], "builtin");
  EXPECT_NE(fell.output["fallback_reason"].get<std::string>().find("event 1 is not a JSON object"), std::string::npos)
      << fell.output["fallback_reason"];
}

}  // namespace
}  // namespace linkhub::ai_llm_test
