// What an upload is from its first bytes (server/src/http/media_sniff.*):
// the accepted videos and images by their magic numbers, everything else
// named, claims checked against what was found, and MP4 boxes that run past
// the end of the file (a cut-short upload).
#include "http/media_sniff.hpp"

#include <gtest/gtest.h>

#include <string>

namespace linkhub::http {
namespace {

std::string box(const std::string& type, uint32_t size, const std::string& body = "") {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) {
    out += static_cast<char>((size >> shift) & 0xff);
  }
  return out + type + body;
}

const std::string kBrand("isom\0\0\0\0", 8);

TEST(MediaSniff, KnowsTheAcceptedVideosAndImagesByTheirFirstBytes) {
  EXPECT_EQ(sniff_media(box("ftyp", 24, kBrand + "isomavc1")).media->media_type, "video/mp4");
  EXPECT_EQ(sniff_media(box("ftyp", 20, std::string("qt  \0\0\0\0qt  ", 12))).media->media_type, "video/quicktime");
  EXPECT_EQ(sniff_media(std::string("\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm", 12)).media->media_type, "video/webm");
  EXPECT_EQ(sniff_media(std::string("\x1a\x45\xdf\xa3\xa3\x42\x82\x88matroska", 16)).media->media_type,
            "video/x-matroska");
  EXPECT_EQ(sniff_media("\xff\xd8\xff\xe0\x00\x10JFIF").media->extension, ".jpg");
  EXPECT_EQ(sniff_media("\x89PNG\r\n\x1a\n").media->kind, "image");
  EXPECT_EQ(sniff_media(std::string("RIFF\x10\0\0\0WEBPVP8 ", 16)).media->media_type, "image/webp");
}

TEST(MediaSniff, NamesWhatIsNotAVideoOrAnImage) {
  EXPECT_FALSE(sniff_media("hello, this is text\n").media);
  EXPECT_EQ(sniff_media("hello, this is text\n").found, "plain text");
  EXPECT_EQ(sniff_media("<!DOCTYPE html><html>").found, "HTML");
  EXPECT_EQ(sniff_media("%PDF-1.7").found, "a PDF document");
  EXPECT_EQ(sniff_media(std::string("PK\x03\x04", 4)).found, "a ZIP archive");
  EXPECT_EQ(sniff_media("").found, "an empty body");
  EXPECT_NE(sniff_media("GIF89a").found.find("GIF"), std::string::npos);
  EXPECT_NE(sniff_media(box("ftyp", 20, std::string("avif\0\0\0\0avif", 12))).found.find("AVIF"), std::string::npos);
  EXPECT_EQ(sniff_media(std::string("\x01\x02\x03\x00", 4)).found, "unknown data (starting 0x01020300)");
}

TEST(MediaSniff, AClaimFitsTheSameTypeItsAliasesOrNoClaimAtAll) {
  const SniffedMedia mp4{"video", "video/mp4", ".mp4"};
  const SniffedMedia jpeg{"image", "image/jpeg", ".jpg"};
  EXPECT_TRUE(claim_fits("video/mp4", mp4));
  EXPECT_TRUE(claim_fits("Video/MP4; codecs=\"avc1\"", mp4));
  EXPECT_TRUE(claim_fits("video/quicktime", mp4));
  EXPECT_TRUE(claim_fits("", mp4));
  EXPECT_TRUE(claim_fits("application/octet-stream", mp4));
  EXPECT_TRUE(claim_fits("image/jpg", jpeg));
  EXPECT_FALSE(claim_fits("image/png", mp4));
  EXPECT_FALSE(claim_fits("video/mp4", jpeg));
  EXPECT_FALSE(claim_fits("text/plain", jpeg));
}

TEST(MediaSniff, AnMp4WhoseLastBoxRunsPastTheEndIsCutShort) {
  const std::string whole = box("ftyp", 16, kBrand) + box("mdat", 108, std::string(100, 'x'));
  const auto read_at = [&whole](uint64_t offset) { return whole.substr(static_cast<size_t>(offset), 16); };
  EXPECT_EQ(iso_box_problem(whole.size(), read_at), "");
  const std::string cut = whole.substr(0, 70);
  const auto read_cut = [&cut](uint64_t offset) { return cut.substr(static_cast<size_t>(offset), 16); };
  EXPECT_NE(iso_box_problem(cut.size(), read_cut).find("cut short"), std::string::npos);
  // A box of size 0 runs to the end by definition; garbage where a box should start is damage.
  const std::string open_ended = box("ftyp", 16, kBrand) + box("mdat", 0, "xxxx");
  const auto read_open = [&open_ended](uint64_t o) { return open_ended.substr(static_cast<size_t>(o), 16); };
  EXPECT_EQ(iso_box_problem(open_ended.size(), read_open), "");
  const std::string garbage = box("ftyp", 16, kBrand) + std::string("\0\0\0\x10\x01\x02\x03\x04", 8);
  const auto read_garbage = [&garbage](uint64_t o) { return garbage.substr(static_cast<size_t>(o), 16); };
  EXPECT_NE(iso_box_problem(garbage.size(), read_garbage).find("damaged"), std::string::npos);
}

}  // namespace
}  // namespace linkhub::http
