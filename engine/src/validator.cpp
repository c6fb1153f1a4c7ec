// Semantic checks of a workflow against the plugins on offer.
#include <linkhub/engine/cron.hpp>
#include <linkhub/engine/duration.hpp>
#include <linkhub/engine/json_schema.hpp>
#include <linkhub/engine/suggest.hpp>
#include <linkhub/engine/template.hpp>
#include <linkhub/engine/validator.hpp>
#include <linkhub/engine/waits.hpp>
#include <linkhub/lua/sandbox.hpp>

#include "expression_references.hpp"
#include "workflow_start_check.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>

namespace linkhub {
namespace {

class Validator {
 public:
  Validator(const Workflow& wf, const StepCatalog& catalog) : wf_(wf), catalog_(catalog) {
    for (size_t i = 0; i < wf_.steps.size(); ++i) {
      if (!wf_.steps[i].id.empty()) {
        index_.emplace(wf_.steps[i].id, i);
        ids_.push_back(wf_.steps[i].id);
      }
    }
    for (const auto& input : wf_.inputs) {
      input_names_.push_back(input.name);
    }
  }

  Diagnostics run() {
    for (const auto& step : wf_.steps) {
      check_uses_and_with(step);
      check_wait_step(step);
      check_needs(step);
    }
    check_cycles();
    compute_upstream();
    for (const auto& step : wf_.steps) {
      check_expressions_of(step);
    }
    check_expressions(wf_.outputs, "/outputs", nullptr, "outputs");
    check_schedules();
    check_webhooks();
    return std::move(diagnostics_);
  }

 private:
  // `- schedule: {cron, inputs, missed}`; other trigger kinds belong to the server.
  void check_schedules() {
    if (!wf_.triggers.is_array()) {
      return;
    }
    for (size_t i = 0; i < wf_.triggers.size(); ++i) {
      const Json& t = wf_.triggers[i];
      const std::string p = "/triggers/" + std::to_string(i) + "/schedule";
      if (!t.is_object() || !t.contains("schedule")) {
        continue;
      }
      const Json& s = t["schedule"];
      if (!s.is_object() || !s.contains("cron") || !s["cron"].is_string()) {
        add(p, "", "invalid-value",
            "schedule: expected {cron: \"m h dom mon dow\", inputs: {...}, missed: skip|catch_up}");
        continue;
      }
      auto cron = CronSchedule::parse(s["cron"].get<std::string>());
      if (!cron) {
        add(p + "/cron", "", "invalid-value", cron.error().message);
      } else if (!cron->next_after(0)) {
        add(p + "/cron", "", "invalid-value", "cron: '" + cron->text() + "' never fires");
      }
      for (const auto& [key, value] : s.items()) {
        if (key != "cron" && key != "inputs" && key != "missed") {
          add(p + "/" + key, "", "unknown-key", "unknown schedule key '" + key + "' (expected cron, inputs, missed)",
              true);
        }
      }
      if (s.contains("missed") && s["missed"] != "skip" && s["missed"] != "catch_up") {
        add(p + "/missed", "", "invalid-value", "missed: expected skip or catch_up, found " + s["missed"].dump());
      }
      if (s.contains("inputs") && !s["inputs"].is_object()) {
        add(p + "/inputs", "", "wrong-type", "inputs: expected a mapping of input names to values");
      }
    }
  }

