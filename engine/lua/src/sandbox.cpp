// The Lua sandbox. Built on the C++ build of Lua 5.4 (lua5.4-c++), so a Lua
// error raised through C++ frames unwinds them and destructors run.
#include <linkhub/lua/sandbox.hpp>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>

namespace linkhub::lua {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kHookEvery = 1000;           // instructions between budget checks
constexpr size_t kMaxCachedChunks = 1024;  // compiled expressions kept per sandbox
constexpr int kMaxDepth = 100;             // Lua -> JSON nesting

// Registry keys (addresses are unique).
char kProxyKey;     // weak table: proxy table -> lightuserdata(const Json*)
char kProxyMeta;    // metatable shared by every proxy
char kCacheKey;     // expression text -> compiled function
char kSafeBaseKey;  // the allowed globals, as opened (never reachable from scripts)
char kViewMetaKey;  // library name -> metatable of its per-evaluation read-only views
char kEnvMeta;      // metatable of every evaluation's environment

// Lua prefixes messages with "expr:LINE:". The wrapper "return (\n...\n)" adds
// a line before the user's text: report the user's line, drop it for one-line
// expressions, and call an error on the closing line what it is.
std::string clean_message(std::string msg, std::string_view expr) {
  if (msg.rfind("expr:", 0) != 0) {
    return msg;
  }
  const size_t colon = msg.find(':', 5);
  if (colon == std::string::npos) {
    return msg;
  }
  const int line = std::atoi(msg.c_str() + 5) - 1;
  const int lines = 1 + static_cast<int>(std::count(expr.begin(), expr.end(), '\n'));
  std::string rest = msg.substr(std::min(colon + 2, msg.size()));
  if (line > lines) {
    return "the expression ends too early (" + rest + ")";
  }
  return lines > 1 ? "line " + std::to_string(line) + ": " + rest : rest;
}

// A chunk read from a file may not be Lua at all (a database, a key): Lua's
// syntax errors quote the token they stopped at ("near 'SQLite format 3'"),
// so a script's compile error keeps the place and the reason, never the text.
std::string without_quoted_text(std::string msg) {
  if (const size_t near = msg.find(" near "); near != std::string::npos) {
    msg.erase(near);
  }
  return msg;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c >> 5) == 0x6) {
      extra = 1;
    } else if ((c >> 4) == 0xe) {
      extra = 2;
    } else if ((c >> 3) == 0x1e) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= s.size() + (extra == 0 ? 1 : 0) && extra != 0) {
      return false;
    }
    for (size_t k = 1; k <= extra; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

bool lua_reserved(std::string_view name) {
  static constexpr std::string_view kWords[] = {"and",      "break",  "do",   "else", "elseif", "end",  "false", "for",
                                                "function", "goto",   "if",   "in",   "local",  "nil",  "not",   "or",
                                                "repeat",   "return", "then", "true", "until",  "while"};
  return std::find(std::begin(kWords), std::end(kWords), name) != std::end(kWords);
}

// The next name of a path at `pos` (a Lua identifier, not a reserved word),
// or an empty view.
std::string_view path_name(std::string_view expr, size_t pos) {
  // ASCII only, as Lua's lexer (std::isalpha would follow the locale).
  const auto first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  const auto rest = [&](char c) { return first(c) || (c >= '0' && c <= '9'); };
  if (pos >= expr.size() || !first(expr[pos])) {
    return {};
  }
  size_t end = pos + 1;
  while (end < expr.size() && rest(expr[end])) {
    ++end;
  }
  const std::string_view name = expr.substr(pos, end - pos);
  return lua_reserved(name) ? std::string_view{} : name;
}

}  // namespace

