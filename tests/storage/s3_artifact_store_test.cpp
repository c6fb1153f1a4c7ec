// The `s3` artifact backend against a real S3-protocol server (s3rver, see
// tests/support/s3_test_server.hpp): put, stat, read, the same bytes kept
// once, multipart uploads, two nodes sharing a bucket, and clear errors for
// refused credentials and a missing bucket.
#include "s3_test_server.hpp"
#include "temp_dir.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/config.hpp>
#include <linkhub/engine/s3_artifact_remote.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

StorageConfig s3_config(const std::string& prefix) {
  StorageConfig s;
  s.backend = "s3";
  s.endpoint = test::s3_endpoint();
  s.bucket = test::kS3Bucket;
  s.prefix = prefix;
  s.multipart_threshold_mb = 5;
  s.part_size_mb = 5;
  return s;
}

std::map<std::string, std::string> good_secrets() {
  return {{"S3_ACCESS_KEY", test::kS3AccessKey}, {"S3_SECRET_KEY", test::kS3SecretKey}};
}

std::shared_ptr<const ArtifactRemote> remote(const StorageConfig& s,
                                             const std::map<std::string, std::string>& secrets = good_secrets()) {
  auto r = make_artifact_remote(s, secrets);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : nullptr;
}

fs::path write_file(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(n, '\0');
  for (char& c : out) {
    c = static_cast<char>(gen() & 0xff);
  }
  return out;
}

std::string read_all(const ArtifactStore& store, const std::string& hash, uint64_t offset = 0,
                     uint64_t length = UINT64_MAX) {
  std::string out;
  auto n = store.read(hash, offset, length, [&](std::string_view chunk) {
    EXPECT_LE(chunk.size(), 64u * 1024u);
    out.append(chunk);
    return true;
  });
  EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
  return out;
}

TEST(S3ArtifactStore, PutStatReadThroughTheBucket) {
  LINKHUB_REQUIRE_S3();
  TempDir dir;
  const auto prefix = test::s3_test_prefix();
  ArtifactStore store(dir.path() / "cache", remote(s3_config(prefix)));
  auto put = store.put_file(write_file(dir.path() / "cover.JPG", "jpeg bytes"), "image/jpeg");
  ASSERT_TRUE(put.ok()) << put.error().message;

  auto stat = store.stat(put->hash);
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->bytes, 10u);
  EXPECT_EQ(stat->media_type, "image/jpeg");
  EXPECT_EQ(read_all(store, put->hash), "jpeg bytes");
  EXPECT_EQ(read_all(store, put->hash, 5, 3), "byt");

  // The bucket has it under its content address, with its type and extension.
  auto object = store.remote()->stat(put->hash.substr(7));
  ASSERT_TRUE(object.ok() && object->has_value());
  EXPECT_EQ((*object)->bytes, 10u);
  EXPECT_EQ((*object)->media_type, "image/jpeg");
  EXPECT_EQ((*object)->extension, ".jpg");

  auto missing = store.stat("sha256:" + std::string(64, 'a'));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "not_found");
}

TEST(S3ArtifactStore, AMovedFileGoesToTheBucketAndAnotherNodeReadsIt) {
  LINKHUB_REQUIRE_S3();
  TempDir dir;
  const auto prefix = test::s3_test_prefix();
  ArtifactStore node_a(dir.path() / "a", remote(s3_config(prefix)));
  ArtifactStore node_b(dir.path() / "b", remote(s3_config(prefix)));
  // As an upload: a file under the store's own root, moved in (renamed, not copied).
  fs::create_directories(dir.path() / "a" / "tmp" / "uploads");
  const fs::path upload = write_file(dir.path() / "a" / "tmp" / "uploads" / "upload-1.mp4", "uploaded video bytes");
  auto moved = node_a.move_file(upload, "video/mp4");
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_FALSE(fs::exists(upload));
  EXPECT_TRUE(fs::exists(moved->path));
  EXPECT_EQ(read_all(node_b, moved->hash), "uploaded video bytes");
  // The same bytes again: the file is consumed, the artifact is the same.
  const fs::path again = write_file(dir.path() / "a" / "tmp" / "uploads" / "upload-2.mp4", "uploaded video bytes");
  auto second = node_a.move_file(again, "video/mp4");
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->hash, moved->hash);
  EXPECT_FALSE(fs::exists(again));
}

