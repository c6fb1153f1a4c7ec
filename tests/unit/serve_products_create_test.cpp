// POST /api/v1/products on a real server over the real catalog plugin:
// products made by hand, the catalog's checks as 422 naming the field, and
// Idempotency-Key replays (same body: the same product again; another body: 409).
#include "serve_fixture.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace linkhub::test {
namespace {

using nlohmann::json;

class ServeProductCreate : public ServeTest {
 protected:
  HttpAnswer create(const json& body, const std::map<std::string, std::string>& headers = {}) {
    return post("/api/v1/products", body.dump(), headers);
  }
};

TEST_F(ServeProductCreate, AProductMadeByHandIsCreatedAndListed) {
  start();
  const HttpAnswer answer = create({{"title", "Handmade leather wallet"},
                                    {"price", {{"amount", 35}, {"currency", "EUR"}}},
                                    {"tags", {"wallet", "leather"}}});
  ASSERT_EQ(answer.status, 201) << answer.body;
  const json product = answer.json();
  EXPECT_EQ(product["source"], "manual");
  EXPECT_EQ(product["title"], "Handmade leather wallet");
  EXPECT_TRUE(answer.header("idempotent-replayed").empty());
  const std::string id = std::to_string(product["product_id"].get<int64_t>());
  EXPECT_EQ(answer.header("location"), "/api/v1/products/" + id);
  const HttpAnswer stored = get("/api/v1/products/" + id);
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(stored.json()["title"], "Handmade leather wallet");
  // Without a key, the same body is another product.
  const HttpAnswer again = create({{"title", "Handmade leather wallet"}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_NE(again.json()["product_id"], product["product_id"]);
}

TEST_F(ServeProductCreate, AReplayWithTheSameKeyAnswersTheSameProductAndSaysSo) {
  start();
  const json body = {{"title", "Ceramic mug"}, {"price", {{"amount", 12.5}, {"currency", "USD"}}}};
  const HttpAnswer first = create(body, {{"Idempotency-Key", "mug-1"}});
  ASSERT_EQ(first.status, 201) << first.body;
  const HttpAnswer replay = create(body, {{"Idempotency-Key", "mug-1"}});
  ASSERT_EQ(replay.status, 201) << replay.body;
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  EXPECT_EQ(replay.json()["product_id"], first.json()["product_id"]);
  EXPECT_EQ(replay.json()["version"], first.json()["version"]);
  const HttpAnswer list = get("/api/v1/products?include_total=true");
  EXPECT_EQ(list.json()["total"], 1);
}

TEST_F(ServeProductCreate, TheSameKeyWithAnotherBodyIs409) {
  start();
  ASSERT_EQ(create({{"title", "Ceramic mug"}}, {{"Idempotency-Key", "mug-2"}}).status, 201);
  const HttpAnswer other = create({{"title", "Glass mug"}}, {{"Idempotency-Key", "mug-2"}});
  EXPECT_EQ(other.status, 409) << other.body;
  EXPECT_EQ(other.json()["error"]["code"], "idempotency_key_reused");
}

TEST_F(ServeProductCreate, AnInvalidFieldIs422NamingIt) {
  start();
  const HttpAnswer wrong_type = create({{"title", 42}});
  EXPECT_EQ(wrong_type.status, 422) << wrong_type.body;
  EXPECT_EQ(wrong_type.json()["error"]["code"], "invalid_product");
  EXPECT_EQ(wrong_type.json()["error"]["details"]["field"], "title");

  const HttpAnswer bad_currency = create({{"title", "Mug"}, {"price", {{"amount", 3}, {"currency", "dollars"}}}});
  EXPECT_EQ(bad_currency.status, 422) << bad_currency.body;
  EXPECT_EQ(bad_currency.json()["error"]["code"], "invalid_product");
  EXPECT_NE(bad_currency.json()["error"]["details"]["field"].get<std::string>().find("price"), std::string::npos);

  const HttpAnswer unknown = create({{"title", "Mug"}, {"colour", "red"}});
  EXPECT_EQ(unknown.status, 422) << unknown.body;

  const HttpAnswer not_object = post("/api/v1/products", "[1, 2]");
  EXPECT_EQ(not_object.status, 400) << not_object.body;
}

TEST_F(ServeProductCreate, ACoverFromAnUploadGetsASignedUrlAndAnUnknownHashIs422) {
  start();
  cv::Mat image(40, 60, CV_8UC3, cv::Scalar(10, 200, 90));
  std::vector<uchar> png;
  cv::imencode(".png", image, png);
  const HttpAnswer uploaded =
      send(HttpRequest{"POST", "/api/v1/uploads", std::string(png.begin(), png.end()), "image/png", {}, false, false});
  ASSERT_EQ(uploaded.status, 201) << uploaded.body;
  const std::string hash = uploaded.json()["hash"];
  const HttpAnswer answer =
      create({{"title", "Green poster"}, {"cover", {{"hash", hash}}}, {"thumbnails", {{{"hash", hash}}}}});
  ASSERT_EQ(answer.status, 201) << answer.body;
  const std::string url = answer.json()["cover"]["url"];
  EXPECT_NE(url.find("/media/" + hash.substr(7)), std::string::npos);
  EXPECT_TRUE(answer.json()["thumbnails"][0]["url"].is_string());

  const std::string missing = "sha256:" + std::string(64, 'a');
  const HttpAnswer unknown = create({{"title", "Nothing"}, {"thumbnails", {{{"hash", missing}}}}});
  EXPECT_EQ(unknown.status, 422) << unknown.body;
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_artifact");
  EXPECT_EQ(unknown.json()["error"]["details"]["field"], "thumbnails[0].hash");
}

TEST_F(ServeProductCreate, AViewerMayNotCreate) {
  start();
  auto viewer = client_with(make_key("viewer"));
  const HttpAnswer answer = viewer->post_json("/api/v1/products", json{{"title", "x"}}.dump());
  EXPECT_EQ(answer.status, 403);
}

}  // namespace
}  // namespace linkhub::test