std::optional<Json> Sandbox::read_path(std::string_view expr, const Bindings& bindings) {
  std::string_view name = path_name(expr, 0);
  if (name.empty()) {
    return std::nullopt;
  }
  const Json* value = nullptr;
  for (const auto& b : bindings) {  // the last binding of a name is the one Lua sees
    if (b.name == name) {
      value = b.value;
    }
  }
  if (value == nullptr || value->is_null()) {
    return std::nullopt;  // Lua looks the name up among its globals then
  }
  for (size_t pos = name.size(); pos < expr.size(); pos += name.size()) {
    if (expr[pos] != '.' || (name = path_name(expr, pos + 1)).empty() || !value->is_object()) {
      return std::nullopt;
    }
    ++pos;
    auto it = value->find(name);
    if (it == value->end()) {
      return std::nullopt;
    }
    value = &*it;
  }
  // What Lua's conversions both ways would make of it (push_json, to_json).
  switch (value->type()) {
    case Json::value_t::number_unsigned: {
      const auto u = value->get<uint64_t>();
      return u <= static_cast<uint64_t>(INT64_MAX) ? Json(static_cast<int64_t>(u)) : Json(static_cast<double>(u));
    }
    case Json::value_t::string:
      if (!valid_utf8(value->get_ref<const std::string&>())) {
        return std::nullopt;
      }
      return *value;
    case Json::value_t::binary:
    case Json::value_t::discarded:
      return std::nullopt;
    default:
      return *value;
  }
}

struct Sandbox::Impl {
  Limits limits;
  lua_State* L = nullptr;

  // Memory accounting: the cap applies while a call runs.
  size_t used = 0;
  size_t cap = SIZE_MAX;
  // Budget accounting.
  uint64_t instructions = 0;
  Clock::time_point deadline;
  enum class Stop { None, Instructions, Time } stopped = Stop::None;
  size_t cached_chunks = 0;

  explicit Impl(Limits l) : limits(l) { open(); }
  ~Impl() { close(); }

  void close() {
    if (L != nullptr) {
      lua_close(L);
      L = nullptr;
    }
  }

