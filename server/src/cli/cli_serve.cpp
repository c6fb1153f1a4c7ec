// `linkhub serve`: the REST API over the run database, and (unless
// --no-worker) a node that executes runs.
#include "cli_common.hpp"

#include "http/serve_app.hpp"

#include <linkhub/engine/error_codes.hpp>

#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

namespace linkhub::cli {
namespace {

// Every connection is a descriptor: the default soft limit (1024) would stop
// accepting long before max_connections. Returns the limit now in force.
rlim_t raise_open_files() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return 1024;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

// glibc raises its mmap threshold to the size of each large block freed (up
// to 32 MB); from then on 1 MB request bodies come from the heap and their
// pages stay with the process. A fixed threshold keeps large blocks mmapped
// and given back on free, and a few arenas bound what many handler and
// executor threads can each keep (issue 10, item 12; scripts/soak-bad-input.sh).
void bound_allocator_retention() {
  mallopt(M_MMAP_THRESHOLD, 128 * 1024);
  mallopt(M_ARENA_MAX, 4);
}

}  // namespace

int cmd_serve(const GlobalOptions& global, const ServeCliOptions& options) {
  // Every thread started from here on inherits the mask, so only sigwait below sees these.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  bound_allocator_retention();

  auto env = open_environment(global);
  if (!env) {
    std::cerr << "linkhub: " << env.error().message << "\n";
    return 2;
  }
  auto listen = http::parse_listen(options.listen.empty() ? env->server.listen : options.listen);
  if (!listen) {
    std::cerr << "linkhub: " << listen.error().message << "\n";
    return 2;
  }
  auto store = open_store_waiting(global, env->config);
  if (!store) {
    std::cerr << "linkhub: " << store.error().message << "\n";
    return store.error().code == error_codes::cancelled ? 0 : 2;  // stopped while it waited
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
  serve.limits.max_body_bytes = env->server.max_body_bytes;
  serve.limits.cors_origin = env->server.cors_origin;
  const http::ServeConfig& net = env->server.serve;
  if (!net.listen_tls.empty()) {
    auto tls = http::parse_listen(net.listen_tls);
    if (!tls) {
      std::cerr << "linkhub: serve.listen_tls: " << tls.error().message << "\n";
      return 2;
    }
    if (net.tls_cert.empty() || net.tls_key.empty()) {
      std::cerr << "linkhub: serve.listen_tls needs serve.tls_cert and serve.tls_key (PEM files)\n";
      return 2;
    }
    serve.http.tls = true;
    serve.http.tls_host = tls->first;
    serve.http.tls_port = tls->second;
    serve.http.tls_cert = net.tls_cert;
    serve.http.tls_key = net.tls_key;
  }
  serve.http.trusted_proxies = net.trusted_proxies;
  serve.http.header_timeout = net.header_timeout;
  serve.http.body_timeout = net.body_timeout;
  serve.http.idle_timeout = net.idle_timeout;
  serve.limits.step_timeout = net.step_timeout;
  serve.media.public_url = net.public_url;
  serve.media.link_ttl = std::chrono::duration_cast<std::chrono::seconds>(net.media_link_ttl);
  // Installed like the plugins: the build tree mirrors <prefix>/bin and <prefix>/share/linkhub/ui.
  serve.ui_dir =
      net.ui_dir.empty() ? (executable_dir() / ".." / "share" / "linkhub" / "ui").lexically_normal() : net.ui_dir;
  serve.http.max_requests_per_connection = static_cast<int>(net.max_requests_per_connection);
  serve.http.max_header_bytes = static_cast<size_t>(net.max_header_bytes);
  serve.http.max_url_bytes = static_cast<size_t>(net.max_url_bytes);
  serve.http.workers = static_cast<int>(net.workers);
  // Descriptors are kept back for the database, plugins and files.
  const rlim_t files = raise_open_files();
  const auto usable = static_cast<int64_t>(files > 256 ? files - 128 : files / 2);
  serve.http.max_connections = static_cast<size_t>(std::min(net.max_connections, usable));
  serve.limits.max_streams = static_cast<size_t>(net.max_streams);
  serve.limits.max_streams_per_principal = static_cast<size_t>(net.max_streams_per_principal);
  serve.limits.max_waits = static_cast<size_t>(net.max_waits);
  serve.limits.max_waits_per_principal = static_cast<size_t>(net.max_waits_per_principal);
  serve.limits.max_upload_bytes = static_cast<uint64_t>(net.max_upload_bytes);
  serve.limits.max_uploads = static_cast<size_t>(net.max_uploads);
  serve.limits.max_uploads_per_principal = static_cast<size_t>(net.max_uploads_per_principal);
  serve.auth = env->server.auth;
  serve.rate_limit = env->server.rate_limit;
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
