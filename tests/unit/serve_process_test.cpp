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
  ChildProcess child({LINKHUB_BINARY, "serve", "--listen", "127.0.0.1:0", "--db", fresh_database("sqlite"),
                      "--workflows", (dir_ / "workflows").string(), "--threads", "2"},
                     {}, dir_.string());
  const auto listening = child.read_until("serve.listening");
  ASSERT_TRUE(listening.has_value()) << child.transcript();
  const auto port = json::parse(*listening)["port"].get<uint16_t>();
  ASSERT_GT(port, 0);

  HttpClient client(port);
  EXPECT_EQ(client.get("/readyz").status, 200);
  const auto run = client.post_json("/api/v1/workflows/hello/runs?wait=30s", R"({"inputs": {"name": "bin"}})");
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.json()["outputs"]["greeting"], "hello bin");

  child.kill(SIGTERM);
  ASSERT_TRUE(child.read_until("serve.stopped").has_value()) << child.transcript();
  const auto status = child.wait();
  EXPECT_TRUE(status.exited) << child.transcript();
  EXPECT_EQ(status.code, 0) << child.transcript();
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