TEST(S3ArtifactStore, TheSameBytesAreUploadedOnce) {
  LINKHUB_REQUIRE_S3();
  TempDir dir;
  auto r = remote(s3_config(test::s3_test_prefix()));
  const auto file = write_file(dir.path() / "a.txt", "same bytes");
  const std::string hex = *sha256_file(file);
  auto first = r->put(hex, file, ".txt", "text/plain");
  auto second = r->put(hex, write_file(dir.path() / "b.txt", "same bytes"), ".txt", "text/plain");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_TRUE(*first);    // sent
  EXPECT_FALSE(*second);  // found by HEAD, not sent again
}

TEST(S3ArtifactStore, LargeFilesGoUpInPartsAndComeBackWhole) {
  LINKHUB_REQUIRE_S3();
  TempDir dir;
  const auto prefix = test::s3_test_prefix();
  const std::string bytes = random_bytes((12u << 20) + 12345, 7);  // 3 parts of 5 MiB at most
  ArtifactStore node_a(dir.path() / "a", remote(s3_config(prefix)));
  auto put = node_a.put_file(write_file(dir.path() / "video.mp4", bytes), "video/mp4");
  ASSERT_TRUE(put.ok()) << put.error().message;

  ArtifactStore node_b(dir.path() / "b", remote(s3_config(prefix)));
  const fs::path fetched = node_b.path_of(put->hash);
  ASSERT_FALSE(fetched.empty());
  EXPECT_EQ(fetched.extension(), ".mp4");
  EXPECT_EQ(*sha256_file(fetched), put->hash.substr(7));
  EXPECT_EQ(fs::file_size(fetched), bytes.size());
}

// A thumbnail made on one node is served by another: two stores, two caches, one bucket.
TEST(S3ArtifactStore, OneNodeServesWhatAnotherStored) {
  LINKHUB_REQUIRE_S3();
  TempDir dir;
  const auto prefix = test::s3_test_prefix();
  ArtifactStore node_a(dir.path() / "cache-a", remote(s3_config(prefix)));
  ArtifactStore node_b(dir.path() / "cache-b", remote(s3_config(prefix)));
  const std::string thumb = random_bytes(200000, 3);
  auto put = node_a.put_file(write_file(dir.path() / "thumb.webp", thumb), "image/webp");
  ASSERT_TRUE(put.ok()) << put.error().message;
  EXPECT_FALSE(fs::exists(dir.path() / "cache-b" / "objects"));

  auto stat = node_b.stat(put->hash);
  ASSERT_TRUE(stat.ok()) << stat.error().message;
  EXPECT_EQ(stat->bytes, thumb.size());
  EXPECT_EQ(stat->media_type, "image/webp");
  EXPECT_EQ(read_all(node_b, put->hash), thumb);
  // Now in B's cache, under the same name A gave it.
  EXPECT_EQ(node_b.path_of(put->hash).filename(), node_a.path_of(put->hash).filename());
  EXPECT_TRUE(node_b.path_of(put->hash).string().find("cache-b") != std::string::npos);

  // A sink that stops early ends the read.
  size_t calls = 0;
  auto n = node_b.read(put->hash, 0, thumb.size(), [&](std::string_view) { return ++calls < 2; });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(calls, 2u);
  EXPECT_EQ(*n, 2u * 64u * 1024u);
}

