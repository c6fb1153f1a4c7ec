// Signed media links (/media/{sha256}?exp=&sig=) and the artifact routes:
// a link is good only for the hash and expiry it was signed for, with the
// cluster's key, in the exact encoding the server makes (no padding, no
// standard-base64 twin, no other key's signature, no truncation); and the
// hash in either path can never name a file outside the artifact store
// (encoded dots and slashes, NUL bytes, hex with a suffix).
#include "serve_fixture.hpp"

#include "http/media.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/run_store.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>

namespace linkhub::test {
namespace {

class SecurityMedia : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    start();
    write("secret.txt", "outside the store");
    write("pic.png", "png bytes");
    auto stored = ArtifactStore(dir_ / "artifacts").put_file(dir_ / "pic.png");
    ASSERT_TRUE(stored.ok());
    hex_ = stored->hash.substr(7);
    key_ = AuthStore(*store_).setting_or_create("serve.media_link_key", [] { return "unused"; });
    exp_ = linkhub::now_ms() / 1000 + 3600;
    sig_ = http::MediaSigner(key_).sign(hex_, exp_);
    anonymous_ = client_with("");
  }

  HttpAnswer media(const std::string& hash, const std::string& exp, const std::string& sig) {
    return anonymous_->get("/media/" + hash + "?exp=" + exp + "&sig=" + sig);
  }

  std::string hex_;
  std::string key_;
  int64_t exp_ = 0;
  std::string sig_;
  std::unique_ptr<HttpClient> anonymous_;
};

TEST_F(SecurityMedia, TheGoodLinkWorksSoTheRefusalsBelowAreAboutTheirChange) {
  EXPECT_EQ(media(hex_, std::to_string(exp_), sig_).status, 200);
}

TEST_F(SecurityMedia, SignaturesFromAnotherKeyOrInAnotherEncodingAreRefused) {
  const std::string e = std::to_string(exp_);
  EXPECT_EQ(media(hex_, e, http::MediaSigner("another cluster's key").sign(hex_, exp_)).status, 403);
  EXPECT_EQ(media(hex_, e, http::MediaSigner("").sign(hex_, exp_)).status, 403);
  EXPECT_EQ(media(hex_, e, sig_ + "%3D").status, 403);                     // padded
  EXPECT_EQ(media(hex_, e, sig_.substr(0, sig_.size() - 1)).status, 403);  // truncated
  EXPECT_EQ(media(hex_, e, sig_ + "A").status, 403);                       // extended
  EXPECT_EQ(media(hex_, e, "").status, 403);
  // The raw HMAC over the bare hash and expiry (no version, no separator): a different message.
  const std::string bare = hex_ + e;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()), reinterpret_cast<const unsigned char*>(bare.data()),
       bare.size(), mac, &size);
  std::string hex_mac;
  for (unsigned i = 0; i < size; ++i) {
    char b[3];
    std::snprintf(b, sizeof b, "%02x", mac[i]);
    hex_mac += b;
  }
  EXPECT_EQ(media(hex_, e, hex_mac).status, 403);
}

TEST_F(SecurityMedia, ExpiryCannotBeStretchedOrWrittenAnotherWay) {
  for (const std::string& exp : {std::to_string(exp_ + 1), "0" + std::to_string(exp_), "+" + std::to_string(exp_),
                                 std::to_string(exp_) + ".0", std::string("-1"), std::string("99999999999999999999")}) {
    const auto r = media(hex_, exp, sig_);
    EXPECT_EQ(r.status, 403) << exp;
    EXPECT_EQ(r.json()["error"]["code"], "bad_link") << exp;
  }
  // A repeated exp or sig is not a second chance.
  EXPECT_EQ(anonymous_->get("/media/" + hex_ + "?exp=1&exp=" + std::to_string(exp_) + "&sig=" + sig_).status, 400);
}

