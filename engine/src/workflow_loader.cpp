// YAML -> Workflow, with every structural problem reported at its line and column.
#include <linkhub/engine/duration.hpp>
#include <linkhub/engine/json_schema.hpp>
#include <linkhub/engine/names.hpp>
#include <linkhub/engine/suggest.hpp>
#include <linkhub/engine/workflow.hpp>

#include "yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string_view>

namespace linkhub {
namespace {

// The offset of the first byte that is not part of a well-formed UTF-8
// character (overlong forms and surrogates included), or npos. Checked
// first: YAML and JSON both require UTF-8, and a bad byte would otherwise
// surface later as a confusing error far from its place.
size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, min = 0x80, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, min = 0x800, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, min = 0x10000, cp = c & 0x07;
    } else {
      return i;
    }
    if (i + n >= s.size()) {
      return i;
    }
    for (size_t k = 1; k <= n; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) {
        return i;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return i;
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

const std::vector<std::string> kTopKeys{"name",  "version", "description", "inputs",     "defaults",
                                        "steps", "outputs", "triggers",    "concurrency"};
const std::vector<std::string> kStepKeys{"id", "name",    "description", "uses",  "needs",   "with",
                                         "if", "foreach", "concurrency", "retry", "timeout", "continue_on_error"};
const std::vector<std::string> kInputKeys{"type", "required", "default", "description"};
const std::vector<std::string> kInputTypes{"string", "number", "integer", "boolean", "object", "array"};
const std::vector<std::string> kDefaultsKeys{"retry", "timeout", "continue_on_error"};
const std::vector<std::string> kRetryKeys{"attempts", "backoff", "initial", "max", "multiplier", "jitter"};

const std::regex kUsesPattern("^[a-z][a-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*$");
const std::regex kIntPattern("^[-+]?(0|[1-9][0-9]*)$");
const std::regex kFloatPattern("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");

std::string token(const std::string& key) {
  std::string out;
  for (char c : key) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

SourcePos pos_of(const YAML::Mark& mark) {
  return SourcePos{mark.line + 1, mark.column + 1};
}

std::string describe(const Json& v) {
  return describe_json_type(v);
}

class Loader {
 public:
  Loader(std::string file, std::string text) : file_(std::move(file)), text_(std::move(text)) {}

  LoadResult load() {
    LoadResult result;
    if (const size_t bad = first_invalid_utf8(text_); bad != std::string::npos) {
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text_[bad]));
      add_at(position_of(bad), "", "encoding",
             std::string("the file is not valid UTF-8: byte ") + byte + " does not belong to a character");
      result.diagnostics = std::move(diagnostics_);
      return result;
    }
    // libyaml reads the text (yaml_reader.hpp): yaml-cpp's own parser loops
    // on some invalid input and never sees it.
    YamlRead read = read_yaml(text_, YamlLimits{kMaxValues, kMaxDepth, 1});
    if (read.error) {
      if (read.error->kind == YamlReadError::Kind::TooLarge) {
        add_at(pos_of(read.error->mark), "", "too-large", read.error->message);
      } else if (read.error->kind == YamlReadError::Kind::ExtraDocument) {
        add_at(pos_of(read.error->mark), "", "yaml-syntax",
               "a workflow file holds one YAML document; a second one starts here");
      } else {
        report_syntax_error(read.error->mark, read.error->message);
      }
      result.diagnostics = std::move(diagnostics_);
      return result;
    }
    const YAML::Node root = read.root;
    Workflow wf;
    wf.file = file_;
    wf.source = text_;
    const Json doc = convert(root, "");
    wf.values = std::move(values_);
    wf.keys = std::move(keys_);
    workflow_ = &wf;
    if (!diagnostics_.empty()) {
      // A syntax problem found while converting (an unclosed quote) makes
      // everything after it meaningless: report only that.
      result.diagnostics = std::move(diagnostics_);
      return result;
    }
    if (!doc.is_object()) {
      add("", "", "wrong-type", "a workflow is a mapping with name and steps, found " + describe(doc));
      result.diagnostics = std::move(diagnostics_);
      return result;
    }
    check_keys(doc, "", kTopKeys, "top-level key", "");
    read_header(doc, wf);
    read_inputs(doc, wf);
    RetryPolicy default_retry;
    std::optional<Millis> default_timeout;
    bool default_continue = false;
    read_defaults(doc, default_retry, default_timeout, default_continue);
    read_steps(doc, wf, default_retry, default_timeout, default_continue);
    if (auto it = doc.find("outputs"); it != doc.end()) {
      if (it->is_object()) {
        wf.outputs = *it;
      } else if (!it->is_null()) {
        add("/outputs", "", "wrong-type", "outputs must be a mapping of name to value, found " + describe(*it));
      }
    }
    if (auto it = doc.find("triggers"); it != doc.end()) {
      if (it->is_array()) {
        wf.triggers = *it;
      } else if (!it->is_null()) {
        add("/triggers", "", "wrong-type", "triggers must be a list, found " + describe(*it));
      }
    }
    result.diagnostics = std::move(diagnostics_);
    result.workflow = std::move(wf);
    return result;
  }

 private:
  // ------------------------------------------------------------ syntax errors

  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(text_);
    for (std::string line; std::getline(in, line);) {
      out.push_back(line);
    }
    return out;
  }

