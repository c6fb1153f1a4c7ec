#include "http/serve_app.hpp"

#include "http/upload_body.hpp"

#include "http/media.hpp"
#include "http/routes.hpp"
#include "http/run_metrics.hpp"
#include "http/static_files.hpp"

#include <linkhub/engine/event_type.hpp>

#include <charconv>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>

namespace linkhub::http {

Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& text) {
  const size_t colon = text.rfind(':');
  const Error error{"listen: expected HOST:PORT such as 127.0.0.1:8080, found '" + text + "'"};
  if (colon == std::string::npos) {
    return error;
  }
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return error;  // an IPv6 address needs brackets
  }
  if (host.empty()) {
    host = "0.0.0.0";
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return error;
  }
  return std::make_pair(host, static_cast<uint16_t>(port));
}

namespace {

constexpr const char* kMediaLinkKeySetting = "serve.media_link_key";

}  // namespace

struct ServeApp::Impl {
  const PluginHost& host;
  SqlStore& store;
  ServeOptions options;
  Log log;
  Router router{api_routes()};
  RunWatch watch;
  Metrics metrics;
  RunMetrics run_metrics{store, metrics};
  std::unique_ptr<WorkflowCatalog> workflows;
  std::unique_ptr<Auth> auth;
  std::unique_ptr<Services> services;
  std::unique_ptr<HttpServer> http;
  std::unique_ptr<Node> node;
  std::thread node_thread;
  std::once_flag stopped;

  Impl(const PluginHost& h, SqlStore& s, ServeOptions o) : host(h), store(s), options(std::move(o)), log(options.log) {}

  void start_node() {
    ExecutorOptions exec = options.executor;
    auto previous = std::move(exec.on_event);
    // The caller's hook runs last, so whoever it tells that a run finished
    // finds that run already counted in /metrics.
    auto launched = std::move(exec.on_run_launched);
    exec.on_run_launched = [this, launched](const RunRecord& run) {
      try {
        run_metrics.on_run_launched(run);
      } catch (const std::exception& e) {  // its events read the run back instead
        log.warn("metrics.event_failed", Json{{"run_id", run.id}});
      }
      if (launched) {
        launched(run);
      }
    };
    exec.on_event = [this, previous](const EventRecord& event) {
      try {
        run_metrics.on_event(event);
      } catch (const std::exception& e) {
        log.warn("metrics.event_failed", Json{{"run_id", event.run_id}});
      }
      watch.notify(event.run_id, is_run_end(event.type));
      if (previous) {
        previous(event);
      }
    };
    NodeOptions node_options = options.node;
    if (!node_options.on_database) {
      node_options.on_database = [this](const std::string& line) {
        log.warn("node.database", Json{{"message", line}});
      };
    }
    node = std::make_unique<Node>(host, store, std::move(exec), std::move(node_options));
    node_thread = std::thread([this] { node->run(); });
  }
};

ServeApp::ServeApp(const PluginHost& host, SqlStore& store, ServeOptions options)
    : impl_(std::make_unique<Impl>(host, store, std::move(options))) {}

ServeApp::~ServeApp() {
  stop();
}

