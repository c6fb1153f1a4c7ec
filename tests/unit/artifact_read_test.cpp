// ArtifactStore::stat and ::read, the interface every store backend offers
// for serving artifacts: size and media type without reading, and a byte
// range handed over in chunks of at most 64 KiB, stopping when the sink says so.
#include "temp_dir.hpp"

#include <linkhub/engine/artifact_store.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace linkhub {
namespace {

class ArtifactRead : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 150000; ++i) {
      content_ += static_cast<char>((i * 13 + i / 977) & 0xff);
    }
    const auto file = dir_.path() / "clip.MP4";
    std::ofstream(file, std::ios::binary) << content_;
    auto stored = store_.put_file(file);
    ASSERT_TRUE(stored.ok()) << stored.error().message;
    hash_ = stored->hash;
  }

  test::TempDir dir_;
  ArtifactStore store_{dir_.path() / "store"};
  std::string content_;
  std::string hash_;
};

TEST_F(ArtifactRead, StatGivesSizeAndMediaTypeFromTheExtension) {
  auto info = store_.stat(hash_);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->hash, hash_);
  EXPECT_EQ(info->bytes, content_.size());
  EXPECT_EQ(info->media_type, "video/mp4");
  EXPECT_EQ(store_.stat(hash_.substr(7))->hash, hash_);  // bare hex
  EXPECT_EQ(store_.stat("sha256:" + std::string(64, '0')).error().code, "not_found");
  EXPECT_EQ(store_.stat("sha256:xyz").error().code, "invalid_input");
  EXPECT_EQ(media_type_of_extension(".jpeg"), "image/jpeg");
  EXPECT_EQ(media_type_of_extension("webp"), "image/webp");
  EXPECT_EQ(media_type_of_extension(".exe"), "application/octet-stream");
}

TEST_F(ArtifactRead, ReadsARangeInChunksOfAtMost64KiB) {
  std::string got;
  size_t chunks = 0;
  auto n = store_.read(hash_, 1000, 140000, [&](std::string_view chunk) {
    EXPECT_LE(chunk.size(), size_t{64} << 10);
    got.append(chunk);
    ++chunks;
    return true;
  });
  ASSERT_TRUE(n.ok()) << n.error().message;
  EXPECT_EQ(*n, 140000u);
  EXPECT_EQ(got, content_.substr(1000, 140000));
  EXPECT_EQ(chunks, 3u);
}

TEST_F(ArtifactRead, StopsWhenTheSinkSaysSoAndAtTheEnd) {
  size_t calls = 0;
  auto stopped = store_.read(hash_, 0, content_.size(), [&](std::string_view) { return ++calls < 1; });
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(calls, 1u);
  EXPECT_EQ(*stopped, size_t{64} << 10);

  std::string tail;
  auto past = store_.read(hash_, content_.size() - 10, 1000, [&](std::string_view c) {
    tail.append(c);
    return true;
  });
  ASSERT_TRUE(past.ok());
  EXPECT_EQ(*past, 10u);
  EXPECT_EQ(tail, content_.substr(content_.size() - 10));
  EXPECT_EQ(*store_.read(hash_, content_.size() + 5, 10, [](std::string_view) { return true; }), 0u);
  EXPECT_EQ(store_.read("sha256:" + std::string(64, '1'), 0, 1, [](std::string_view) { return true; }).error().code,
            "not_found");
}

}  // namespace
}  // namespace linkhub
