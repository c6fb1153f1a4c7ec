#pragma once

#include <linkhub/engine/diagnostic.hpp>
#include <linkhub/engine/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace linkhub {

using Millis = std::chrono::milliseconds;

enum class Backoff { Exponential, Fixed };

// `retry:` of a step or of `defaults:`. attempts counts the first try too.
struct RetryPolicy {
  int attempts = 1;
  Backoff backoff = Backoff::Exponential;
  Millis initial{1000};
  Millis max{30000};
  double multiplier = 2.0;
  bool jitter = true;
};

// One entry of `inputs:`. type is one of string, number, integer, boolean, object, array.
struct InputDecl {
  std::string name;
  std::string type = "string";
  bool required = false;
  std::optional<Json> default_value;
  std::string description;
};

// One entry of `steps:`, exactly as written (templates are not yet evaluated).
struct StepDecl {
  std::string id;
  std::string uses;  // "<plugin>.<step>"
  std::vector<std::string> needs;
  Json with = Json::object();     // strings may hold ${{ }} templates
  std::optional<Json> if_cond;    // a bool, or a string: "${{ expr }}" or a bare expression
  std::optional<Json> foreach;    // an array, or a string holding one ${{ expr }}
  int concurrency = 0;            // foreach items in flight; 0 = no limit beyond the pool
  RetryPolicy retry;              // already merged with `defaults:`
  std::optional<Millis> timeout;  // already merged with `defaults:`
  bool continue_on_error = false;
  std::string pointer;  // JSON pointer of this step in the document, e.g. "/steps/2"
};

struct Workflow {
  std::string file;  // as given on the command line; used in diagnostics
  std::string name;
  int version = 1;
  std::string description;
  std::vector<InputDecl> inputs;
  std::vector<StepDecl> steps;
  Json outputs = Json::object();  // name -> template
  Json triggers = Json::array();  // kept as written; interpreted by the scheduler
  int concurrency = 0;            // runs of this workflow in flight; 0 = no limit
  std::string source;             // the YAML text, for hashing and storing

  // Positions of every node of the document by JSON pointer ("/steps/0/with/url").
  // `values` holds where a value starts, `keys` where its mapping key starts.
  std::map<std::string, SourcePos> values;
  std::map<std::string, SourcePos> keys;

  const StepDecl* find_step(std::string_view id) const;
  // Position of the value at `pointer`, falling back to the closest ancestor that has one.
  SourcePos position(const std::string& pointer) const;
  SourcePos key_position(const std::string& pointer) const;
};

// Loading parses YAML and checks structure: syntax, unknown keys (with a
// suggestion), value types, durations, duplicate ids. `workflow` is set when
// the document could be turned into a model at all, even with diagnostics.
struct LoadResult {
  std::optional<Workflow> workflow;
  Diagnostics diagnostics;
};

LoadResult load_workflow_file(const std::string& path);
// The content hash of the workflow's source: runs and stored workflows are
// keyed by it, so a run keeps the version it started with.
std::string workflow_hash(const Workflow& workflow);
LoadResult load_workflow_text(const std::string& text, const std::string& file_name);

}  // namespace linkhub
