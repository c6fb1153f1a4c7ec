// Probes, metrics, plugins and the API's own description.
#include "http/handlers.hpp"
#include "http/json_views.hpp"
#include "http/openapi.hpp"

#include <linkhub/engine/circuit_breakers.hpp>
#include <linkhub/engine/database.hpp>

#include <algorithm>

namespace linkhub::http {

Reply list_plugins(Call& call) {
  Json plugins = Json::array();
  for (const auto* plugin : call.services.host.plugins()) {
    plugins.push_back(plugin_json(*plugin));
  }
  Json skipped = Json::array();
  for (const auto& problem : call.services.host.problems()) {
    skipped.push_back(Json{{"path", problem.path.filename().string()}, {"message", problem.message}});
  }
  return Reply::json(200, Json{{"plugins", std::move(plugins)}, {"skipped", std::move(skipped)}});
}

Reply healthz(Call&) {
  return Reply::json(200, Json{{"status", "ok"}});
}

Reply readyz(Call& call) {
  Services& services = call.services;
  Json checks = Json::object();
  std::string problem;
  std::string code;
  long long retry_after_s = 1;
  if (services.draining) {
    code = "shutting_down";
    problem = "the server is shutting down";
  }
  try {
    // A primary-key lookup: the cheapest query that proves a connection and the schema.
    services.store.get_run("readyz");
    checks["database"] = "ok";
  } catch (const std::exception& e) {
    checks["database"] = "unreachable";
    if (code.empty()) {
      code = "database_unreachable";
      problem = "the run database does not answer";
    }
    retry_after_s = std::max<long long>(1, (services.store.database().retry_in().count() + 999) / 1000);
  }
  // The engine's built-in steps (workflow.start) run nothing by themselves.
  size_t plugins = 0;
  for (const auto* plugin : services.host.plugins()) {
    plugins += plugin->builtin ? 0 : 1;
  }
  checks["plugins"] = plugins;
  if (plugins == 0 && code.empty()) {
    code = "no_plugins";
    problem = "no plugin is loaded, so no workflow can run";
  }
  checks["workflows"] = services.workflows.entries().size();
  checks["worker"] = services.worker;
  if (!code.empty()) {
    return Reply::error(ApiError{503, code, problem, Json{{"checks", checks}, {"retry_after_s", retry_after_s}}});
  }
  return Reply::json(200, Json{{"status", "ready"}, {"checks", std::move(checks)}});
}

Reply metrics(Call& call) {
  size_t depth = 0;
  try {
    depth = call.services.store.queue_depth();
  } catch (const std::exception&) {
    // An unreachable database shows in /readyz; metrics still answer with what this process knows.
  }
  std::optional<NodeStats> node;
  if (call.services.node_stats) {
    node = call.services.node_stats();
  }
  std::string text = call.services.metrics.render(depth, node);
  if (const auto& invoker = call.services.steps.invoker; invoker && invoker->circuit_breakers()) {
    text += circuit_breaker_metrics(invoker->circuit_breakers()->snapshot());
  }
  text += plugin_counter_metrics(call.services.host.counters());
  return Reply::plain(200, "text/plain; version=0.0.4; charset=utf-8", text);
}

Reply openapi(Call& call) {
  return Reply::json(200, openapi_document(call.services.router.routes()));
}

}  // namespace linkhub::http
