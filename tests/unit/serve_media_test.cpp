// Artifacts over HTTP on a real server: GET/HEAD /api/v1/artifacts/{sha256}
// (conditional and range requests, roles), signed /media links without
// credentials, and the signed urls in product answers.
#include "serve_fixture.hpp"

#include "http/media.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/run_store.hpp>

namespace linkhub::test {
namespace {

using nlohmann::json;

class ServeMedia : public ServeTest {
 protected:
  void SetUp() override {
    ServeTest::SetUp();
    start();
    // 200 KiB of varied bytes: more than one 64 KiB chunk, so ranges cross chunk edges.
    for (int i = 0; i < 200 * 1024; ++i) {
      content_ += static_cast<char>((i * 7 + i / 251) & 0xff);
    }
    hex_ = store("thumb.jpg", content_);
  }

  // Stores `bytes` as an artifact named like `name` (its extension gives the media type); its hex hash.
  std::string store(const std::string& name, const std::string& bytes) {
    write(name, bytes);
    auto stored = ArtifactStore(dir_ / "artifacts").put_file(dir_ / name);
    EXPECT_TRUE(stored.ok());
    return stored.ok() ? stored->hash.substr(7) : "";
  }

  // The cluster's link key, as the server made it (the second caller gets the same).
  http::MediaSigner signer() {
    return http::MediaSigner(AuthStore(*store_).setting_or_create("serve.media_link_key", [] { return "unused"; }));
  }

  HttpAnswer head(const std::string& target, const std::map<std::string, std::string>& headers = {}) {
    HttpRequest r;
    r.method = "HEAD";
    r.target = target;
    r.headers = headers;
    return send(r);
  }

  // The path and query of an absolute link.
  static std::string path_of(const std::string& url) {
    const size_t at = url.find("/media/");
    return at == std::string::npos ? url : url.substr(at);
  }

  std::string content_;
  std::string hex_;
};

TEST_F(ServeMedia, GetAnswersTheBytesWithTypeEtagAndImmutableCaching) {
  const auto r = get("/api/v1/artifacts/" + hex_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, content_);
  EXPECT_EQ(r.header("content-type"), "image/jpeg");
  EXPECT_EQ(r.header("content-length"), std::to_string(content_.size()));
  EXPECT_EQ(r.header("etag"), "\"sha256:" + hex_ + "\"");
  EXPECT_EQ(r.header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(r.header("accept-ranges"), "bytes");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  // The "sha256:" form names the same artifact; the connection stays usable after a streamed body.
  const auto prefixed = get("/api/v1/artifacts/sha256:" + hex_);
  EXPECT_EQ(prefixed.status, 200);
  EXPECT_EQ(prefixed.body, content_);
}

TEST_F(ServeMedia, MediaTypeComesFromTheStoredExtension) {
  const std::string video = store("clip.mp4", "not really a video");
  EXPECT_EQ(get("/api/v1/artifacts/" + video).header("content-type"), "video/mp4");
  const std::string odd = store("blob.xyz", "odd");
  EXPECT_EQ(get("/api/v1/artifacts/" + odd).header("content-type"), "application/octet-stream");
}

TEST_F(ServeMedia, HeadAnswersTheHeadersWithoutTheBody) {
  const auto r = head("/api/v1/artifacts/" + hex_);
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("content-length"), std::to_string(content_.size()));
  EXPECT_EQ(r.header("etag"), "\"sha256:" + hex_ + "\"");
  // The keep-alive connection is still in step: the next answer is the next request's.
  EXPECT_EQ(get("/api/v1/artifacts/" + hex_).body, content_);
}

TEST_F(ServeMedia, IfNoneMatchAnswers304ForTheEtagInAnyForm) {
  const std::string etag = "\"sha256:" + hex_ + "\"";
  for (const std::string& header : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    const auto r = get("/api/v1/artifacts/" + hex_, {{"If-None-Match", header}});
    EXPECT_EQ(r.status, 304) << header;
    EXPECT_TRUE(r.body.empty());
    EXPECT_EQ(r.header("etag"), etag);
  }
  EXPECT_EQ(get("/api/v1/artifacts/" + hex_, {{"If-None-Match", "\"sha256:0000\""}}).status, 200);
}

TEST_F(ServeMedia, SingleRangesAnswer206WithContentRange) {
  const std::string size = std::to_string(content_.size());
  const auto middle = get("/api/v1/artifacts/" + hex_, {{"Range", "bytes=65530-70000"}});
  ASSERT_EQ(middle.status, 206) << middle.body;
  EXPECT_EQ(middle.body, content_.substr(65530, 70000 - 65530 + 1));
  EXPECT_EQ(middle.header("content-range"), "bytes 65530-70000/" + size);
  EXPECT_EQ(middle.header("content-length"), std::to_string(70000 - 65530 + 1));

  const auto from = get("/api/v1/artifacts/" + hex_, {{"Range", "bytes=200000-"}});
  ASSERT_EQ(from.status, 206);
  EXPECT_EQ(from.body, content_.substr(200000));

  const auto suffix = get("/api/v1/artifacts/" + hex_, {{"Range", "bytes=-10"}});
  ASSERT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.body, content_.substr(content_.size() - 10));
  EXPECT_EQ(suffix.header("content-range"),
            "bytes " + std::to_string(content_.size() - 10) + "-" + std::to_string(content_.size() - 1) + "/" + size);