TEST_F(SecurityMedia, RefusalsSayNothingOfTheKeyOrTheExpectedSignature) {
  // Another first character (a signature that starts with 'x' stays itself under "x" + rest).
  const auto r = media(hex_, std::to_string(exp_), (sig_[0] == 'x' ? "y" : "x") + sig_.substr(1));
  ASSERT_EQ(r.status, 403);
  EXPECT_EQ(r.body.find(sig_), std::string::npos);
  EXPECT_EQ(r.body.find(key_), std::string::npos);
  for (const auto& line : log_lines()) {
    EXPECT_EQ(line.find(key_), std::string::npos) << line;
  }
}

TEST_F(SecurityMedia, HashesThatWalkOutOfTheStoreAreRefused) {
  const std::vector<std::string> walks = {"..%2F..%2Fsecret.txt",
                                          "%2e%2e%2f%2e%2e%2fsecret.txt",
                                          "..%5C..%5Csecret.txt",
                                          hex_ + "%2F..%2F..%2F..%2Fsecret.txt",
                                          hex_ + "%00",
                                          hex_ + ".png",
                                          "sha256:" + hex_ + "%2F..",
                                          "%2Fetc%2Fpasswd",
                                          std::string(64, '.')};
  for (const auto& walk : walks) {
    const auto api = get("/api/v1/artifacts/" + walk);
    EXPECT_EQ(api.status, 400) << walk << ": " << api.body;  // bad_parameter, or bad_target (NUL)
    EXPECT_EQ(api.body.find("outside the store"), std::string::npos);
    // A signed link never serves it: 403, or 400 bad_target for a path that does not decode (a NUL byte).
    const auto link = media(walk, std::to_string(exp_), sig_);
    EXPECT_TRUE(link.status == 403 || (link.status == 400 && link.json()["error"]["code"] == "bad_target"))
        << walk << ": " << link.status;
  }
  // Unencoded, the segments do not make a route at all.
  EXPECT_EQ(get("/api/v1/artifacts/../../secret.txt").status, 404);
  // The store itself refuses what is not a hash, whoever calls it.
  const ArtifactStore store(dir_ / "artifacts");
  EXPECT_EQ(store.stat("../secret.txt").error().code, "invalid_input");
  EXPECT_FALSE(store.read("../../secret.txt", 0, 100, [](std::string_view) { return true; }).ok());
}

// Public is not unlimited: a flood of signed-link requests from one address is
// answered 429 with Retry-After once its bucket (ten times the per-principal
// burst and rate) is empty, and the server goes on answering.
class SecurityMediaFlood : public ServeTest {};

TEST_F(SecurityMediaFlood, AFloodOfSignedLinkRequestsFromOneAddressGets429s) {
  start([](http::ServeOptions& o) {
    o.rate_limit.requests_per_second = 0.01;  // public: 0.1 a second, none come back during the flood
    o.rate_limit.burst = 1;                   // public: a burst of 10
  });
  write("pic.png", "png bytes");
  auto stored = ArtifactStore(dir_ / "artifacts").put_file(dir_ / "pic.png");
  ASSERT_TRUE(stored.ok());
  const std::string hex = stored->hash.substr(7);
  const std::string key = AuthStore(*store_).setting_or_create("serve.media_link_key", [] { return "unused"; });
  const int64_t exp = linkhub::now_ms() / 1000 + 3600;
  const std::string link =
      "/media/" + hex + "?exp=" + std::to_string(exp) + "&sig=" + http::MediaSigner(key).sign(hex, exp);
  auto anonymous = client_with("");
  int served = 0, limited = 0;
  const auto began = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {  // bounded: 40 requests
    const auto r = anonymous->get(link);
    if (r.status == 200) {
      EXPECT_EQ(r.body, "png bytes");
      ++served;
    } else {
      ASSERT_EQ(r.status, 429) << r.body;
      EXPECT_EQ(r.json()["error"]["code"], "rate_limited");
      EXPECT_FALSE(r.header("retry-after").empty());
      ++limited;
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  EXPECT_GE(served, 10);
  EXPECT_LE(served, 10 + static_cast<int>(seconds * 0.1) + 1)
      << "the burst, plus what came back in " << seconds << " s";
  EXPECT_EQ(served + limited, 40);
  EXPECT_EQ(anonymous->get("/healthz").status, 200) << "the probes are never limited";
}

}  // namespace
}  // namespace linkhub::test
