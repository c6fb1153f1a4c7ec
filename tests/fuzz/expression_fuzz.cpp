// libFuzzer: any text as a ${{ }} template or Lua expression must evaluate or
// fail with a message inside the sandbox's limits, never crash or hang.
#include <linkhub/engine/template.hpp>
#include <linkhub/lua/sandbox.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static linkhub::lua::Sandbox sandbox([] {
    linkhub::lua::Limits l;
    l.max_instructions = 100'000;
    l.max_memory_bytes = 4u << 20;
    l.max_wall = std::chrono::milliseconds(100);
    return l;
  }());
  static const linkhub::Json inputs = {
      {"n", 3},   {"list", {1, 2, 3}}, {"obj", {{"a", "b"}, {"n", nullptr}}}, {"u", 18446744073709551615u},
      {"f", 2.5}, {"t", true}};
  const linkhub::lua::Bindings bindings{{"inputs", &inputs}};
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)linkhub::lua::Sandbox::expression_syntax_error(text);
  auto value = sandbox.eval_expression(text, bindings);
  // A path read without Lua (Sandbox::read_path) must be what Lua gives:
  // the same text in parentheses is no path, so Lua evaluates it.
  if (auto read = linkhub::lua::Sandbox::read_path(text, bindings)) {
    auto lua = sandbox.eval_expression("(" + text + ")", bindings);
    if (!value || !lua || *lua != *read || lua->type() != read->type()) {
      __builtin_trap();
    }
  }
  auto t = linkhub::ValueTemplate::compile(linkhub::Json(text));
  if (t) {
    (void)t->render(sandbox, bindings);
  }
  return 0;
}