TEST(S3ArtifactStore, RefusedCredentialsAreUnauthorizedWithoutTheSecret) {
  LINKHUB_REQUIRE_S3();
  TempDir dir;
  const std::string wrong_secret = "wrong-secret-value-1234";
  ArtifactStore store(dir.path() / "cache",
                      remote(s3_config(test::s3_test_prefix()),
                             {{"S3_ACCESS_KEY", "UNKNOWN-ACCESS-KEY"}, {"S3_SECRET_KEY", wrong_secret}}));
  auto put = store.put_file(write_file(dir.path() / "x.txt", "x"));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, "unauthorized") << put.error().message;
  EXPECT_NE(put.error().message.find("credentials were refused"), std::string::npos) << put.error().message;
  EXPECT_EQ(put.error().message.find(wrong_secret), std::string::npos);
  EXPECT_EQ(put.error().details.dump().find(wrong_secret), std::string::npos);
}

TEST(S3ArtifactStore, AMissingBucketIsNamed) {
  LINKHUB_REQUIRE_S3();
  TempDir dir;
  StorageConfig s = s3_config(test::s3_test_prefix());
  s.bucket = "no-such-bucket-here";
  ArtifactStore store(dir.path() / "cache", remote(s));
  auto put = store.put_file(write_file(dir.path() / "x.txt", "x"));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, "not_found");
  EXPECT_NE(put.error().message.find("bucket 'no-such-bucket-here'"), std::string::npos) << put.error().message;
  EXPECT_NE(put.error().message.find("does not exist"), std::string::npos) << put.error().message;
}

// No server needed: what the configuration gets wrong is said at start.
TEST(S3ArtifactStoreConfig, IncompleteSettingsAreNamed) {
  StorageConfig s;
  EXPECT_TRUE(make_artifact_remote(s, {}).ok());  // local: no remote
  EXPECT_EQ(*make_artifact_remote(s, {}), nullptr);
  s.backend = "s3";
  s.endpoint = "http://127.0.0.1:1";
  s.bucket = "b";
  auto no_keys = make_artifact_remote(s, {});
  ASSERT_FALSE(no_keys.ok());
  EXPECT_NE(no_keys.error().message.find("'S3_ACCESS_KEY'"), std::string::npos) << no_keys.error().message;
  auto bad_bucket = make_artifact_remote(s, good_secrets());
  ASSERT_FALSE(bad_bucket.ok());
  EXPECT_NE(bad_bucket.error().message.find("bucket 'b'"), std::string::npos) << bad_bucket.error().message;
  s.bucket = "good-bucket";
  s.endpoint = "ftp://x";
  auto bad_endpoint = make_artifact_remote(s, good_secrets());
  ASSERT_FALSE(bad_endpoint.ok());
  EXPECT_NE(bad_endpoint.error().message.find("endpoint"), std::string::npos);
}

TEST(S3ArtifactStoreConfig, TheStorageSectionAndItsVariables) {
  TempDir dir;
  const fs::path file = dir.path() / "linkhub.yaml";
  std::ofstream(file) << "storage:\n  backend: s3\n  endpoint: http://127.0.0.1:9\n  bucket: shop-artifacts\n"
                         "  addressing: virtual\n  prefix: p/\nsecrets:\n  S3_ACCESS_KEY: a\n  S3_SECRET_KEY: b\n";
  ::setenv("LINKHUB_STORAGE_REGION", "eu-west-3", 1);
  auto config = load_config(file);
  ::unsetenv("LINKHUB_STORAGE_REGION");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->storage.backend, "s3");
  EXPECT_EQ(config->storage.bucket, "shop-artifacts");
  EXPECT_FALSE(config->storage.path_style);
  EXPECT_EQ(config->storage.region, "eu-west-3");

  std::ofstream(file) << "storage:\n  backend: s3\n  bucket: shop-artifacts\n  adressing: path\n";
  auto typo = load_config(file);
  ASSERT_FALSE(typo.ok());
  EXPECT_NE(typo.error().message.find("storage.adressing"), std::string::npos) << typo.error().message;
  EXPECT_NE(typo.error().message.find(":4"), std::string::npos) << typo.error().message;
}

}  // namespace
}  // namespace linkhub
