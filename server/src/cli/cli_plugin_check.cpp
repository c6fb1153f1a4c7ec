// `linkhub plugins check PATH.so`: the conformance suite (engine/plugin_check)
// with one line per check, or --format json. Exit 1 when any check fails.
#include "cli_common.hpp"

#include <linkhub/engine/plugin_check.hpp>

#include <iostream>

namespace linkhub::cli {

int cmd_plugins_check(const GlobalOptions& global, const PluginCheckCliOptions& options) {
  auto config = load_cli_config(global);
  if (!config) {
    std::cerr << "linkhub: " << config.error().message << "\n";
    return 2;
  }
  PluginCheckOptions check;
  check.seed = options.seed;
  check.random_inputs = options.random_inputs;
  check.cancel_bound = std::chrono::milliseconds(static_cast<int64_t>(options.cancel_bound_s * 1000));
  check.call_bound = std::chrono::milliseconds(static_cast<int64_t>(options.call_bound_s * 1000));
  check.plugin_configs = config->plugins;
  check.http_allow = config->http.allow;
  // Only an explicit --db: the configured run database is not a scratch space.
  check.database_url = global.database;
  const PluginCheckReport report = check_plugin(options.path, check);
  if (global.format == "json") {
    std::cout << report_json(report).dump(2) << "\n";
  } else {
    for (const auto& r : report.results) {
      std::cout << (r.verdict == CheckVerdict::pass   ? "PASS"
                    : r.verdict == CheckVerdict::fail ? "FAIL"
                                                      : "SKIP")
                << "  " << r.step << "  " << r.check << ": " << terminal_safe(r.message) << "\n";
    }
    std::cout << (report.plugin.empty() ? report.path.string() : report.plugin) << ": "
              << report.count(CheckVerdict::pass) << " passed, " << report.count(CheckVerdict::fail) << " failed, "
              << report.count(CheckVerdict::skip) << " skipped\n";
  }
  return report.count(CheckVerdict::fail) == 0 ? 0 : 1;
}

}  // namespace linkhub::cli
