// lua.rule: runs a Lua script in the same sandbox as ${{ }} expressions.
#include <linkhub/lua/sandbox.hpp>
#include <linkhub/plugin.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace linkhub::luaplugin {
namespace {

namespace fs = std::filesystem;
using sdk::Json;

constexpr size_t kMaxRuleBytes = size_t{1} << 20;

// The rules directory: `rules_dir` from the plugin's configuration (set from
// linkhub.yaml's top-level rules_dir or LINKHUB_RULES_DIR, absolute), a
// relative rules_dir under the workflow's folder, or else the workflow's
// `rules/` folder. A workflow registered through the API has no folder: only
// a configured directory serves it.
std::optional<fs::path> rules_dir_of(const Json& config, std::string_view workflow_dir) {
  const std::string configured = config.value("rules_dir", std::string());
  if (!configured.empty() && fs::path(configured).is_absolute()) {
    return fs::path(configured);
  }
  if (workflow_dir.empty()) {
    return std::nullopt;
  }
  return fs::path(workflow_dir) / (configured.empty() ? std::string("rules") : configured);
}

// `file:` is relative to the workflow's folder (so `rules/gate.lua` keeps
// working) or, without one, to the rules directory. Returns the canonical
// path of a .lua file inside the rules directory, or why not.
std::string locate(const std::string& file, const fs::path& base, const fs::path& rules_dir, fs::path& out) {
  const fs::path given(file);
  if (file.empty() || given.is_absolute() || file.find('\\') != std::string::npos) {
    return "must be a relative path inside the rules directory";
  }
  for (const auto& part : given) {
    if (part == "..") {
      return "must not contain '..'";
    }
  }
  if (given.extension() != ".lua") {
    return "must name a .lua file";
  }
  std::error_code ec;
  const fs::path root = fs::canonical(rules_dir, ec);
  if (ec) {
    return "cannot be read: the rules directory " + rules_dir.string() + " does not exist";
  }
  const fs::path path = fs::canonical(base / given, ec);  // resolves symlinks
  if (ec) {
    return "does not exist in the rules directory " + root.string();
  }
  auto [root_end, unused] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  if (root_end != root.end()) {
    return "is outside the rules directory " + root.string();
  }
  if (!fs::is_regular_file(path, ec) || path.extension() != ".lua") {
    return "must be a regular .lua file";
  }
  out = path;
  return "";
}

std::optional<std::string> read_file(const fs::path& path) {
  std::error_code ec;
  if (fs::file_size(path, ec) > kMaxRuleBytes || ec) {
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
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
      "Runs a Lua rule (a .lua file in the rules directory, or inline code) with `input` bound to with.input; "
      "its return value is outputs.result.";
  static constexpr bool pure = true;  // the sandbox has no I/O: a rule can only compute its result
  static Json input_schema() {
    return {{"type", "object"},
            {"properties",
             {{"file",
               {{"type", "string"},
                {"description",
                 "A .lua file in the rules directory: relative to the workflow's folder (rules/gate.lua), or to the "
                 "configured rules_dir for a workflow registered through the API"}}},
              {"code", {{"type", "string"}, {"description", "Inline Lua code (instead of file)"}}},
              {"input", {{"description", "Any value; the script sees it as `input`"}}}}},
            {"additionalProperties", false},
            {"examples", {{{"code", "return input.price < 100"}, {"input", {{"price", 49.9}}}}}}};
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
    const std::optional<fs::path> rules_dir = rules_dir_of(config, ctx.workflow_dir());

    std::string code;
    std::string chunk = "inline";
    if (has_file) {
      const std::string file = input["file"].get<std::string>();
      if (!rules_dir) {
        throw sdk::StepError("rule file '" + file +
                             "': no rules directory is configured for workflows registered through the API "
                             "(set rules_dir in linkhub.yaml or LINKHUB_RULES_DIR)");
      }
      const fs::path base = ctx.workflow_dir().empty() ? *rules_dir : fs::path(ctx.workflow_dir());
      fs::path path;
      if (std::string why = locate(file, base, *rules_dir, path); !why.empty()) {
        throw sdk::StepError("rule file '" + file + "' " + why);
      }
      auto text = read_file(path);
      if (!text) {
        throw sdk::StepError("rule file '" + file + "' cannot be read (or is larger than 1 MiB)");
      }
      code = std::move(*text);
      chunk = file;
    } else {
      code = input["code"].get<std::string>();
    }

    // `require "a.b"` loads a/b.lua from the rules directory, with the same checks.
    const lua::ModuleResolver resolver = [&rules_dir](std::string_view module) -> std::optional<std::string> {
      if (!rules_dir) {
        return std::nullopt;
      }
      std::string relative(module);
      std::replace(relative.begin(), relative.end(), '.', '/');
      fs::path path;
      if (!locate(relative + ".lua", *rules_dir, *rules_dir, path).empty()) {
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