  // `- webhook: {secret: NAME, input: name, tolerance: 5m}`; `linkhub serve` runs these.
  void check_webhooks() {
    if (!wf_.triggers.is_array()) {
      return;
    }
    int webhooks = 0;
    for (size_t i = 0; i < wf_.triggers.size(); ++i) {
      const Json& t = wf_.triggers[i];
      const std::string p = "/triggers/" + std::to_string(i) + "/webhook";
      if (!t.is_object() || !t.contains("webhook")) {
        continue;
      }
      if (++webhooks == 2) {
        add(p, "", "invalid-value", "webhook: a workflow takes at most one webhook trigger");
      }
      const Json& w = t["webhook"];
      if (!w.is_object()) {
        add(p, "", "invalid-value", "webhook: expected {secret: NAME, input: name, tolerance: 5m}");
        continue;
      }
      for (const auto& [key, value] : w.items()) {
        if (key != "secret" && key != "input" && key != "tolerance") {
          add(p + "/" + key, "", "unknown-key", "unknown webhook key '" + key + "' (expected secret, input, tolerance)",
              true);
        }
      }
      // The NAME of a secret (secrets.NAME / LINKHUB_SECRET_NAME), so the value never sits in the YAML.
      const bool named = w.contains("secret") && w["secret"].is_string() && !w["secret"].get<std::string>().empty();
      if (!named) {
        add(w.contains("secret") ? p + "/secret" : p, "", "invalid-value",
            "webhook.secret: expected the name of a secret from the configuration (secrets.NAME or "
            "LINKHUB_SECRET_NAME), such as SHOP_HOOK");
      } else {
        const std::string name = w["secret"].get<std::string>();
        const bool word =
            std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
        if (!word) {
          add(p + "/secret", "", "invalid-value",
              "webhook.secret: expected a secret NAME of letters, digits and _ (the value belongs in the "
              "configuration, not the workflow)");
        }
      }
      if (w.contains("input")) {
        const bool declared =
            w["input"].is_string() && std::any_of(wf_.inputs.begin(), wf_.inputs.end(), [&](const InputDecl& in) {
              return in.name == w["input"].get<std::string>();
            });
        if (!declared) {
          add(p + "/input", "", "invalid-value",
              "webhook.input: expected the name of one of the workflow's inputs, found " + w["input"].dump());
        }
      }
      if (w.contains("tolerance")) {
        const auto d = w["tolerance"].is_string() ? parse_duration(w["tolerance"].get<std::string>()) : std::nullopt;
        if (!d || *d < std::chrono::seconds(1)) {
          add(p + "/tolerance", "", "invalid-value",
              "webhook.tolerance: expected a duration of at least 1s such as 5m, found " + w["tolerance"].dump());
        }
      }
    }
  }

  void add(const std::string& pointer, const std::string& step, const std::string& code, const std::string& message,
           bool at_key = false) {
    diagnostics_.push_back(
        Diagnostic{wf_.file, at_key ? wf_.key_position(pointer) : wf_.position(pointer), step, code, message});
  }

  // ------------------------------------------------------------ uses, with

  static bool holds_template(const Json& with, const std::string& pointer) {
    const Json* v = &with;
    try {
      v = &with.at(Json::json_pointer(pointer));
    } catch (const Json::exception&) {
      return false;
    }
    if (v->is_string()) {
      return v->get_ref<const std::string&>().find("${{") != std::string::npos;
    }
    return false;
  }

