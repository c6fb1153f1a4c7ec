// POST /api/v1/users and PATCH /api/v1/users/{name}: what `linkhub users
// create|passwd|set-role|disable|enable` do, for an admin in the console. The
// same rules as the CLI: valid_user_name, valid_role, password_problem, and
// Argon2id hashes at the server's configured cost. No password or hash ever
// reaches an answer, an error or the log.
#include "http/handlers.hpp"
#include "http/json_views.hpp"

namespace linkhub::http {
namespace {

ApiError bad_role(const std::string& role) {
  return unprocessable("bad_role",
                       "field 'role': expected viewer, operator or admin, found '" + role.substr(0, 40) + "'",
                       Json{{"field", "role"}});
}

// The password policy's refusal; the password itself is never quoted.
std::optional<ApiError> weak_password(const std::string& password) {
  if (auto problem = password_problem(password)) {
    return unprocessable("weak_password", "field 'password': " + *problem, Json{{"field", "password"}});
  }
  return std::nullopt;
}

Reply user_reply(int status, const UserRecord& user) {
  Reply reply = Reply::json(status, user_json(user));
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

}  // namespace

Reply create_user(Call& call) {
  auto request = call.parsed_body(parse_new_user_body);
  if (!request) {
    return Reply::error(request.error());
  }
  if (!valid_user_name(request->name)) {
    return Reply::error(unprocessable(
        "bad_name",
        "field 'name': use 1 to 64 letters, digits, '.', '_', '-' or '@', found '" + request->name.substr(0, 80) + "'",
        Json{{"field", "name"}}));
  }
  if (!valid_role(request->role)) {
    return Reply::error(bad_role(request->role));
  }
  if (auto weak = weak_password(request->password)) {
    return Reply::error(*weak);
  }
  AuthStore& store = call.services.auth.store();
  const ApiError taken =
      conflict("user_exists", "a user named '" + request->name + "' already exists", Json{{"field", "name"}});
  if (store.find_user(request->name)) {
    return Reply::error(taken);  // before the costly hash
  }
  auto user = store.create_user(request->name, hash_password(request->password, call.services.auth.password_cost()),
                                request->role);
  if (!user) {
    return Reply::error(taken);  // made by another request meanwhile (the name and role were checked above)
  }
  call.services.log.info("auth.user_created",
                         Json{{"user", user->name}, {"role", user->role}, {"by", call.principal->label()}});
  return user_reply(201, *user);
}

Reply update_user(Call& call) {
  const std::string& name = call.param("name");
  auto request = call.parsed_body(parse_user_change_body);
  if (!request) {
    return Reply::error(request.error());
  }
  if (request->role && !valid_role(*request->role)) {
    return Reply::error(bad_role(*request->role));
  }
  UserChange change;
  change.role = request->role;
  change.disabled = request->disabled;
  if (request->password) {
    if (auto weak = weak_password(*request->password)) {
      return Reply::error(*weak);
    }
    change.password_hash = hash_password(*request->password, call.services.auth.password_cost());
  }
  AuthStore& store = call.services.auth.store();
  switch (store.update_user(name, change)) {
    case UserUpdate::NoSuchUser:
      return Reply::error(not_found("unknown_user", "no user named '" + name.substr(0, 80) + "'"));
    case UserUpdate::BadRole:
      return Reply::error(bad_role(change.role.value_or("")));
    case UserUpdate::LastAdmin:
      return Reply::error(
          conflict("last_admin",
                   "'" + name + "' is the last enabled admin: make another admin first, or nobody could manage users",
                   Json{{"user", name}}));
    case UserUpdate::Changed:
      break;
  }
  // This node refuses the user's old access tokens at once; the others within their cache time.
  call.services.auth.forget_user(name);
  Json logged{{"user", name}, {"by", call.principal->label()}, {"password_changed", change.password_hash.has_value()}};
  if (change.role) {
    logged["role"] = *change.role;
  }
  if (change.disabled) {
    logged["disabled"] = *change.disabled;
  }
  call.services.log.info("auth.user_changed", logged);
  auto user = store.find_user(name);
  if (!user) {
    return Reply::error(not_found("unknown_user", "no user named '" + name.substr(0, 80) + "'"));
  }
  return user_reply(200, *user);
}

}  // namespace linkhub::http
