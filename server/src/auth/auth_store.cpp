#include "auth/auth_store.hpp"

#include "auth/auth_schema.hpp"
#include "auth/credentials.hpp"

#include <linkhub/engine/database.hpp>
#include <linkhub/engine/names.hpp>
#include <linkhub/engine/run_store.hpp>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace linkhub {
namespace {

// Literals joined at compile time (GCC 12 warns falsely about std::string + on these).
#define LH_KEY_COLUMNS "id, name, role, secret_hash, created_ms, last_used_ms, revoked_ms"
#define LH_USER_COLUMNS "name, password_hash, role, created_ms, updated_ms, disabled_ms, token_generation"
#define LH_REFRESH_COLUMNS "id, token_hash, user_name, family, created_ms, expires_ms, rotated_ms, revoked_ms"

// Runs `text` with `uses` bound: `bind` exchanges a row's columns into
// variables before it runs, and `row` is called once per fetched row.
template <class Bind, class Row, class... Uses>
void for_each_row(soci::session& sql, const std::string& text, Bind&& bind, Row&& row, Uses&&... uses) {
  soci::statement st(sql);
  bind(st);
  (st.exchange(soci::use(uses)), ...);
  st.alloc();
  st.prepare(text);
  st.define_and_bind();
  st.execute(false);
  while (st.fetch()) {
    row();
  }
}

template <class... Uses>
std::vector<ApiKeyRecord> query_keys(soci::session& sql, const std::string& text, Uses&&... uses) {
  std::vector<ApiKeyRecord> out;
  ApiKeyRecord r;
  long long created = 0, used = 0, revoked = 0;
  for_each_row(
      sql, text,
      [&](soci::statement& st) {
        st.exchange(soci::into(r.id));
        st.exchange(soci::into(r.name));
        st.exchange(soci::into(r.role));
        st.exchange(soci::into(r.secret_hash));
        st.exchange(soci::into(created));
        st.exchange(soci::into(used));
        st.exchange(soci::into(revoked));
      },
      [&] {
        out.push_back(r);
        out.back().created_ms = created;
        out.back().last_used_ms = used;
        out.back().revoked_ms = revoked;
      },
      std::forward<Uses>(uses)...);
  return out;
}

template <class... Uses>
std::vector<UserRecord> query_users(soci::session& sql, const std::string& text, Uses&&... uses) {
  std::vector<UserRecord> out;
  UserRecord r;
  long long created = 0, updated = 0, disabled = 0, generation = 0;
  for_each_row(
      sql, text,
      [&](soci::statement& st) {
        st.exchange(soci::into(r.name));
        st.exchange(soci::into(r.password_hash));
        st.exchange(soci::into(r.role));
        st.exchange(soci::into(created));
        st.exchange(soci::into(updated));
        st.exchange(soci::into(disabled));
        st.exchange(soci::into(generation));
      },
      [&] {
        out.push_back(r);
        out.back().created_ms = created;
        out.back().updated_ms = updated;
        out.back().disabled_ms = disabled;
        out.back().token_generation = generation;
      },
      std::forward<Uses>(uses)...);
  return out;
}

// An UPDATE's affected row count.
template <class... Uses>
long long execute_update(soci::session& sql, const std::string& text, Uses&&... uses) {
  soci::statement st(sql);
  (st.exchange(soci::use(uses)), ...);
  st.alloc();
  st.prepare(text);
  st.define_and_bind();
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace

bool valid_user_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@';
  });
}

AuthStore::AuthStore(SqlStore& store) : store_(store) {
  if (auto migrated = migrate_auth_schema(store_.database()); !migrated) {
    throw std::runtime_error(migrated.error().message);
  }
}

// ---------------------------------------------------------------- API keys