  void check_uses_and_with(const StepDecl& step) {
    // A malformed `uses` was already reported by the loader.
    if (step.uses.empty() || step.uses.find('.') == std::string::npos || step.uses.front() == '.' ||
        step.uses.back() == '.') {
      return;
    }
    const StepSignature* sig = catalog_.find_signature(step.uses);
    if (sig == nullptr) {
      const std::string plugin = step.uses.substr(0, step.uses.find('.'));
      bool plugin_known = false;
      for (const auto& u : catalog_.all_uses()) {
        plugin_known = plugin_known || u.rfind(plugin + ".", 0) == 0;
      }
      add(step.pointer + "/uses", step.id, "unknown-uses",
          "no loaded plugin offers '" + step.uses + "'" + did_you_mean(step.uses, catalog_.all_uses()) +
              (plugin_known ? "" : "; the plugin '" + plugin + "' is not loaded (see `linkhub plugins list`)"));
      return;
    }
    std::optional<JsonSchema> compiled;
    const JsonSchema* schema = sig->input_validator;
    if (schema == nullptr) {
      auto fresh = JsonSchema::compile(sig->input_schema);
      if (!fresh) {
        return;  // the plugin host refuses such plugins; nothing to check against
      }
      schema = &compiled.emplace(std::move(*fresh));
    }
    std::vector<std::string> fields;
    if (sig->input_schema.contains("properties") && sig->input_schema["properties"].is_object()) {
      for (const auto& [k, v] : sig->input_schema["properties"].items()) {
        fields.push_back(k);
      }
    }
    const std::string with_pointer = step.pointer + "/with";
    for (const auto& v : schema->validate(step.with)) {
      const std::string p = with_pointer + v.pointer;
      if (v.code == "required") {
        const std::string field = v.pointer.substr(v.pointer.rfind('/') + 1);
        const bool has_with = wf_.keys.count(with_pointer) > 0;
        add(has_with ? with_pointer : step.pointer, step.id, "missing-input",
            step.uses + " needs the input '" + field + "' in `with:`", has_with);
      } else if (v.code == "unknown-field") {
        const std::string field = v.pointer.substr(v.pointer.rfind('/') + 1);
        const bool top = v.pointer.find('/', 1) == std::string::npos;
        add(p, step.id, "unknown-input",
            step.uses + " has no input '" + field + "'" + (top ? did_you_mean(field, fields) : std::string()) +
                (top && !fields.empty() ? "; it takes: " + join(fields) : ""),
            true);
      } else if (!holds_template(step.with, v.pointer)) {
        // A violation of the whole `with:` (an anyOf of required fields, say) has an empty pointer.
        const std::string what = v.pointer.empty() ? "`with:`" : "input '" + v.pointer.substr(1) + "'";
        add(v.pointer.empty() && wf_.keys.count(with_pointer) == 0 ? step.pointer : p, step.id,
            v.code == "type" ? "input-type" : "invalid-input", what + " of " + step.uses + ": " + v.message);
      }
    }
  }

  // core.wait_for and core.sleep: what their schemas cannot say. Values
  // that hold a template are checked when the step runs.
  void check_wait_step(const StepDecl& step) {
    if (step.uses != kWaitForStep && step.uses != kSleepStep) {
      return;
    }
    if (step.foreach) {
      add(step.pointer + "/foreach", step.id, "wait-in-foreach",
          step.uses + " parks the whole run and cannot run per item of a foreach; wait in its own step", true);
    }
    const Json& with = step.with;
    if (!with.is_object()) {
      return;
    }
    for (const char* field : {"timeout", "for"}) {
      if (with.contains(field) && with[field].is_string() && !holds_template(with, std::string("/") + field)) {
        auto d = parse_duration(with[field].get<std::string>());
        if (!d || d->count() <= 0) {
          add(step.pointer + "/with/" + field, step.id, "invalid-input",
              std::string("input '") + field + "' of " + step.uses + ": '" + with[field].get<std::string>() +
                  "' is not a positive duration (\"30s\", \"5m\", \"24h\", \"1h30m\")");
        }
      }
    }
    if (step.uses == kWaitForStep && with.contains("key") && with["key"].is_string() && !holds_template(with, "/key")) {
      if (auto problem = event_key_problem(with["key"].get<std::string>())) {
        add(step.pointer + "/with/key", step.id, "invalid-input", "input 'key' of " + step.uses + ": " + *problem);
      }
    }
    if (step.uses == kSleepStep) {
      const bool has_for = with.contains("for"), has_until = with.contains("until");
      if (has_for == has_until) {
        add(wf_.keys.count(step.pointer + "/with") ? step.pointer + "/with" : step.pointer, step.id, "invalid-input",
            "core.sleep takes either `for` (a duration) or `until` (a time), not both and not neither", true);
      } else if (has_until && with["until"].is_string() && !holds_template(with, "/until") &&
                 !parse_timestamp_ms(with["until"].get<std::string>())) {
        add(step.pointer + "/with/until", step.id, "invalid-input",
            "input 'until' of core.sleep: '" + with["until"].get<std::string>() +
                "' is not an RFC 3339 time such as \"2026-12-24T18:00:00Z\"");
      }
    }
  }

