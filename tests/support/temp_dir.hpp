#pragma once
// A fresh directory under the test temp dir, removed with everything in it
// when it goes out of scope. Random names, so parallel test processes never meet.

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace linkhub::test {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "linkhub-test-") {
    std::random_device rd;
    path_ = std::filesystem::path(::testing::TempDir()) / (prefix + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace linkhub::test
