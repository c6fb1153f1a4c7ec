#pragma once
// What handlers work with: the engine's services (store, plugins, the
// registered workflows) and the server's own (run watch, metrics, log),
// with the limits from the configuration. Handlers hold no state of their own.

#include "http/auth.hpp"
#include "http/log.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/run_watch.hpp"
#include "http/slots.hpp"
#include "http/workflow_catalog.hpp"

#include <linkhub/engine/artifact_store.hpp>
#include <linkhub/engine/plugin_host.hpp>
#include <linkhub/engine/sql_store.hpp>
#include <linkhub/engine/step_invoker.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace linkhub::http {

class MediaSigner;
class StaticFiles;

struct ServeLimits {
  size_t max_body_bytes = size_t{1} << 20;
  std::chrono::milliseconds max_wait{60000};                             // ?wait= at most this
  std::chrono::milliseconds stream_max_duration{std::chrono::hours(1)};  // an SSE stream ends after this
  std::chrono::milliseconds stream_heartbeat{15000};                     // an SSE comment when nothing happened
  // How often followers re-read the store: the only way they see runs that
  // other nodes execute (this node's own events wake them at once).
  std::chrono::milliseconds poll{1000};
  std::string cors_origin;  // empty: no CORS headers at all
  // Open event streams and ?wait requests, in total and per API key or user:
  // past either, 503 with Retry-After. Waits hold a worker thread each, so
  // their total stays well below the worker pool.
  size_t max_streams = 1000;
  size_t max_streams_per_principal = 100;
  size_t max_waits = 8;
  size_t max_waits_per_principal = 2;
  // A step a request invokes directly (outside any run) is cancelled after this.
  std::chrono::milliseconds step_timeout{30000};
  // POST /api/v1/uploads: the largest body (streamed to disk, never held in
  // memory), and the uploads received at once, in total and per API key or user.
  uint64_t max_upload_bytes = uint64_t{1} << 30;
  size_t max_uploads = 8;
  size_t max_uploads_per_principal = 2;
};

// Serving artifacts (GET /api/v1/artifacts, the signed /media links in API answers).
struct MediaSettings {
  std::string public_url;  // the externally reachable base; empty: each request's Host
  std::chrono::seconds link_ttl{std::chrono::hours(24 * 7)};
};

// What a step invoked by a request (outside any run) gets from the host, as
// the node's steps get it from the executor: the run database, each plugin's
// config section, the artifact store.
struct StepSettings {
  std::string database_url;
  Json plugin_configs = Json::object();  // plugin name -> its config section
  std::filesystem::path artifact_dir;    // empty: no artifact store
  std::vector<std::string> http_allow;   // non-public addresses outbound HTTP may reach (http.allow)
  // Input check, secrets, redaction, deadline, the process's circuit breakers: the executor's step path.
  std::shared_ptr<const StepInvoker> invoker;
  std::shared_ptr<const ArtifactRemote> artifact_remote;  // the s3 backend; null: artifact_dir is the store
};

struct Services {
  SqlStore& store;
  const PluginHost& host;
  WorkflowCatalog& workflows;
  RunWatch& watch;
  Metrics& metrics;
  const Router& router;
  const Log& log;
  Auth& auth;
  ServeLimits limits;
  bool worker = true;                     // this process executes runs (no --no-worker)
  std::function<NodeStats()> node_stats;  // this process's node, when it has one
  // Stores a triggered run: this process's node takes it at once when it
  // has room (Node::submit); without a node (--no-worker), queued for the cluster.
  std::function<RunRecord(RunRecord)> submit_run;
  std::atomic<bool> draining{false};  // shutting down: readyz says 503
  StepSettings steps;
  std::map<std::string, std::string> secrets;  // the configuration's, by name: webhook triggers verify with these
  Slots streams;                               // open event streams (configured from limits at start)
  Slots waits;                                 // requests blocked in ?wait
  Slots uploads;                               // uploads being received
  MediaSettings media;
  std::shared_ptr<const ArtifactStore> artifacts;   // null: no artifact store (404 for every artifact)
  std::shared_ptr<const MediaSigner> media_signer;  // the cluster's link key, from the database
  std::shared_ptr<const StaticFiles> console;       // the web console's files; null: none served
};

}  // namespace linkhub::http