  static void* alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
    auto* self = static_cast<Impl*>(ud);
    const size_t old_size = ptr == nullptr ? 0 : osize;
    if (nsize == 0) {
      self->used -= old_size;
      std::free(ptr);
      return nullptr;
    }
    if (nsize > old_size && self->used - old_size + nsize > self->cap) {
      return nullptr;  // Lua raises a memory error
    }
    void* out = std::realloc(ptr, nsize);
    if (out != nullptr) {
      self->used = self->used - old_size + nsize;
    }
    return out;
  }

  static void hook(lua_State* L, lua_Debug*) {
    lua_getfield(L, LUA_REGISTRYINDEX, "linkhub.sandbox");
    auto* self = static_cast<Impl*>(lua_touserdata(L, -1));
    lua_pop(L, 1);
    self->instructions += kHookEvery;
    if (self->stopped == Stop::None) {
      if (self->instructions > self->limits.max_instructions) {
        self->stopped = Stop::Instructions;
      } else if (Clock::now() > self->deadline) {
        self->stopped = Stop::Time;
      }
    }
    if (self->stopped != Stop::None) {
      // From now on every instruction fails, so a pcall loop cannot swallow the stop.
      lua_sethook(L, &hook, LUA_MASKCOUNT, 1);
      luaL_error(L, "linkhub: evaluation stopped");
    }
  }

  void open() {
    used = 0;
    cap = SIZE_MAX;
    L = lua_newstate(&alloc, this);
    if (L == nullptr) {
      return;
    }
    lua_pushlightuserdata(L, this);
    lua_setfield(L, LUA_REGISTRYINDEX, "linkhub.sandbox");

    // Only safe libraries; io, os, package and debug are never opened.
    luaL_requiref(L, LUA_GNAME, luaopen_base, 1);
    luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
    luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
    luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
    luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
    lua_pop(L, 5);
    lua_pushglobaltable(L);
    for (const char* name :
         {"load", "loadstring", "dofile", "loadfile", "collectgarbage", "require", "print", "warn"}) {
      lua_pushnil(L);
      lua_setfield(L, -2, name);
    }
    lua_getfield(L, -1, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    // The generator's state outlives an evaluation: no evaluation may choose it.
    lua_getfield(L, -1, "math");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    // Finalizers would run inside a later evaluation, with this one's data.
    lua_pushcfunction(L, &guarded_setmetatable);
    lua_setfield(L, -2, "setmetatable");

    // Strings share one metatable whose __index is the real `string` table:
    // protect it, or one evaluation could redefine ("x"):upper() for all.
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    protect(L, -1);
    lua_pop(L, 2);

    // The pristine globals (registry only, never handed to scripts) and, per
    // library, the metatable of the read-only views scripts get of it.
    lua_newtable(L);  // base
    lua_newtable(L);  // view metatables by library name
    lua_pushnil(L);
    while (lua_next(L, -4) != 0) {         // over _G
      if (lua_rawequal(L, -1, -5) != 0) {  // _G._G would hand out the writable globals
        lua_pop(L, 1);
        continue;
      }
      if (lua_type(L, -1) == LUA_TTABLE) {
        lua_newtable(L);
        lua_pushvalue(L, -2);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, &read_only_newindex);
        lua_setfield(L, -2, "__newindex");
        protect(L, -1);
        lua_pushvalue(L, -3);
        lua_insert(L, -2);
        lua_rawset(L, -5);  // view metatables[name] = metatable
      }
      lua_pushvalue(L, -2);
      lua_insert(L, -2);
      lua_rawset(L, -5);  // base[name] = value
    }
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kViewMetaKey);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kSafeBaseKey);
    lua_pop(L, 1);  // _G

    // One metatable for every evaluation's environment: globals a script sets
    // land in its own environment; reads fall through to env_index.
    lua_newtable(L);
    lua_pushcfunction(L, &env_index);
    lua_setfield(L, -2, "__index");
    protect(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kEnvMeta);

    lua_newtable(L);  // proxies: weak keys
    lua_newtable(L);
    lua_pushstring(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kProxyKey);

    lua_newtable(L);  // proxy metatable
    lua_pushcfunction(L, &proxy_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, &proxy_len);
    lua_setfield(L, -2, "__len");
    lua_pushcfunction(L, &proxy_pairs);
    lua_setfield(L, -2, "__pairs");
    protect(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kProxyMeta);

    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &kCacheKey);
    cached_chunks = 0;
  }

  static int read_only_newindex(lua_State* L) { return luaL_error(L, "the standard libraries are read-only"); }

  // getmetatable() answers false and setmetatable() refuses: the metatable
  // is shared by every evaluation.
  static void protect(lua_State* L, int index) {
    index = lua_absindex(L, index);
    lua_pushboolean(L, 0);
    lua_setfield(L, index, "__metatable");
  }

  static int guarded_setmetatable(lua_State* L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
      lua_pushliteral(L, "__gc");
      if (lua_rawget(L, 2) != LUA_TNIL) {
        return luaL_error(L, "setmetatable: finalizers (__gc) are not allowed in the sandbox");
      }
    }
    lua_settop(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, lua_isnoneornil(L, 2) || lua_istable(L, 2), 2, "nil or table");
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL) {
      return luaL_error(L, "cannot change a protected metatable");
    }
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
  }

  // __index of an environment: a global from the pristine base; a library
  // becomes a read-only view made for this environment alone, so even rawset
  // on it is forgotten when the evaluation ends.
  static int env_index(lua_State* L) {
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kSafeBaseKey);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
      return 1;
    }
    lua_newtable(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kViewMetaKey);
    lua_pushvalue(L, 2);
    lua_rawget(L, -2);
    lua_setmetatable(L, -3);
    lua_pop(L, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
    return 1;
  }

  // ------------------------------------------------------------ JSON -> Lua

  static void push_json(lua_State* L, const Json& v) {
    switch (v.type()) {
      case Json::value_t::null:
        lua_pushnil(L);
        break;
      case Json::value_t::boolean:
        lua_pushboolean(L, v.get<bool>() ? 1 : 0);
        break;
      case Json::value_t::number_integer:
        lua_pushinteger(L, static_cast<lua_Integer>(v.get<int64_t>()));
        break;
      case Json::value_t::number_unsigned: {
        const uint64_t u = v.get<uint64_t>();
        if (u <= static_cast<uint64_t>(INT64_MAX)) {
          lua_pushinteger(L, static_cast<lua_Integer>(u));
        } else {
          lua_pushnumber(L, static_cast<lua_Number>(u));
        }
        break;
      }
      case Json::value_t::number_float:
        lua_pushnumber(L, v.get<double>());
        break;
      case Json::value_t::string: {
        const auto& s = v.get_ref<const std::string&>();
        lua_pushlstring(L, s.data(), s.size());
        break;
      }
      case Json::value_t::object:
      case Json::value_t::array:
        push_proxy(L, v);
        break;
      default:
        lua_pushnil(L);
        break;
    }
  }

  // A table that converts its JSON children on first access.
  static void push_proxy(lua_State* L, const Json& v) {
    lua_newtable(L);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kProxyMeta);
    lua_setmetatable(L, -2);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kProxyKey);
    lua_pushvalue(L, -2);
    lua_pushlightuserdata(L, const_cast<Json*>(&v));
    lua_rawset(L, -3);
    lua_pop(L, 1);
  }

  static const Json* proxy_target(lua_State* L, int index) {
    if (lua_type(L, index) != LUA_TTABLE) {
      return nullptr;
    }
    index = lua_absindex(L, index);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kProxyKey);
    lua_pushvalue(L, index);
    lua_rawget(L, -2);
    const Json* out = static_cast<const Json*>(lua_touserdata(L, -1));
    lua_pop(L, 2);
    return out;
  }

  static const Json* child_of(const Json& j, lua_State* L, int key_index) {
    if (j.is_object() && lua_type(L, key_index) == LUA_TSTRING) {
      size_t len = 0;
      const char* k = lua_tolstring(L, key_index, &len);
      auto it = j.find(std::string(k, len));
      return it == j.end() ? nullptr : &*it;
    }
    if (j.is_array() && lua_isinteger(L, key_index)) {
      const lua_Integer i = lua_tointeger(L, key_index);
      return i >= 1 && static_cast<size_t>(i) <= j.size() ? &j[static_cast<size_t>(i - 1)] : nullptr;
    }
    return nullptr;
  }

  static int proxy_index(lua_State* L) {
    const Json* j = proxy_target(L, 1);
    const Json* child = j == nullptr ? nullptr : child_of(*j, L, 2);
    if (child == nullptr) {
      lua_pushnil(L);
      return 1;
    }
    push_json(L, *child);
    // Cache so repeated reads (loops) convert once.
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
    return 1;
  }

  static int proxy_len(lua_State* L) {
    const Json* j = proxy_target(L, 1);
    lua_pushinteger(L, j != nullptr && j->is_array() ? static_cast<lua_Integer>(j->size()) : 0);
    return 1;
  }

  // Iterator for pairs(): upvalue 1 is the position reached.
  static int proxy_next(lua_State* L) {
    const Json* j = proxy_target(L, 1);
    if (j == nullptr) {
      return 0;
    }
    const lua_Integer pos = lua_tointeger(L, lua_upvalueindex(1));
    if (pos < 0 || static_cast<size_t>(pos) >= j->size()) {
      return 0;
    }
    lua_pushinteger(L, pos + 1);
    lua_replace(L, lua_upvalueindex(1));
    if (j->is_array()) {
      lua_pushinteger(L, pos + 1);
      push_json(L, (*j)[static_cast<size_t>(pos)]);
      return 2;
    }
    auto it = j->begin();
    std::advance(it, pos);
    lua_pushlstring(L, it.key().data(), it.key().size());
    push_json(L, it.value());
    return 2;
  }

  static int proxy_pairs(lua_State* L) {
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, &proxy_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
  }

  // ------------------------------------------------------------ Lua -> JSON

  static Result<Json> to_json(lua_State* L, int index, int depth) {
    index = lua_absindex(L, index);
    if (depth > kMaxDepth) {
      return Error{"the value is nested more than " + std::to_string(kMaxDepth) + " levels deep (or refers to itself)"};
    }
    switch (lua_type(L, index)) {
      case LUA_TNIL:
      case LUA_TNONE:
        return Json(nullptr);
      case LUA_TBOOLEAN:
        return Json(lua_toboolean(L, index) != 0);
      case LUA_TNUMBER: {
        if (lua_isinteger(L, index)) {
          return Json(static_cast<int64_t>(lua_tointeger(L, index)));
        }
        const double d = lua_tonumber(L, index);
        if (!std::isfinite(d)) {
          return Error{"the value is " + std::string(std::isnan(d) ? "NaN" : "infinite") + ", which JSON cannot hold"};
        }
        return Json(d);
      }
      case LUA_TSTRING: {
        size_t len = 0;
        const char* s = lua_tolstring(L, index, &len);
        if (!valid_utf8(std::string_view(s, len))) {
          return Error{"the value is a string that is not valid UTF-8"};
        }
        return Json(std::string(s, len));
      }
      case LUA_TTABLE:
        return table_to_json(L, index, depth);
      default:
        return Error{std::string("a Lua ") + lua_typename(L, lua_type(L, index)) + " cannot be turned into JSON"};
    }
  }

  static Result<Json> table_to_json(lua_State* L, int index, int depth) {
    if (const Json* j = proxy_target(L, index)) {
      // Untouched data from a binding: copy it, but respect values the
      // expression assigned into the proxy (rawset cache holds converted
      // reads only, so the JSON is the truth).
      return *j;
    }
    luaL_checkstack(L, 4, "nesting");
    // An array when the keys are exactly 1..n; otherwise an object.
    size_t count = 0;
    bool sequence = true;
    lua_Integer max_index = 0;
    lua_pushnil(L);
    while (lua_next(L, index) != 0) {
      ++count;
      if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1) {
        max_index = std::max(max_index, lua_tointeger(L, -2));
      } else {
        sequence = false;
      }
      lua_pop(L, 1);
    }
    if (sequence && static_cast<size_t>(max_index) == count) {
      Json arr = Json::array();
      for (lua_Integer i = 1; i <= max_index; ++i) {
        lua_rawgeti(L, index, i);
        auto v = to_json(L, -1, depth + 1);
        lua_pop(L, 1);
        if (!v) {
          return v;
        }
        arr.push_back(std::move(*v));
      }
      return arr;
    }
    Json obj = Json::object();
    lua_pushnil(L);
    while (lua_next(L, index) != 0) {
      std::string key;
      if (lua_type(L, -2) == LUA_TSTRING) {
        size_t len = 0;
        const char* k = lua_tolstring(L, -2, &len);
        key.assign(k, len);
      } else if (lua_isinteger(L, -2)) {
        key = std::to_string(lua_tointeger(L, -2));
      } else {
        const std::string type = luaL_typename(L, -2);
        lua_pop(L, 2);
        return Error{"a table key of type " + type + " cannot be a JSON object key"};
      }
      auto v = to_json(L, -1, depth + 1);
      lua_pop(L, 1);
      if (!v) {
        lua_pop(L, 1);
        return v;
      }
      obj[key] = std::move(*v);
    }
    return obj;
  }

  // ------------------------------------------------------------ calls

  // Pushes a fresh environment: bindings as globals, the libraries behind them.
  void push_env(const Bindings& bindings) {
    lua_createtable(L, 0, static_cast<int>(bindings.size()) + 1);
    lua_rawgetp(L, LUA_REGISTRYINDEX, &kEnvMeta);
    lua_setmetatable(L, -2);
    static const Json kNull;
    for (const auto& b : bindings) {
      // By reference: proxies keep pointers into the bound values.
      push_json(L, b.value == nullptr ? kNull : *b.value);
      lua_setfield(L, -2, b.name.c_str());
    }
  }

  void begin_call() {
    instructions = 0;
    stopped = Stop::None;
    deadline = Clock::now() + limits.max_wall;
    cap = used + limits.max_memory_bytes;
    lua_sethook(L, &hook, LUA_MASKCOUNT, kHookEvery);
  }

  void end_call() {
    lua_sethook(L, nullptr, 0, 0);
    cap = SIZE_MAX;
    lua_settop(L, 0);
    // Give memory back after a heavy evaluation; cheap ones skip the full cycle.
    if (used > (8u << 20)) {
      lua_gc(L, LUA_GCCOLLECT);
    }
  }

  std::string failure_message(int status, std::string_view expr, bool is_expression) {
    if (stopped == Stop::Instructions) {
      return "exceeded its instruction budget (" + std::to_string(limits.max_instructions) + " instructions)";
    }
    if (stopped == Stop::Time) {
      return "exceeded its time limit (" + std::to_string(limits.max_wall.count()) + " ms)";
    }
    if (status == LUA_ERRMEM) {
      return "exceeded its memory limit (" + std::to_string(limits.max_memory_bytes >> 20) + " MiB)";
    }
    if (lua_type(L, -1) == LUA_TSTRING) {
      return is_expression ? clean_message(lua_tostring(L, -1), expr) : std::string(lua_tostring(L, -1));
    }
    return std::string("raised an error value of type ") + luaL_typename(L, -1);
  }

  // Calls the function below the environment on the stack with the env as its _ENV.
  Result<Json> call(std::string_view expr, bool is_expression) {
    const int fn = lua_gettop(L) - 1;
    if (lua_setupvalue(L, fn, 1) == nullptr) {
      lua_pop(L, 1);
    }
    lua_pushvalue(L, fn);
    begin_call();
    const int status = lua_pcall(L, 0, 1, 0);
    // A cached chunk must not keep this evaluation's environment (and the
    // proxies pointing into its bindings) alive.
    lua_pushnil(L);
    if (lua_setupvalue(L, fn, 1) == nullptr) {
      lua_pop(L, 1);
    }
    cap = SIZE_MAX;  // converting the result must never hit the cap outside protected mode
    if (status != LUA_OK) {
      Error e{failure_message(status, expr, is_expression)};
      end_call();
      if (status == LUA_ERRERR) {
        close();
        open();
      }
      return e;
    }
    lua_sethook(L, nullptr, 0, 0);
    auto out = to_json(L, -1, 0);
    end_call();
    if (!out) {
      return Error{"returned a value JSON cannot hold: " + out.error().message};
    }
    return out;
  }

  static int lua_require(lua_State* L) {
    auto* resolver = static_cast<const ModuleResolver*>(lua_touserdata(L, lua_upvalueindex(1)));
    size_t len = 0;
    const char* name_c = luaL_checklstring(L, 1, &len);
    const std::string name(name_c, len);
    if (name.empty() || name.find("..") != std::string::npos || name.find('/') != std::string::npos ||
        name.find('\\') != std::string::npos) {
      return luaL_error(L, "require '%s': module names are dotted names inside the rules directory", name.c_str());
    }
    // Per-call cache in upvalue 2.
    lua_getfield(L, lua_upvalueindex(2), name.c_str());
    if (!lua_isnil(L, -1)) {
      return 1;
    }
    lua_pop(L, 1);
    std::optional<std::string> source;
    try {
      source = (*resolver)(name);
    } catch (const std::exception& e) {
      return luaL_error(L, "require '%s': %s", name.c_str(), e.what());
    }
    if (!source) {
      return luaL_error(L, "require '%s': no such module in the rules directory", name.c_str());
    }
    const std::string chunk = "@" + name;
    if (luaL_loadbufferx(L, source->data(), source->size(), chunk.c_str(), "t") != LUA_OK) {
      const std::string msg = without_quoted_text(lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "");
      return luaL_error(L, "require '%s': syntax error: %s", name.c_str(), msg.c_str());
    }
    lua_pushvalue(L, lua_upvalueindex(3));  // the caller's environment
    lua_setupvalue(L, -2, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, lua_upvalueindex(2), name.c_str());
    return 1;
  }
};

