#pragma once
// What every request goes through once it is read: request id, CORS, routing
// (404/405), authentication, the rate limit and the route's role, the
// handler, JSON errors for anything unexpected, metrics and the access log.
// Knows nothing of sockets: the server hands it an Incoming, sends the Reply.

#include "http/call.hpp"
#include "http/services.hpp"

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

 private:
  Reply dispatch(const Incoming& request, const std::string& request_id, bool cors, std::string& route_label,
                 std::string& principal);
  void account(const std::string& route, const std::string& method, int status, double seconds,
               const std::string& request_id, const std::string& principal, const std::string& client);

  Services& services_;
};

}  // namespace linkhub::http
