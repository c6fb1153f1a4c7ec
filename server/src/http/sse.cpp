#include "http/sse.hpp"

namespace linkhub::http {

std::string sse_event(int64_t id, std::string_view data) {
  return "id: " + std::to_string(id) + "\ndata: " + std::string(data) + "\n\n";
}

std::string sse_event(std::string_view id, std::string_view data) {
  return "id: " + std::string(id) + "\ndata: " + std::string(data) + "\n\n";
}

std::string sse_named(std::string_view name, std::string_view data) {
  return "event: " + std::string(name) + "\ndata: " + std::string(data) + "\n\n";
}

std::string sse_comment(std::string_view text) {
  return ": " + std::string(text) + "\n\n";
}

std::string sse_retry(int64_t ms) {
  return "retry: " + std::to_string(ms) + "\n\n";
}

}  // namespace linkhub::http
