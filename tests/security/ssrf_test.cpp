// Outbound HTTP of plugins cannot reach loopback, private or metadata
// addresses unless the deployment allows them (http.allow): every spelling of
// loopback is refused before a byte is sent (a real server on 127.0.0.1
// proves nothing arrived), redirects are checked like first requests, and the
// allow-list reaches plugins from linkhub.yaml and LINKHUB_HTTP_ALLOW.
#include "builtin_plugins.hpp"
#include "child_process.hpp"
#include "loopback_server.hpp"
#include "temp_dir.hpp"

#include <linkhub/engine/plugin_host.hpp>

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace linkhub {
namespace {

using test::LoopbackServer;
using test::Request;
using test::Response;

StepOutcome call(const std::string& uses, const Json& input, const std::vector<std::string>& allow = {}) {
  const LoadedStep* step = test::builtin_plugins().step(uses);
  EXPECT_NE(step, nullptr) << uses;
  StepCall c;
  c.http_allow = allow;
  return step == nullptr ? StepOutcome{} : test::builtin_plugins().invoke(*step, c, input.dump());
}

StepOutcome get(const std::string& url, const std::vector<std::string>& allow = {}) {
  return call("core.http", {{"url", url}, {"timeout_ms", 5000}}, allow);
}

std::string port_of(const LoopbackServer& server) {
  const std::string url = server.url("/");  // http://127.0.0.1:PORT/
  const size_t colon = url.rfind(':');
  return url.substr(colon + 1, url.size() - colon - 2);
}

void expect_refused(const StepOutcome& out, const std::string& what, const std::string& kind) {
  EXPECT_EQ(out.status, LH_ERROR) << what << ": refusals are permanent, found " << out.error;
  EXPECT_NE(out.error.find("refused: "), std::string::npos) << what << ": " << out.error;
  EXPECT_NE(out.error.find(kind), std::string::npos) << what << ": " << out.error;
  EXPECT_NE(out.error.find("http.allow in linkhub.yaml"), std::string::npos) << what << ": " << out.error;
}

// Whether this machine can open IPv6 sockets at all (some CI containers cannot).
bool ipv6_sockets() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

class SecuritySsrf : public ::testing::Test {
 protected:
  void SetUp() override {
    target_.on("/hit", [](const Request&) { return Response{200, "text/plain", "internal secret", {}}; });
    target_.start();
    port_ = port_of(target_);
  }

  LoopbackServer target_;
  std::string port_;
};

TEST_F(SecuritySsrf, EverySpellingOfLoopbackIsRefusedBeforeAnythingIsSent) {
  // Each of these reaches the server below when allowed (checked afterwards).
  const std::vector<std::string> hosts{"127.0.0.1",    "localhost",  "LocalHost",          "0.0.0.0",
                                       "2130706433",   "0x7f.1",     "0x7f000001",         "127.1",
                                       "017700000001", "0177.0.0.1", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"};
  for (const std::string& host : hosts) {
    const std::string url = "http://" + host + ":" + port_ + "/hit?token=query-secret-123";
    const StepOutcome out = get(url);
    expect_refused(out, url, host == "0.0.0.0" ? "an unspecified address" : "a loopback address");
    EXPECT_EQ(out.error.find("query-secret-123"), std::string::npos) << out.error;
  }
  // IPv6 loopback (nothing listens there; the refusal comes first all the same).
  expect_refused(get("http://[::1]:" + port_ + "/hit"), "[::1]", "a loopback address");
  // Credentials in the URL are not shown either.
  const StepOutcome with_user = get("http://admin:pass-secret-456@127.0.0.1:" + port_ + "/hit");
  expect_refused(with_user, "user:password@", "a loopback address");
  EXPECT_EQ(with_user.error.find("pass-secret-456"), std::string::npos) << with_user.error;
  EXPECT_EQ(target_.requests("/hit"), 0) << "the guard let a request through";

  // The same URLs with loopback allowed: every one of them reaches the server
  // (the IPv4-mapped ones through an IPv6 socket, where the machine has IPv6).
  int reached = 0;
  for (const std::string& host : hosts) {
    if (host.front() == '[' && !ipv6_sockets()) {
      continue;
    }
    const StepOutcome out = get("http://" + host + ":" + port_ + "/hit", {"127.0.0.0/8", "0.0.0.0"});
    EXPECT_EQ(out.status, LH_OK) << host << ": " << out.error;
    ++reached;
  }
  EXPECT_EQ(target_.requests("/hit"), reached);
}

TEST_F(SecuritySsrf, PrivateLinkLocalAndMetadataAddressesAreRefusedWithoutConnecting) {
  // Refused in the socket callback, so not even a connection attempt is made:
  // the answer comes at once, whatever is (or is not) on the other side.
  const std::vector<std::pair<std::string, std::string>> cases{
      {"10.0.0.1", "a private address"},
      {"172.16.0.1", "a private address"},
      {"192.168.0.1", "a private address"},
      {"169.254.169.254", "a cloud metadata address"},
      {"169.254.1.1", "a link-local address"},
      {"100.64.0.1", "a shared (carrier-grade NAT) address"},
      {"[fd00:ec2::254]", "a cloud metadata address"},
      {"[fd12::1]", "a private address"},
      {"[fe80::1]", "a link-local address"},
      {"[::ffff:169.254.169.254]", "a cloud metadata address"},
      {"[::ffff:10.0.0.1]", "a private address"},
      {"[::]", "an unspecified address"},
      {"224.0.0.1", "a multicast address"},
  };
  for (const auto& [host, kind] : cases) {
    expect_refused(get("http://" + host + "/latest/meta-data/"), host, kind);
  }
}

TEST_F(SecuritySsrf, AnAllowedAddressReachesTheServer) {
  const StepOutcome out = get(target_.url("/hit"), {"127.0.0.1"});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["body"], "internal secret");
  // With its port only that port.
  const StepOutcome with_port = get(target_.url("/hit"), {"127.0.0.1:" + port_});
  EXPECT_EQ(with_port.status, LH_OK) << with_port.error;
  expect_refused(get(target_.url("/hit"), {"127.0.0.1:1"}), "another port allowed", "a loopback address");
  // By host name: what the URL says, whatever it resolves to.
  const StepOutcome by_name = get("http://localhost:" + port_ + "/hit", {"localhost"});
  EXPECT_EQ(by_name.status, LH_OK) << by_name.error;
  expect_refused(get(target_.url("/hit"), {"localhost"}), "127.0.0.1 with only localhost allowed",
                 "a loopback address");
  EXPECT_EQ(target_.requests("/hit"), 3);
}

TEST_F(SecuritySsrf, ARedirectIsCheckedLikeTheFirstRequest) {
  LoopbackServer front;
  std::string location;
  front.on("/jump", [&location](const Request&) { return Response{302, "text/plain", "", {{"Location", location}}}; });
  front.start();
  const std::string front_port = port_of(front);
  const std::vector<std::string> only_front{"127.0.0.1:" + front_port};

  // From the allowed server to another port, another spelling, another family.
  const std::vector<std::string> targets{
      target_.url("/hit"), "http://localhost:" + port_ + "/hit", "http://2130706433:" + port_ + "/hit",
      "http://[::ffff:127.0.0.1]:" + port_ + "/hit", "http://169.254.169.254/latest/meta-data/"};
  for (const std::string& to : targets) {
    location = to;
    const StepOutcome out = get(front.url("/jump"), only_front);
    expect_refused(out, "redirect to " + to,
                   to.find("169.254") != std::string::npos ? "a cloud metadata address" : "a loopback address");
  }
  EXPECT_EQ(front.requests("/jump"), 5) << "the allowed first hop was made";
  EXPECT_EQ(target_.requests("/hit"), 0) << "a redirect reached an address that is not allowed";

  // A host-name entry covers that name only: a redirect to the address it
  // resolves to is another host.
  location = "http://127.0.0.1:" + port_ + "/hit";
  expect_refused(get("http://localhost:" + front_port + "/jump", {"localhost"}), "redirect from localhost",
                 "a loopback address");
  EXPECT_EQ(target_.requests("/hit"), 0);

  // Both allowed: the redirect is followed.
  const StepOutcome both = get(front.url("/jump"), {"127.0.0.1"});
  ASSERT_EQ(both.status, LH_OK) << both.error;
  EXPECT_EQ(both.output["body"], "internal secret");
  EXPECT_EQ(target_.requests("/hit"), 1);
}

TEST_F(SecuritySsrf, TheTiktokClientIsGuardedToo) {
  LoopbackServer oembed;
  oembed.on("/oembed", [](const Request&) { return Response{200, "application/json", "{}", {}}; });
  oembed.start();
  const Json input{{"provider", "oembed"},
                   {"url", "https://www.tiktok.com/@scout2015/video/6718335390845095173"},
                   {"base_url", oembed.url("")}};
  const StepOutcome out = call("tiktok.fetch", input);
  EXPECT_EQ(out.status, LH_ERROR) << out.error;
  EXPECT_NE(out.error.find("refused: 127.0.0.1 is a loopback address"), std::string::npos) << out.error;
  EXPECT_EQ(oembed.requests("/oembed"), 0);
  // Allowed, the request is made (what the stand-in answers is not this test's business).
  call("tiktok.fetch", input, {"127.0.0.1"});
  EXPECT_EQ(oembed.requests("/oembed"), 1);
}

TEST_F(SecuritySsrf, TheAllowListComesFromLinkhubYamlAndTheEnvironment) {
  test::TempDir dir;
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.path() / name) << text;
    return (dir.path() / name).string();
  };
  const std::string workflow = write(
      "fetch.yaml", "name: fetch\nsteps:\n  - id: get\n    uses: core.http\n    with: { url: \"" + target_.url("/hit") +
                        "\", timeout_ms: 5000 }\n"
                        "outputs:\n  body: \"${{ steps.get.outputs.body }}\"\n");
  const std::string db = "database: runs.db\nartifact_dir: artifacts\n";
  const auto run = [&](const std::string& config, const std::map<std::string, std::string>& env) {
    test::ChildProcess child({LINKHUB_BINARY, "run", workflow, "--config", write("linkhub.yaml", db + config)}, env);
    const auto status = child.wait();
    return std::make_pair(status.exited ? status.code : -1, child.transcript());
  };

  const auto refused = run("", {});
  EXPECT_NE(refused.first, 0) << refused.second;
  EXPECT_NE(refused.second.find("refused: 127.0.0.1 is a loopback address"), std::string::npos) << refused.second;
  EXPECT_EQ(target_.requests("/hit"), 0);

  const auto allowed = run("http:\n  allow: [\"127.0.0.1\", \"10.0.0.0/8\", files.internal.example]\n", {});
  EXPECT_EQ(allowed.first, 0) << allowed.second;
  EXPECT_EQ(target_.requests("/hit"), 1);

  const auto from_env = run("", {{"LINKHUB_HTTP_ALLOW", "10.0.0.0/8, 127.0.0.1:" + port_}});
  EXPECT_EQ(from_env.first, 0) << from_env.second;
  EXPECT_EQ(target_.requests("/hit"), 2);

  // The environment replaces the file's list.
  const auto replaced = run("http:\n  allow: [\"127.0.0.1\"]\n", {{"LINKHUB_HTTP_ALLOW", "10.0.0.0/8"}});
  EXPECT_NE(replaced.first, 0) << replaced.second;
  EXPECT_EQ(target_.requests("/hit"), 2);

  // A malformed entry stops the command before anything runs, naming the entry and where it is.
  const auto bad = run("http:\n  allow: [\"127.0.0.1\", \"10.0.0.0/40\"]\n", {});
  EXPECT_NE(bad.first, 0);
  EXPECT_NE(bad.second.find("linkhub.yaml:4:"), std::string::npos) << bad.second;
  EXPECT_NE(bad.second.find("http.allow entry '10.0.0.0/40'"), std::string::npos) << bad.second;
  const auto bad_env = run("", {{"LINKHUB_HTTP_ALLOW", "127.0.0.1,2130706433"}});
  EXPECT_NE(bad_env.first, 0);
  EXPECT_NE(bad_env.second.find("LINKHUB_HTTP_ALLOW: http.allow entry '2130706433'"), std::string::npos)
      << bad_env.second;
  EXPECT_EQ(target_.requests("/hit"), 2);
}

}  // namespace
}  // namespace linkhub
