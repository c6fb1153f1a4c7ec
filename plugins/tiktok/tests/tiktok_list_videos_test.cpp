// tiktok.list_videos through the C ABI: apify against a loopback server
// answering datasets of the recorded item's shape, ytdlp with a stand-in
// `yt-dlp` script that prints a --flat-playlist answer, local on a temporary
// folder of .info.json files; and what each does with limit, since_id, an
// empty profile and a malformed answer.
#include "loopback_server.hpp"
#include "tiktok_test_support.hpp"

#include <sys/stat.h>

#include <Poco/URI.h>

#include <gtest/gtest.h>

namespace linkhub {
namespace {

using test::LoopbackServer;
using test::Request;
using test::Response;
using tiktok_test::call;
using tiktok_test::read_file;
using tiktok_test::read_fixture;
using tiktok_test::ScopedPath;
using tiktok_test::TempDir;

constexpr const char* kActor = "/v2/acts/clockworks~tiktok-scraper/run-sync-get-dataset-items";
constexpr const char* kProfile = "https://www.tiktok.com/@a3noticias?lang=es";
constexpr const char* kToken = "apify_api_S3cr3t/T0ken+x&y";

std::vector<std::string> ids_of(const StepResult& out) {
  std::vector<std::string> ids;
  for (const Json& v : out.output.value("videos", Json::array())) {
    ids.push_back(v.at("id").get<std::string>());
  }
  return ids;
}

bool mentions(const StepResult& out, const std::string& text) {
  return out.error.find(text) != std::string::npos;
}

// ---------------------------------------------------------------- the step

TEST(TikTokListVideos, OembedCannotListAndSaysWhichProvidersCan) {
  for (const Json& input : {Json{{"profile", kProfile}, {"provider", "oembed"}}, Json{{"profile", kProfile}}}) {
    const StepResult out = call("tiktok.list_videos", input);  // no provider configured: oembed, as for fetch
    EXPECT_EQ(out.status, LH_ERROR) << input.dump();           // permanent
    EXPECT_EQ(out.code, "invalid_input");
    EXPECT_TRUE(mentions(out, "tiktok.list_videos (oembed)")) << out.error;
    EXPECT_TRUE(mentions(out, "cannot list")) << out.error;
    EXPECT_TRUE(mentions(out, "apify, ytdlp or local")) << out.error;
  }
}

TEST(TikTokListVideos, RefusesWhatIsNotAProfileAndLimitsOutOfRange) {
  FakeContext c;
  c.plugin_config = {{"provider", "local"}, {"local_dir", "/nonexistent"}};
  const StepResult video =
      call("tiktok.list_videos", {{"profile", "https://www.tiktok.com/@a/video/6718335390845095173"}}, c);
  EXPECT_EQ(video.status, LH_ERROR);
  EXPECT_TRUE(mentions(video, "tiktok.list_videos (local)")) << video.error;
  EXPECT_TRUE(mentions(video, "is not a TikTok profile link: it is a video")) << video.error;
  for (int limit : {0, 201}) {
    FakeContext c2;
    c2.plugin_config = {{"provider", "local"}, {"local_dir", "/nonexistent"}};
    const StepResult out = call("tiktok.list_videos", {{"profile", "@a"}, {"limit", limit}}, c2);
    EXPECT_EQ(out.status, LH_ERROR);
    EXPECT_TRUE(mentions(out, "limit must be 1 to 200")) << out.error;
  }
}

// ---------------------------------------------------------------- apify

class TikTokListVideosApify : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.on(kActor, [this](const Request& r) {
      last_ = r;
      return handler_(r);
    });
    server_.start();
  }

