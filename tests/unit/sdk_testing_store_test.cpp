// The test kit's artifact store (linkhub/testing.hpp): what a test seeds with
// FakeContext::put_artifact is what a step finds through ctx.artifact_path,
// laid out as linkhub's own store lays it out.
#include "temp_dir.hpp"

#include <linkhub/plugin.hpp>
#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace linkhub {
namespace {

namespace lt = sdk::testing;
namespace fs = std::filesystem;

// Stores input.file and reports what artifact_path then says of its hash.
class Keep : public sdk::Step {
 public:
  static constexpr const char* name = "keep";
  static constexpr const char* description = "Stores a file as an artifact.";
  static sdk::Json input_schema() { return {{"type", "object"}}; }
  static sdk::Json output_schema() { return {{"type", "object"}}; }
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override {
    sdk::Json stored = ctx.put_artifact(input.at("file").get<std::string>(), "text/plain");
    stored["found_at"] = ctx.artifact_path(stored["hash"].get<std::string>());
    stored["unknown"] = ctx.artifact_path("sha256:" + std::string(64, '0'));
    return stored;
  }
};

// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
constexpr const char* kAbcHash = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(SdkTestingStore, PutArtifactKeepsContentOnceWhereLinkhubWould) {
  test::TempDir dir;
  std::ofstream(dir.path() / "a.TXT") << "abc";
  std::ofstream(dir.path() / "b.txt") << "abc";
  lt::FakeContext ctx;
  ctx.artifact_store = dir.path() / "store";
  const sdk::Json a = ctx.put_artifact(dir.path() / "a.TXT", "text/plain");
  EXPECT_EQ(a["hash"], kAbcHash);
  EXPECT_EQ(a["bytes"], 3);
  EXPECT_EQ(a["media_type"], "text/plain");
  EXPECT_EQ(a["path"], (dir.path() / "store" / "objects" / "ba" / (std::string(kAbcHash + 7) + ".txt")).string());
  const sdk::Json b = ctx.put_artifact(dir.path() / "b.txt");
  EXPECT_EQ(b["path"], a["path"]);  // the same content: the same file
  EXPECT_EQ(ctx.artifact_path(kAbcHash), fs::path(a["path"].get<std::string>()));
  EXPECT_TRUE(ctx.artifact_path("sha256:" + std::string(64, 'f')).empty());
  EXPECT_TRUE(ctx.artifact_path("sha256:../../etc/passwd").empty());
  EXPECT_TRUE(ctx.artifact_path(std::string(kAbcHash + 7)).empty());  // no "sha256:"
  EXPECT_THROW(ctx.put_artifact(dir.path() / "missing.txt"), std::runtime_error);
}

TEST(SdkTestingStore, AStepSeesTheStoreThroughItsContext) {
  test::TempDir dir;
  std::ofstream(dir.path() / "note.txt") << "abc";
  lt::FakeContext ctx;
  ctx.artifact_store = dir.path() / "store";
  const lt::StepResult r = lt::run_step<Keep>(ctx, {{"file", (dir.path() / "note.txt").string()}});
  ASSERT_EQ(r.status, LH_OK) << r.error;
  EXPECT_EQ(r.output["hash"], kAbcHash);
  EXPECT_EQ(r.output["found_at"], r.output["path"]);
  EXPECT_EQ(r.output["unknown"], "");
  EXPECT_EQ(ctx.artifact_path(kAbcHash).string(), r.output["path"]);

  const lt::StepResult missing = lt::run_step<Keep>(ctx, {{"file", (dir.path() / "nope.txt").string()}});
  EXPECT_EQ(missing.status, LH_ERROR);
  EXPECT_NE(missing.error.find("cannot read"), std::string::npos) << missing.error;
  EXPECT_NE(missing.error.find("nope.txt"), std::string::npos) << missing.error;
}

}  // namespace
}  // namespace linkhub
