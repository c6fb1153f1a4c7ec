#pragma once
// One step call in a forked child process, for `linkhub plugins check`: a
// crash (SIGSEGV, abort) or a hang ends the child, never the caller.

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/plugin_host.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace linkhub {

// How a step call in a child process ended.
struct IsolatedCall {
  enum class End { returned, crashed, exited, timed_out } end = End::returned;
  lh_status status = LH_ERROR;
  std::string error;
  bool bad_output = false;
  int signal = 0;
  int exit_code = 0;
  int64_t elapsed_ms = 0;
};

// Runs `step` on `input` in a child process (its own process group, stdout to
// /dev/null, proxies pointed at a closed port on 127.0.0.1), cancelling the
// call at its deadline as the executor does. A child still running after
// `bound` is killed with its process group.
IsolatedCall call_isolated(const PluginHost& host, const LoadedStep& step, const StepCall& call, const Json& input,
                           std::chrono::milliseconds bound);

}  // namespace linkhub
