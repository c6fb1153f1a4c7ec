// POST /api/v1/uploads cannot be used to exhaust the server (issue 12, item
// 4): a sender is authenticated and role checked before a byte of its body is
// read (a 1 GiB Content-Length from a stranger costs nothing), uploads under
// way are capped per principal and in total, and a client that leaves
// mid-body gives back its slot and its temporary file.
#include "raw_http.hpp"
#include "serve_fixture.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <memory>
#include <string>
#include <vector>

namespace linkhub::test {
namespace {

namespace fs = std::filesystem;

std::string upload_head(const std::string& credential, uint64_t length, bool expect_continue) {
  std::string head = "POST /api/v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\n";
  if (!credential.empty()) {
    head += "Authorization: Bearer " + credential + "\r\n";
  }
  if (expect_continue) {
    head += "Expect: 100-continue\r\n";
  }
  return head + "Content-Length: " + std::to_string(length) + "\r\n\r\n";
}

class SecurityUploads : public ServeTest {
 protected:
  fs::path temp_uploads() const { return dir_ / "artifacts" / "tmp" / "uploads"; }
  size_t temp_files() const {
    std::error_code ec;
    size_t n = 0;
    for (fs::directory_iterator it(temp_uploads(), ec), end; !ec && it != end; it.increment(ec)) {
      ++n;
    }
    return n;
  }
  // The server works on its own threads; these loops only wait for it to have done so (bounded).
  bool temp_files_become(size_t wanted) {
    const auto guard = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    size_t now = temp_files();
    for (int i = 0; i < 1000000 && now != wanted && std::chrono::steady_clock::now() < guard; ++i) {
      now = temp_files();
    }
    return now == wanted;
  }
  HttpAnswer small_upload(HttpClient& client) {
    static const std::string png = [] {
      std::vector<uchar> bytes;
      cv::imencode(".png", cv::Mat(8, 8, CV_8UC3, cv::Scalar(0, 128, 255)), bytes);
      return std::string(bytes.begin(), bytes.end());
    }();
    return client.send(HttpRequest{"POST", "/api/v1/uploads", png, "image/png", {}, false, false});
  }
};

TEST_F(SecurityUploads, AStrangerIsRefusedBeforeItsBody) {
  start();
  RawConnection connection(port_);
  ASSERT_TRUE(connection.send(upload_head("", uint64_t{1} << 30, /*expect_continue=*/true)));
  const auto answer = connection.read_response();
  ASSERT_TRUE(answer.has_value()) << "no answer without the body";
  EXPECT_EQ(answer->status, 401);  // not 100 Continue: the body is never asked for
  EXPECT_EQ(temp_files(), 0u);
}

TEST_F(SecurityUploads, AViewerIsRefusedBeforeItsBody) {
  start();
  RawConnection connection(port_);
  ASSERT_TRUE(connection.send(upload_head(make_key("viewer"), uint64_t{1} << 30, /*expect_continue=*/false)));
  const auto answer = connection.read_response();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 403);
  EXPECT_EQ(answer->json()["error"]["code"], "forbidden");
  EXPECT_EQ(temp_files(), 0u);
}

TEST_F(SecurityUploads, UploadsUnderWayAreCappedPerPrincipalAndFreedWhenTheClientLeaves) {
  start([](http::ServeOptions& o) { o.limits.max_uploads_per_principal = 1; });
  const std::string key = make_key("operator");
  auto holder = std::make_unique<RawConnection>(port_);
  ASSERT_TRUE(holder->send(upload_head(key, 1 << 20, false) + std::string(4096, 'x')));
  ASSERT_TRUE(temp_files_become(1)) << "the first upload never started";

  auto same = client_with(key);
  const HttpAnswer refused = small_upload(*same);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "too_many_uploads_for_principal");
  EXPECT_FALSE(refused.header("retry-after").empty());
  auto other = client_with(make_key("operator"));
  EXPECT_EQ(small_upload(*other).status, 201) << "another principal is not held up";

  holder.reset();  // the client leaves mid-body
  ASSERT_TRUE(temp_files_become(0)) << "the half-received file stays";
  auto again = client_with(key);
  EXPECT_EQ(small_upload(*again).status, 201) << "the slot was not given back";
}

TEST_F(SecurityUploads, UploadsUnderWayAreCappedInTotal) {
  start([](http::ServeOptions& o) { o.limits.max_uploads = 1; });
  RawConnection holder(port_);
  ASSERT_TRUE(holder.send(upload_head(make_key("operator"), 1 << 20, false) + std::string(4096, 'x')));
  ASSERT_TRUE(temp_files_become(1)) << "the first upload never started";
  auto other = client_with(make_key("operator"));
  const HttpAnswer refused = small_upload(*other);
  EXPECT_EQ(refused.status, 503) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "too_many_uploads");
}

TEST_F(SecurityUploads, ABodyTooSlowForTheBodyTimeoutIsCutOffAndRemoved) {
  start([](http::ServeOptions& o) { o.http.body_timeout = std::chrono::milliseconds(300); });
  RawConnection slow(port_);
  ASSERT_TRUE(slow.send(upload_head(make_key("operator"), 1 << 20, false) + std::string(1024, 'x')));
  EXPECT_TRUE(slow.closed_by_peer(std::chrono::seconds(10)));
  EXPECT_TRUE(temp_files_become(0));
}

}  // namespace
}  // namespace linkhub::test