  static std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) {
      out += (out.empty() ? "" : ", ") + i;
    }
    return out;
  }

  // ------------------------------------------------------------ needs, cycles

  void check_needs(const StepDecl& step) {
    for (size_t k = 0; k < step.needs.size(); ++k) {
      const std::string& need = step.needs[k];
      const std::string p = wf_.values.count(step.pointer + "/needs/" + std::to_string(k))
                                ? step.pointer + "/needs/" + std::to_string(k)
                                : step.pointer + "/needs";
      if (need == step.id) {
        add(p, step.id, "needs-cycle", "the step needs itself");
      } else if (index_.count(need) == 0) {
        add(p, step.id, "unknown-need",
            "needs '" + need + "', which is not a step of this workflow" + did_you_mean(need, ids_));
      }
    }
  }

  void check_cycles() {
    // Colours: 0 new, 1 on the current path, 2 done.
    std::vector<int> colour(wf_.steps.size(), 0);
    std::vector<size_t> path;
    std::set<std::set<size_t>> reported;
    std::function<void(size_t)> visit = [&](size_t i) {
      colour[i] = 1;
      path.push_back(i);
      for (const auto& need : wf_.steps[i].needs) {
        auto it = index_.find(need);
        if (it == index_.end() || it->second == i) {
          continue;
        }
        const size_t j = it->second;
        if (colour[j] == 1) {
          auto start = std::find(path.begin(), path.end(), j);
          std::vector<size_t> cycle(start, path.end());
          std::set<size_t> members(cycle.begin(), cycle.end());
          if (reported.insert(members).second) {
            // Report in execution order: a needs b means b runs first.
            std::string text;
            for (auto r = cycle.rbegin(); r != cycle.rend(); ++r) {
              text += wf_.steps[*r].id + " -> ";
            }
            text += wf_.steps[cycle.back()].id;
            const StepDecl& first = wf_.steps[cycle.front()];
            add(first.pointer + "/needs", first.id, "needs-cycle", "the needs form a cycle: " + text, true);
          }
        } else if (colour[j] == 0) {
          visit(j);
        }
      }
      path.pop_back();
      colour[i] = 2;
    };
    for (size_t i = 0; i < wf_.steps.size(); ++i) {
      if (colour[i] == 0) {
        visit(i);
      }
    }
  }

  void compute_upstream() {
    upstream_.assign(wf_.steps.size(), {});
    for (size_t i = 0; i < wf_.steps.size(); ++i) {
      std::vector<size_t> stack{i};
      std::set<size_t>& seen = upstream_[i];
      while (!stack.empty()) {
        const size_t k = stack.back();
        stack.pop_back();
        for (const auto& need : wf_.steps[k].needs) {
          auto it = index_.find(need);
          if (it != index_.end() && seen.insert(it->second).second) {
            stack.push_back(it->second);
          }
        }
      }
    }
  }

  // ------------------------------------------------------------ expressions

