// workflows/announce-product.yaml end to end through the real `linkhub`
// binary on SQLite, against the Cloud API stand-in: three contacts, one of
// whom opted out (gets nothing), one whose send the API refuses with a
// recorded error (reported, the others go on), one who gets the template
// with the product's title and price. Paged: one run per page of
// subscribers, each contact messaged once. `linkhub validate --strict` passes.
#include "cli_runner.hpp"
#include "whatsapp_test_support.hpp"

#include <algorithm>

namespace linkhub::whatsapp_test {
namespace {

using test::shell_quote;

constexpr const char* kAna = "15550000001";
constexpr const char* kBruno = "15550000002";
constexpr const char* kCarla = "15550000003";

constexpr const char* kSeedYaml = R"yaml(name: seed-product
steps:
  - id: save
    uses: catalog.upsert
    with:
      source: manual
      video_id: red-sneakers
      title: Red sneakers
      price: { amount: 59.99, currency: USD }
outputs:
  product_id: "${{ steps.save.outputs.product_id }}"
)yaml";

fs::path workflow() {
  return fs::path(LINKHUB_SOURCE_DIR) / "workflows" / "announce-product.yaml";
}

class AnnounceProduct : public ::testing::Test {
 protected:
  void SetUp() override {
    h.database = (dir_.path() / "runs.db").string();
    std::ofstream(dir_.path() / "linkhub.yaml")
        << "database: " << h.database << "\n"
        << "artifact_dir: " << (dir_.path() / "artifacts").string() << "\n"
        << "http: { allow: [\"127.0.0.1\"] }\n"
        << "plugins:\n  whatsapp: { base_url: \"" << h.api.base_url() << "\", api_version: v21.0, phone_number_id: \""
        << kPhoneNumberId << "\", recipient_interval_ms: 0, timeout_ms: 5000 }\n"
        << "secrets: { WHATSAPP_TOKEN: \"" << kToken << "\", WHATSAPP_APP_SECRET: \"" << kAppSecret << "\" }\n";
    std::ofstream(dir_.path() / "seed.yaml") << kSeedYaml;
    const Json seeded = run(dir_.path() / "seed.yaml", "");
    product_id = seeded["outputs"].value("product_id", 0);
    ASSERT_GT(product_id, 0) << seeded.dump(2);

    // Three contacts wrote; Carla then opted out.
    const long long now = unix_now_s();
    for (const auto& [from, wamid] : {std::pair{kAna, "wamid.a"}, {kBruno, "wamid.b"}, {kCarla, "wamid.c"}}) {
      ASSERT_TRUE(h.inbound_text(from, "hi", now - 60, wamid).ok());
    }
    ASSERT_TRUE(h.inbound_text(kCarla, "STOP", now - 30, "wamid.c.stop").ok());
    h.api.number_wamids();
    // Bruno's number is refused by the API with a recorded answer (invalid parameter).
    h.api.answer_for(kBruno, 400, openapi_error(100).dump());
  }

  Json run(const fs::path& file, const std::string& inputs) const {
    const test::CliResult r =
        test::run_linkhub("run " + shell_quote(file.string()) + " --config " +
                          shell_quote((dir_.path() / "linkhub.yaml").string()) + inputs + " --format json");
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(r.out.find(kToken), std::string::npos);
    EXPECT_EQ(r.err.find(kToken), std::string::npos);
    Json doc = Json::parse(r.out, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << r.describe();
    return doc.is_discarded() ? Json::object() : doc;
  }

  std::vector<std::string> sorted_recipients() const {
    auto out = h.api.recipients();
    std::sort(out.begin(), out.end());
    return out;
  }

  test::TempDir dir_{"linkhub-announce-"};
  Harness h;
  int64_t product_id = 0;
};

TEST_F(AnnounceProduct, ValidatesStrictly) {
  const test::CliResult r = test::run_linkhub("validate --strict " + shell_quote(workflow().string()));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
}

TEST_F(AnnounceProduct, TheTemplateGoesToEverySubscriberButTheOptedOutAndAFailureIsReported) {
  const Json doc = run(workflow(), " --input product_id=" + std::to_string(product_id));
  ASSERT_EQ(doc.value("status", ""), "succeeded") << doc.dump(2);
  // Carla opted out: no request for her at all.
  EXPECT_EQ(sorted_recipients(), (std::vector<std::string>{kAna, kBruno}));
  EXPECT_EQ(doc["outputs"]["sent"], 1) << doc.dump(2);
  ASSERT_EQ(doc["outputs"]["failed"].size(), 1u) << doc.dump(2);
  EXPECT_EQ(doc["outputs"]["failed"][0]["to"], "+" + std::string(kBruno));
  EXPECT_EQ(doc["outputs"]["failed"][0]["code"], "invalid_input");
  EXPECT_TRUE(doc["outputs"]["next_page_run"].is_null()) << doc.dump(2);

  // Ana's message is the approved template with the product's title and price, and no header (no picture).
  for (const auto& request : h.api.requests()) {
    const Json body = Json::parse(request.body);
    if (body["to"] != kAna) {
      continue;
    }
    EXPECT_EQ(body["type"], "template");
    EXPECT_EQ(body["template"]["name"], "new_product");
    EXPECT_EQ(body["template"]["language"]["code"], "en");
    ASSERT_EQ(body["template"]["components"].size(), 1u) << body.dump();
    const Json& params = body["template"]["components"][0]["parameters"];
    EXPECT_EQ(body["template"]["components"][0]["type"], "body");
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0]["text"], "Red sneakers");
    EXPECT_EQ(params[1]["text"], "59.99 USD");
  }
  // And it is in Ana's conversation, outbound, as a template.
  const StepResult conversation = h.call("conversation", {{"wa_id", kAna}});
  ASSERT_TRUE(conversation.ok()) << conversation.error;
  EXPECT_EQ(conversation.output["messages"][0]["direction"], "out");
  EXPECT_EQ(conversation.output["messages"][0]["type"], "template");
  EXPECT_EQ(conversation.output["messages"][0]["text"], "[template new_product] Red sneakers 59.99 USD");
}

TEST_F(AnnounceProduct, PageByPageEachSubscriberIsMessagedOnce) {
  const Json doc = run(workflow(), " --input product_id=" + std::to_string(product_id) + " --input page_size=1");
  ASSERT_EQ(doc.value("status", ""), "succeeded") << doc.dump(2);
  EXPECT_TRUE(doc["outputs"]["next_page_run"].is_string()) << doc.dump(2);
  // Ana on the first page, Bruno on the second (a run of its own); Carla on none.
  EXPECT_EQ(sorted_recipients(), (std::vector<std::string>{kAna, kBruno}));
}

TEST_F(AnnounceProduct, AnUnknownProductMessagesNobody) {
  const test::CliResult r = test::run_linkhub("run " + shell_quote(workflow().string()) + " --config " +
                                              shell_quote((dir_.path() / "linkhub.yaml").string()) +
                                              " --input product_id=999999 --format json");
  EXPECT_NE(r.exit_code, 0) << r.describe();
  EXPECT_NE((r.out + r.err).find("no such product"), std::string::npos) << r.describe();
  EXPECT_EQ(h.api.calls(), 0);
}

}  // namespace
}  // namespace linkhub::whatsapp_test
