// POST /api/v1/uploads on a real server with the built plugins: raw and
// multipart bodies streamed to disk, checked (magic bytes, then a decode by
// media.inspect) and stored as artifacts; what is refused leaves no artifact
// and no temporary file behind.
#include "serve_fixture.hpp"

#include "auth/credentials.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <sys/wait.h>
#include <unistd.h>

namespace linkhub::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kVideos = fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures" / "videos";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string png_bytes(int width, int height) {
  cv::Mat image(height, width, CV_8UC3, cv::Scalar(30, 120, 200));
  image(cv::Rect(2, 2, width / 2, height / 2)).setTo(cv::Scalar(250, 250, 250));
  std::vector<uchar> out;
  cv::imencode(".png", image, out);
  return std::string(out.begin(), out.end());
}

size_t files_in(const fs::path& dir) {
  std::error_code ec;
  size_t n = 0;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    n += it->is_regular_file() ? 1 : 0;
  }
  return n;
}

class ServeUploads : public ServeTest {
 protected:
  HttpAnswer upload(const std::string& bytes, const std::string& content_type, const std::string& query = "",
                    bool chunked = false, HttpClient* client = nullptr) {
    HttpRequest request{"POST", "/api/v1/uploads" + query, bytes, content_type, {}, chunked, false};
    return (client != nullptr ? client : client_.get())->send(request);
  }
  fs::path objects() const { return dir_ / "artifacts" / "objects"; }
  fs::path temp_uploads() const { return dir_ / "artifacts" / "tmp" / "uploads"; }
  static std::string hash_of(const std::string& bytes) { return "sha256:" + sha256_hex(bytes); }
};

TEST_F(ServeUploads, ARawVideoIsStoredUnderTheHashOfItsBytes) {
  start();
  const std::string video = read_file(kVideos / "bbb_sunflower_1920x1080_60fps_2s_h264_aac.mp4");
  const HttpAnswer answer = upload(video, "video/mp4", "?filename=clip.mp4");
  ASSERT_EQ(answer.status, 201) << answer.body;
  const json body = answer.json();
  EXPECT_EQ(body["hash"], hash_of(video));
  EXPECT_EQ(body["media_type"], "video/mp4");
  EXPECT_EQ(body["kind"], "video");
  EXPECT_EQ(body["bytes"], video.size());
  EXPECT_EQ(body["filename"], "clip.mp4");
  EXPECT_EQ(body["width"], 1920);
  EXPECT_EQ(body["height"], 1080);
  EXPECT_GT(body["duration_s"].get<double>(), 1.5);
  ASSERT_TRUE(body["url"].is_string());
  EXPECT_NE(body["url"].get<std::string>().find("/media/" + sha256_hex(video) + "?exp="), std::string::npos);
  EXPECT_EQ(answer.header("location"), "/api/v1/artifacts/" + hash_of(video));

  const HttpAnswer stored = get("/api/v1/artifacts/" + body["hash"].get<std::string>());
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.body, video);
  EXPECT_EQ(stored.header("content-type"), "video/mp4");
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, TheSameBytesTwiceAreOneArtifactWithOneHash) {
  start();
  const std::string video = read_file(kVideos / "bbb_sunflower_320x180_10s_vp9.webm");
  const HttpAnswer first = upload(video, "video/webm");
  const HttpAnswer second = upload(video, "application/octet-stream");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  EXPECT_EQ(first.json()["hash"], second.json()["hash"]);
  EXPECT_EQ(first.json()["media_type"], "video/webm");
  EXPECT_EQ(files_in(objects()), 1u);
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, AnImageIsStoredWithItsSize) {
  start();
  const std::string image = png_bytes(120, 80);
  const HttpAnswer answer = upload(image, "image/png");
  ASSERT_EQ(answer.status, 201) << answer.body;
  const json body = answer.json();
  EXPECT_EQ(body["hash"], hash_of(image));
  EXPECT_EQ(body["kind"], "image");
  EXPECT_EQ(body["width"], 120);
  EXPECT_EQ(body["height"], 80);
  const HttpAnswer stored = get("/api/v1/artifacts/" + body["hash"].get<std::string>());
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.body, image);
  EXPECT_EQ(stored.header("content-type"), "image/png");
}

