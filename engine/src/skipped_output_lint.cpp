// `linkhub validate`'s warning "unguarded-skipped-output": a skipped step's
// outputs are an empty table, so `steps.X.outputs.Y` is nil, and a step input
// that is nil fails its schema at run time ("expected an array, found null")
// or is silently empty in text. The validator cannot know whether an `if:`
// will be false, so it asks for a nil guard wherever one may be.
#include <linkhub/engine/template.hpp>
#include <linkhub/engine/validator.hpp>

#include "expression_references.hpp"
#include "workflow_start_check.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

namespace linkhub {
namespace {

// Whether `word` appears in text[from, to) as a whole Lua word.
bool has_word(std::string_view text, size_t from, size_t to, std::string_view word) {
  to = std::min(to, text.size());
  for (size_t at = text.find(word, from); at != std::string_view::npos && at + word.size() <= to;
       at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !ident_char(text[at - 1]);
    const bool ends = at + word.size() == text.size() || !ident_char(text[at + word.size()]);
    if (starts && ends) {
      return true;
    }
  }
  return false;
}

class SkippedOutputLint {
 public:
  explicit SkippedOutputLint(const Workflow& wf) : wf_(wf) {
    for (size_t i = 0; i < wf_.steps.size(); ++i) {
      if (!wf_.steps[i].id.empty()) {
        index_.emplace(wf_.steps[i].id, i);
      }
    }
  }

  Diagnostics run() {
    for (const StepDecl& step : wf_.steps) {
      const std::string condition = condition_text(step);
      check(step, step.with, step.pointer + "/with", "with", condition);
      if (step.foreach && step.foreach->is_string()) {
        check(step, *step.foreach, step.pointer + "/foreach", "foreach", condition);
      }
      if (!condition.empty()) {
        check(step, *step.if_cond, step.pointer + "/if", "if", "");
      }
    }
    return std::move(out_);
  }

 private:
  // The Lua text of a step's `if:` ("" when it has none or it is a boolean).
  static std::string condition_text(const StepDecl& step) {
    if (!step.if_cond || !step.if_cond->is_string()) {
      return {};
    }
    return step.if_cond->get<std::string>();
  }

  // The step whose `if:` may skip step i (i itself, or the first need that
  // may be skipped when all of them may); nullopt when i always runs.
  std::optional<size_t> skipped_by(size_t i) {
    if (auto it = skipped_by_.find(i); it != skipped_by_.end()) {
      return it->second;
    }
    skipped_by_[i] = std::nullopt;  // a cycle (reported elsewhere) ends here
    const StepDecl& step = wf_.steps[i];
    std::optional<size_t> by;
    const bool always = step.if_cond && step.if_cond->is_boolean() && step.if_cond->get<bool>();
    if (step.if_cond && !always) {
      by = i;
    } else if (!step.needs.empty()) {
      std::optional<size_t> first;
      bool all = true;
      for (const std::string& need : step.needs) {
        auto it = index_.find(need);
        const auto need_by = it == index_.end() ? std::nullopt : skipped_by(it->second);
        all = all && need_by.has_value();
        if (need_by && !first) {
          first = need_by;
        }
      }
      if (all) {
        by = first;
      }
    }
    skipped_by_[i] = by;
    return by;
  }

  // Whether step i is always skipped when step p is: the engine skips a step
  // whose every need was skipped. Memoised, so wide diamonds stay linear.
  bool skipped_with(size_t i, size_t p) {
    const auto key = std::make_pair(i, p);
    if (auto it = skipped_with_.find(key); it != skipped_with_.end()) {
      return it->second;
    }
    skipped_with_[key] = false;  // a cycle (reported elsewhere) ends here
    const StepDecl& step = wf_.steps[i];
    bool all = !step.needs.empty();
    for (const std::string& need : step.needs) {
      auto it = index_.find(need);
      all = all && it != index_.end() && (it->second == p || skipped_with(it->second, p));
    }
    skipped_with_[key] = all;
    return all;
  }

  static bool guarded_in(std::string_view expr, const Reference& ref, const std::vector<Reference>& refs) {
    size_t next = ref.end;
    while (next < expr.size() && std::isspace(static_cast<unsigned char>(expr[next]))) {
      ++next;
    }
    if (expr.substr(next, 2) == "~=" || expr.substr(next, 2) == "==") {
      return true;  // a test, not a use
    }
    if (has_word(expr, ref.end, expr.size(), "or")) {
      return true;  // x or default
    }
    for (const Reference& earlier : refs) {
      if (earlier.kind == Reference::Kind::Step && earlier.name == ref.name && earlier.end <= ref.begin &&
          has_word(expr, earlier.end, ref.begin, "and")) {
        return true;  // x ~= nil and f(x)
      }
    }
    return false;
  }

  void check(const StepDecl& step, const Json& value, const std::string& base, const char* field,
             const std::string& condition) {
    const auto self = index_.find(step.id);
    std::set<std::string> reads_in_condition;
    for (const Reference& r : ReferenceScanner(condition).scan()) {
      reads_in_condition.insert(r.name);
    }
    scan_expressions(
        value,
        [&](const std::string& pointer, const std::string& expr) {
          const std::vector<Reference> refs = ReferenceScanner(expr).scan();
          std::set<std::string> warned;
          for (const Reference& ref : refs) {
            auto it = index_.find(ref.name);
            if (ref.kind != Reference::Kind::Step || ref.output.empty() || it == index_.end() ||
                (self != index_.end() && it->second == self->second)) {
              continue;
            }
            const auto by = skipped_by(it->second);
            if (!by || reads_in_condition.count(ref.name) > 0 || warned.count(ref.name) > 0 ||
                (self != index_.end() && skipped_with(self->second, it->second)) || guarded_in(expr, ref, refs)) {
              continue;
            }
            warned.insert(ref.name);
            warn(step, base + pointer, field, ref, *by);
          }
        },
        [](const std::string&, TemplateProblem, const std::string&) {});  // the validator reports these
  }

  void warn(const StepDecl& step, const std::string& pointer, const char* field, const Reference& ref, size_t by) {
    const StepDecl& skipper = wf_.steps[by];
    const int line = wf_.position(skipper.pointer + "/if").line;
    const std::string where = "its `if:` at line " + std::to_string(line);
    const std::string why = skipper.id == ref.name
                                ? "'" + ref.name + "' may be skipped (" + where + ")"
                                : "'" + ref.name + "' may be skipped (when '" + skipper.id + "' is, by " + where + ")";
    const std::string read = "steps." + ref.name + ".outputs." + ref.output;
    Diagnostic d{wf_.file,
                 wf_.position(pointer),
                 step.id,
                 std::string(kUnguardedSkippedOutput),
                 std::string(field) + ": reads `" + read + "`, but " + why +
                     ", and then it is nil; add a guard such as `" + read + " or <default>` or `" + read +
                     " ~= nil and ...`, or read it only in a step that is skipped with '" + ref.name + "'",
                 Severity::Warning};
    out_.push_back(std::move(d));
  }

  const Workflow& wf_;
  std::map<std::string, size_t> index_;
  std::map<size_t, std::optional<size_t>> skipped_by_;
  std::map<std::pair<size_t, size_t>, bool> skipped_with_;
  Diagnostics out_;
};

}  // namespace

Diagnostics lint_workflow(const Workflow& workflow) {
  Diagnostics d = SkippedOutputLint(workflow).run();
  Diagnostics starts = check_workflow_starts(workflow, Severity::Warning);
  d.insert(d.end(), starts.begin(), starts.end());
  sort_diagnostics(d);
  return d;
}

}  // namespace linkhub
