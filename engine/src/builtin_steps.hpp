#pragma once
// The steps the engine implements itself, offered by every PluginHost as the
// plugin `workflow`: they need the engine's own services (the run store, the
// workflows it knows), which the plugin ABI does not expose.

#include <linkhub/engine/plugin_host.hpp>

#include <memory>

namespace linkhub {

// workflow.start: starts another workflow's run durably (workflow_start.cpp).
std::unique_ptr<LoadedPlugin> builtin_workflow_plugin();

}  // namespace linkhub
