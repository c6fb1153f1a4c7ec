#pragma once
// The route table: every route with its method, path template, the role it
// will require (declared now, enforced once authentication lands), its
// handler, and what the OpenAPI document says about it. The router, the
// OpenAPI document and the metrics' route labels all come from this one table.

#include <linkhub/engine/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub::http {

// Who may call a route, in increasing power. Public routes (probes, the API
// description) will stay open when authentication arrives.
enum class Role { Public, Viewer, Operator, Admin };
std::string_view to_string(Role role);

class Call;
struct Reply;
struct ApiError;
struct Services;
using Handler = Reply (*)(Call&);

struct ParamDoc {
  std::string name;
  std::string description;
  Json schema = Json{{"type", "string"}};
};

struct BodyDoc {
  std::vector<std::string> media_types;  // a non-empty body of another type gets 415
  Json schema;
  std::string description;
  Json example;
};

struct ResponseDoc {
  int status = 200;
  std::string description;
  Json schema;  // null: no body; for errors the Error schema is implied
  std::string media_type = "application/json";
};

struct Route {
  std::string method;   // GET, POST, ...
  std::string pattern;  // "/api/v1/runs/{id}"
  Role role = Role::Viewer;
  Handler handler = nullptr;
  std::string summary;
  std::string description;
  std::vector<ParamDoc> query;
  std::optional<BodyDoc> body;
  std::vector<ResponseDoc> responses;  // successes and errors alike
  std::vector<ParamDoc> headers;       // request headers the route reads (besides X-Request-Id)
  // A public route that serves content (signed media links) is still rate
  // limited, by client address (Auth::limit_address): public is not unlimited.
  bool limit_by_address = false;
  // The body goes to a temporary file as it arrives, never whole into memory,
  // up to ServeLimits::max_upload_bytes (POST /api/v1/uploads). Such a request
  // is authenticated, rate limited, role checked and given an upload slot
  // before a byte of its body is read; `ready` (when set) may refuse it then too.
  bool body_to_file = false;
  std::optional<ApiError> (*ready)(const Services& services) = nullptr;
};

struct RouteMatch {
  const Route* route = nullptr;               // null: no route for this method (see allowed)
  std::map<std::string, std::string> params;  // {name} segments of the pattern
  std::vector<std::string> allowed;           // methods the path has; empty: unknown path (404)
  std::string pattern;                        // the path's template when the path is known (metrics label)
};

class Router {
 public:
  explicit Router(std::vector<Route> routes);
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> patterns_;  // each route's pattern split on '/'
};

// "/api/v1/runs/{id}" -> {api, v1, runs, {id}}
std::vector<std::string> split_pattern(const std::string& pattern);

}  // namespace linkhub::http
