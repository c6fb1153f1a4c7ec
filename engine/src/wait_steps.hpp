#pragma once
// core.wait_for and core.sleep as step types: signatures the validator and
// `plugins describe` see like any plugin step's (LoadedStep without a
// plugin), and the reading of their rendered `with:`.

#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/engine/run_store.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace linkhub {

// The built-in step called `uses`, or null.
const LoadedStep* builtin_step(std::string_view uses);
std::vector<std::string> builtin_step_names();
bool is_builtin(const LoadedStep& step);

// What a wait step's rendered `with:` asks for: its key ("" for core.sleep)
// and its deadline (0 = none), counted from `now_ms`.
struct WaitSpec {
  std::string key;
  int64_t deadline_ms = 0;
};
Result<WaitSpec> wait_spec(std::string_view uses, const Json& with, int64_t now_ms);

// The step's output once its wait is resolved.
Json wait_output(std::string_view uses, const WaitRecord& wait);

}  // namespace linkhub
