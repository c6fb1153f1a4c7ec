// The content-addressed artifact store, directly and through the plugin ABI.
#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;

class ArtifactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("artifacts-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "in");
  }
  fs::path write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / "in" / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  size_t stored_files() {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_ / "store")) {
      n += e.is_regular_file() ? 1 : 0;
    }
    return n;
  }
  fs::path dir_;
};

TEST_F(ArtifactStoreTest, SameContentIsStoredOnceUnderItsSha256) {
  ArtifactStore store(dir_ / "store");
  auto a = store.put_file(write("a.JPG", "abc"), "image/jpeg");
  auto b = store.put_file(write("b.jpg", "abc"));
  ASSERT_TRUE(a.ok() && b.ok());
  // SHA-256("abc"), the FIPS 180-2 test vector.
  EXPECT_EQ(a->hash, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(a->path, b->path);
  EXPECT_EQ(a->path.extension(), ".jpg");
  EXPECT_EQ(a->bytes, 3u);
  EXPECT_EQ(a->media_type, "image/jpeg");
  EXPECT_EQ(stored_files(), 1u);
  auto c = store.put_file(write("c.jpg", "abd"));
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c->hash, a->hash);
  EXPECT_EQ(stored_files(), 2u);
  EXPECT_EQ(store.path_of(a->hash), a->path);
  EXPECT_EQ(store.path_of(a->hash.substr(7)), a->path);
}

TEST_F(ArtifactStoreTest, RefusesWhatIsNotAFileAndUnknownHashes) {
  ArtifactStore store(dir_ / "store");
  auto missing = store.put_file(dir_ / "in" / "nope.mp4");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("nope.mp4"), std::string::npos);
  EXPECT_FALSE(store.put_file(dir_ / "in").ok());
  EXPECT_TRUE(store.path_of("sha256:" + std::string(64, 'a')).empty());
  EXPECT_TRUE(store.path_of("../../etc/passwd").empty());
  EXPECT_TRUE(store.path_of("").empty());
}

TEST_F(ArtifactStoreTest, PluginsStoreThroughTheirContext) {
  PluginHost host;
  host.load_directory(LINKHUB_EFFECTS_PLUGIN_DIR);
  const LoadedStep* step = host.step("effects.store");
  ASSERT_NE(step, nullptr);
  ArtifactStore store(dir_ / "store");
  StepCall call;
  call.artifact_dir = (dir_ / "run").string();
  call.artifacts = &store;
  call.database_url = "/data/runs.db";
  StepOutcome out = host.invoke(*step, call, R"({"text": "hello"})");
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const std::string hash = out.output.value("hash", "");
  EXPECT_EQ(hash.rfind("sha256:", 0), 0u) << out.output.dump();
  EXPECT_EQ(out.output.value("media_type", ""), "text/plain");
  std::ifstream stored(out.output.value("path", ""));
  std::string text;
  std::getline(stored, text);
  EXPECT_EQ(text, "hello");

  StepOutcome found = host.invoke(*step, call, Json{{"hash", hash}}.dump());
  ASSERT_EQ(found.status, LH_OK) << found.error;
  EXPECT_EQ(found.output.value("path", ""), out.output.value("path", ""));
  EXPECT_EQ(found.output.value("database", ""), "/data/runs.db");

  // A host without a store says so instead of crashing.
  StepCall bare;
  bare.artifact_dir = (dir_ / "run2").string();
  StepOutcome refused = host.invoke(*step, bare, R"({"text": "x"})");
  EXPECT_NE(refused.status, LH_OK);
  EXPECT_NE(refused.error.find("no artifact store"), std::string::npos) << refused.error;
}

}  // namespace
}  // namespace linkhub
