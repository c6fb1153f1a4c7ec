#pragma once
// What every subcommand starts from: the configuration and the loaded plugins.

#include "commands.hpp"
#include "http/server_config.hpp"

#include <linkhub/engine/config.hpp>
#include <linkhub/engine/diagnostic.hpp>
#include <linkhub/engine/executor.hpp>
#include <linkhub/engine/names.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/engine/sql_store.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

namespace linkhub::cli {

struct Environment {
  Config config;
  http::ServerConfig server;  // `linkhub serve`'s own settings
  std::unique_ptr<PluginHost> host;
};

// The configuration: the --config file, else ./linkhub.yaml when it exists,
// with the environment's overrides; the server's keys are checked too.
Result<http::LinkhubConfig> load_cli_settings(const GlobalOptions& global);
// The engine's part of it, for commands that do not serve.
Result<Config> load_cli_config(const GlobalOptions& global);

// Loads the configuration (the --config file, else ./linkhub.yaml when it
// exists) and every plugin on the search path. Libraries that were skipped
// are reported on stderr as warnings.
Result<Environment> open_environment(const GlobalOptions& global);

// The configuration, the plugins and the run database, for commands that
// execute runs. Errors are printed; nullopt means "exit 2".
struct Session {
  Environment env;
  std::unique_ptr<SqlStore> store;
};
// `wait_for_database`: as open_store_waiting (long-running nodes).
// `stopped` (when given) tells whether a wait for the database ended on SIGTERM or SIGINT.
std::optional<Session> open_session(const GlobalOptions& global, bool wait_for_database = false,
                                    bool* stopped = nullptr);

// The run database: --db, else the configuration's `database`.
std::string database_url(const GlobalOptions& global, const Config& config);
Result<std::unique_ptr<SqlStore>> open_store(const GlobalOptions& global, const Config& config);
// open_store for the processes that serve (worker, serve): a database that
// cannot be reached yet (it starts after them, restarts, fails over) is
// tried again, 0.2 s doubling to 5 s apart, until it opens; each 30 s of
// waiting says so on stderr. A permanent failure (a bad URL, a corrupt
// file, a schema newer than this binary) returns at once, and so does
// SIGTERM or SIGINT (the caller blocks them first) with code `cancelled`.
Result<std::unique_ptr<SqlStore>> open_store_waiting(const GlobalOptions& global, const Config& config);

// Executor settings from the configuration (threads: `threads` when > 0).
ExecutorOptions executor_options(const GlobalOptions& global, const Config& config, int threads);

// For the crash and cluster tests: LINKHUB_FAULT_KILL_AT=TYPE[:STEP][@N]
// kills this process with SIGKILL right after the Nth such event (default:
// the first) is committed. Empty when the variable is unset.
std::function<void(const EventRecord&)> fault_injection();

// Executes one stored run on this process (a Node limited to it) with live
// progress, then prints the result as `linkhub run` does. Returns the exit status.
// With `output`, prints only that output of a succeeded run (text as is).
int execute_and_report(const GlobalOptions& global, Environment& env, SqlStore& store, const std::string& run_id,
                       int threads, const std::string& output = "");

// Prints diagnostics as a linter does: one line each with the source line and
// a caret; warnings as warnings.
void print_diagnostics(const Diagnostics& diagnostics, bool json);

// "2026-11-25 17:30:00" (UTC) for tables; "-" for 0 (never).
std::string format_time(int64_t ms);

}  // namespace linkhub::cli
