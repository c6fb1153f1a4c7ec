// The web console's server side: its files at / (SPA fallback, precompressed
// twins, cache headers, the Content-Security-Policy, nothing outside its
// folder) and the browser session (cookie flags, the CSRF defence, sign-out),
// while API keys and Bearer tokens work as before. The browser end of it is
// ui/tests/*.e2e.mjs (ctest console.*).
#include "serve_fixture.hpp"

#include "auth/credentials.hpp"
#include "http/session.hpp"
#include "http/static_files.hpp"

#include <fstream>

namespace linkhub::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kPassword = "console password 1234";
const std::string kHelloBody = R"({"inputs": {"name": "ada"}})";

void put(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

bool has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A built console: index.html, a hashed script with its .gz twin, and a
// secret beside the folder that no path may reach.
class ConsoleFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::path(::testing::TempDir()) / ("linkhub-console-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    root_ = base_ / "ui";
    put(root_ / "index.html", "<!doctype html><title>console</title>");
    put(root_ / "assets" / "index-abc123.js", "console.log('plain')");
    put(root_ / "assets" / "index-abc123.js.gz", "GZIPPED");
    put(root_ / ".env", "hidden");
    put(base_ / "secret.txt", "outside");
    fs::create_symlink(base_ / "secret.txt", root_ / "link.txt");
  }
  void TearDown() override { fs::remove_all(base_); }

  std::optional<http::Reply> get(std::vector<std::string> segments, const std::string& accept = "") {
    return http::StaticFiles(root_).serve(segments, accept);
  }
  static std::string header(const http::Reply& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) {
        return v;
      }
    }
    return "";
  }

  fs::path base_, root_;
};

TEST_F(ConsoleFiles, PagesWithoutAFileGetIndexHtmlUncached) {
  for (const auto& segments : std::vector<std::vector<std::string>>{{""}, {"runs"}, {"runs", "01a2-3b"}}) {
    auto r = get(segments);
    ASSERT_TRUE(r) << segments.size();
    EXPECT_EQ(r->text, "<!doctype html><title>console</title>");
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header(*r, "Cache-Control"), "no-cache");
    EXPECT_EQ(header(*r, "Content-Security-Policy"), http::kConsoleContentSecurityPolicy);
    EXPECT_TRUE(has(header(*r, "Content-Security-Policy"), "default-src 'self'"));
  }
}

TEST_F(ConsoleFiles, HashedAssetsAreImmutableAndGzippedForClientsThatTakeIt) {
  auto plain = get({"assets", "index-abc123.js"});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->text, "console.log('plain')");
  EXPECT_EQ(plain->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(*plain, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(header(*plain, "Content-Encoding"), "");
  EXPECT_EQ(header(*plain, "Vary"), "Accept-Encoding");
  auto packed = get({"assets", "index-abc123.js"}, "br, gzip;q=0.8");
  ASSERT_TRUE(packed);
  EXPECT_EQ(packed->text, "GZIPPED");
  EXPECT_EQ(header(*packed, "Content-Encoding"), "gzip");
  EXPECT_EQ(packed->content_type, "text/javascript; charset=utf-8");
  auto refused = get({"assets", "index-abc123.js"}, "gzip;q=0, br");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->text, "console.log('plain')");
}

TEST_F(ConsoleFiles, AMissingFileIsNotThePage) {
  EXPECT_FALSE(get({"assets", "gone-999.js"}));
  EXPECT_FALSE(get({"favicon.ico"}));
}

TEST_F(ConsoleFiles, NothingOutsideTheFolderNorHidden) {
  const std::vector<std::vector<std::string>> attempts = {{"..", "secret.txt"},
                                                          {"assets", "..", "..", "secret.txt"},
                                                          {".", "index.html"},
                                                          {"../secret.txt"},
                                                          {"..\\secret.txt"},
                                                          {".env"},
                                                          {"link.txt"},
                                                          {"assets", ""},
                                                          {std::string("index.html\0.js", 13)}};
  for (const auto& segments : attempts) {
    auto r = get(segments);
    EXPECT_FALSE(r && (has(r->text, "outside") || has(r->text, "hidden"))) << segments.front();
    EXPECT_FALSE(r) << segments.front();
  }
}

