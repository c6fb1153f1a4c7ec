#pragma once
// The built-in plugins of this build, loaded once per test binary.

#include <linkhub/engine/plugin_host.hpp>

namespace linkhub::test {

inline const PluginHost& builtin_plugins() {
  static PluginHost* host = [] {
    auto* h = new PluginHost();  // never destroyed: plugins stay loaded for the process
    h->load_directory(LINKHUB_PLUGIN_BUILD_DIR);
    return h;
  }();
  return *host;
}

}  // namespace linkhub::test