Sandbox::Sandbox(Limits limits) : impl_(std::make_unique<Impl>(limits)) {}
Sandbox::~Sandbox() = default;

const Limits& Sandbox::limits() const {
  return impl_->limits;
}

Sandbox& Sandbox::for_this_thread(const Limits& limits) {
  thread_local std::unique_ptr<Sandbox> sandbox;
  if (!sandbox || sandbox->limits().max_instructions != limits.max_instructions ||
      sandbox->limits().max_memory_bytes != limits.max_memory_bytes || sandbox->limits().max_wall != limits.max_wall) {
    sandbox = std::make_unique<Sandbox>(limits);
  }
  return *sandbox;
}

Result<Json> Sandbox::eval_expression(std::string_view expr, const Bindings& bindings) {
  if (auto read = read_path(expr, bindings)) {
    return std::move(*read);
  }
  Impl& s = *impl_;
  if (s.L == nullptr) {
    return Error{"the Lua sandbox could not be created"};
  }
  lua_State* L = s.L;
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kCacheKey);
  lua_pushlstring(L, expr.data(), expr.size());
  lua_rawget(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    // Newlines keep a trailing `--` comment from swallowing the parenthesis.
    const std::string code = "return (\n" + std::string(expr) + "\n)";
    if (luaL_loadbufferx(L, code.data(), code.size(), "=expr", "t") != LUA_OK) {
      std::string msg = clean_message(lua_tostring(L, -1), expr);
      lua_settop(L, 0);
      return Error{"syntax error: " + msg};
    }
    if (s.cached_chunks >= kMaxCachedChunks) {
      lua_newtable(L);
      lua_rawsetp(L, LUA_REGISTRYINDEX, &kCacheKey);
      s.cached_chunks = 0;
      lua_rawgetp(L, LUA_REGISTRYINDEX, &kCacheKey);
      lua_replace(L, -3);
    }
    lua_pushlstring(L, expr.data(), expr.size());
    lua_pushvalue(L, -2);
    lua_rawset(L, -4);
    ++s.cached_chunks;
  }
  lua_remove(L, -2);  // cache table
  s.push_env(bindings);
  return s.call(expr, true);
}