TEST(ConsoleEncoding, AcceptEncodingIsRead) {
  EXPECT_TRUE(http::accepts_gzip("gzip"));
  EXPECT_TRUE(http::accepts_gzip("deflate, GZIP;q=0.5"));
  EXPECT_TRUE(http::accepts_gzip("*"));
  EXPECT_FALSE(http::accepts_gzip(""));
  EXPECT_FALSE(http::accepts_gzip("br, deflate"));
  EXPECT_FALSE(http::accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(http::accepts_gzip("x-gzip2"));
}

TEST(ConsoleCookies, FlagsAndParsing) {
  EXPECT_EQ(http::set_cookie("lh_session", "abc", "/", std::chrono::seconds(900), false),
            "lh_session=abc; Path=/; Max-Age=900; HttpOnly; SameSite=Strict");
  EXPECT_EQ(http::set_cookie("lh_session", "", "/", std::chrono::seconds(0), true),
            "lh_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure");
  EXPECT_EQ(http::cookie_value("a=1; lh_session=tok; b=2", "lh_session"), "tok");
  EXPECT_EQ(http::cookie_value("xlh_session=no; lh_sessionx=no", "lh_session"), "");
  EXPECT_EQ(http::cookie_value("", "lh_session"), "");
}

// The console through a real server: its files at /, and the cookie session.
class ConsoleServe : public ServeTest {
 protected:
  void start_console() {
    const fs::path ui = dir_ / "ui";
    put(ui / "index.html", "<!doctype html><title>console</title>");
    put(ui / "assets" / "app-1.js", "app");
    start([ui](http::ServeOptions& o) { o.ui_dir = ui; });
    auto user = AuthStore(*store_).create_user("ada", hash_password(kPassword, kMinimalPasswordCost), "operator");
    ASSERT_TRUE(user.ok());
    auto viewer = AuthStore(*store_).create_user("vic", hash_password(kPassword, kMinimalPasswordCost), "viewer");
    ASSERT_TRUE(viewer.ok());
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Signs in through the session route; the Cookie header a browser would send after it.
  std::string sign_in(const std::string& user = "ada") {
    auto r =
        client_with("")->post_json("/api/v1/auth/session", json{{"username", user}, {"password", kPassword}}.dump(),
                                   {{"X-Linkhub-Console", "1"}, {"Origin", origin()}});
    EXPECT_EQ(r.status, 200) << r.body;
    std::string cookies;
    for (const auto& line : lines(r.header("set-cookie"))) {
      cookies += (cookies.empty() ? "" : "; ") + line.substr(0, line.find(';'));
    }
    return cookies;
  }
  HttpAnswer as_browser(const std::string& method, const std::string& target, const std::string& cookies,
                        std::map<std::string, std::string> headers = {}) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.headers = std::move(headers);
    request.headers["Cookie"] = cookies;
    if (method != "GET" && method != "DELETE") {
      request.body = kHelloBody;
      request.content_type = "application/json";
    }
    return client_with("")->send(request);
  }
};

TEST_F(ConsoleServe, TheConsoleIsServedAtTheRootAndApiPathsStayJson) {
  start_console();
  auto page = client_with("")->get("/runs/abc");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<!doctype html><title>console</title>");
  EXPECT_TRUE(has(page.header("content-security-policy"), "default-src 'self'"));
  EXPECT_EQ(page.header("cache-control"), "no-cache");
  EXPECT_EQ(client_with("")->get("/").status, 200);
  auto asset = client_with("")->get("/assets/app-1.js");
  EXPECT_EQ(asset.body, "app");
  EXPECT_EQ(asset.header("cache-control"), "public, max-age=31536000, immutable");
  auto api = client_with("")->get("/api/v1/nothing-here");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.json()["error"]["code"], "unknown_route");
  EXPECT_EQ(client_with("")->get("/%2e%2e/%2e%2e/etc/passwd").status, 404);
  EXPECT_EQ(client_with("")->get("/assets/%2e%2e%2f%2e%2e%2findex.html").status, 404);
  HttpRequest post;
  post.method = "POST";
  post.target = "/runs";
  EXPECT_EQ(client_with("")->send(post).status, 404) << "only GET and HEAD reach the files";
}

