#pragma once
// What every request goes through once it is read: request id, CORS, routing
// (404/405), authentication, the rate limit and the route's role, the
// handler, JSON errors for anything unexpected, metrics and the access log.
// Knows nothing of sockets: the server hands it an Incoming, sends the Reply.

#include "http/call.hpp"
#include "http/services.hpp"

#include <optional>
#include <string>

namespace linkhub::http {

class Dispatcher {
 public:
  explicit Dispatcher(Services& services) : services_(services) {}

  // On a worker thread: the answer to a request read in full, with every header it needs.
  Reply handle(const Incoming& request);
  // A request refused before it could be read (431, 414, 400, 503): the JSON
  // error with a request id, counted and logged like any answer.
  Reply reject(const ApiError& error, const std::string& method, const std::string& client);

  // Whether the request's route takes its body as a file (Route::body_to_file); on an I/O thread, cheap.
  bool wants_file_body(const Incoming& request) const;
  // On a worker thread, before such a body is read: authentication, the
  // rate limit, the role, the route's `ready` check and an upload slot. Sets
  // request.upload and returns nullopt when the body may come; else the
  // refusal, counted and logged like any answer.
  std::optional<Reply> admit(Incoming& request);

 private:
  Reply dispatch(const Incoming& request, const std::string& request_id, bool cors, std::string& route_label,
                 std::string& principal);
  // Authentication, the rate limit and the route's role: who calls, or the refusal.
  ApiResult<std::optional<Principal>> authorize(const Incoming& request, const Route& route);
  // The admission of a body_to_file route: nullopt when the body may come.
  std::optional<ApiError> admit_upload(Incoming& request, const Route& route);
  void account(const std::string& route, const std::string& method, int status, double seconds,
               const std::string& request_id, const std::string& principal, const std::string& client);
  // What a handler's exception becomes: 503 database_unreachable (with
  // Retry-After) when the database is away, otherwise a logged 500.
  ApiError failure_error(const std::exception& e, const std::string& request_id, const std::string& route);
  Reply failure_reply(const std::exception& e, const std::string& request_id, const std::string& route);

  Services& services_;
};

}  // namespace linkhub::http
