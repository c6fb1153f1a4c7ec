#pragma once

// This header is all the lua plugin sees of the sandbox: it includes nothing
// of the engine (plugins build with the SDK's include folder only), only the
// host's shared Result/Error (<linkhub/result.hpp>, engine/base).
#include <linkhub/result.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace linkhub::lua {

using Json = nlohmann::json;

// Why an evaluation failed (a sentence for the user), or its value: the
// host's one Result/Error (engine/base), not the engine's headers.
using linkhub::Error;
using linkhub::Result;

// What one evaluation may consume. Exceeding any of them fails that evaluation
// with a message that names the limit; the sandbox stays usable afterwards.
struct Limits {
  uint64_t max_instructions = 10'000'000;
  std::size_t max_memory_bytes = 32u << 20;
  std::chrono::milliseconds max_wall{2000};
};

// A global visible to the script: `name` bound to a JSON value that outlives the call.
// Values are exposed lazily (converted to Lua on first access), so binding a large
// document costs nothing until it is read.
struct Binding {
  std::string name;
  const Json* value;
};
using Bindings = std::vector<Binding>;

// Resolves `require "name"` for scripts: returns the source text or nullopt.
using ModuleResolver = std::function<std::optional<std::string>(std::string_view name)>;

// A Lua 5.4 state with only safe libraries (base without load/loadstring/dofile/
// loadfile/collectgarbage/require, string, table, math, utf8), text chunks only,
// an instruction budget that pcall cannot swallow, a memory cap and a wall-clock cap.
// Not thread-safe: use one per thread.
class Sandbox {
 public:
  explicit Sandbox(Limits limits = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Evaluates `expr` as a Lua expression; the value converted to JSON.
  Result<Json> eval_expression(std::string_view expr, const Bindings& bindings);

  // A path of names (`item`, `inputs.sku`, `steps.fetch.outputs.title`, the
  // most common expressions by far) read straight from the bound JSON: the
  // value Lua would give, without running Lua (eval_expression tries it
  // first). Nullopt for any other expression, and wherever Lua could answer
  // otherwise (a name not bound or bound to null, a key missing, a value that
  // is not an object on the way, a string that is not UTF-8): Lua decides those.
  static std::optional<Json> read_path(std::string_view expr, const Bindings& bindings);

  // Runs a chunk; its return value converted to JSON (nil -> null).
  // `require` is available only when `resolver` is set.
  Result<Json> run_script(std::string_view code, std::string_view chunk_name, const Bindings& bindings,
                          const ModuleResolver& resolver = nullptr);

  // Nullopt when `expr` is a syntactically valid expression, else Lua's message
  // (without the chunk name prefix), e.g. "unexpected symbol near '+'".
  static std::optional<std::string> expression_syntax_error(std::string_view expr);

  const Limits& limits() const;

  // This thread's sandbox with these limits (made anew when the limits change):
  // sandboxes are not thread-safe, and one per thread avoids a lock.
  static Sandbox& for_this_thread(const Limits& limits);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace linkhub::lua
