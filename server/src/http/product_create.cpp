#include "http/product_create.hpp"

#include "auth/credentials.hpp"

#include <cstdio>
#include <random>

namespace linkhub::http {
namespace {

std::string fresh_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(random()));
  return buf;
}

void add_hash(std::vector<std::pair<std::string, std::string>>& out, const std::string& field, const Json& artifact) {
  if (artifact.is_object() && artifact.contains("hash") && artifact["hash"].is_string()) {
    out.emplace_back(field + ".hash", artifact["hash"].get<std::string>());
  }
}

}  // namespace

ApiResult<Json> product_create_input(const Json& body, const std::string& idempotency_key) {
  if (!body.is_object()) {
    return bad_request("wrong_type", "the body must be a JSON object (a product), found " + describe_json_type(body),
                       Json{{"field", ""}});
  }
  Json input = body;
  if (!input.contains("source")) {
    input["source"] = kManualSource;
  }
  if (!input.contains("video_id")) {
    // The same key must make the same input, or its replay would look like another request.
    input["video_id"] = idempotency_key.empty() ? "m-" + fresh_id() : "k-" + sha256_hex(idempotency_key).substr(0, 24);
  }
  return input;
}

std::vector<std::pair<std::string, std::string>> referenced_artifacts(const Json& input) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!input.is_object()) {
    return out;
  }
  if (input.contains("thumbnails") && input["thumbnails"].is_array()) {
    for (size_t i = 0; i < input["thumbnails"].size(); ++i) {
      add_hash(out, "thumbnails[" + std::to_string(i) + "]", input["thumbnails"][i]);
    }
  }
  for (const char* field : {"cover", "video"}) {
    if (input.contains(field)) {
      add_hash(out, field, input[field]);
    }
  }
  return out;
}

std::string upsert_output_problem(const Json& output) {
  if (!output.is_object()) {
    return "the output is not an object";
  }
  for (const char* key : {"created", "updated"}) {
    if (!output.contains(key) || !output[key].is_boolean()) {
      return std::string("the output has no boolean `") + key + "`";
    }
  }
  if (!output.contains("product") || !output["product"].is_object() || !output["product"].contains("product_id")) {
    return "the output has no `product` with a product_id";
  }
  return "";
}

}  // namespace linkhub::http
