// `linkhub serve`: the REST API over the run database, and (unless
// --no-worker) a node that executes runs.
#include "cli_common.hpp"

#include "http/serve_app.hpp"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

namespace linkhub::cli {

int cmd_serve(const GlobalOptions& global, const ServeCliOptions& options) {
  // Every thread started from here on inherits the mask, so only sigwait below sees these.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return 2;
  }
  auto listen = http::parse_listen(options.listen.empty() ? env->config.listen : options.listen);
  if (!listen) {
    std::cerr << "linkhub: " << listen.error().message << "\n";
    return 2;
  }
  auto store = open_store(global, env->config);
  if (!store) {
    std::cerr << "linkhub: " << store.error().message << "\n";
    return 2;
  }

  http::ServeOptions serve;
  serve.http.host = listen->first;
  serve.http.port = listen->second;
  for (const auto& dir : options.workflow_dirs) {
    serve.workflow_dirs.emplace_back(dir);
  }
  if (options.workflow_dirs.empty() && std::filesystem::is_directory("workflows")) {
    serve.workflow_dirs.emplace_back("workflows");
  }
  serve.worker = !options.no_worker;
  serve.limits.max_body_bytes = env->config.max_body_bytes;
  serve.limits.cors_origin = env->config.cors_origin;
  serve.auth.enabled = env->config.auth.enabled;
  serve.auth.jwt_secret = env->config.auth.jwt_secret;
  serve.auth.access_token_ttl = env->config.auth.access_token_ttl;
  serve.auth.refresh_token_ttl = env->config.auth.refresh_token_ttl;
  serve.rate_limit.requests_per_second = env->config.rate_limit.requests_per_second;
  serve.rate_limit.burst = env->config.rate_limit.burst;
  serve.rate_limit.failed_auth_per_minute = env->config.rate_limit.failed_auth_per_minute;
  serve.node.lease = env->config.lease;
  serve.node.shutdown_grace = env->config.shutdown_grace;
  serve.executor = executor_options(global, env->config, options.threads);

  http::ServeApp app(*env->host, **store, std::move(serve));
  auto port = app.start();
  if (!port) {
    std::cerr << "linkhub: " << port.error().message << "\n";
    return 2;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  // A second signal while the runs in flight finish: leave now. Their leases
  // lapse and another node resumes them from their last finished step.
  std::thread impatient([&signals] {
    int again = 0;
    sigwait(&signals, &again);
    std::cerr << "linkhub: second signal: exiting without waiting for the runs in flight\n";
    std::_Exit(1);
  });
  impatient.detach();
  app.stop();
  return 0;
}

}  // namespace linkhub::cli