Result<CreatedApiKey> AuthStore::create_key(const std::string& name, const std::string& role) {
  if (!valid_role(role)) {
    return Error{"role '" + role + "' is not one of viewer, operator, admin"};
  }
  if (name.size() > 200) {
    return Error{"the key's name is longer than 200 characters"};
  }
  if (!valid_label(name)) {
    // Key names are shown in `linkhub keys list` and logs: no escape sequences.
    return Error{"the key's name must be text without control characters (such as ESC or a newline)"};
  }
  const NewToken token = new_token(kApiKeyPrefix);
  CreatedApiKey out;
  out.key = token.token;
  out.record.id = token.id;
  out.record.name = name;
  out.record.role = role;
  out.record.secret_hash = token.secret_hash;
  out.record.created_ms = now_ms();
  store_.database().write([&](soci::session& sql) {
    const long long created = out.record.created_ms;
    sql << "INSERT INTO lh_api_keys (id, name, role, secret_hash, created_ms) VALUES (:i, :n, :r, :h, :c)",
        soci::use(out.record.id), soci::use(out.record.name), soci::use(out.record.role),
        soci::use(out.record.secret_hash), soci::use(created);
  });
  return out;
}

std::optional<ApiKeyRecord> AuthStore::find_key(const std::string& id) const {
  auto rows = store_.database().read([&](soci::session& sql) {
    return query_keys(sql, "SELECT " LH_KEY_COLUMNS " FROM lh_api_keys WHERE id = :i", id);
  });
  return rows.empty() ? std::nullopt : std::optional<ApiKeyRecord>(rows.front());
}

std::vector<ApiKeyRecord> AuthStore::list_keys() const {
  return store_.database().read([&](soci::session& sql) {
    return query_keys(sql, "SELECT " LH_KEY_COLUMNS " FROM lh_api_keys ORDER BY created_ms DESC, id");
  });
}

bool AuthStore::revoke_key(const std::string& id) {
  const long long now = now_ms();
  return store_.database().write([&](soci::session& sql) {
    return execute_update(sql, "UPDATE lh_api_keys SET revoked_ms = :t WHERE id = :i AND revoked_ms = 0", now, id) == 1;
  });
}

void AuthStore::touch_key(const std::string& id, int64_t when_ms) {
  const long long when = when_ms;
  store_.database().write([&](soci::session& sql) {
    sql << "UPDATE lh_api_keys SET last_used_ms = :t WHERE id = :i", soci::use(when), soci::use(id);
  });
}

// ---------------------------------------------------------------- users

Result<UserRecord> AuthStore::create_user(const std::string& name, const std::string& password_hash,
                                          const std::string& role) {
  if (!valid_user_name(name)) {
    return Error{"user name '" + name.substr(0, 80) + "' is not 1 to 64 letters, digits, '.', '_', '-' or '@'"};
  }
  if (!valid_role(role)) {
    return Error{"role '" + role + "' is not one of viewer, operator, admin"};
  }
  UserRecord user{name, password_hash, role, now_ms(), 0, 0, 0};
  const bool inserted = store_.database().write([&](soci::session& sql) {
    const long long created = user.created_ms;
    return execute_update(sql,
                          "INSERT INTO lh_users (name, password_hash, role, created_ms) VALUES (:n, :p, :r, :c) "
                          "ON CONFLICT (name) DO NOTHING",
                          user.name, user.password_hash, user.role, created) == 1;
  });
  if (!inserted) {
    return Error{"a user named '" + name + "' already exists"};
  }
  return user;
}

std::optional<UserRecord> AuthStore::find_user(const std::string& name) const {
  auto rows = store_.database().read([&](soci::session& sql) {
    return query_users(sql, "SELECT " LH_USER_COLUMNS " FROM lh_users WHERE name = :n", name);
  });
  return rows.empty() ? std::nullopt : std::optional<UserRecord>(rows.front());
}

std::vector<UserRecord> AuthStore::list_users() const {
  return store_.database().read(
      [&](soci::session& sql) { return query_users(sql, "SELECT " LH_USER_COLUMNS " FROM lh_users ORDER BY name"); });
}

