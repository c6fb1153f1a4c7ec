#include "cli_common.hpp"

#include <linkhub/engine/circuit_breakers.hpp>
#include <linkhub/engine/error_codes.hpp>
#include <linkhub/engine/s3_artifact_remote.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace linkhub::cli {

Result<http::LinkhubConfig> load_cli_settings(const GlobalOptions& global) {
  std::filesystem::path config_path = global.config_path;
  if (config_path.empty() && std::filesystem::exists("linkhub.yaml")) {
    config_path = "linkhub.yaml";
  }
  return http::load_linkhub_config(config_path);
}

Result<Config> load_cli_config(const GlobalOptions& global) {
  auto settings = load_cli_settings(global);
  if (!settings) {
    return settings.error();
  }
  return std::move(settings->engine);
}

Result<Environment> open_environment(const GlobalOptions& global) {
  auto settings = load_cli_settings(global);
  if (!settings) {
    return settings.error();
  }
  // Plugins get their config section at init (lh_host_api), not only per step.
  PluginHostOptions host_options;
  host_options.plugin_configs = settings->engine.plugins;
  Environment env{std::move(settings->engine), std::move(settings->server),
                  std::make_unique<PluginHost>(std::move(host_options))};
  for (const auto& dir : plugin_search_path(env.config, global.plugin_dirs)) {
    env.host->load_directory(dir);
  }
  for (const auto& problem : env.host->problems()) {
    std::cerr << "linkhub: warning: skipped " << problem.path.string() << ": " << problem.message << "\n";
  }
  return env;
}

std::string database_url(const GlobalOptions& global, const Config& config) {
  return global.database.empty() ? config.database : global.database;
}

Result<std::unique_ptr<SqlStore>> open_store(const GlobalOptions& global, const Config& config) {
  return SqlStore::open(database_url(global, config), 4, SqlStore::stall_limit_for(config.lease));
}

Result<std::unique_ptr<SqlStore>> open_store_waiting(const GlobalOptions& global, const Config& config) {
  using namespace std::chrono_literals;
  auto delay = std::chrono::milliseconds(200);
  std::optional<std::chrono::steady_clock::time_point> next_report;
  for (;;) {
    auto store = open_store(global, config);
    if (store || store.error().code != error_codes::unavailable) {
      return store;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!next_report || now >= *next_report) {
      std::cerr << "linkhub: waiting for the database: " << store.error().message << "\n";
      next_report = now + 30s;
    }
    // Asked to stop while it waits (the caller blocked these): it stops.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    const timespec pause{static_cast<time_t>(delay.count() / 1000), static_cast<long>(delay.count() % 1000) * 1000000L};
    if (const int sig = sigtimedwait(&stop, nullptr, &pause); sig > 0) {
      return Error{
          std::string("stopped by ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + " while waiting for the database",
          error_codes::cancelled};
    }
    delay = std::min<std::chrono::milliseconds>(delay * 2, 5s);
  }
}

std::optional<Session> open_session(const GlobalOptions& global, bool wait_for_database, bool* stopped) {
  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return std::nullopt;
  }
  auto store = wait_for_database ? open_store_waiting(global, env->config) : open_store(global, env->config);
  if (!store) {
    if (stopped != nullptr) {
      *stopped = store.error().code == error_codes::cancelled;
    }
    std::cerr << "linkhub: " << store.error().message << "\n";
    return std::nullopt;
  }
  return Session{std::move(*env), std::move(*store)};
}

ExecutorOptions executor_options(const GlobalOptions& global, const Config& config, int threads) {
  ExecutorOptions exec;
  exec.database_url = database_url(global, config);
  exec.http_allow = config.http.allow;
  exec.circuit_breakers = std::make_shared<CircuitBreakers>(config.http.circuit_breakers);
  exec.threads = threads > 0 ? threads : config.effective_threads();
  exec.expression_limits = config.expression_limits;
  exec.artifact_dir = config.artifact_dir;
  // load_config checked the storage section: this cannot fail now.
  if (auto remote = make_artifact_remote(config.storage, config.secrets)) {
    exec.artifact_remote = *remote;
  }
  exec.plugin_configs = config.plugins;
  exec.secrets = config.secrets;
  exec.step_limits = config.step_concurrency;
  Json env = Json::object();
  for (const auto& name : config.env_allowlist) {
    if (const char* value = std::getenv(name.c_str())) {
      env[name] = value;
    }
  }
  exec.env = std::move(env);
  exec.on_event = fault_injection();
  return exec;
}

std::function<void(const EventRecord&)> fault_injection() {
  const char* spec = std::getenv("LINKHUB_FAULT_KILL_AT");
  if (spec == nullptr || *spec == '\0') {
    return {};
  }
  std::string match = spec;
  long nth = 1;
  if (auto at = match.find('@'); at != std::string::npos) {
    nth = std::max(1L, std::strtol(match.c_str() + at + 1, nullptr, 10));
    match.resize(at);
  }
  auto seen = std::make_shared<std::atomic<long>>(0);
  return [match, nth, seen](const EventRecord& e) {
    if ((match == e.type || match == e.type + ":" + e.step_id) && seen->fetch_add(1) + 1 == nth) {
      std::raise(SIGKILL);
    }
  };
}

namespace {

const std::vector<std::string>& file_lines(const std::string& file) {
  static std::map<std::string, std::vector<std::string>> cache;
  auto [it, inserted] = cache.try_emplace(file);
  if (inserted) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line);) {
      it->second.push_back(line);
    }
  }
  return it->second;
}

}  // namespace

void print_diagnostics(const Diagnostics& diagnostics, bool json) {
  if (json) {
    Json out = Json::array();
    for (const auto& d : diagnostics) {
      out.push_back(diagnostic_to_json(d));
    }
    std::cout << out.dump(2) << "\n";
    return;
  }
  for (const auto& d : diagnostics) {
    std::cout << terminal_safe(format_diagnostic(d)) << "\n";
    const auto& lines = file_lines(d.file);
    if (d.pos.line > 0 && static_cast<size_t>(d.pos.line) <= lines.size()) {
      const std::string number = std::to_string(d.pos.line);
      std::cout << "  " << number << " | " << terminal_safe(lines[static_cast<size_t>(d.pos.line) - 1]) << "\n";
      std::cout << "  " << std::string(number.size(), ' ') << " | "
                << std::string(static_cast<size_t>(std::max(d.pos.column - 1, 0)), ' ') << "^\n";
    }
  }
}

std::string format_time(int64_t ms) {
  if (ms <= 0) {
    return "-";
  }
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace linkhub::cli
