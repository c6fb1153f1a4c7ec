// The storage plugin (plugins/storage) through the C ABI, against the S3-protocol test server
// (tests/support/s3_test_server.hpp): put an artifact or a file, get it back
// as an artifact, presign a GET anyone can follow; coded, secret-free errors.
#include "builtin_plugins.hpp"
#include "http_client.hpp"
#include "s3_test_server.hpp"
#include "temp_dir.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

class StorageSteps : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_.path() / "run");
    prefix_ = test::s3_test_prefix();
  }

  Json config() const {
    return {{"endpoint", test::s3_endpoint()},    {"bucket", test::kS3Bucket},   {"access_key_secret", "SHOP_KEY"},
            {"secret_key_secret", "SHOP_SECRET"}, {"multipart_threshold_mb", 5}, {"part_size_mb", 5}};
  }

  StepOutcome call(const std::string& step, const Json& input, Json plugin_config) {
    StepCall c;
    c.step_id = "s1";
    c.artifact_dir = (dir_.path() / "run").string();
    c.plugin_config = plugin_config.dump();
    c.artifacts = &store_;
    c.http_allow = {"127.0.0.1"};
    c.secret = [this](std::string_view name) -> std::optional<std::string> {
      if (name == "SHOP_KEY") {
        return access_;
      }
      if (name == "SHOP_SECRET") {
        return secret_;
      }
      return std::nullopt;
    };
    const LoadedStep* s = test::builtin_plugins().step("storage." + step);
    EXPECT_NE(s, nullptr);
    return s == nullptr ? StepOutcome{} : test::builtin_plugins().invoke(*s, c, input.dump());
  }
  StepOutcome call(const std::string& step, const Json& input) { return call(step, input, config()); }

  fs::path write(const std::string& name, const std::string& bytes) {
    const fs::path p = dir_.path() / "run" / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
  }

  // GET of a URL on the test server, with no credentials.
  static test::HttpAnswer fetch(const std::string& url) {
    const std::string endpoint = test::s3_endpoint();
    const auto port = static_cast<uint16_t>(std::stoi(endpoint.substr(endpoint.rfind(':') + 1)));
    EXPECT_EQ(url.rfind(endpoint, 0), 0u) << url;
    return test::HttpClient(port).get(url.substr(endpoint.size()));
  }

  TempDir dir_;
  ArtifactStore store_{dir_.path() / "store"};
  std::string prefix_;
  std::string access_ = test::kS3AccessKey;
  std::string secret_ = test::kS3SecretKey;
};

TEST_F(StorageSteps, PutGetAndPresignAnArtifact) {
  LINKHUB_REQUIRE_S3();
  auto artifact = store_.put_file(write("cover.jpg", "cover bytes"), "image/jpeg");
  ASSERT_TRUE(artifact.ok());
  const std::string key = prefix_ + "products/42/cover.jpg";

  auto put = call("put", {{"key", key}, {"artifact", artifact->hash}});
  ASSERT_EQ(put.status, LH_OK) << put.error;
  EXPECT_EQ(put.output["bytes"], 11);
  EXPECT_EQ(put.output["content_type"], "image/jpeg");
  EXPECT_EQ(put.output["url"], test::s3_endpoint() + "/" + test::kS3Bucket + "/" + key);

  store_ = ArtifactStore(dir_.path() / "store2");  // a fresh store: the artifact comes from the bucket
  auto get = call("get", {{"key", key}});
  ASSERT_EQ(get.status, LH_OK) << get.error;
  EXPECT_EQ(get.output["hash"], artifact->hash);
  EXPECT_EQ(get.output["media_type"], "image/jpeg");
  EXPECT_EQ(store_.path_of(artifact->hash), fs::path(get.output["path"].get<std::string>()));

  auto presign = call("presign", {{"key", key}, {"expires_in", 600}});
  ASSERT_EQ(presign.status, LH_OK) << presign.error;
  const std::string url = presign.output["url"];
  EXPECT_NE(url.find("X-Amz-Signature="), std::string::npos);
  const auto answer = fetch(url);
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.body, "cover bytes");

  // A URL signed with keys the server does not know is refused (s3rver checks
  // the access key, not V4 signatures: those the SigV4 vectors check).
  access_ = "UNKNOWN-ACCESS-KEY";
  auto stranger = call("presign", {{"key", key}});
  ASSERT_EQ(stranger.status, LH_OK) << stranger.error;
  EXPECT_EQ(fetch(stranger.output["url"]).status, 403);
}