  // Line and column (1-based, in bytes) of an offset into the text.
  SourcePos position_of(size_t offset) const {
    SourcePos pos{1, 1};
    for (size_t i = 0; i < offset && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++pos.line;
        pos.column = 1;
      } else {
        ++pos.column;
      }
    }
    return pos;
  }

  // libyaml reports a tab used for indentation as a character that cannot
  // start a token, wherever it notices it; name the mistake at the tab.
  void report_syntax_error(const YAML::Mark& mark, const std::string& message) {
    const auto ls = lines();
    const int error_line = mark.line + 1;
    for (size_t i = 0; i < ls.size() && static_cast<int>(i) < error_line; ++i) {
      const size_t indent_end = ls[i].find_first_not_of(" \t");
      const size_t tab = ls[i].find('\t');
      if (tab != std::string::npos && (indent_end == std::string::npos || tab < indent_end)) {
        add_at(SourcePos{static_cast<int>(i) + 1, static_cast<int>(tab) + 1}, "", "yaml-syntax",
               "YAML does not allow tab characters for indentation; use spaces");
        return;
      }
    }
    add_at(pos_of(mark), "", "yaml-syntax", message);
  }

  // A quoted scalar whose closing quote is missing swallows the rest of the
  // file without an error from yaml-cpp; find it in the source.
  bool quote_is_closed(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size()) {
      return true;
    }
    const char q = text_[static_cast<size_t>(mark.pos)];
    if (q != '"' && q != '\'') {
      return true;
    }
    for (size_t i = static_cast<size_t>(mark.pos) + 1; i < text_.size(); ++i) {
      if (q == '"' && text_[i] == '\\') {
        ++i;
      } else if (text_[i] == q) {
        if (q == '\'' && i + 1 < text_.size() && text_[i + 1] == '\'') {
          ++i;
          continue;
        }
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------ YAML -> JSON

  Json scalar(const YAML::Node& node) {
    const std::string& s = node.Scalar();
    if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") {
      if (!quote_is_closed(node.Mark())) {
        add_at(pos_of(node.Mark()), "", "yaml-syntax", "YAML syntax error: this quoted text is never closed");
      }
      return s;  // quoted: always a string
    }
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
      return nullptr;
    }
    if (s == "true" || s == "True" || s == "TRUE") {
      return true;
    }
    if (s == "false" || s == "False" || s == "FALSE") {
      return false;
    }
    if (std::regex_match(s, kIntPattern)) {
      try {
        return static_cast<int64_t>(std::stoll(s));
      } catch (const std::exception&) {
        return s;
      }
    }
    if (std::regex_match(s, kFloatPattern)) {
      try {
        return std::stod(s);
      } catch (const std::exception&) {
        return s;
      }
    }
    return s;
  }

  // Aliases make a YAML graph, not a tree: nine anchors of nine references
  // each expand to 387 million values ("billion laughs"). No workflow comes
  // near these bounds; past them the file is refused before memory runs out.
  static constexpr size_t kMaxValues = 100000;
  static constexpr size_t kMaxDepth = 100;
  // Each value's position is kept under its JSON pointer: aliased long keys
  // nested deep make long pointers, so their total is bounded too.
  static constexpr size_t kMaxPointerBytes = size_t{16} << 20;

  Json convert(const YAML::Node& node, const std::string& pointer, size_t depth = 0) {
    if (too_big_) {
      return nullptr;
    }
    pointer_bytes_ += pointer.size();
    if (++converted_ > kMaxValues || depth > kMaxDepth || pointer_bytes_ > kMaxPointerBytes) {
      too_big_ = true;
      add_at(pos_of(node.Mark()), "", "too-large",
             depth > kMaxDepth ? "values nest more than " + std::to_string(kMaxDepth) + " levels deep here"
                               : "the file expands to more than " + std::to_string(kMaxValues) +
                                     " values or 16 MB of paths (are aliases (*name) repeating large anchors?)");
      return nullptr;
    }
    values_[pointer] = pos_of(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        Json out = Json::object();
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) {
            add_at(pos_of(kv.first.Mark()), "", "wrong-type", "mapping keys must be plain text");
            continue;
          }
          const std::string key = kv.first.Scalar();
          const std::string child = pointer + "/" + token(key);
          if (out.contains(key)) {
            add_at(pos_of(kv.first.Mark()), "", "duplicate-key",
                   "the key '" + key + "' appears twice in this mapping (first at line " +
                       std::to_string(keys_[child].line) + ")");
            continue;
          }
          keys_[child] = pos_of(kv.first.Mark());
          out[key] = convert(kv.second, child, depth + 1);
        }
        return out;
      }
      case YAML::NodeType::Sequence: {
        Json out = Json::array();
        size_t i = 0;
        for (const auto& item : node) {
          out.push_back(convert(item, pointer + "/" + std::to_string(i++), depth + 1));
        }
        return out;
      }
      case YAML::NodeType::Scalar:
        return scalar(node);
      default:
        return nullptr;
    }
  }

  // ------------------------------------------------------------ reporting

  void add_at(SourcePos pos, const std::string& step, const std::string& code, const std::string& message) {
    diagnostics_.push_back(Diagnostic{file_, pos, step, code, message});
  }
  void add(const std::string& pointer, const std::string& step, const std::string& code, const std::string& message) {
    add_at(workflow_ != nullptr ? workflow_->position(pointer) : SourcePos{}, step, code, message);
  }
  void add_key(const std::string& pointer, const std::string& step, const std::string& code,
               const std::string& message) {
    add_at(workflow_->key_position(pointer), step, code, message);
  }

  void check_keys(const Json& map, const std::string& pointer, const std::vector<std::string>& known,
                  const std::string& what, const std::string& step) {
    for (const auto& [key, value] : map.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        add_key(pointer + "/" + token(key), step, "unknown-key",
                "unknown " + what + " '" + key + "'" + did_you_mean(key, known));
      }
    }
  }

  // ------------------------------------------------------------ typed reads

  std::optional<std::string> read_string(const Json& map, const std::string& key, const std::string& pointer,
                                         const std::string& step) {
    auto it = map.find(key);
    if (it == map.end() || it->is_null()) {
      return std::nullopt;
    }
    if (!it->is_string()) {
      add(pointer + "/" + token(key), step, "wrong-type", "'" + key + "' must be text, found " + describe(*it));
      return std::nullopt;
    }
    return it->get<std::string>();
  }

  std::optional<bool> read_bool(const Json& map, const std::string& key, const std::string& pointer,
                                const std::string& step) {
    auto it = map.find(key);
    if (it == map.end() || it->is_null()) {
      return std::nullopt;
    }
    if (!it->is_boolean()) {
      add(pointer + "/" + token(key), step, "wrong-type",
          "'" + key + "' must be true or false, found " + describe(*it));
      return std::nullopt;
    }
    return it->get<bool>();
  }

  std::optional<int64_t> read_int(const Json& map, const std::string& key, const std::string& pointer,
                                  const std::string& step, int64_t min_value) {
    auto it = map.find(key);
    if (it == map.end() || it->is_null()) {
      return std::nullopt;
    }
    if (!it->is_number_integer()) {
      add(pointer + "/" + token(key), step, "wrong-type", "'" + key + "' must be an integer, found " + describe(*it));
      return std::nullopt;
    }
    const int64_t v = it->get<int64_t>();
    if (v < min_value) {
      add(pointer + "/" + token(key), step, "invalid-value",
          "'" + key + "' must be at least " + std::to_string(min_value) + ", found " + std::to_string(v));
      return std::nullopt;
    }
    return v;
  }

  std::optional<Millis> read_duration(const Json& map, const std::string& key, const std::string& pointer,
                                      const std::string& step) {
    auto it = map.find(key);
    if (it == map.end() || it->is_null()) {
      return std::nullopt;
    }
    const std::string p = pointer + "/" + token(key);
    if (!it->is_string()) {
      add(p, step, "invalid-duration",
          "'" + key + "' must be a duration such as 250ms, 30s, 5m or 1h30m, found " + describe(*it) +
              (it->is_number() ? " (add a unit)" : ""));
      return std::nullopt;
    }
    auto d = parse_duration(it->get<std::string>());
    if (!d) {
      add(p, step, "invalid-duration",
          "'" + key + "' must be a duration such as 250ms, 30s, 5m or 1h30m, found '" + it->get<std::string>() + "'");
    }
    return d;
  }

  void read_retry(const Json& value, const std::string& pointer, const std::string& step, RetryPolicy& policy) {
    if (!value.is_object()) {
      add(pointer, step, "wrong-type",
          "retry must be a mapping such as { attempts: 3, initial: 1s }, found " + describe(value));
      return;
    }
    check_keys(value, pointer, kRetryKeys, "retry key", step);
    if (auto v = read_int(value, "attempts", pointer, step, 1)) {
      policy.attempts = static_cast<int>(*v);
    }
    if (auto v = read_string(value, "backoff", pointer, step)) {
      if (*v == "exponential") {
        policy.backoff = Backoff::Exponential;
      } else if (*v == "fixed") {
        policy.backoff = Backoff::Fixed;
      } else {
        add(pointer + "/backoff", step, "invalid-value",
            "backoff must be exponential or fixed, found '" + *v + "'" + did_you_mean(*v, {"exponential", "fixed"}));
      }
    }
    if (auto v = read_duration(value, "initial", pointer, step)) {
      policy.initial = *v;
    }
    if (auto v = read_duration(value, "max", pointer, step)) {
      policy.max = *v;
    }
    if (auto it = value.find("multiplier"); it != value.end() && !it->is_null()) {
      if (!it->is_number() || it->get<double>() < 1.0) {
        add(pointer + "/multiplier", step, "invalid-value",
            "multiplier must be a number of at least 1, found " + describe(*it));
      } else {
        policy.multiplier = it->get<double>();
      }
    }
    if (auto v = read_bool(value, "jitter", pointer, step)) {
      policy.jitter = *v;
    }
    if (policy.max < policy.initial) {
      policy.max = policy.initial;
    }
  }

  // ------------------------------------------------------------ sections

  void read_header(const Json& doc, Workflow& wf) {
    if (auto name = read_string(doc, "name", "", "")) {
      wf.name = *name;
      if (wf.name.empty()) {
        add("/name", "", "invalid-value", "the workflow name must not be empty");
      } else if (!valid_name(wf.name)) {
        // The name becomes a file name, a URL segment and a log field.
        add("/name", "", "invalid-name", "the workflow name '" + wf.name + "' must be " + std::string(kNameRule));
      }
    } else if (!doc.contains("name")) {
      add_at(SourcePos{1, 1}, "", "missing-key", "the workflow has no 'name'");
    }
    if (auto v = read_int(doc, "version", "", "", 1)) {
      wf.version = static_cast<int>(*v);
    }
    if (auto d = read_string(doc, "description", "", "")) {
      wf.description = *d;
    }
    if (auto c = read_int(doc, "concurrency", "", "", 1)) {
      wf.concurrency = static_cast<int>(*c);
    }
  }

  void read_inputs(const Json& doc, Workflow& wf) {
    auto it = doc.find("inputs");
    if (it == doc.end() || it->is_null()) {
      return;
    }
    if (!it->is_object()) {
      add("/inputs", "", "wrong-type",
          "inputs must be a mapping of input name to its declaration, found " + describe(*it));
      return;
    }
    for (const auto& [name, decl_json] : it->items()) {
      const std::string p = "/inputs/" + token(name);
      if (!valid_id(name)) {
        add_key(p, "", "invalid-id", "input name '" + name + "' must be " + std::string(kIdRule));
      }
      InputDecl decl;
      decl.name = name;
      if (decl_json.is_string()) {  // shorthand: `url: string`
        decl.type = decl_json.get<std::string>();
      } else if (!decl_json.is_object()) {
        add(p, "", "wrong-type",
            "input '" + name + "' must be a mapping such as { type: string, required: true }, found " +
                describe(decl_json));
        continue;
      } else {
        check_keys(decl_json, p, kInputKeys, "input key", "");
        decl.type = read_string(decl_json, "type", p, "").value_or("string");
        decl.required = read_bool(decl_json, "required", p, "").value_or(false);
        decl.description = read_string(decl_json, "description", p, "").value_or("");
        if (auto d = decl_json.find("default"); d != decl_json.end()) {
          decl.default_value = *d;
        }
      }
      if (std::find(kInputTypes.begin(), kInputTypes.end(), decl.type) == kInputTypes.end()) {
        add(decl_json.is_object() ? p + "/type" : p, "", "invalid-value",
            "input '" + name + "' has type '" + decl.type +
                "'; expected one of string, number, integer, boolean, "
                "object, array" +
                did_you_mean(decl.type, kInputTypes));
      } else if (decl.default_value && !decl.default_value->is_null()) {
        const Json schema{{"type", decl.type}};
        auto compiled = JsonSchema::compile(schema);
        auto violations = compiled->validate(*decl.default_value);
        if (!violations.empty()) {
          add(p + "/default", "", "invalid-input-default",
              "the default of input '" + name + "' does not match its type: " + violations[0].message);
        }
      }
      wf.inputs.push_back(std::move(decl));
    }
  }

  void read_defaults(const Json& doc, RetryPolicy& retry, std::optional<Millis>& timeout, bool& continue_on_error) {
    auto it = doc.find("defaults");
    if (it == doc.end() || it->is_null()) {
      return;
    }
    if (!it->is_object()) {
      add("/defaults", "", "wrong-type", "defaults must be a mapping, found " + describe(*it));
      return;
    }
    check_keys(*it, "/defaults", kDefaultsKeys, "defaults key", "");
    if (auto r = it->find("retry"); r != it->end() && !r->is_null()) {
      read_retry(*r, "/defaults/retry", "", retry);
    }
    timeout = read_duration(*it, "timeout", "/defaults", "");
    continue_on_error = read_bool(*it, "continue_on_error", "/defaults", "").value_or(false);
  }

  void read_steps(const Json& doc, Workflow& wf, const RetryPolicy& default_retry,
                  const std::optional<Millis>& default_timeout, bool default_continue) {
    auto it = doc.find("steps");
    if (it == doc.end() || it->is_null()) {
      add_at(it == doc.end() ? SourcePos{1, 1} : wf.position("/steps"), "", "missing-key", "the workflow has no steps");
      return;
    }
    if (!it->is_array()) {
      add("/steps", "", "wrong-type",
          "steps must be a list of steps (each starting with '- id:'), found " + describe(*it));
      return;
    }
    if (it->empty()) {
      add("/steps", "", "missing-key", "the workflow has no steps");
    }
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& s = (*it)[i];
      const std::string p = "/steps/" + std::to_string(i);
      if (!s.is_object()) {
        add(p, "", "wrong-type", "a step must be a mapping with id and uses, found " + describe(s));
        continue;
      }
      StepDecl step;
      step.pointer = p;
      step.retry = default_retry;
      step.timeout = default_timeout;
      step.continue_on_error = default_continue;
      if (auto id = read_string(s, "id", p, "")) {
        step.id = *id;
        if (!valid_id(step.id)) {
          add(p + "/id", step.id, "invalid-id", "step id '" + step.id + "' must be " + std::string(kIdRule));
        }
        if (auto prev = seen.find(step.id); prev != seen.end()) {
          add(p + "/id", step.id, "duplicate-step-id",
              "step id '" + step.id + "' is already used by the step at line " +
                  std::to_string(wf.position("/steps/" + std::to_string(prev->second)).line));
        } else {
          seen[step.id] = i;
        }
      } else if (!s.contains("id")) {
        add(p, "", "missing-key", "step #" + std::to_string(i + 1) + " has no 'id'");
      }
      const std::string& sid = step.id;
      check_keys(s, p, kStepKeys, "step key", sid);
      if (auto uses = read_string(s, "uses", p, sid)) {
        step.uses = *uses;
        if (!std::regex_match(step.uses, kUsesPattern)) {
          add(p + "/uses", sid, "invalid-value",
              "uses must name a plugin step as <plugin>.<step> (e.g. core.http), found '" + step.uses + "'");
        }
      } else if (!s.contains("uses")) {
        add(p, sid, "missing-key", "the step has no 'uses' (which plugin step to run, e.g. core.http)");
      }
      if (auto needs = s.find("needs"); needs != s.end() && !needs->is_null()) {
        if (needs->is_string()) {
          step.needs.push_back(needs->get<std::string>());
        } else if (needs->is_array()) {
          for (size_t k = 0; k < needs->size(); ++k) {
            if ((*needs)[k].is_string()) {
              step.needs.push_back((*needs)[k].get<std::string>());
            } else {
              add(p + "/needs/" + std::to_string(k), sid, "wrong-type",
                  "needs lists step ids, found " + describe((*needs)[k]));
            }
          }
        } else {
          add(p + "/needs", sid, "wrong-type", "needs must be a step id or a list of them, found " + describe(*needs));
        }
      }
      if (auto with = s.find("with"); with != s.end() && !with->is_null()) {
        if (with->is_object()) {
          step.with = *with;
        } else {
          add(p + "/with", sid, "wrong-type", "with must be a mapping of the step's inputs, found " + describe(*with));
        }
      }
      if (auto cond = s.find("if"); cond != s.end() && !cond->is_null()) {
        if (cond->is_boolean() || cond->is_string()) {
          step.if_cond = *cond;
        } else {
          add(p + "/if", sid, "wrong-type",
              "if must be a condition (true, false or an expression), found " + describe(*cond));
        }
      }
      if (auto fe = s.find("foreach"); fe != s.end() && !fe->is_null()) {
        if (fe->is_array()) {
          step.foreach = *fe;
        } else if (fe->is_string()) {
          const std::string& text = fe->get_ref<const std::string&>();
          const size_t open = text.find("${{");
          const size_t close = text.rfind("}}");
          const bool single = open != std::string::npos && close != std::string::npos && close > open &&
                              text.find("${{", open + 3) == std::string::npos &&
                              text.find_first_not_of(" \t\r\n") == open &&
                              text.find_last_not_of(" \t\r\n") == close + 1;
          if (single) {
            step.foreach = *fe;
          } else {
            add(p + "/foreach", sid, "invalid-value",
                "foreach must be a list or one expression such as \"${{ inputs.items }}\", found '" + text + "'");
          }
        } else {
          add(p + "/foreach", sid, "wrong-type",
              "foreach must be a list or one ${{ }} expression, found " + describe(*fe));
        }
      }
      if (auto c = read_int(s, "concurrency", p, sid, 1)) {
        step.concurrency = static_cast<int>(*c);
        if (!s.contains("foreach")) {
          add(p + "/concurrency", sid, "invalid-value", "concurrency limits foreach items; this step has no foreach");
        }
      }
      if (auto r = s.find("retry"); r != s.end() && !r->is_null()) {
        read_retry(*r, p + "/retry", sid, step.retry);
      }
      if (auto t = read_duration(s, "timeout", p, sid)) {
        step.timeout = *t;
      }
      if (auto c = read_bool(s, "continue_on_error", p, sid)) {
        step.continue_on_error = *c;
      }
      read_string(s, "name", p, sid);
      read_string(s, "description", p, sid);
      wf.steps.push_back(std::move(step));
    }
  }

  std::string file_;
  std::string text_;
  Workflow* workflow_ = nullptr;
  std::map<std::string, SourcePos> values_;
  std::map<std::string, SourcePos> keys_;
  Diagnostics diagnostics_;
  size_t converted_ = 0;      // values converted so far, against kMaxValues
  size_t pointer_bytes_ = 0;  // their pointers' total length, against kMaxPointerBytes
  bool too_big_ = false;
};

}  // namespace