namespace {

// The lock (pg_advisory_xact_lock) that serialises changes which could remove
// the last admin; SQLite's write transactions are serial already.
constexpr long long kAdminChangeLock = 7212101;

// Writes `change` to the user (the caller checked it) and ends their logins:
// the token generation moves, and their refresh tokens are revoked unless the
// change only re-enables them. False when there is no such user.
bool apply_user_change(soci::session& sql, const std::string& name, const UserChange& change, long long now) {
  std::string sets = "updated_ms = :t, token_generation = token_generation + 1";
  long long disabled_ms = 0;
  if (change.role) {
    sets += ", role = :r";
  }
  if (change.password_hash) {
    sets += ", password_hash = :p";
  }
  if (change.disabled) {
    sets += ", disabled_ms = :d";
    disabled_ms = *change.disabled ? now : 0;
  }
  soci::statement st(sql);
  st.exchange(soci::use(now, "t"));
  if (change.role) {
    st.exchange(soci::use(*change.role, "r"));
  }
  if (change.password_hash) {
    st.exchange(soci::use(*change.password_hash, "p"));
  }
  if (change.disabled) {
    st.exchange(soci::use(disabled_ms, "d"));
  }
  st.exchange(soci::use(name, "n"));
  st.alloc();
  st.prepare("UPDATE lh_users SET " + sets + " WHERE name = :n");
  st.define_and_bind();
  st.execute(true);
  const bool found = st.get_affected_rows() == 1;
  const bool only_enabled = !change.role && !change.password_hash && change.disabled && !*change.disabled;
  if (found && !only_enabled) {
    sql << "UPDATE lh_refresh_tokens SET revoked_ms = :t WHERE user_name = :n AND revoked_ms = 0", soci::use(now),
        soci::use(name);
  }
  return found;
}

}  // namespace

bool AuthStore::set_password(const std::string& name, const std::string& password_hash) {
  const long long now = now_ms();
  return store_.database().write([&](soci::session& sql) {
    return apply_user_change(sql, name, UserChange{{}, {}, password_hash}, now);
  });
}

bool AuthStore::set_role(const std::string& name, const std::string& role) {
  if (!valid_role(role)) {
    return false;
  }
  const long long now = now_ms();
  return store_.database().write([&](soci::session& sql) {
    return apply_user_change(sql, name, UserChange{role, {}, {}}, now);
  });
}

bool AuthStore::set_disabled(const std::string& name, bool disabled) {
  const long long now = now_ms();
  return store_.database().write([&](soci::session& sql) {
    return apply_user_change(sql, name, UserChange{{}, disabled, {}}, now);
  });
}

UserUpdate AuthStore::update_user(const std::string& name, const UserChange& change) {
  if (change.role && !valid_role(*change.role)) {
    return UserUpdate::BadRole;
  }
  const long long now = now_ms();
  const bool postgres = store_.database().postgres();
  return store_.database().write([&](soci::session& sql) {
    if (postgres) {
      sql << "SELECT pg_advisory_xact_lock(" << kAdminChangeLock << ")";
    }
    std::string role;
    long long disabled_ms = 0;
    sql << "SELECT role, disabled_ms FROM lh_users WHERE name = :n", soci::use(name), soci::into(role),
        soci::into(disabled_ms);
    if (!sql.got_data()) {
      return UserUpdate::NoSuchUser;
    }
    const bool admin_now = role == "admin" && disabled_ms == 0;
    const bool admin_after = change.role.value_or(role) == "admin" && !change.disabled.value_or(disabled_ms != 0);
    if (admin_now && !admin_after) {
      long long others = 0;
      sql << "SELECT COUNT(*) FROM lh_users WHERE role = 'admin' AND disabled_ms = 0 AND name <> :n", soci::use(name),
          soci::into(others);
      if (others == 0) {
        return UserUpdate::LastAdmin;
      }
    }
    return apply_user_change(sql, name, change, now) ? UserUpdate::Changed : UserUpdate::NoSuchUser;
  });
}

bool AuthStore::bump_token_generation(const std::string& name) {
  return store_.database().write([&](soci::session& sql) {
    return execute_update(sql, "UPDATE lh_users SET token_generation = token_generation + 1 WHERE name = :n", name) ==
           1;
  });
}

bool AuthStore::upgrade_password_hash(const std::string& name, const std::string& old_hash,
                                      const std::string& new_hash) {
  return store_.database().write([&](soci::session& sql) {
    return execute_update(sql, "UPDATE lh_users SET password_hash = :p WHERE name = :n AND password_hash = :o",
                          new_hash, name, old_hash) == 1;
  });
}