  void check_expressions_of(const StepDecl& step) {
    check_expressions(step.with, step.pointer + "/with", &step, "with");
    if (step.if_cond && step.if_cond->is_string()) {
      const std::string& text = step.if_cond->get_ref<const std::string&>();
      if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        // An empty condition is false, as documented.
      } else if (text.find("${{") == std::string::npos) {
        check_expression(text, step.pointer + "/if", &step, "if");
      } else {
        check_expressions(*step.if_cond, step.pointer + "/if", &step, "if");
      }
    }
    if (step.foreach && step.foreach->is_string()) {
      check_expressions(*step.foreach, step.pointer + "/foreach", &step, "foreach");
    }
  }

  void check_expressions(const Json& value, const std::string& base, const StepDecl* step, const char* field) {
    scan_expressions(
        value,
        [&](const std::string& pointer, const std::string& expr) {
          check_expression(expr, base + pointer, step, field);
        },
        [&](const std::string& pointer, TemplateProblem problem, const std::string& message) {
          add(base + pointer, step ? step->id : "",
              problem == TemplateProblem::EmptyExpression ? "expression-syntax" : "unterminated-template",
              std::string(field) + ": " + message);
        });
  }

  void check_expression(const std::string& expr, const std::string& pointer, const StepDecl* step,
                        const std::string& field) {
    const std::string sid = step != nullptr ? step->id : "";
    if (auto error = lua::Sandbox::expression_syntax_error(expr)) {
      add(pointer, sid, "expression-syntax", field + ": the expression `" + expr + "` is not valid Lua: " + *error);
      return;
    }
    for (const auto& ref : ReferenceScanner(expr).scan()) {
      if (ref.kind == Reference::Kind::Input) {
        if (std::find(input_names_.begin(), input_names_.end(), ref.name) == input_names_.end()) {
          add(pointer, sid, "unknown-input-ref",
              field + ": `inputs." + ref.name + "` is not a declared input" + did_you_mean(ref.name, input_names_) +
                  (input_names_.empty() ? " (the workflow declares no inputs)" : ""));
        }
        continue;
      }
      auto it = index_.find(ref.name);
      if (it == index_.end()) {
        add(pointer, sid, "unknown-step-ref",
            field + ": `steps." + ref.name + "` names no step of this workflow" + did_you_mean(ref.name, ids_));
        continue;
      }
      const StepDecl& target = wf_.steps[it->second];
      if (step != nullptr) {
        const size_t self = static_cast<size_t>(step - wf_.steps.data());
        if (upstream_[self].count(it->second) == 0) {
          add(pointer, sid, "not-upstream",
              field + ": reads `steps." + ref.name + "`, but '" + ref.name +
                  "' is not among this step's needs (directly or through other steps); add it to `needs:`");
          continue;
        }
      }
      if (!ref.output.empty() && !target.foreach) {
        check_output_exists(target, ref.output, pointer, sid, field);
      }
    }
  }

  void check_output_exists(const StepDecl& target, const std::string& output, const std::string& pointer,
                           const std::string& sid, const std::string& field) {
    const StepSignature* sig = catalog_.find_signature(target.uses);
    if (sig == nullptr) {
      return;  // already reported as unknown-uses
    }
    const Json& schema = sig->output_schema;
    if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object()) {
      return;
    }
    if (schema.value("additionalProperties", Json(false)) != Json(false) && schema.contains("additionalProperties")) {
      return;
    }
    const Json& props = schema["properties"];
    if (props.contains(output)) {
      return;
    }
    std::vector<std::string> names;
    for (const auto& [k, v] : props.items()) {
      names.push_back(k);
    }
    add(pointer, sid, "unknown-output",
        field + ": `steps." + target.id + ".outputs." + output + "`: " + target.uses + " has no output '" + output +
            "'" + did_you_mean(output, names) + (names.empty() ? "" : "; it gives: " + join(names)));
  }

  const Workflow& wf_;
  const StepCatalog& catalog_;
  std::map<std::string, size_t> index_;
  std::vector<std::string> ids_;
  std::vector<std::string> input_names_;
  std::vector<std::set<size_t>> upstream_;
  Diagnostics diagnostics_;
};

}  // namespace

Diagnostics validate_workflow(const Workflow& workflow, const StepCatalog& catalog) {
  Diagnostics d = Validator(workflow, catalog).run();
  Diagnostics starts = check_workflow_starts(workflow, Severity::Error);
  d.insert(d.end(), starts.begin(), starts.end());
  sort_diagnostics(d);
  return d;
}

Diagnostics check_workflow_file(const std::string& path, const StepCatalog& catalog) {
  LoadResult loaded = load_workflow_file(path);
  Diagnostics all = std::move(loaded.diagnostics);
  if (loaded.workflow) {
    Diagnostics more = validate_workflow(*loaded.workflow, catalog);
    all.insert(all.end(), more.begin(), more.end());
    Diagnostics warnings = lint_workflow(*loaded.workflow);
    all.insert(all.end(), warnings.begin(), warnings.end());
  }
  sort_diagnostics(all);
  return all;
}

}  // namespace linkhub