TEST_F(ServeUploads, AMultipartFormGivesItsFirstFilePart) {
  start();
  const std::string video = read_file(kVideos / "moviepy_smpte-2997_1920x1080_25fps_10s.mp4");
  const std::string boundary = "----linkhubTestBoundary7MA4YWxk";
  std::string form;
  form += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nRed sneakers\r\n";
  form += "--" + boundary +
          "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../my clip.mp4\"\r\n"
          "Content-Type: video/mp4\r\n\r\n";
  form += video + "\r\n--" + boundary + "--\r\n";
  const HttpAnswer answer = upload(form, "multipart/form-data; boundary=" + boundary);
  ASSERT_EQ(answer.status, 201) << answer.body;
  EXPECT_EQ(answer.json()["hash"], hash_of(video));
  EXPECT_EQ(answer.json()["bytes"], video.size());
  EXPECT_EQ(answer.json()["filename"], "my clip.mp4");  // no folders
  EXPECT_EQ(get("/api/v1/artifacts/" + hash_of(video)).body, video);
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, AMultipartFormWithoutAFileIsRefused) {
  start();
  const std::string form = "--b\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhello\r\n--b--\r\n";
  const HttpAnswer answer = upload(form, "multipart/form-data; boundary=b");
  EXPECT_EQ(answer.status, 400) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "bad_multipart");
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, TextSentAsAVideoIs415AndLeavesNothing) {
  start();
  const HttpAnswer answer = upload(std::string(5000, 'a') + "\nnot a video\n", "video/mp4");
  ASSERT_EQ(answer.status, 415) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "unsupported_media");
  EXPECT_EQ(answer.json()["error"]["details"]["found"], "plain text");
  EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find("plain text"), std::string::npos);
  EXPECT_EQ(files_in(objects()), 0u);
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, AnImageSentAsAVideoIs415NamingBoth) {
  start();
  const HttpAnswer answer = upload(png_bytes(16, 16), "video/mp4");
  ASSERT_EQ(answer.status, 415) << answer.body;
  EXPECT_EQ(answer.json()["error"]["details"]["found"], "a PNG image");
  EXPECT_EQ(answer.json()["error"]["details"]["claimed"], "video/mp4");
}

TEST_F(ServeUploads, ACutShortMp4Is415) {
  start();
  const std::string video = read_file(kVideos / "bbb_sunflower_1920x1080_60fps_2s_h264_aac.mp4");
  const HttpAnswer answer = upload(video.substr(0, video.size() / 2), "video/mp4");
  ASSERT_EQ(answer.status, 415) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "unsupported_media");
  EXPECT_NE(answer.json()["error"]["message"].get<std::string>().find("cut short"), std::string::npos);
  EXPECT_EQ(files_in(objects()), 0u);
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, AnMp4WhoseFramesDoNotDecodeIs415FromThePlugin) {
  start();
  // Its boxes are whole (the server's look passes) but the picture data is noise: only decoding tells.
  std::string video = read_file(kVideos / "moviepy_smpte-2997_1920x1080_25fps_10s.mp4");
  const size_t mdat = video.find("mdat");
  ASSERT_NE(mdat, std::string::npos);
  for (size_t i = mdat + 4; i < video.size(); ++i) {
    video[i] = static_cast<char>((i * 131) & 0xff);
  }
  const HttpAnswer answer = upload(video, "video/mp4");
  ASSERT_EQ(answer.status, 415) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "unsupported_media");
  EXPECT_EQ(answer.json()["error"]["message"].get<std::string>().find(temp_uploads().string()), std::string::npos)
      << "the server's temporary path leaks";
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, ADeclaredLengthOverTheCapIs413) {
  start([](http::ServeOptions& o) { o.limits.max_upload_bytes = 100000; });
  const HttpAnswer answer = upload(png_bytes(8, 8) + std::string(200000, 'x'), "image/png");
  ASSERT_EQ(answer.status, 413) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "upload_too_large");
  EXPECT_EQ(answer.json()["error"]["details"]["limit_bytes"], 100000);
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, AChunkedBodyPastTheCapIs413AndItsFileRemoved) {
  start([](http::ServeOptions& o) { o.limits.max_upload_bytes = 100000; });
  const HttpAnswer answer = upload(std::string(300000, 'x'), "video/mp4", "", /*chunked=*/true);
  ASSERT_EQ(answer.status, 413) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "upload_too_large");
  EXPECT_EQ(files_in(temp_uploads()), 0u);
  EXPECT_EQ(files_in(objects()), 0u);
}

TEST_F(ServeUploads, AViewerMayNotUpload) {
  start();
  auto viewer = client_with(make_key("viewer"));
  const HttpAnswer answer = upload(png_bytes(8, 8), "image/png", "", false, viewer.get());
  EXPECT_EQ(answer.status, 403) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "forbidden");
  auto operator_client = client_with(make_key("operator"));
  EXPECT_EQ(upload(png_bytes(8, 8), "image/png", "", false, operator_client.get()).status, 201);
}

TEST_F(ServeUploads, AnEmptyBodyIs400) {
  start();
  const HttpAnswer answer = upload("", "video/mp4");
  EXPECT_EQ(answer.status, 400) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "empty_upload");
}

TEST_F(ServeUploads, WithoutTheMediaPluginUploadsAre503) {
  PluginHost none;
  start({}, none);
  const HttpAnswer answer = upload(png_bytes(8, 8), "image/png");
  EXPECT_EQ(answer.status, 503) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "media_unavailable");
  EXPECT_EQ(files_in(temp_uploads()), 0u);
}

TEST_F(ServeUploads, FilesACrashedServerLeftAreRemovedAtStart) {
  // A process that is gone for sure: a child that exited and was reaped.
  const pid_t child = ::fork();
  if (child == 0) {
    ::_exit(0);
  }
  ASSERT_GT(child, 0);
  ::waitpid(child, nullptr, 0);
  fs::create_directories(temp_uploads());
  const fs::path stale = temp_uploads() / ("upload-" + std::to_string(child) + "-1.mp4");
  const fs::path live = temp_uploads() / ("upload-" + std::to_string(::getppid()) + "-1");
  std::ofstream(stale) << "half an upload";
  std::ofstream(live) << "another server's upload in progress";
  start();
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
}

}  // namespace
}  // namespace linkhub::test