TEST_F(ConsoleServe, WithoutABuiltConsoleTheRootSaysSo) {
  start([this](http::ServeOptions& o) { o.ui_dir = dir_ / "no-ui-here"; });
  auto r = client_with("")->get("/");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["error"]["code"], "console_not_installed");
}

TEST_F(ConsoleServe, SignInSetsHttpOnlyStrictCookiesAndNoTokenInTheBody) {
  start_console();
  auto r = client_with("")->post_json("/api/v1/auth/session", json{{"username", "ada"}, {"password", kPassword}}.dump(),
                                      {{"X-Linkhub-Console", "1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["role"], "operator");
  EXPECT_FALSE(r.json().contains("access_token"));
  EXPECT_FALSE(r.json().contains("refresh_token"));
  const auto cookies = lines(r.header("set-cookie"));
  ASSERT_EQ(cookies.size(), 2u) << r.header("set-cookie");
  EXPECT_TRUE(cookies[0].rfind("lh_session=ey", 0) == 0) << cookies[0];
  EXPECT_TRUE(has(cookies[0], "; Path=/;")) << cookies[0];
  EXPECT_TRUE(cookies[1].rfind("lh_refresh=lhr_", 0) == 0) << cookies[1];
  EXPECT_TRUE(has(cookies[1], "; Path=/api/v1/auth/session;")) << cookies[1];
  for (const auto& cookie : cookies) {
    EXPECT_TRUE(has(cookie, "; HttpOnly")) << cookie;
    EXPECT_TRUE(has(cookie, "; SameSite=Strict")) << cookie;
    EXPECT_FALSE(has(cookie, "Secure")) << "plain HTTP: " << cookie;
  }
}

TEST_F(ConsoleServe, SignInWithoutTheConsoleHeaderOrFromAnotherOriginIsRefused) {
  start_console();
  const std::string body = json{{"username", "ada"}, {"password", kPassword}}.dump();
  auto bare = client_with("")->post_json("/api/v1/auth/session", body);
  EXPECT_EQ(bare.status, 403);
  EXPECT_EQ(bare.json()["error"]["code"], "csrf_refused");
  EXPECT_EQ(bare.header("set-cookie"), "");
  auto foreign = client_with("")->post_json("/api/v1/auth/session", body,
                                            {{"X-Linkhub-Console", "1"}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.json()["error"]["code"], "csrf_refused");
}

TEST_F(ConsoleServe, TheCookieReadsButChangesNothingWithoutTheCsrfDefence) {
  start_console();
  const std::string cookies = sign_in();
  EXPECT_EQ(as_browser("GET", "/api/v1/runs", cookies).status, 200) << "reads need no header (EventSource)";
  EXPECT_EQ(as_browser("GET", "/api/v1/auth/me", cookies).json()["name"], "ada");

  auto bare = as_browser("POST", "/api/v1/workflows/hello/runs", cookies);
  EXPECT_EQ(bare.status, 403) << bare.body;
  EXPECT_EQ(bare.json()["error"]["code"], "csrf_refused");
  auto foreign = as_browser("POST", "/api/v1/workflows/hello/runs", cookies,
                            {{"X-Linkhub-Console", "1"}, {"Origin", "https://evil.example"}});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.json()["error"]["code"], "csrf_refused");
  auto wrong_value = as_browser("POST", "/api/v1/workflows/hello/runs", cookies, {{"X-Linkhub-Console", "yes"}});
  EXPECT_EQ(wrong_value.status, 403);

  auto ok =
      as_browser("POST", "/api/v1/workflows/hello/runs", cookies, {{"X-Linkhub-Console", "1"}, {"Origin", origin()}});
  EXPECT_EQ(ok.status, 202) << ok.body;
  EXPECT_EQ(as_browser("POST", "/api/v1/workflows/hello/runs", cookies, {{"X-Linkhub-Console", "1"}}).status, 202)
      << "no Origin (some clients omit it): the header suffices";
}

TEST_F(ConsoleServe, RolesHoldForTheCookieToo) {
  start_console();
  auto r = as_browser("POST", "/api/v1/workflows/hello/runs", sign_in("vic"), {{"X-Linkhub-Console", "1"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["error"]["code"], "forbidden");
}

TEST_F(ConsoleServe, KeysAndBearerTokensWorkAsBeforeWithoutTheHeader) {
  start_console();
  EXPECT_EQ(post("/api/v1/workflows/hello/runs", kHelloBody).status, 202) << "the admin API key, no console header";
  auto login =
      client_with("")->post_json("/api/v1/auth/login", json{{"username", "ada"}, {"password", kPassword}}.dump());
  ASSERT_EQ(login.status, 200);
  auto bearer = client_with(login.json()["access_token"])->post_json("/api/v1/workflows/hello/runs", kHelloBody);
  EXPECT_EQ(bearer.status, 202) << bearer.body;
  // A Bearer credential wins over a cookie: the cookie's CSRF rule does not apply to it.
  auto both =
      client_with(admin_key_)->post_json("/api/v1/workflows/hello/runs", kHelloBody, {{"Cookie", "lh_session=junk"}});
  EXPECT_EQ(both.status, 202) << both.body;
}

TEST_F(ConsoleServe, SignOutClearsTheCookiesAndEndsTheLogin) {
  start_console();
  const std::string cookies = sign_in();
  EXPECT_EQ(as_browser("DELETE", "/api/v1/auth/session", cookies).status, 403) << "sign-out needs the header too";
  auto out = as_browser("DELETE", "/api/v1/auth/session", cookies, {{"X-Linkhub-Console", "1"}});
  ASSERT_EQ(out.status, 200) << out.body;
  const auto cleared = lines(out.header("set-cookie"));
  ASSERT_EQ(cleared.size(), 2u);
  for (const auto& cookie : cleared) {
    EXPECT_TRUE(has(cookie, "=; Path=")) << cookie;
    EXPECT_TRUE(has(cookie, "Max-Age=0")) << cookie;
  }
  // A copy of the old cookies is worth nothing now.
  EXPECT_EQ(as_browser("GET", "/api/v1/runs", cookies).status, 401);
  auto renew = as_browser("POST", "/api/v1/auth/session/refresh", cookies, {{"X-Linkhub-Console", "1"}});
  EXPECT_EQ(renew.status, 401);
}

TEST_F(ConsoleServe, TheRefreshCookieRenewsTheSession) {
  start_console();
  const std::string cookies = sign_in();
  auto renewed = as_browser("POST", "/api/v1/auth/session/refresh", cookies, {{"X-Linkhub-Console", "1"}});
  ASSERT_EQ(renewed.status, 200) << renewed.body;
  std::string fresh;
  for (const auto& line : lines(renewed.header("set-cookie"))) {
    fresh += (fresh.empty() ? "" : "; ") + line.substr(0, line.find(';'));
  }
  EXPECT_EQ(as_browser("GET", "/api/v1/auth/me", fresh).status, 200);
  // The refresh token it replaced is used up: reusing it ends the login (the API's reuse rule).
  EXPECT_EQ(as_browser("POST", "/api/v1/auth/session/refresh", cookies, {{"X-Linkhub-Console", "1"}}).status, 401);
}

}  // namespace
}  // namespace linkhub::test