  StepResult list(std::function<Response(const Request&)> handler, const Json& extra = Json::object(),
                  std::optional<std::string> token = kToken) {
    handler_ = std::move(handler);
    Json input = {{"profile", kProfile}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    FakeContext c;
    // The provider from the plugin config, as tiktok.fetch takes it.
    c.plugin_config = {{"provider", "apify"}, {"apify_base_url", server_.url("")}};
    if (token) {
      c.secrets["APIFY_TOKEN"] = *token;
    }
    StepResult out = call("tiktok.list_videos", input, c);
    std::string encoded;
    Poco::URI::encode(kToken, "/+&", encoded);
    for (const std::string& secret : {std::string(kToken), encoded, std::string("S3cr3t")}) {
      EXPECT_EQ(out.error.find(secret), std::string::npos) << out.error;
      EXPECT_EQ(out.log_text().find(secret), std::string::npos) << out.log_text();
    }
    return out;
  }

  // Items of the recorded item's shape, one per (id, createTimeISO), in the given order.
  static Json dataset(const std::vector<std::pair<std::string, std::string>>& videos) {
    const Json item = Json::parse(read_fixture("apify_dataset_item.json")).at(0);
    Json items = Json::array();
    for (const auto& [id, time] : videos) {
      Json copy = item;
      copy["id"] = id;
      copy["text"] = "caption of " + id;
      copy["createTimeISO"] = time;
      copy["webVideoUrl"] = "https://www.tiktok.com/@a3noticias/video/" + id;
      items.push_back(copy);
    }
    return items;
  }
  // Four videos; the oldest is pinned, so the scraper gives it first.
  static Json four() {
    return dataset({{"6806030056956251397", "2020-03-19T21:12:40.000Z"},
                    {"7301458823650102534", "2023-11-12T14:40:00.000Z"},
                    {"7290000000000000002", "2023-10-02T08:00:00.000Z"},
                    {"7280000000000000003", "2023-09-05T17:30:00.000Z"}});
  }

  static Response json(int status, const std::string& body) { return Response{status, "application/json", body, {}}; }

  LoopbackServer server_;
  std::function<Response(const Request&)> handler_;
  Request last_;
};

TEST_F(TikTokListVideosApify, PostsAProfileRunAndListsNewestFirst) {
  const StepResult out = list([](const Request&) { return json(201, four().dump()); });
  ASSERT_EQ(out.status, LH_OK) << out.error;

  EXPECT_EQ(last_.method, "POST");
  const Json posted = Json::parse(last_.body);
  EXPECT_EQ(posted["profiles"], Json({"a3noticias"}));
  EXPECT_EQ(posted["resultsPerPage"], 20);  // the default limit
  EXPECT_EQ(posted["shouldDownloadVideos"], false);
  EXPECT_FALSE(posted.contains("postURLs"));

  EXPECT_EQ(out.output["username"], "a3noticias");
  EXPECT_EQ(out.output["provider"], "apify");
  EXPECT_EQ(ids_of(out), std::vector<std::string>({"7301458823650102534", "7290000000000000002", "7280000000000000003",
                                                   "6806030056956251397"}));
  EXPECT_EQ(out.output["videos"][0], Json({{"id", "7301458823650102534"},
                                           {"url", "https://www.tiktok.com/@a3noticias/video/7301458823650102534"},
                                           {"caption", "caption of 7301458823650102534"},
                                           {"created_at", "2023-11-12T14:40:00.000Z"}}));
}

TEST_F(TikTokListVideosApify, AsksForTheLimitAndStopsBeforeSinceId) {
  const StepResult limited = list([](const Request&) { return json(201, four().dump()); }, {{"limit", 2}});
  ASSERT_EQ(limited.status, LH_OK) << limited.error;
  EXPECT_EQ(Json::parse(last_.body)["resultsPerPage"], 2);
  // The stand-in ignores the limit; the step still keeps the newest two.
  EXPECT_EQ(ids_of(limited), std::vector<std::string>({"7301458823650102534", "7290000000000000002"}));

  const StepResult since =
      list([](const Request&) { return json(201, four().dump()); }, {{"since_id", "7280000000000000003"}});
  ASSERT_EQ(since.status, LH_OK) << since.error;
  EXPECT_EQ(ids_of(since), std::vector<std::string>({"7301458823650102534", "7290000000000000002"}));

  const StepResult newest =
      list([](const Request&) { return json(201, four().dump()); }, {{"since_id", "7301458823650102534"}});
  ASSERT_EQ(newest.status, LH_OK) << newest.error;
  EXPECT_TRUE(newest.output["videos"].empty());  // nothing new

  const StepResult absent =
      list([](const Request&) { return json(201, four().dump()); }, {{"since_id", "7000000000000000000"}});
  ASSERT_EQ(absent.status, LH_OK) << absent.error;
  EXPECT_EQ(ids_of(absent).size(), 4u);  // not among them: every listed video
}

TEST_F(TikTokListVideosApify, AnEmptyProfileIsAnEmptyList) {
  const StepResult out = list([](const Request&) { return json(201, "[]"); }, {{"profile", "@a3noticias"}});
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output, Json({{"username", "a3noticias"}, {"provider", "apify"}, {"videos", Json::array()}}));
}