TEST_F(StorageSteps, PutsAFileOfTheRunInParts) {
  LINKHUB_REQUIRE_S3();
  std::string big((11u << 20) + 1, 'v');
  for (size_t i = 0; i < big.size(); i += 4099) {
    big[i] = static_cast<char>('a' + i % 26);
  }
  write("video.mp4", big);
  auto put = call("put", {{"key", prefix_ + "v.mp4"}, {"file", "video.mp4"}});
  ASSERT_EQ(put.status, LH_OK) << put.error;
  EXPECT_EQ(put.output["bytes"], big.size());
  EXPECT_EQ(put.output["content_type"], "video/mp4");
  auto get = call("get", {{"key", prefix_ + "v.mp4"}});
  ASSERT_EQ(get.status, LH_OK) << get.error;
  EXPECT_EQ(get.output["bytes"], big.size());
  EXPECT_EQ(*sha256_file(get.output["path"].get<std::string>()), *sha256_file(dir_.path() / "run" / "video.mp4"));
}

TEST_F(StorageSteps, RefusedCredentialsAreUnauthorizedAndNeverShown) {
  LINKHUB_REQUIRE_S3();
  access_ = "UNKNOWN-ACCESS-KEY";
  secret_ = "not-the-secret-0123456789";
  write("a.txt", "a");
  auto put = call("put", {{"key", prefix_ + "a.txt"}, {"file", "a.txt"}});
  ASSERT_NE(put.status, LH_OK);
  EXPECT_EQ(put.code, "unauthorized") << put.error;
  EXPECT_NE(put.error.find("credentials were refused"), std::string::npos) << put.error;
  EXPECT_EQ(put.error.find(secret_), std::string::npos);
  EXPECT_EQ(put.details.dump().find(secret_), std::string::npos);
  auto get = call("get", {{"key", prefix_ + "a.txt"}});
  EXPECT_EQ(get.code, "unauthorized") << get.error;
}

TEST_F(StorageSteps, MissingThingsAreNamed) {
  LINKHUB_REQUIRE_S3();
  auto get = call("get", {{"key", prefix_ + "nothing-here.jpg"}});
  EXPECT_EQ(get.code, "not_found") << get.error;
  EXPECT_NE(get.error.find("nothing-here.jpg"), std::string::npos) << get.error;

  Json no_bucket = config();
  no_bucket["bucket"] = "no-such-shop-bucket";
  write("a.txt", "a");
  auto put = call("put", {{"key", prefix_ + "a.txt"}, {"file", "a.txt"}}, no_bucket);
  EXPECT_EQ(put.code, "not_found") << put.error;
  EXPECT_NE(put.error.find("'no-such-shop-bucket'"), std::string::npos) << put.error;
  EXPECT_NE(put.error.find("does not exist"), std::string::npos) << put.error;

  auto unknown = call("put", {{"key", prefix_ + "x"}, {"artifact", "sha256:" + std::string(64, 'b')}});
  EXPECT_EQ(unknown.code, "not_found") << unknown.error;
}

// No server needed for these.
TEST_F(StorageSteps, BadInputAndConfigurationAreClear) {
  auto unconfigured = call("presign", {{"key", "a"}}, Json::object());
  EXPECT_EQ(unconfigured.code, "invalid_input");
  EXPECT_NE(unconfigured.error.find("plugins.storage"), std::string::npos) << unconfigured.error;

  Json offline = config();
  offline["endpoint"] = "http://127.0.0.1:9";
  auto slash = call("presign", {{"key", "/a"}}, offline);
  EXPECT_EQ(slash.code, "invalid_input");
  auto both = call("put", {{"key", "a"}, {"file", "x"}, {"artifact", "sha256:00"}}, offline);
  EXPECT_EQ(both.code, "invalid_input") << both.error;
  auto outside = call("put", {{"key", "a"}, {"file", "/etc/hostname"}}, offline);
  EXPECT_EQ(outside.code, "forbidden") << outside.error;

  // Presigning is offline: the URL is the object's, signed for the expiry asked.
  secret_ = "offline-secret-0123456789";
  auto presign = call("presign", {{"key", "a b.jpg"}, {"expires_in", 60}}, offline);
  ASSERT_EQ(presign.status, LH_OK) << presign.error;
  const std::string url = presign.output["url"];
  EXPECT_EQ(url.rfind("http://127.0.0.1:9/" + std::string(test::kS3Bucket) + "/a%20b.jpg?", 0), 0u) << url;
  EXPECT_NE(url.find("X-Amz-Expires=60"), std::string::npos);
  EXPECT_NE(url.find("X-Amz-Credential=S3RVER%2F"), std::string::npos);
  EXPECT_EQ(url.find(secret_), std::string::npos);

  Json virtual_host = offline;
  virtual_host["addressing"] = "virtual";
  virtual_host["endpoint"] = "https://s3.eu-west-1.amazonaws.com";
  auto vh = call("presign", {{"key", "k"}}, virtual_host);
  ASSERT_EQ(vh.status, LH_OK) << vh.error;
  EXPECT_EQ(vh.output["url"].get<std::string>().rfind("https://linkhub-test.s3.eu-west-1.amazonaws.com/k?", 0), 0u);
}

}  // namespace
}  // namespace linkhub