  // Several ranges: the whole body; a stale If-Range: the whole body.
  EXPECT_EQ(get("/api/v1/artifacts/" + hex_, {{"Range", "bytes=0-1,5-6"}}).status, 200);
  EXPECT_EQ(get("/api/v1/artifacts/" + hex_, {{"Range", "bytes=0-1"}, {"If-Range", "\"old\""}}).status, 200);
}

TEST_F(ServeMedia, UnsatisfiableRangeAnswers416) {
  const auto r = get("/api/v1/artifacts/" + hex_, {{"Range", "bytes=" + std::to_string(content_.size()) + "-"}});
  EXPECT_EQ(r.status, 416);
  EXPECT_EQ(r.header("content-range"), "bytes */" + std::to_string(content_.size()));
  EXPECT_EQ(r.json()["error"]["code"], "range_not_satisfiable");
}

TEST_F(ServeMedia, UnknownHashIs404AndMalformedHashIs400NamingTheParameter) {
  const auto unknown = get("/api/v1/artifacts/" + std::string(64, 'a'));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_artifact");
  for (const std::string& bad : {std::string("abc"), "md5:" + hex_, hex_ + "0", std::string("sha256:") + "zz"}) {
    const auto r = get("/api/v1/artifacts/" + bad);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json()["error"]["details"]["parameter"], "hash") << bad;
  }
}

TEST_F(ServeMedia, ArtifactsNeedCredentialsAndTheViewerRoleIsEnough) {
  EXPECT_EQ(client_with("")->get("/api/v1/artifacts/" + hex_).status, 401);
  EXPECT_EQ(client_with(make_key("viewer"))->get("/api/v1/artifacts/" + hex_).status, 200);
}

TEST_F(ServeMedia, SignedLinkLoadsWithoutCredentials) {
  const std::string link = signer().link("", hex_, linkhub::now_ms() / 1000, 3600);
  auto anonymous = client_with("");
  const auto r = anonymous->get(link);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, content_);
  EXPECT_EQ(r.header("etag"), "\"sha256:" + hex_ + "\"");
  EXPECT_EQ(anonymous->get(link, {{"Range", "bytes=0-9"}}).body, content_.substr(0, 10));
  EXPECT_EQ(anonymous->get(link, {{"If-None-Match", "\"sha256:" + hex_ + "\""}}).status, 304);
}

TEST_F(ServeMedia, ExpiredLinkIs403) {
  const int64_t past = linkhub::now_ms() / 1000 - 10;
  const auto r =
      client_with("")->get("/media/" + hex_ + "?exp=" + std::to_string(past) + "&sig=" + signer().sign(hex_, past));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["error"]["code"], "link_expired");
}

TEST_F(ServeMedia, TamperedLinksAre403) {
  const int64_t exp = linkhub::now_ms() / 1000 + 3600;
  const std::string sig = signer().sign(hex_, exp);
  const std::string other = store("other.png", "other bytes");
  std::string flipped = sig;
  flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
  auto anonymous = client_with("");
  for (const std::string& target :
       {"/media/" + hex_ + "?exp=" + std::to_string(exp) + "&sig=" + flipped,                // signature
        "/media/" + other + "?exp=" + std::to_string(exp) + "&sig=" + sig,                   // hash
        "/media/" + hex_ + "?exp=" + std::to_string(exp + 3600) + "&sig=" + sig,             // expiry
        "/media/" + hex_ + "?exp=" + std::to_string(exp), "/media/" + hex_ + "?sig=" + sig,  // parts missing
        "/media/" + hex_ + "?exp=soon&sig=" + sig, "/media/nothex?exp=" + std::to_string(exp) + "&sig=" + sig}) {
    const auto r = anonymous->get(target);
    EXPECT_EQ(r.status, 403) << target;
    EXPECT_EQ(r.json()["error"]["code"], "bad_link") << target;
  }
}

