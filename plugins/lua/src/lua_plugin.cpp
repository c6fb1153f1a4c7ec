// lua.rule: runs a Lua script in the same sandbox as ${{ }} expressions.
#include <linkhub/lua/sandbox.hpp>
#include <linkhub/plugin.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace linkhub::luaplugin {
namespace {

namespace fs = std::filesystem;
using sdk::Json;

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// True when `path` is `dir` or inside it, after resolving `..` and symlinks.
bool is_inside(const fs::path& dir, const fs::path& path) {
  std::error_code ec;
  const fs::path d = fs::weakly_canonical(dir, ec);
  const fs::path p = fs::weakly_canonical(path, ec);
  auto [d_end, p_it] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return d_end == d.end();
}

lua::Limits limits_from(const Json& config) {
  lua::Limits limits;
  limits.max_instructions = config.value("max_instructions", limits.max_instructions);
  limits.max_memory_bytes = config.value("max_memory_mb", limits.max_memory_bytes >> 20) << 20;
  limits.max_wall =
      std::chrono::milliseconds(config.value("max_wall_ms", static_cast<int64_t>(limits.max_wall.count())));
  return limits;
}

}  // namespace

class RuleStep : public sdk::Step {
 public:
  static constexpr const char* name = "rule";
  static constexpr const char* description =
      "Runs a Lua rule (a file under the rules directory, or inline code) with `input` bound to with.input; "
      "its return value is outputs.result.";
  static Json input_schema() {
    return {{"type", "object"},
            {"properties",
             {{"file", {{"type", "string"}, {"description", "A .lua file, relative to the workflow's folder"}}},
              {"code", {{"type", "string"}, {"description", "Inline Lua code (instead of file)"}}},
              {"input", {{"description", "Any value; the script sees it as `input`"}}}}},
            {"additionalProperties", false}};
  }
  static Json output_schema() {
    return {{"type", "object"},
            {"properties", {{"result", {{"description", "What the script returned (nil becomes null)"}}}}},
            {"additionalProperties", false}};
  }

  Json run(sdk::Context& ctx, const Json& input) override {
    const bool has_file = input.contains("file");
    const bool has_code = input.contains("code");
    if (has_file == has_code) {
      throw sdk::StepError("give exactly one of `file` or `code`");
    }
    const Json config = ctx.plugin_config();
    const fs::path workflow_dir(ctx.workflow_dir().empty() ? fs::current_path() : fs::path(ctx.workflow_dir()));
    const fs::path rules_dir = workflow_dir / config.value("rules_dir", std::string("."));

    std::string code;
    std::string chunk = "inline";
    if (has_file) {
      const std::string file = input["file"].get<std::string>();
      const fs::path path = workflow_dir / file;
      if (!is_inside(rules_dir, path)) {
        throw sdk::StepError("rule file '" + file + "' is outside the rules directory " + rules_dir.string());
      }
      auto text = read_file(path);
      if (!text) {
        throw sdk::StepError("cannot read rule file '" + file + "' (looked in " + path.string() + ")");
      }
      code = std::move(*text);
      chunk = file;
    } else {
      code = input["code"].get<std::string>();
    }

    const lua::ModuleResolver resolver = [&rules_dir](std::string_view module) -> std::optional<std::string> {
      std::string relative(module);
      std::replace(relative.begin(), relative.end(), '.', '/');
      const fs::path path = rules_dir / (relative + ".lua");
      if (!is_inside(rules_dir, path)) {
        return std::nullopt;
      }
      return read_file(path);
    };
    const Json value = input.contains("input") ? input["input"] : Json();
    const lua::Bindings bindings{{"input", &value}};
    auto result = lua::Sandbox::for_this_thread(limits_from(config)).run_script(code, chunk, bindings, resolver);
    if (!result) {
      const std::string& message = result.error().message;
      throw sdk::StepError(message.find(chunk) == std::string::npos ? chunk + ": " + message : message);
    }
    return {{"result", std::move(*result)}};
  }
};

}  // namespace linkhub::luaplugin

LINKHUB_PLUGIN("lua", "1.0.0", "Custom rules in sandboxed Lua 5.4.", linkhub::luaplugin::RuleStep)