size_t AuthStore::count_admins() const {
  return store_.database().read([&](soci::session& sql) {
    long long users = 0, keys = 0;
    sql << "SELECT COUNT(*) FROM lh_users WHERE role = 'admin' AND disabled_ms = 0", soci::into(users);
    sql << "SELECT COUNT(*) FROM lh_api_keys WHERE role = 'admin' AND revoked_ms = 0", soci::into(keys);
    return static_cast<size_t>(users + keys);
  });
}

// ---------------------------------------------------------------- refresh tokens

void AuthStore::insert_refresh_token(const RefreshTokenRecord& t) {
  store_.database().write([&](soci::session& sql) {
    const long long created = t.created_ms, expires = t.expires_ms;
    sql << "INSERT INTO lh_refresh_tokens (id, token_hash, user_name, family, created_ms, expires_ms) "
           "VALUES (:i, :h, :u, :f, :c, :e)",
        soci::use(t.id), soci::use(t.token_hash), soci::use(t.user), soci::use(t.family), soci::use(created),
        soci::use(expires);
  });
}

std::optional<RefreshTokenRecord> AuthStore::find_refresh_token(const std::string& id) const {
  return store_.database().read([&](soci::session& sql) -> std::optional<RefreshTokenRecord> {
    RefreshTokenRecord r;
    long long created = 0, expires = 0, rotated = 0, revoked = 0;
    sql << "SELECT " LH_REFRESH_COLUMNS " FROM lh_refresh_tokens WHERE id = :i", soci::use(id), soci::into(r.id),
        soci::into(r.token_hash), soci::into(r.user), soci::into(r.family), soci::into(created), soci::into(expires),
        soci::into(rotated), soci::into(revoked);
    if (!sql.got_data()) {
      return std::nullopt;
    }
    r.created_ms = created;
    r.expires_ms = expires;
    r.rotated_ms = rotated;
    r.revoked_ms = revoked;
    return r;
  });
}

bool AuthStore::rotate_refresh_token(const std::string& id, int64_t when_ms) {
  const long long when = when_ms;
  return store_.database().write([&](soci::session& sql) {
    return execute_update(sql,
                          "UPDATE lh_refresh_tokens SET rotated_ms = :t WHERE id = :i AND rotated_ms = 0 AND "
                          "revoked_ms = 0",
                          when, id) == 1;
  });
}

void AuthStore::revoke_refresh_family(const std::string& family, int64_t when_ms) {
  const long long when = when_ms;
  store_.database().write([&](soci::session& sql) {
    sql << "UPDATE lh_refresh_tokens SET revoked_ms = :t WHERE family = :f AND revoked_ms = 0", soci::use(when),
        soci::use(family);
  });
}

void AuthStore::revoke_user_refresh_tokens(const std::string& user, int64_t when_ms) {
  const long long when = when_ms;
  store_.database().write([&](soci::session& sql) {
    sql << "UPDATE lh_refresh_tokens SET revoked_ms = :t WHERE user_name = :u AND revoked_ms = 0", soci::use(when),
        soci::use(user);
  });
}

size_t AuthStore::delete_expired_refresh_tokens(int64_t before_ms) {
  const long long before = before_ms;
  return store_.database().write([&](soci::session& sql) {
    return static_cast<size_t>(execute_update(sql, "DELETE FROM lh_refresh_tokens WHERE expires_ms < :t", before));
  });
}

// ---------------------------------------------------------------- settings

std::string AuthStore::setting_or_create(const std::string& name, const std::function<std::string()>& make) {
  const auto read = [&]() -> std::optional<std::string> {
    return store_.database().read([&](soci::session& sql) -> std::optional<std::string> {
      std::string value;
      sql << "SELECT value FROM lh_settings WHERE name = :n", soci::use(name), soci::into(value);
      return sql.got_data() ? std::optional<std::string>(value) : std::nullopt;
    });
  };
  if (auto value = read()) {
    return *value;
  }
  const std::string made = make();
  store_.database().write([&](soci::session& sql) {
    const long long now = now_ms();
    sql << "INSERT INTO lh_settings (name, value, created_ms) VALUES (:n, :v, :t) ON CONFLICT (name) DO NOTHING",
        soci::use(name), soci::use(made), soci::use(now);
  });
  // Another node may have stored its value first: everyone uses the stored one.
  return read().value_or(made);
}

}  // namespace linkhub
