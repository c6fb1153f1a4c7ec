#pragma once
// Collects every problem of an input so one error names them all, each with
// the field's path ("product.thumbnails[1].hash") and what was expected and found.

#include <linkhub/plugin.hpp>

#include <string>
#include <vector>

namespace linkhub::catalog {

class FieldErrors {
 public:
  void add(const std::string& field, const std::string& problem) { problems_.push_back(field + " " + problem); }
  bool empty() const { return problems_.empty(); }
  size_t count() const { return problems_.size(); }
  // Throws a permanent StepError "<step>: invalid <kind>: <problem>; <problem>"
  // with code invalid_input and details {step, kind, fields, problems} when
  // there is any problem; fields are the names the problems quote in
  // backticks, in order, each once (what the REST API reports).
  void throw_if_any(const std::string& step, const std::string& kind) const;

 private:
  std::vector<std::string> problems_;
};

// "a string (\"abc\")", "a number (42)", "an array", ... for messages.
std::string describe(const sdk::Json& value);

// The known name closest to `name`, or "" when none is close (for "did you mean").
std::string closest_name(const std::string& name, const std::vector<std::string>& known);

}  // namespace linkhub::catalog
