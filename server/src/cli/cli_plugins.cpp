#include "cli_common.hpp"
#include "http/json_views.hpp"

#include <iomanip>
#include <iostream>
#include <set>

namespace linkhub::cli {
namespace {

Json plugin_json(const LoadedPlugin& plugin, bool with_schemas) {
  Json steps = Json::array();
  for (const auto& step : plugin.steps) {
    steps.push_back(with_schemas ? http::step_json(*step) : Json(step->signature.uses));
  }
  return Json{{"name", plugin.name},
              {"version", plugin.version},
              {"description", plugin.description},
              {"api_version", plugin_api_version_text(plugin.api_version)},
              {"path", plugin.builtin ? Json(nullptr) : Json(plugin.path.string())},
              {"steps", steps}};
}

std::string type_of(const Json& schema) {
  if (!schema.contains("type")) {
    return schema.contains("enum") ? "enum" : "any";
  }
  const Json& t = schema["type"];
  if (t.is_array()) {
    std::string out;
    for (const auto& x : t) {
      out += (out.empty() ? "" : "|") + x.get<std::string>();
    }
    return out;
  }
  return t.get<std::string>();
}

// One line per property: name, type, required or default, description.
void print_fields(const Json& schema, const char* title) {
  std::cout << "    " << title << ":\n";
  if (!schema.contains("properties") || schema["properties"].empty()) {
    std::cout << "      (" << type_of(schema) << ")\n";
    return;
  }
  std::set<std::string> required;
  for (const auto& r : schema.value("required", Json::array())) {
    required.insert(r.get<std::string>());
  }
  for (const auto& [name, prop] : schema["properties"].items()) {
    std::string note = required.count(name) ? "required" : "optional";
    if (prop.contains("default")) {
      note += ", default " + prop["default"].dump();
    }
    if (prop.contains("enum")) {
      note += ", one of " + prop["enum"].dump();
    }
    std::cout << "      " << std::left << std::setw(20) << name << std::setw(10) << type_of(prop) << " " << note;
    if (prop.contains("description")) {
      std::cout << ": " << terminal_safe(prop["description"].get<std::string>());
    }
    std::cout << "\n";
  }
}

}  // namespace

int cmd_plugins_list(const GlobalOptions& global) {
  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return 2;
  }
  if (global.format == "json") {
    Json plugins = Json::array();
    for (const auto* p : env->host->plugins()) {
      plugins.push_back(plugin_json(*p, false));
    }
    Json skipped = Json::array();
    for (const auto& problem : env->host->problems()) {
      skipped.push_back(Json{{"path", problem.path.string()}, {"message", problem.message}});
    }
    std::cout << Json{{"plugins", plugins}, {"skipped", skipped}}.dump(2) << "\n";
    return 0;
  }
  for (const auto* p : env->host->plugins()) {
    std::cout << p->name << " " << p->version << " (plugin API " << plugin_api_version_text(p->api_version) << ")  "
              << terminal_safe(p->description) << "\n";
    for (const auto& step : p->steps) {
      std::cout << "  " << std::left << std::setw(22) << step->signature.uses
                << terminal_safe(step->signature.description) << "\n";
    }
  }
  return 0;
}

int cmd_plugins_describe(const GlobalOptions& global, const std::string& name) {
  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return 2;
  }
  const size_t dot = name.find('.');
  // The engine's own steps (core.wait_for, core.sleep) belong to no plugin.
  if (const LoadedStep* builtin = env->host->step(name); builtin != nullptr && builtin->plugin == nullptr) {
    if (global.format == "json") {
      std::cout << http::step_json(*builtin).dump(2) << "\n";
      return 0;
    }
    std::cout << builtin->signature.uses << " (built into the engine): " << builtin->signature.description << "\n";
    print_fields(builtin->signature.input_schema, "with");
    print_fields(builtin->signature.output_schema, "outputs");
    return 0;
  }
  const LoadedPlugin* plugin = env->host->plugin(name.substr(0, dot));
  if (plugin == nullptr) {
    std::cerr << "linkhub: no loaded plugin is named '" << name.substr(0, dot) << "' (see `linkhub plugins list`)\n";
    return 1;
  }
  std::vector<const LoadedStep*> steps;
  for (const auto& step : plugin->steps) {
    if (dot == std::string::npos || step->signature.uses == name) {
      steps.push_back(step.get());
    }
  }
  if (steps.empty()) {
    std::cerr << "linkhub: plugin '" << plugin->name << "' has no step '" << name.substr(dot + 1) << "'\n";
    return 1;
  }
  if (global.format == "json") {
    if (dot != std::string::npos) {
      std::cout << http::step_json(*steps[0]).dump(2) << "\n";
    } else {
      std::cout << plugin_json(*plugin, true).dump(2) << "\n";
    }
    return 0;
  }
  std::cout << plugin->name << " " << plugin->version << " ("
            << (plugin->builtin ? std::string("built into linkhub") : plugin->path.string()) << ")\n"
            << "  " << plugin->description << "\n";
  for (const auto* step : steps) {
    std::cout << "\n  " << step->signature.uses << ": " << step->signature.description << "\n";
    print_fields(step->signature.input_schema, "with");
    print_fields(step->signature.output_schema, "outputs");
  }
  return 0;
}

}  // namespace linkhub::cli