TEST_F(ServeMedia, ProductAnswersCarrySignedUrlsThatLoad) {
  const LoadedStep* step = builtin_plugins().step("catalog.upsert");
  ASSERT_NE(step, nullptr) << "the catalog plugin is not built";
  const std::string big = store("big.webp", "a larger thumbnail");
  StepCall call;
  call.database_url = database_url_;
  const json product{{"source", "tiktok"},
                     {"video_id", "m1"},
                     {"title", "Sneakers"},
                     {"thumbnails",
                      {{{"hash", "sha256:" + hex_}, {"width", 720}, {"height", 1280}, {"format", "jpg"}},
                       {{"hash", "sha256:" + big}, {"width", 360}, {"height", 640}, {"format", "webp"}}}}};
  const StepOutcome out = builtin_plugins().invoke(*step, call, product.dump());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const int64_t id = out.output.value("product_id", int64_t{0});

  const auto one = get("/api/v1/products/" + std::to_string(id));
  ASSERT_EQ(one.status, 200) << one.body;
  const json thumbnails = one.json()["thumbnails"];
  ASSERT_EQ(thumbnails.size(), 2u);
  const std::string url = thumbnails[0].value("url", "");
  EXPECT_EQ(url.rfind("http://127.0.0.1:" + std::to_string(port_) + "/media/" + hex_ + "?exp=", 0), 0u) << url;
  auto anonymous = client_with("");
  EXPECT_EQ(anonymous->get(path_of(url)).body, content_);
  EXPECT_EQ(anonymous->get(path_of(thumbnails[1].value("url", ""))).body, "a larger thumbnail");

  const auto list = get("/api/v1/products");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(anonymous->get(path_of(list.json()["products"][0]["thumbnails"][0].value("url", ""))).status, 200);
}

TEST_F(ServeMedia, PublicUrlIsTheLinksBase) {
  app_.reset();
  start([](http::ServeOptions& options) { options.media.public_url = "https://shop.example.com"; });
  const LoadedStep* step = builtin_plugins().step("catalog.upsert");
  ASSERT_NE(step, nullptr);
  StepCall call;
  call.database_url = database_url_;
  const json product{{"source", "tiktok"}, {"video_id", "m2"}, {"thumbnails", {{{"hash", "sha256:" + hex_}}}}};
  const StepOutcome out = builtin_plugins().invoke(*step, call, product.dump());
  ASSERT_EQ(out.status, LH_OK) << out.error;
  const auto r = get("/api/v1/products/" + std::to_string(out.output.value("product_id", int64_t{0})));
  const std::string url = r.json()["thumbnails"][0].value("url", "");
  EXPECT_EQ(url.rfind("https://shop.example.com/media/" + hex_ + "?exp=", 0), 0u) << url;
}

// The parts, without a server.
TEST(MediaRange, ParsesTheFormsAndRefusesTheRest) {
  using http::ByteRange;
  using http::parse_range;
  const auto part = parse_range("bytes=10-19", 100);
  EXPECT_EQ(part.kind, ByteRange::Kind::Part);
  EXPECT_EQ(part.first, 10u);
  EXPECT_EQ(part.last, 19u);
  EXPECT_EQ(parse_range("bytes=90-1000", 100).last, 99u);
  EXPECT_EQ(parse_range("bytes=-1000", 100).first, 0u);
  EXPECT_EQ(parse_range("bytes=100-", 100).kind, ByteRange::Kind::Unsatisfiable);
  EXPECT_EQ(parse_range("bytes=-0", 100).kind, ByteRange::Kind::Unsatisfiable);
  for (const char* ignored : {"", "bytes=", "bytes=5", "bytes=9-5", "items=0-1", "bytes=a-b", "bytes=0-1,3-4",
                              "bytes=-", "bytes=+1-2", "bytes=99999999999999999999-"}) {
    EXPECT_EQ(parse_range(ignored, 100).kind, ByteRange::Kind::Whole) << ignored;
  }
}

TEST(MediaLinks, ExpiryIsRoundedUpToTheHourAndAtLeastTheTtlAway) {
  const http::MediaSigner signer("key");
  const std::string hex(64, 'a');
  const std::string link = signer.link("", hex, 1000, 7200);
  EXPECT_EQ(link.rfind("/media/" + hex + "?exp=10800&sig=", 0), 0u) << link;
  EXPECT_EQ(signer.link("", hex, 1000, 7200), signer.link("", hex, 3000, 7200));  // stable within the hour
  EXPECT_EQ(http::media_base("", "evil.example/x?", false), "");
  EXPECT_EQ(http::media_base("", "127.0.0.1:8080", true), "https://127.0.0.1:8080");
}

}  // namespace
}  // namespace linkhub::test
