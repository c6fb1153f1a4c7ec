// AWS Signature V4 (sdk/include/linkhub/sigv4.hpp) against AWS's published
// test suite (tests/fixtures/sigv4, see its .source.txt): canonical request,
// string to sign and signature, for header signing and query signing.
#include <linkhub/sigv4.hpp>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
namespace sigv4 = sdk::sigv4;

const fs::path kVectors = fs::path(LINKHUB_TEST_DATA_DIR) / "fixtures" / "sigv4";

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

struct Vector {
  std::string name;
  sigv4::Request request;
  sigv4::Credentials creds;
  sigv4::Scope scope;
  std::chrono::system_clock::time_point when;
  bool sign_body = false;
  bool omit_token = false;
  long expires = 0;
};

Vector load(const std::string& name) {
  Vector v;
  v.name = name;
  const auto context = nlohmann::json::parse(slurp(kVectors / name / "context.json"));
  v.creds.access_key = context["credentials"]["access_key_id"];
  v.creds.secret_key = context["credentials"]["secret_access_key"];
  v.creds.session_token = context["credentials"].value("token", "");
  v.scope = {context["region"], context["service"]};
  v.sign_body = context.value("sign_body", false);
  v.omit_token = context.value("omit_session_token", false);
  v.expires = context.value("expiration_in_seconds", 0L);
  std::tm tm{};
  std::istringstream(context["timestamp"].get<std::string>()) >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%SZ");
  v.when = std::chrono::system_clock::from_time_t(timegm(&tm));

  const std::string raw = slurp(kVectors / name / "request.txt");
  const size_t first_end = raw.find('\n');
  const std::string first = raw.substr(0, first_end);
  const size_t sp = first.find(' ');
  const size_t proto = first.rfind(" HTTP/");
  v.request.method = first.substr(0, sp);
  std::string target = first.substr(sp + 1, proto - sp - 1);
  const size_t q = target.find('?');
  v.request.path = percent_decode(target.substr(0, q));
  if (q != std::string::npos) {
    std::stringstream params(target.substr(q + 1));
    for (std::string param; std::getline(params, param, '&');) {
      const size_t eq = param.find('=');
      v.request.query.emplace_back(percent_decode(param.substr(0, eq)),
                                   eq == std::string::npos ? "" : percent_decode(param.substr(eq + 1)));
    }
  }
  size_t at = first_end + 1;
  std::string body;
  while (at < raw.size()) {
    const size_t end = raw.find('\n', at);
    const std::string line = raw.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? raw.size() : end + 1;
    if (line.empty()) {
      body = raw.substr(at);
      break;
    }
    const size_t colon = line.find(':');
    v.request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
  }
  v.request.payload_hash = sigv4::sha256_hex(body);
  return v;
}

std::string authorization_of(const std::string& signed_request) {
  std::stringstream lines(signed_request);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Authorization:", 0) == 0) {
      return line.substr(14);
    }
  }
  return "";
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) {
    s.pop_back();
  }
  return s;
}

std::vector<std::string> vector_names() {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(kVectors)) {
    if (e.is_directory()) {
      names.push_back(e.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(SigV4, TheSuiteIsThere) {
  EXPECT_GE(vector_names().size(), 20u);
}

TEST(SigV4, HeaderSigningMatchesEveryVector) {
  for (const std::string& name : vector_names()) {
    SCOPED_TRACE(name);
    Vector v = load(name);
    sigv4::Request r = v.request;
    sigv4::sign_headers(r, v.creds, v.scope, v.when, {v.sign_body, !v.omit_token});
    ASSERT_EQ(r.headers.back().first, "authorization");
    EXPECT_EQ(r.headers.back().second, authorization_of(slurp(kVectors / name / "header-signed-request.txt")));

    // The intermediate forms too, so a mismatch says which stage is wrong.
    sigv4::Request unsigned_form = r;
    unsigned_form.headers.pop_back();
    if (v.omit_token) {
      unsigned_form.headers.pop_back();  // added after signing
    }
    const std::string canonical = sigv4::canonical_request(unsigned_form);
    EXPECT_EQ(canonical, trimmed(slurp(kVectors / name / "header-canonical-request.txt")));
    const std::string date = sigv4::amz_date(v.when);
    const std::string to_sign = sigv4::string_to_sign(date, v.scope, canonical);
    EXPECT_EQ(to_sign, trimmed(slurp(kVectors / name / "header-string-to-sign.txt")));
    EXPECT_EQ(sigv4::signature(v.creds.secret_key, date, v.scope, to_sign),
              trimmed(slurp(kVectors / name / "header-signature.txt")));
  }
}

TEST(SigV4, QuerySigningMatchesEveryVector) {
  int checked = 0;
  for (const std::string& name : vector_names()) {
    SCOPED_TRACE(name);
    Vector v = load(name);
    if (v.omit_token || !fs::exists(kVectors / name / "query-signature.txt")) {
      continue;  // a token added after signing has no query form
    }
    sigv4::Request r = v.request;
    sigv4::sign_query(r, v.creds, v.scope, v.when, std::chrono::seconds(v.expires));
    ASSERT_EQ(r.query.back().first, "X-Amz-Signature");
    EXPECT_EQ(r.query.back().second, trimmed(slurp(kVectors / name / "query-signature.txt")));
    sigv4::Request unsigned_form = r;
    unsigned_form.query.pop_back();
    EXPECT_EQ(sigv4::canonical_request(unsigned_form), trimmed(slurp(kVectors / name / "query-canonical-request.txt")));
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(SigV4, EncodesKeysTheWayS3Does) {
  EXPECT_EQ(sigv4::encode_path("/b/a b/ሴ+x"), "/b/a%20b/%E1%88%B4%2Bx");
  EXPECT_EQ(sigv4::encode_query({{"uploadId", "a/b"}, {"partNumber", "2"}}), "partNumber=2&uploadId=a%2Fb");
}

}  // namespace
}  // namespace linkhub
