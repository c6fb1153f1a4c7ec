// /api/v1/auth (login, refresh, logout, who am I), /api/v1/keys and /api/v1/users.
#include "http/handlers.hpp"
#include "http/json_views.hpp"
#include "http/session.hpp"

namespace linkhub::http {
namespace {

// Token answers must not be cached by anything in between (RFC 6749 5.1).
Reply tokens(const ApiResult<Json>& result) {
  if (!result) {
    return Reply::error(result.error());
  }
  Reply reply = Reply::json(200, *result);
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

// The tokens go into cookies; the body says who signed in and for how long, never a token.
Reply session_cookies(Call& call, const ApiResult<Json>& result) {
  if (!result) {
    return Reply::error(result.error());
  }
  const Json& tokens = *result;
  Reply reply = Reply::json(200, Json{{"user", tokens["user"]},
                                      {"role", tokens["role"]},
                                      {"expires_in", tokens["expires_in"]},
                                      {"refresh_expires_in", tokens["refresh_expires_in"]}});
  const bool secure = call.tls();
  reply.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, tokens.value("access_token", ""), "/",
                                                      std::chrono::seconds(tokens.value("expires_in", 0)), secure));
  reply.headers.emplace_back("Set-Cookie",
                             set_cookie(kRefreshCookie, tokens.value("refresh_token", ""), kRefreshCookiePath,
                                        std::chrono::seconds(tokens.value("refresh_expires_in", 0)), secure));
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

void clear_session_cookies(Call& call, Reply& reply) {
  reply.headers.emplace_back("Set-Cookie", set_cookie(kSessionCookie, "", "/", std::chrono::seconds(0), call.tls()));
  reply.headers.emplace_back("Set-Cookie",
                             set_cookie(kRefreshCookie, "", kRefreshCookiePath, std::chrono::seconds(0), call.tls()));
}

}  // namespace

Reply session_login(Call& call) {
  if (auto refused = csrf_refusal(call.request())) {
    return Reply::error(*refused);
  }
  auto request = call.parsed_body(parse_login_body);
  if (!request) {
    return Reply::error(request.error());
  }
  return session_cookies(call, call.services.auth.login(request->username, request->password, call.client_address()));
}

Reply session_refresh(Call& call) {
  if (auto refused = csrf_refusal(call.request())) {
    return Reply::error(*refused);
  }
  const std::string token = cookie_value(call.header("Cookie"), kRefreshCookie);
  if (token.empty()) {
    return Reply::error(ApiError{401, "unauthenticated", "there is no console session to renew: sign in"});
  }
  Reply reply = session_cookies(call, call.services.auth.refresh(token, call.client_address()));
  if (reply.status == 401) {
    clear_session_cookies(call, reply);  // a dead session's cookies are of no more use
  }
  return reply;
}

Reply session_logout(Call& call) {
  if (auto refused = csrf_refusal(call.request())) {
    return Reply::error(*refused);
  }
  const std::string token = cookie_value(call.header("Cookie"), kRefreshCookie);
  if (!token.empty()) {
    // Ends the login everywhere; an already dead token changes nothing, and the cookies go either way.
    (void)call.services.auth.logout(token, call.client_address());
  }
  Reply reply = Reply::json(200, Json{{"signed_out", true}});
  clear_session_cookies(call, reply);
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

Reply login(Call& call) {
  auto request = call.parsed_body(parse_login_body);
  if (!request) {
    return Reply::error(request.error());
  }
  return tokens(call.services.auth.login(request->username, request->password, call.client_address()));
}

Reply refresh(Call& call) {
  auto token = call.parsed_body(parse_refresh_body);
  if (!token) {
    return Reply::error(token.error());
  }
  return tokens(call.services.auth.refresh(*token, call.client_address()));
}

Reply logout(Call& call) {
  auto token = call.parsed_body(parse_refresh_body);
  if (!token) {
    return Reply::error(token.error());
  }
  auto done = call.services.auth.logout(*token, call.client_address());
  return done ? Reply::json(200, *done) : Reply::error(done.error());
}

Reply whoami(Call& call) {
  const Principal& p = *call.principal;
  return Reply::json(200, Json{{"kind", p.kind}, {"id", p.id}, {"name", p.name}, {"role", to_string(p.role)}});
}

Reply list_keys(Call& call) {
  Json keys = Json::array();
  for (const auto& key : call.services.auth.store().list_keys()) {
    keys.push_back(key_json(key));
  }
  return Reply::json(200, Json{{"keys", std::move(keys)}});
}

Reply create_key(Call& call) {
  auto request = call.parsed_body(parse_key_body);
  if (!request) {
    return Reply::error(request.error());
  }
  if (!valid_role(request->role)) {
    return Reply::error(unprocessable(
        "bad_role", "field 'role': expected viewer, operator or admin, found '" + request->role.substr(0, 40) + "'",
        Json{{"field", "role"}}));
  }
  auto created = call.services.auth.store().create_key(request->name, request->role);
  if (!created) {
    return Reply::error(unprocessable("bad_key", created.error().message));
  }
  call.services.log.info(
      "auth.key_created",
      Json{{"key_id", created->record.id}, {"role", created->record.role}, {"by", call.principal->label()}});
  Json out = key_json(created->record);
  out["key"] = created->key;
  out["note"] = "store this key now: it is not shown again";
  Reply reply = Reply::json(201, std::move(out));
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

Reply revoke_key(Call& call) {
  const std::string& id = call.param("id");
  AuthStore& store = call.services.auth.store();
  auto key = store.find_key(id);
  if (!key) {
    return Reply::error(not_found("unknown_key", "no API key with id '" + id.substr(0, 40) + "'"));
  }
  if (key->revoked_ms != 0 || !store.revoke_key(id)) {
    return Reply::error(conflict("key_revoked", "API key " + key->id + " was already revoked"));
  }
  call.services.auth.forget_key(id);
  call.services.log.info("auth.key_revoked", Json{{"key_id", key->id}, {"by", call.principal->label()}});
  return Reply::json(200, key_json(*store.find_key(id)));
}

Reply list_users(Call& call) {
  Json users = Json::array();
  for (const auto& user : call.services.auth.store().list_users()) {
    users.push_back(user_json(user));
  }
  return Reply::json(200, Json{{"users", std::move(users)}});
}

}  // namespace linkhub::http