TEST_F(TikTokListVideosApify, NamesTheProviderWhenTheAnswerIsMalformed) {
  const StepResult broken = list([](const Request&) { return json(201, "[{\"id\": "); });
  EXPECT_EQ(broken.status, LH_ERROR);
  EXPECT_TRUE(mentions(broken, "tiktok.list_videos (apify)")) << broken.error;
  EXPECT_TRUE(mentions(broken, "malformed JSON")) << broken.error;

  const StepResult object = list([](const Request&) { return json(201, R"({"id": "1"})"); });
  EXPECT_EQ(object.status, LH_ERROR);
  EXPECT_TRUE(mentions(object, "not a list")) << object.error;

  const StepResult no_ids = list([](const Request&) { return json(201, R"([{"text": "x"}, 7, {"id": "abc"}])"); });
  EXPECT_EQ(no_ids.status, LH_ERROR);
  EXPECT_TRUE(mentions(no_ids, "none of the 3 dataset items is a video")) << no_ids.error;

  const StepResult refused =
      list([](const Request&) { return json(201, R"([{"url": "x", "error": "Profile not found"}])"); });
  EXPECT_EQ(refused.status, LH_ERROR);
  EXPECT_TRUE(mentions(refused, "could not list https://www.tiktok.com/@a3noticias: Profile not found"))
      << refused.error;

  // A stray item among videos is skipped with a warning.
  Json mixed = four();
  mixed.push_back({{"text", "no id"}});
  const StepResult partial = list([&](const Request&) { return json(201, mixed.dump()); });
  ASSERT_EQ(partial.status, LH_OK) << partial.error;
  EXPECT_EQ(ids_of(partial).size(), 4u);
  EXPECT_NE(partial.log_text().find("skipped 1 dataset items"), std::string::npos) << partial.log_text();
}

