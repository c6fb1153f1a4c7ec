// Two `linkhub serve` processes on one PostgreSQL database and one S3 bucket,
// each with its own artifact folder: node A runs tiktok-to-catalog with the
// local provider on a rendered sample video and saves a product with
// thumbnails; node B, whose folder is empty, serves those thumbnails by
// GET /api/v1/artifacts/{hash} and by the signed /media link in its product
// answer, with the bytes A serves. Needs LINKHUB_TEST_PG and LINKHUB_TEST_S3.
#include "child_process.hpp"
#include "http_client.hpp"
#include "s3_test_server.hpp"
#include "test_databases.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kVideoId = "7301458823650102534";  // examples/tiktok: @linen.lab
constexpr const char* kVideoUrl = "https://www.tiktok.com/@linen.lab/video/7301458823650102534";

size_t files_under(const fs::path& dir) {
  size_t n = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    n += it->is_regular_file() ? 1 : 0;
  }
  return n;
}

// The path and query of an absolute URL.
std::string target_of(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

class TwoNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    LINKHUB_REQUIRE_S3();
    if (!test::postgres_unavailable_reason().empty()) {
      GTEST_SKIP() << "\n\n*** " << test::postgres_unavailable_reason() << " ***\n";
    }
    db_ = test::fresh_database("postgres");
    dir_ = fs::path(::testing::TempDir()) / ("two-nodes-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::string samples = (dir_ / "samples").string();
    const std::string make =
        std::string(LINKHUB_SOURCE_DIR) + "/examples/make-samples.sh " + samples + " " + kVideoId + " >/dev/null";
    ASSERT_EQ(std::system(make.c_str()), 0) << make;
    const std::string prefix = test::s3_test_prefix();
    for (const char* node : {"a", "b"}) {
      std::ofstream(dir_ / (std::string(node) + ".yaml"))
          << "artifact_dir: " << (dir_ / ("artifacts-" + std::string(node))).string() << "\n"
          << "storage:\n  backend: s3\n  endpoint: " << test::s3_endpoint() << "\n  bucket: " << test::kS3Bucket
          << "\n  prefix: " << prefix << "\n"
          << "secrets:\n  S3_ACCESS_KEY: " << test::kS3AccessKey << "\n  S3_SECRET_KEY: " << test::kS3SecretKey << "\n"
          << "plugins:\n  tiktok:\n    provider: local\n    local_dir: " << samples << "\n";
    }
    test::ChildProcess keys({LINKHUB_BINARY, "keys", "create", "--role", "operator", "--db", db_}, {}, dir_.string());
    const auto line = keys.read_until("lhk_");
    ASSERT_TRUE(line.has_value()) << keys.transcript();
    ASSERT_EQ(keys.wait().code, 0) << keys.transcript();
    key_ = *line;
  }

  // `linkhub serve` with node's config on an ephemeral port; returns its port.
  uint16_t serve(std::unique_ptr<test::ChildProcess>& child, const std::string& node) {
    child = std::make_unique<test::ChildProcess>(
        std::vector<std::string>{LINKHUB_BINARY, "serve", "--listen", "127.0.0.1:0", "--db", db_, "--config",
                                 (dir_ / (node + ".yaml")).string(), "--workflows",
                                 std::string(LINKHUB_SOURCE_DIR) + "/workflows", "--threads", "2"},
        std::map<std::string, std::string>{}, dir_.string());
    const auto listening = child->read_until("serve.listening");
    EXPECT_TRUE(listening.has_value()) << child->transcript();
    if (!listening) {
      return 0;
    }
    return Json::parse(*listening)["port"].get<uint16_t>();
  }

  std::unique_ptr<test::HttpClient> client(uint16_t port, bool credentials = true) const {
    auto c = std::make_unique<test::HttpClient>(port);
    if (credentials) {
      c->set_default_headers({{"Authorization", "Bearer " + key_}});
    }
    return c;
  }

  std::string db_;
  std::string key_;
  fs::path dir_;
};

TEST_F(TwoNodes, ThumbnailsSavedOnOneNodeAreServedByTheOther) {
  std::unique_ptr<test::ChildProcess> a;
  std::unique_ptr<test::ChildProcess> b;
  const uint16_t port_a = serve(a, "a");
  ASSERT_GT(port_a, 0);

  // Node A imports the video. A wait answers within 60 s at most: asking
  // again with the same key waits for the same run (bounded).
  auto on_a = client(port_a);
  const std::string body = Json{{"inputs", {{"url", kVideoUrl}}}}.dump();
  test::HttpAnswer run;
  for (int i = 0; i < 5; ++i) {
    run = on_a->post_json("/api/v1/workflows/tiktok-to-catalog/runs?wait=60s", body,
                          {{"Idempotency-Key", "two-nodes-import"}});
    if (run.status != 202) {
      break;
    }
  }
  ASSERT_EQ(run.status, 200) << run.body << "\n" << a->transcript();
  ASSERT_EQ(run.json()["status"], "succeeded") << run.body;
  Json product = run.json()["outputs"]["product"];
  ASSERT_FALSE(product["thumbnails"].empty()) << product.dump(2);
  ASSERT_EQ(files_under(dir_ / "artifacts-b"), 0u);

  const uint16_t port_b = serve(b, "b");
  ASSERT_GT(port_b, 0);
  auto on_b = client(port_b);
  const auto listed = on_b->get("/api/v1/products");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["products"].size(), 1u) << listed.body;
  const Json thumbnails = listed.json()["products"][0]["thumbnails"];
  ASSERT_EQ(thumbnails.size(), product["thumbnails"].size()) << listed.body;

  auto anonymous_b = client(port_b, false);
  for (const Json& thumb : thumbnails) {
    const std::string hash = thumb.value("hash", "");
    ASSERT_EQ(hash.rfind("sha256:", 0), 0u) << thumb.dump();
    const std::string hex = hash.substr(7);
    const auto from_a = on_a->get("/api/v1/artifacts/" + hex);
    ASSERT_EQ(from_a.status, 200) << from_a.body;
    ASSERT_FALSE(from_a.body.empty());
    // B has never seen these bytes: it fetches them from the bucket.
    const auto from_b = on_b->get("/api/v1/artifacts/" + hex);
    ASSERT_EQ(from_b.status, 200) << from_b.body << "\n" << b->transcript();
    EXPECT_EQ(from_b.body, from_a.body) << hash;
    // And by the signed link in B's product answer, with no credentials.
    const std::string url = thumb.value("url", "");
    ASSERT_NE(url.find("/media/" + hex + "?exp="), std::string::npos) << url;
    const auto linked = anonymous_b->get(target_of(url));
    ASSERT_EQ(linked.status, 200) << linked.body;
    EXPECT_EQ(linked.body, from_a.body) << url;
  }

  for (auto* node : {a.get(), b.get()}) {
    node->kill(SIGTERM);
    EXPECT_EQ(node->wait().code, 0) << node->transcript();
  }
}

}  // namespace
}  // namespace linkhub
