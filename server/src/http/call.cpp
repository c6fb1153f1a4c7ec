#include "http/call.hpp"

#include <strings.h>
#include <algorithm>
#include <cctype>

namespace linkhub::http {

Reply Reply::json(int status, Json body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply Reply::error(const ApiError& error) {
  return json(error.status, error_body(error));
}

Reply Reply::plain(int status, std::string content_type, std::string text) {
  Reply r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.text = std::move(text);
  return r;
}

std::string Reply::payload() const {
  return content_type == "application/json" ? body.dump(-1, ' ', false, Json::error_handler_t::replace) : text;
}

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::string Incoming::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (same_name(n, name)) {
      return v;
    }
  }
  return "";
}

size_t Incoming::count(std::string_view name) const {
  return static_cast<size_t>(
      std::count_if(headers.begin(), headers.end(), [&](const auto& h) { return same_name(h.first, name); }));
}

const std::string& Call::param(const std::string& name) const {
  static const std::string empty;
  auto it = params_.find(name);
  return it == params_.end() ? empty : it->second;
}

std::string Call::client_address() const {
  return request_.client;
}

bool Call::tls() const {
  return request_.tls;
}

std::string Call::header(const std::string& name) const {
  return request_.header(name);
}

MediaType Call::media_type() const {
  return classify_media_type(request_.header("Content-Type"));
}

ApiResult<UploadBody*> Call::upload() {
  UploadBody* upload = request_.upload.get();
  const uint64_t max = upload != nullptr ? upload->limit_bytes : services.limits.max_upload_bytes;
  if (request_.body_state == Incoming::BodyState::TooLarge) {
    return ApiError{413, "upload_too_large",
                    "the upload is larger than the limit of " + std::to_string(max) + " bytes (serve.max_upload_bytes)",
                    Json{{"limit_bytes", max}}};
  }
  if (request_.body_state == Incoming::BodyState::Unreadable) {
    return bad_request("unreadable_body", "the request body could not be read (a broken chunked encoding?)");
  }
  if (upload == nullptr || !upload->file) {
    return bad_request("empty_upload", "the request has no body: send the file's bytes (or a multipart form)");
  }
  return upload;
}

ApiResult<std::string> Call::body() {
  const size_t max = services.limits.max_body_bytes;
  if (request_.body_state == Incoming::BodyState::TooLarge) {
    return ApiError{413, "body_too_large",
                    "the request body is larger than the limit of " + std::to_string(max) + " bytes (max_body_bytes)",
                    Json{{"limit_bytes", max}}};
  }
  if (request_.body_state == Incoming::BodyState::Unreadable) {
    return bad_request("unreadable_body", "the request body could not be read (a broken chunked encoding?)");
  }
  const std::string& text = request_.body;
  const bool blank =
      std::all_of(text.begin(), text.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  if (route.body && !blank) {
    const MediaType type = media_type();
    const auto& accepted = route.body->media_types;
    const bool acceptable = (type == MediaType::Json || type == MediaType::Yaml) &&
                            std::any_of(accepted.begin(), accepted.end(),
                                        [&](const std::string& m) { return classify_media_type(m) == type; });
    if (!acceptable) {
      std::string list;
      for (const auto& m : accepted) {
        list += (list.empty() ? "" : ", ") + m;
      }
      const std::string found = request_.header("Content-Type");
      return ApiError{415, "unsupported_media_type",
                      "Content-Type '" + (found.empty() ? std::string("(none)") : found.substr(0, 100)) +
                          "' is not accepted here; send " + list,
                      Json{{"accepted", accepted}}};
    }
  }
  return text;
}

}  // namespace linkhub::http