TEST_F(TikTokListVideosApify, ClassifiesStatusesLikeFetch) {
  struct Case {
    int status;
    lh_status expected;
    const char* text;
  };
  for (const Case& c : {Case{429, LH_RETRYABLE, "retry after 12"}, Case{503, LH_RETRYABLE, "answered 503"},
                        Case{408, LH_RETRYABLE, "timed out"}, Case{404, LH_ERROR, "answered 404"},
                        Case{401, LH_ERROR, "Apify refused the token"}}) {
    const StepResult out = list([&](const Request&) {
      Response r = json(c.status, std::string(R"({"error":{"message":"echo )") + kToken + R"("}})");
      r.headers["Retry-After"] = "12";
      return r;
    });
    EXPECT_EQ(out.status, c.expected) << c.status << ": " << out.error;
    EXPECT_TRUE(mentions(out, c.text)) << out.error;
    EXPECT_TRUE(mentions(out, "tiktok.list_videos (apify)")) << out.error;
  }
  const StepResult no_token = list([](const Request&) { return json(201, "[]"); }, {}, std::nullopt);
  EXPECT_EQ(no_token.status, LH_ERROR);
  EXPECT_TRUE(mentions(no_token, "APIFY_TOKEN")) << no_token.error;
}

// ---------------------------------------------------------------- ytdlp

class TikTokListVideosYtdlp : public ::testing::Test {
 protected:
  // bin/yt-dlp records "$@" one per line, then runs `body`.
  void fake_ytdlp(const std::string& body) {
    std::filesystem::create_directories(bin_.path());
    const std::string script = (bin_.path() / "yt-dlp").string();
    std::ofstream(script) << "#!/bin/sh\n"
                          << "printf '%s\\n' \"$@\" > '" << args_file() << "'\n"
                          << body << "\n";
    ::chmod(script.c_str(), 0755);
  }
  // A yt-dlp that prints `answer` on stdout (and chatter on stderr).
  void fake_ytdlp_printing(const std::string& answer) {
    const std::string file = (work_.path() / "answer.json").string();
    std::ofstream(file) << answer;
    fake_ytdlp("echo '[tiktok:user] a3noticias: Downloading user webpage' >&2\n/bin/cat '" + file +
               "'\nexit 0");  // PATH holds only bin/
  }

  StepResult list(const Json& extra = Json::object()) {
    Json input = {{"profile", kProfile}, {"provider", "ytdlp"}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    FakeContext c;
    c.artifact_dir = artifacts_.path();
    return call("tiktok.list_videos", input, c);
  }

  std::string args_file() const { return (work_.path() / "args.txt").string(); }
  std::vector<std::string> recorded_args() const {
    std::vector<std::string> lines;
    std::istringstream in(read_file(args_file()));
    for (std::string line; std::getline(in, line);) {
      lines.push_back(line);
    }
    return lines;
  }

  // What `yt-dlp --flat-playlist -J` prints for a TikTok profile: a playlist
  // whose entries are url results with the fields the user page lists.
  static Json playlist() {
    const auto entry = [](const std::string& id, Json timestamp, const std::string& title) {
      return Json{{"_type", "url"},
                  {"ie_key", "TikTok"},
                  {"id", id},
                  {"url", "https://www.tiktok.com/@a3noticias/video/" + id},
                  {"title", title},
                  {"timestamp", timestamp},
                  {"uploader", "a3noticias"}};
    };
    return {{"_type", "playlist"},
            {"id", "MS4wLjABAAAA0tF1nBwQVVMyrGu3CqttkNgM68Do"},
            {"title", "a3noticias"},
            {"entries",
             {entry("7290000000000000002", 1696233600, "second"), entry("7301458823650102534", 1699800000, "newest"),
              entry("6806030056956251397", 1584652360, "oldest"), entry("7280000000000000003", nullptr, "no date")}}};
  }

  TempDir work_;
  TempDir bin_;
  TempDir artifacts_;
};

TEST_F(TikTokListVideosYtdlp, RunsFlatPlaylistWithoutAShellAndListsNewestFirst) {
  fake_ytdlp_printing(playlist().dump());
  ScopedPath path(bin_.str());
  const StepResult out = list();
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(recorded_args(), std::vector<std::string>({"--ignore-config", "--flat-playlist", "-J", "--playlist-end",
                                                       "20", "--", "https://www.tiktok.com/@a3noticias"}));
  EXPECT_EQ(out.output["provider"], "ytdlp");
  EXPECT_EQ(out.output["username"], "a3noticias");
  // Dated videos newest first, then the one without a date.
  EXPECT_EQ(ids_of(out), std::vector<std::string>({"7301458823650102534", "7290000000000000002", "6806030056956251397",
                                                   "7280000000000000003"}));
  EXPECT_EQ(out.output["videos"][0], Json({{"id", "7301458823650102534"},
                                           {"url", "https://www.tiktok.com/@a3noticias/video/7301458823650102534"},
                                           {"caption", "newest"},
                                           {"created_at", "2023-11-12T14:40:00Z"}}));
  EXPECT_TRUE(out.output["videos"][3]["created_at"].is_null());
}

TEST_F(TikTokListVideosYtdlp, PassesTheLimitAndStopsBeforeSinceId) {
  fake_ytdlp_printing(playlist().dump());
  ScopedPath path(bin_.str());
  const StepResult limited = list({{"limit", 3}, {"profile", "@a3noticias"}});
  ASSERT_EQ(limited.status, LH_OK) << limited.error;
  const auto args = recorded_args();
  EXPECT_EQ(args[4], "3");
  EXPECT_EQ(ids_of(limited).size(), 3u);

  const StepResult since = list({{"since_id", "7290000000000000002"}});
  ASSERT_EQ(since.status, LH_OK) << since.error;
  EXPECT_EQ(ids_of(since), std::vector<std::string>({"7301458823650102534"}));

  const StepResult absent = list({{"since_id", "123456789"}});
  ASSERT_EQ(absent.status, LH_OK) << absent.error;
  EXPECT_EQ(ids_of(absent).size(), 4u);
}

TEST_F(TikTokListVideosYtdlp, AnEmptyProfileIsAnEmptyList) {
  fake_ytdlp_printing(R"({"_type": "playlist", "id": "x", "entries": []})");
  ScopedPath path(bin_.str());
  const StepResult out = list();
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_TRUE(out.output["videos"].empty());
}

TEST_F(TikTokListVideosYtdlp, NamesTheProviderWhenTheAnswerIsMalformed) {
  ScopedPath path(bin_.str());
  fake_ytdlp_printing("{\"entries\": [");
  const StepResult broken = list();
  EXPECT_EQ(broken.status, LH_ERROR);
  EXPECT_TRUE(mentions(broken, "tiktok.list_videos (ytdlp)")) << broken.error;
  EXPECT_TRUE(mentions(broken, "is not valid JSON")) << broken.error;

  fake_ytdlp_printing(R"({"_type": "video", "id": "1"})");
  const StepResult no_entries = list();
  EXPECT_EQ(no_entries.status, LH_ERROR);
  EXPECT_TRUE(mentions(no_entries, "without an `entries` list")) << no_entries.error;

  fake_ytdlp("exit 0");
  const StepResult silent = list();
  EXPECT_EQ(silent.status, LH_ERROR);
  EXPECT_TRUE(mentions(silent, "printed nothing")) << silent.error;
}

TEST_F(TikTokListVideosYtdlp, ReportsYtDlpFailuresLikeFetch) {
  ScopedPath path(bin_.str());
  fake_ytdlp("echo 'ERROR: [tiktok:user] a3noticias: This account is private' >&2\nexit 1");
  const StepResult priv = list();
  EXPECT_EQ(priv.status, LH_ERROR);
  EXPECT_TRUE(mentions(priv, "tiktok.list_videos (ytdlp): yt-dlp failed (exit 1)")) << priv.error;
  EXPECT_TRUE(mentions(priv, "This account is private")) << priv.error;

  fake_ytdlp("echo 'ERROR: Unable to download webpage: HTTP Error 429: Too Many Requests' >&2\nexit 1");
  EXPECT_EQ(list().status, LH_RETRYABLE);

  TempDir empty;
  ScopedPath nothing(empty.str());
  const StepResult missing = list();
  EXPECT_EQ(missing.status, LH_ERROR);
  EXPECT_TRUE(mentions(missing, "tiktok.list_videos (ytdlp): yt-dlp is not installed")) << missing.error;
}

// ---------------------------------------------------------------- local

class TikTokListVideosLocal : public ::testing::Test {
 protected:
  void info(const std::string& file, const Json& body) { std::ofstream(dir_.path() / file) << body.dump(); }

  StepResult list(const Json& extra = Json::object()) {
    Json input = {{"profile", "https://m.tiktok.com/@Linen.Lab/"}, {"provider", "local"}, {"dir", dir_.str()}};
    for (const auto& [k, v] : extra.items()) {
      input[k] = v;
    }
    return call("tiktok.list_videos", input);
  }

  void SetUp() override {
    info("7301458823650102534.info.json", {{"id", "7301458823650102534"},
                                           {"uploader", "linen.lab"},
                                           {"description", "newest"},
                                           {"timestamp", 1699800000}});
    info("Older [7290000000000000002].info.json",
         {{"id", "7290000000000000002"}, {"uploader", "linen.lab"}, {"title", "by date"}, {"upload_date", "20231002"}});
    // Same day as the one above, no time: the larger id first.
    info("7290000000000000009.info.json",
         {{"id", "7290000000000000009"}, {"uploader", "LINEN.LAB"}, {"upload_date", "20231002"}});
    info("7280000000000000003.info.json", {{"id", "7280000000000000003"}, {"uploader", "linen.lab"}});
    info("7311111111111111111.info.json",
         {{"id", "7311111111111111111"}, {"uploader", "zapas.madrid"}, {"timestamp", 1700000000}});
    info("profile.info.json", {{"_type", "playlist"}, {"id", "linen.lab"}, {"uploader", "linen.lab"}, {"entries", {}}});
    std::ofstream(dir_.path() / "broken.info.json") << "{not json";
    std::ofstream(dir_.path() / "7301458823650102534.mp4") << "video";
  }

  TempDir dir_;
};

TEST_F(TikTokListVideosLocal, ListsTheCreatorsInfoFilesNewestFirst) {
  const StepResult out = list();
  ASSERT_EQ(out.status, LH_OK) << out.error;
  EXPECT_EQ(out.output["username"], "Linen.Lab");
  EXPECT_EQ(out.output["provider"], "local");
  EXPECT_EQ(ids_of(out), std::vector<std::string>({"7301458823650102534", "7290000000000000009", "7290000000000000002",
                                                   "7280000000000000003"}));
  EXPECT_EQ(out.output["videos"][0], Json({{"id", "7301458823650102534"},
                                           {"url", "https://www.tiktok.com/@linen.lab/video/7301458823650102534"},
                                           {"caption", "newest"},
                                           {"created_at", "2023-11-12T14:40:00Z"}}));
  EXPECT_EQ(out.output["videos"][2]["caption"], "by date");
  EXPECT_EQ(out.output["videos"][2]["created_at"], "2023-10-02");
  EXPECT_TRUE(out.output["videos"][3]["caption"].is_null());
  EXPECT_TRUE(out.output["videos"][3]["created_at"].is_null());
  EXPECT_NE(out.log_text().find("broken.info.json"), std::string::npos) << out.log_text();  // skipped, said so
}

TEST_F(TikTokListVideosLocal, LimitAndSinceId) {
  EXPECT_EQ(ids_of(list({{"limit", 1}})), std::vector<std::string>({"7301458823650102534"}));
  EXPECT_EQ(ids_of(list({{"since_id", "7290000000000000002"}})),
            std::vector<std::string>({"7301458823650102534", "7290000000000000009"}));
  EXPECT_EQ(ids_of(list({{"since_id", "1"}})).size(), 4u);
  EXPECT_EQ(ids_of(list({{"since_id", ""}})).size(), 4u);  // a first sync: no previous video
}

TEST_F(TikTokListVideosLocal, AnUnknownCreatorHasNoVideosAndAMissingFolderIsAnError) {
  const StepResult nobody = list({{"profile", "@nobody"}});
  ASSERT_EQ(nobody.status, LH_OK) << nobody.error;
  EXPECT_TRUE(nobody.output["videos"].empty());

  const StepResult missing = list({{"dir", (dir_.path() / "absent").string()}});
  EXPECT_EQ(missing.status, LH_ERROR);
  EXPECT_TRUE(mentions(missing, "tiktok.list_videos (local): the directory")) << missing.error;

  const StepResult unset = call("tiktok.list_videos", {{"profile", "@linen.lab"}, {"provider", "local"}});
  EXPECT_EQ(unset.status, LH_ERROR);
  EXPECT_TRUE(mentions(unset, "no directory")) << unset.error;
}

}  // namespace
}  // namespace linkhub