Result<uint16_t> ServeApp::start() {
  Impl& s = *impl_;
  // A client that hangs up mid-answer must cost that answer, not the process.
  std::signal(SIGPIPE, SIG_IGN);
  s.workflows = std::make_unique<WorkflowCatalog>(s.store, s.host, s.log);
  s.workflows->load_files(s.options.workflow_dirs);
  try {
    s.auth = std::make_unique<Auth>(s.store, s.options.auth, s.options.rate_limit, s.log);
    s.auth->start();
  } catch (const std::exception& e) {
    return Error{"cannot set up authentication on " + s.store.display_url() + ": " + e.what()};
  }
  s.services = std::unique_ptr<Services>(new Services{s.store, s.host, *s.workflows, s.watch, s.metrics, s.router,
                                                      s.log, *s.auth, s.options.limits, s.options.worker});
  s.services->secrets = s.options.executor.secrets;
  s.services->submit_run = [&s](RunRecord run) { return s.store.create_run(std::move(run)); };  // the node's, below
  s.services->streams.configure(s.options.limits.max_streams, s.options.limits.max_streams_per_principal);
  s.services->waits.configure(s.options.limits.max_waits, s.options.limits.max_waits_per_principal);
  s.services->uploads.configure(s.options.limits.max_uploads, s.options.limits.max_uploads_per_principal);
  s.services->steps = StepSettings{s.options.executor.database_url, s.options.executor.plugin_configs,
                                   s.options.executor.artifact_dir, s.options.executor.http_allow};
  s.services->steps.invoker =
      std::make_shared<const StepInvoker>(s.host, s.options.executor.secrets, s.options.executor.circuit_breakers);
  s.services->steps.artifact_remote = s.options.executor.artifact_remote;
  s.services->media = s.options.media;
  if (!s.options.ui_dir.empty()) {
    s.services->console = std::make_shared<const StaticFiles>(s.options.ui_dir);
  }
  if (!s.options.executor.artifact_dir.empty()) {
    s.services->artifacts =
        std::make_shared<const ArtifactStore>(s.options.executor.artifact_dir, s.options.executor.artifact_remote);
    // What a crash left half-received; the uploads of another live server on this folder stay.
    if (const size_t stale = remove_stale_uploads(upload_temp_dir(s.services->artifacts->root())); stale > 0) {
      s.log.info("upload.stale_removed", Json{{"files", stale}});
    }
  }
  try {
    // Made once by the first node that needs it and shared by every node on this database (as the JWT
    // secret), so a link one node signs is good on all of them.
    s.services->media_signer = std::make_shared<const MediaSigner>(
        AuthStore(s.store).setting_or_create(kMediaLinkKeySetting, [] { return random_hex(32); }));
  } catch (const std::exception& e) {
    return Error{"cannot set up media links on " + s.store.display_url() + ": " + e.what()};
  }
  if (s.options.worker) {
    // Before the first request, so handlers never see the node appear; the
    // HTTP server stops before the node goes, so none sees it gone either.
    s.start_node();
    s.services->node_stats = [&s] { return s.node->stats(); };
    s.services->submit_run = [&s](RunRecord run) { return s.node->submit(std::move(run)); };
  }
  s.http = std::make_unique<HttpServer>(*s.services, s.options.http);
  try {
    s.http->start();
  } catch (const std::exception& e) {
    return Error{"cannot listen on " + s.options.http.host + ":" + std::to_string(s.options.http.port) +
                 (s.options.http.tls ? " and " + s.options.http.tls_host + ":" + std::to_string(s.options.http.tls_port)
                                     : std::string()) +
                 ": " + e.what()};
  }
  Json listening{{"url", "http://" + s.options.http.host + ":" + std::to_string(port())},
                 {"port", port()},
                 {"database", s.store.display_url()},
                 {"workflows", s.workflows->entries().size()},
                 {"worker", s.options.worker},
                 {"node", s.node ? Json(s.node->owner()) : Json(nullptr)}};
  if (s.options.http.tls) {
    listening["tls_url"] = "https://" + s.options.http.tls_host + ":" + std::to_string(s.http->tls_port());
  }
  s.log.info("serve.listening", listening);
  return port();
}

uint16_t ServeApp::port() const {
  return impl_->http ? impl_->http->port() : 0;
}

uint16_t ServeApp::tls_port() const {
  return impl_->http ? impl_->http->tls_port() : 0;
}

const Router& ServeApp::router() const {
  return impl_->router;
}

Auth& ServeApp::auth() {
  return *impl_->auth;
}

void ServeApp::stop() {
  Impl& s = *impl_;
  std::call_once(s.stopped, [&s] {
    if (s.services) {
      s.services->draining = true;
    }
    s.watch.close();
    if (s.http) {
      s.http->stop();
    }
    if (s.node) {
      s.log.info("serve.stopping_node", Json{{"node", s.node->owner()}});
      s.node->stop();
      s.node_thread.join();
      const NodeStats stats = s.node->stats();
      s.log.info("serve.stopped", Json{{"node", s.node->owner()},
                                       {"claimed", stats.claimed},
                                       {"finished", stats.finished},
                                       {"lost", stats.lost},
                                       {"released", stats.released}});
      s.node.reset();
    }
  });
}

}  // namespace linkhub::http
