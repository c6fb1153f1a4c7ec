#pragma once
// A raw TCP client on 127.0.0.1 for what a well-behaved HTTP library will not
// send (oversized or duplicate headers, half a request, a socket that says
// nothing). Every read is bounded by a guard time: a hung server fails the
// test instead of hanging it (the guard is a failure bound, never asserted).

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace linkhub::test {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  nlohmann::json json() const;  // null when the body is not JSON
  std::string header(const std::string& lower_name) const;
};

class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send(const std::string& bytes);
  // One response (status line, headers, a Content-Length or close-delimited body); nullopt when the
  // connection closed first or the guard passed.
  std::optional<RawResponse> read_response(std::chrono::milliseconds guard = std::chrono::seconds(5));
  // True when the server closes the connection (EOF or reset) before the guard passes.
  bool closed_by_peer(std::chrono::milliseconds guard = std::chrono::seconds(5));

 private:
  // Appends what arrives to buffer_; false at EOF, error or the deadline.
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

// Sends `request` on a new connection and reads one response.
std::optional<RawResponse> raw_exchange(uint16_t port, const std::string& request,
                                        std::chrono::milliseconds guard = std::chrono::seconds(5));

// Raises the soft limit on open files to the hard limit (thousands of sockets exceed the default 1024).
void raise_open_file_limit();

}  // namespace linkhub::test