const StepDecl* Workflow::find_step(std::string_view id) const {
  for (const auto& s : steps) {
    if (s.id == id) {
      return &s;
    }
  }
  return nullptr;
}

SourcePos Workflow::position(const std::string& pointer) const {
  std::string p = pointer;
  for (;;) {
    if (auto it = values.find(p); it != values.end() && it->second.line > 0) {
      return it->second;
    }
    if (p.empty()) {
      return SourcePos{1, 1};
    }
    p = p.substr(0, p.rfind('/'));
  }
}

SourcePos Workflow::key_position(const std::string& pointer) const {
  if (auto it = keys.find(pointer); it != keys.end()) {
    return it->second;
  }
  return position(pointer);
}

LoadResult load_workflow_text(const std::string& text, const std::string& file_name) {
  return Loader(file_name, text).load();
}

LoadResult load_workflow_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult r;
    r.diagnostics.push_back(Diagnostic{path, {}, "", "file-not-found", "cannot read the workflow file " + path});
    return r;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_workflow_text(text.str(), path);
}

}  // namespace linkhub

namespace linkhub {

std::string workflow_hash(const Workflow& workflow) {
  uint64_t h = 1469598103934665603ULL;  // FNV-1a 64: stable across builds and machines
  for (unsigned char c : workflow.source) {
    h = (h ^ c) * 1099511628211ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace linkhub
