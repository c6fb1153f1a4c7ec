#pragma once
// The S3-protocol server scripts/test.sh starts (scripts/s3.sh: s3rver on
// 127.0.0.1, bucket linkhub-test, access key S3RVER, secret S3RVER), exported
// as LINKHUB_TEST_S3. Without it the S3 tests skip loudly; in CI they fail.

#include <gtest/gtest.h>

#include <cstdlib>
#include <random>
#include <string>

namespace linkhub::test {

inline constexpr const char* kS3Bucket = "linkhub-test";
inline constexpr const char* kS3AccessKey = "S3RVER";
inline constexpr const char* kS3SecretKey = "S3RVER";

inline std::string s3_endpoint() {
  const char* url = std::getenv("LINKHUB_TEST_S3");
  return url == nullptr ? std::string() : std::string(url);
}

// A key prefix of one test's own, so tests sharing the bucket never meet.
inline std::string s3_test_prefix() {
  std::random_device rd;
  return "t" + std::to_string(rd()) + std::to_string(rd()) + "/";
}

}  // namespace linkhub::test

// First line of an S3 test: skips (loudly) without a server, fails in CI.
#define LINKHUB_REQUIRE_S3()                                                                               \
  do {                                                                                                     \
    if (::linkhub::test::s3_endpoint().empty()) {                                                          \
      const char* ci = std::getenv("CI");                                                                  \
      if (ci != nullptr && std::string(ci) == "true") {                                                    \
        FAIL() << "LINKHUB_TEST_S3 is not set: in CI the S3 server (scripts/s3.sh) must run";              \
      }                                                                                                    \
      GTEST_SKIP() << "*** S3 tests SKIPPED: LINKHUB_TEST_S3 is not set (url=$(scripts/s3.sh start)) ***"; \
    }                                                                                                      \
  } while (false)
