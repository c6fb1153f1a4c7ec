// `linkhub keys ...` and `linkhub users ...`: API keys and console users in
// the run database that `linkhub serve` authenticates against. A key is
// printed once, when it is made; passwords are read without echo (or from
// stdin with --password-stdin) and stored as Argon2id hashes.
#include "cli_common.hpp"
#include "http/json_views.hpp"

#include "auth/auth_schema.hpp"
#include "auth/auth_store.hpp"
#include "auth/credentials.hpp"

#include <termios.h>
#include <unistd.h>

#include <ctime>
#include <iomanip>
#include <iostream>

namespace linkhub::cli {
namespace {

using http::key_json;
using http::user_json;

// `--format json` for a list command: the items as one JSON array.
template <class Item, class ToJson>
void print_json_list(const std::vector<Item>& items, ToJson&& to_json) {
  Json out = Json::array();
  for (const auto& item : items) {
    out.push_back(to_json(item));
  }
  std::cout << out.dump(2) << "\n";
}

// The configuration and the database with its auth tables up to date, without
// loading plugins (these commands need none).
std::unique_ptr<SqlStore> open_database(const GlobalOptions& global) {
  auto config = load_cli_config(global);
  if (!config) {
    std::cerr << "linkhub: " << config.error().message << "\n";
    return nullptr;
  }
  auto store = open_store(global, *config);
  if (!store) {
    std::cerr << "linkhub: " << store.error().message << "\n";
    return nullptr;
  }
  if (auto migrated = migrate_auth_schema((*store)->database()); !migrated) {
    std::cerr << "linkhub: " << migrated.error().message << "\n";
    return nullptr;
  }
  return std::move(*store);
}

// Turns terminal echo off for its lifetime.
class NoEcho {
 public:
  NoEcho() {
    if (tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios quiet = saved_;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
    }
  }
  ~NoEcho() {
    if (active_) {
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
    }
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

std::optional<std::string> prompt(const std::string& text) {
  std::cerr << text << std::flush;
  std::string line;
  bool ok = false;
  {
    NoEcho quiet;
    ok = static_cast<bool>(std::getline(std::cin, line));
  }
  std::cerr << "\n";
  if (!ok) {
    return std::nullopt;
  }
  return line;
}

// The new password: the first line of stdin with --password-stdin, else typed
// twice at the terminal without echo. Refuses empty and short ones.
std::optional<std::string> read_new_password(const std::string& user, bool from_stdin) {
  std::string password;
  if (from_stdin) {
    if (!std::getline(std::cin, password)) {
      std::cerr << "linkhub: --password-stdin: nothing on standard input\n";
      return std::nullopt;
    }
    if (!password.empty() && password.back() == '\r') {
      password.pop_back();
    }
  } else {
    if (!isatty(STDIN_FILENO)) {
      std::cerr << "linkhub: standard input is not a terminal: pass the password on it with --password-stdin\n";
      return std::nullopt;
    }
    auto first = prompt("New password for " + user + ": ");
    if (!first) {
      return std::nullopt;
    }
    if (!password_problem(*first)) {
      auto again = prompt("The same password again: ");
      if (!again || *again != *first) {
        std::cerr << "linkhub: the two passwords differ; nothing was changed\n";
        return std::nullopt;
      }
    }
    password = std::move(*first);
  }
  if (auto problem = password_problem(password)) {
    std::cerr << "linkhub: " << *problem << "; nothing was changed\n";
    return std::nullopt;
  }
  return password;
}

}  // namespace

int cmd_keys_create(const GlobalOptions& global, const KeysCreateOptions& options) {
  if (!valid_role(options.role)) {
    std::cerr << "linkhub: --role: expected viewer, operator or admin, found '" << options.role << "'\n";
    return 2;
  }
  auto store = open_database(global);
  if (!store) {
    return 2;
  }
  AuthStore auth(*store);
  auto created = auth.create_key(options.name, options.role);
  if (!created) {
    std::cerr << "linkhub: " << created.error().message << "\n";
    return 1;
  }
  if (global.format == "json") {
    Json out = key_json(created->record);
    out["key"] = created->key;
    out["note"] = "store this key now: it is not shown again";
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << created->key << "\n";
  }
  std::cerr << "Created API key " << created->record.id << " (role " << created->record.role
            << (options.name.empty() ? "" : ", name '" + options.name + "'")
            << "). Store it now: it will not be shown again (only its hash is kept).\n"
            << "Use it as: curl -H \"Authorization: Bearer $KEY\" ...\n";
  return 0;
}

int cmd_keys_list(const GlobalOptions& global) {
  auto store = open_database(global);
  if (!store) {
    return 2;
  }
  const auto keys = AuthStore(*store).list_keys();
  if (global.format == "json") {
    print_json_list(keys, key_json);
    return 0;
  }
  if (keys.empty()) {
    std::cout << "no API keys: make one with `linkhub keys create --role viewer|operator|admin`\n";
    return 0;
  }
  std::cout << std::left << std::setw(18) << "ID" << std::setw(10) << "ROLE" << std::setw(21) << "CREATED (UTC)"
            << std::setw(21) << "LAST USED" << std::setw(9) << "STATUS"
            << "NAME\n";
  for (const auto& key : keys) {
    std::cout << std::setw(18) << key.id << std::setw(10) << key.role << std::setw(21) << format_time(key.created_ms)
              << std::setw(21) << format_time(key.last_used_ms) << std::setw(9)
              << (key.revoked_ms != 0 ? "revoked" : "active") << terminal_safe(key.name) << "\n";
  }
  return 0;
}

int cmd_keys_revoke(const GlobalOptions& global, const std::string& id) {
  auto store = open_database(global);
  if (!store) {
    return 2;
  }
  AuthStore auth(*store);
  // The full key works too: only its id is used.
  std::string key_id = id;
  if (auto split = split_token(id, kApiKeyPrefix)) {
    key_id = split->id;
  }
  auto key = auth.find_key(key_id);
  if (!key) {
    std::cerr << "linkhub: no API key with id '" << key_id << "' (see `linkhub keys list`)\n";
    return 1;
  }
  if (!auth.revoke_key(key_id)) {
    std::cerr << "linkhub: API key " << key_id << " was already revoked\n";
    return 1;
  }
  std::cout << "revoked API key " << key_id << " (" << key->role
            << (key->name.empty() ? "" : ", " + terminal_safe(key->name))
            << "); servers stop accepting it within seconds\n";
  return 0;
}

int cmd_users_create(const GlobalOptions& global, const UsersCreateOptions& options) {
  if (!valid_role(options.role)) {
    std::cerr << "linkhub: --role: expected viewer, operator or admin, found '" << options.role << "'\n";
    return 2;
  }
  if (!valid_user_name(options.name)) {
    std::cerr << "linkhub: user name '" << options.name << "': use 1 to 64 letters, digits, '.', '_', '-' or '@'\n";
    return 2;
  }
  auto store = open_database(global);
  if (!store) {
    return 2;
  }
  AuthStore auth(*store);
  if (auth.find_user(options.name)) {
    std::cerr << "linkhub: a user named '" << options.name << "' already exists (change its password with "
              << "`linkhub users passwd " << options.name << "`)\n";
    return 1;
  }
  auto password = read_new_password(options.name, options.password_stdin);
  if (!password) {
    return 1;
  }
  auto user = auth.create_user(options.name, hash_password(*password), options.role);
  if (!user) {
    std::cerr << "linkhub: " << user.error().message << "\n";
    return 1;
  }
  if (global.format == "json") {
    std::cout << user_json(*user).dump(2) << "\n";
  } else {
    std::cout << "created user " << user->name << " (role " << user->role << "); log in at POST /api/v1/auth/login\n";
  }
  return 0;
}

int cmd_users_list(const GlobalOptions& global) {
  auto store = open_database(global);
  if (!store) {
    return 2;
  }
  const auto users = AuthStore(*store).list_users();
  if (global.format == "json") {
    print_json_list(users, user_json);
    return 0;
  }
  if (users.empty()) {
    std::cout << "no users: make the first admin with `linkhub users create NAME --role admin`\n";
    return 0;
  }
  std::cout << std::left << std::setw(24) << "NAME" << std::setw(10) << "ROLE" << std::setw(21) << "CREATED (UTC)"
            << "STATUS\n";
  for (const auto& user : users) {
    std::cout << std::setw(24) << user.name << std::setw(10) << user.role << std::setw(21)
              << format_time(user.created_ms) << (user.disabled_ms != 0 ? "disabled" : "active") << "\n";
  }
  return 0;
}

int cmd_users_passwd(const GlobalOptions& global, const std::string& name, bool password_stdin) {
  auto store = open_database(global);
  if (!store) {
    return 2;
  }
  AuthStore auth(*store);
  if (!auth.find_user(name)) {
    std::cerr << "linkhub: no user named '" << name << "' (see `linkhub users list`)\n";
    return 1;
  }
  auto password = read_new_password(name, password_stdin);
  if (!password) {
    return 1;
  }
  auth.set_password(name, hash_password(*password));
  std::cout << "changed the password of " << name << "; its logins were ended\n";
  return 0;
}

int cmd_users_update(const GlobalOptions& global, const std::string& name, const UsersUpdateOptions& options) {
  if (!options.role.empty() && !valid_role(options.role)) {
    std::cerr << "linkhub: --role: expected viewer, operator or admin, found '" << options.role << "'\n";
    return 2;
  }
  auto store = open_database(global);
  if (!store) {
    return 2;
  }
  AuthStore auth(*store);
  if (!auth.find_user(name)) {
    std::cerr << "linkhub: no user named '" << name << "' (see `linkhub users list`)\n";
    return 1;
  }
  UserChange change;
  if (!options.role.empty()) {
    change.role = options.role;
  }
  if (options.disable || options.enable) {
    change.disabled = options.disable;
  }
  // The same rule as PATCH /api/v1/users/{name}: the last enabled admin stays.
  if (auth.update_user(name, change) == UserUpdate::LastAdmin) {
    std::cerr << "linkhub: " << name << " is the last enabled admin: make another admin first; nothing was changed\n";
    return 1;
  }
  if (change.role) {
    std::cout << name << " now has the role " << options.role << "; its logins were ended\n";
  }
  if (options.disable) {
    std::cout << "disabled " << name << ": it cannot log in, and its tokens stop working within seconds\n";
  }
  if (options.enable) {
    std::cout << "enabled " << name << "\n";
  }
  return 0;
}

}  // namespace linkhub::cli
