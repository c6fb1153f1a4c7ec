// `linkhub whatsapp-sandbox serve|chat|bench`: development tools around the
// WhatsApp webhook (src/sandbox), never needed to serve.
#include "commands.hpp"
#include "sandbox/chat_driver.hpp"
#include "sandbox/cloud_sandbox.hpp"
#include "sandbox/webhook_bench.hpp"

#include <nlohmann/json.hpp>

#include <pthread.h>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <optional>

namespace linkhub::cli {
namespace {

// The app secret from the named variable; the name, never a value, in the error.
std::optional<std::string> secret_from(const std::string& variable) {
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr || *value == '\0') {
    std::cerr << "error: the environment variable " << variable
              << " (--app-secret-env) must hold the app secret linkhub checks signatures with\n";
    return std::nullopt;
  }
  return std::string(value);
}

std::chrono::milliseconds milliseconds(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

}  // namespace

int cmd_sandbox_serve(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  uint16_t port = 0;
  try {
    const int parsed = colon == std::string::npos ? -1 : std::stoi(listen.substr(colon + 1));
    if (parsed < 0 || parsed > 65535) {
      throw std::out_of_range("port");
    }
    port = static_cast<uint16_t>(parsed);
  } catch (const std::exception&) {
    std::cerr << "error: --listen must be HOST:PORT (127.0.0.1:0 picks a free port), not '" << listen << "'\n";
    return 2;
  }
  // SIGINT and SIGTERM wait for sigwait below; the server's threads inherit the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  sandbox::CloudSandbox cloud;
  try {
    cloud.start(listen.substr(0, colon), port);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  std::cout
      << nlohmann::json{{"event", "sandbox.listening"}, {"base_url", cloud.base_url()}, {"port", cloud.port()}}.dump()
      << std::endl;
  int signal = 0;
  sigwait(&stop_signals, &signal);
  cloud.stop();
  std::cout << nlohmann::json{{"event", "sandbox.stopped"}, {"messages", cloud.last_seq()}}.dump() << std::endl;
  return 0;
}

int cmd_sandbox_chat(const SandboxChatCliOptions& options) {
  const auto secret = secret_from(options.app_secret_env);
  if (!secret) {
    return 2;
  }
  sandbox::ChatOptions chat;
  chat.webhook_url = options.webhook;
  chat.sandbox_url = options.sandbox;
  chat.app_secret = *secret;
  chat.customer = {options.from, options.name};
  chat.business.phone_number_id = options.phone_number_id;
  chat.lines = options.lines;
  chat.reply_timeout = milliseconds(options.timeout_s);
  chat.settle = milliseconds(options.settle_s);
  return sandbox::run_chat(chat, std::cout, std::cerr);
}

int cmd_sandbox_bench(const SandboxBenchCliOptions& options) {
  const auto secret = secret_from(options.app_secret_env);
  if (!secret) {
    return 2;
  }
  sandbox::BenchOptions bench;
  bench.webhook_url = options.webhook;
  bench.app_secret = *secret;
  bench.business.phone_number_id = options.phone_number_id;
  bench.rate = options.rate;
  bench.duration = milliseconds(options.duration_s);
  bench.connections = options.connections;
  bench.text = options.text;
  try {
    const auto report = sandbox::run_webhook_bench(bench);
    sandbox::print_report(bench, report, std::cout);
    return report.ok == report.sent ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace linkhub::cli