Result<Json> Sandbox::run_script(std::string_view code, std::string_view chunk_name, const Bindings& bindings,
                                 const ModuleResolver& resolver) {
  Impl& s = *impl_;
  if (s.L == nullptr) {
    return Error{"the Lua sandbox could not be created"};
  }
  lua_State* L = s.L;
  const std::string chunk = "@" + std::string(chunk_name);
  if (luaL_loadbufferx(L, code.data(), code.size(), chunk.c_str(), "t") != LUA_OK) {
    std::string msg = without_quoted_text(lua_tostring(L, -1));
    lua_settop(L, 0);
    return Error{"syntax error: " + msg};
  }
  s.push_env(bindings);
  if (resolver) {
    lua_pushlightuserdata(L, const_cast<ModuleResolver*>(&resolver));
    lua_newtable(L);       // loaded modules, per call
    lua_pushvalue(L, -3);  // env
    lua_pushcclosure(L, &Impl::lua_require, 3);
    lua_setfield(L, -2, "require");
  }
  return s.call(code, false);
}

std::optional<std::string> Sandbox::expression_syntax_error(std::string_view expr) {
  thread_local std::unique_ptr<lua_State, void (*)(lua_State*)> state(luaL_newstate(), &lua_close);
  lua_State* L = state.get();
  const std::string code = "return (\n" + std::string(expr) + "\n)";
  if (luaL_loadbufferx(L, code.data(), code.size(), "=expr", "t") == LUA_OK) {
    lua_settop(L, 0);
    return std::nullopt;
  }
  std::string msg = clean_message(lua_tostring(L, -1), expr);
  lua_settop(L, 0);
  return msg;
}

}  // namespace linkhub::lua
