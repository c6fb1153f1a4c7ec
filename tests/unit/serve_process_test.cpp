// The real `linkhub serve` binary: it starts on an ephemeral port, answers,
// and on SIGTERM stops accepting, lets its runs finish, and exits 0.
#include "child_process.hpp"
#include "http_client.hpp"
#include "serve_fixture.hpp"

#include <signal.h>

namespace linkhub::test {
namespace {

using nlohmann::json;

TEST_F(ServeTest, TheBinaryServesAndExitsZeroOnSigterm) {
  const std::string db = fresh_database("sqlite");
  // A new user's way in: make a key with the binary, then serve.
  ChildProcess keys({LINKHUB_BINARY, "keys", "create", "--role", "operator", "--db", db}, {}, dir_.string());
  const auto key_line = keys.read_until("lhk_");
  ASSERT_TRUE(key_line.has_value()) << keys.transcript();
  ASSERT_EQ(keys.wait().code, 0) << keys.transcript();
  const std::string key = *key_line;

  ChildProcess child({LINKHUB_BINARY, "serve", "--listen", "127.0.0.1:0", "--db", db, "--workflows",
                      (dir_ / "workflows").string(), "--threads", "2"},
                     {}, dir_.string());
  const auto listening = child.read_until("serve.listening");
  ASSERT_TRUE(listening.has_value()) << child.transcript();
  const auto port = json::parse(*listening)["port"].get<uint16_t>();
  ASSERT_GT(port, 0);

  HttpClient client(port);
  EXPECT_EQ(client.get("/readyz").status, 200);
  const auto anonymous = client.post_json("/api/v1/workflows/hello/runs", R"({"inputs": {"name": "bin"}})");
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
  EXPECT_EQ(anonymous.json()["error"]["code"], "unauthenticated");
  client.set_default_headers({{"Authorization", "Bearer " + key}});
  const auto run = client.post_json("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "bin"}})");
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.json()["outputs"]["greeting"], "hello bin");

  child.kill(SIGTERM);
  ASSERT_TRUE(child.read_until("serve.stopped").has_value()) << child.transcript();
  const auto status = child.wait();
  EXPECT_TRUE(status.exited) << child.transcript();
  EXPECT_EQ(status.code, 0) << child.transcript();
  EXPECT_EQ(child.transcript().find(key.substr(21)), std::string::npos) << "the key's secret reached the log";
}

TEST_F(ServeTest, TheBinaryRefusesAnAddressItCannotUse) {
  ChildProcess child({LINKHUB_BINARY, "serve", "--listen", "nonsense", "--db", fresh_database("sqlite")}, {},
                     dir_.string());
  const auto status = child.wait();
  EXPECT_TRUE(status.exited);
  EXPECT_EQ(status.code, 2) << child.transcript();
  EXPECT_NE(child.transcript().find("HOST:PORT"), std::string::npos) << child.transcript();
}

}  // namespace
}  // namespace linkhub::test
