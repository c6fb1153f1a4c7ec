#pragma once

#include <linkhub/engine/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace linkhub {

class JsonSchema;

// What the validator needs to know about a step type.
struct StepSignature {
  std::string uses;  // "<plugin>.<step>"
  std::string description;
  Json input_schema;
  Json output_schema;
  // Changes nothing outside its run (LH_STEP_PURE): the executor stores its
  // end with what follows instead of before it.
  bool pure = false;
  // input_schema compiled once, when the catalog keeps it (the plugin host
  // does: it points into the loaded step, alive as long as the host). Null:
  // the validator compiles input_schema for each validation.
  const JsonSchema* input_validator = nullptr;
};

// The step types a workflow may use. The plugin host is the real one; tests may build their own.
class StepCatalog {
 public:
  virtual ~StepCatalog() = default;
  virtual const StepSignature* find_signature(std::string_view uses) const = 0;
  virtual std::vector<std::string> all_uses() const = 0;
};

}  // namespace linkhub
