#pragma once
// The subcommands of the linkhub binary. main.cpp parses the command line
// (CLI11 stays in that one file) and calls these. Each returns the exit status:
// 0 success, 1 failure (invalid workflow, failed run), 2 usage error.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace linkhub::cli {

struct GlobalOptions {
  std::string config_path;                         // --config, default linkhub.yaml when it exists
  std::string database;                            // --db, default from the config (.linkhub/linkhub.db)
  std::vector<std::filesystem::path> plugin_dirs;  // --plugin-dir (repeatable)
  std::string format = "text";                     // --format text|json
};

// Exit 0 when there is no error (warnings are printed); 1 on any error, or on
// any warning with `strict`.
int cmd_validate(const GlobalOptions& global, const std::vector<std::string>& files, bool strict);

struct RunOptions {
  std::string file;
  std::vector<std::string> inputs;  // --input k=v (value parsed as JSON when it parses, else a string)
  std::string inputs_file;          // --inputs-file f.json, or f.jsonl: one run per line (a batch)
  std::string output;               // --output NAME: print only this output (text as is)
  int threads = 0;                  // --threads, 0 = from config
  bool detach = false;              // --detach: queue the run for the cluster's nodes and return
  std::string idempotency_key;      // --idempotency-key: same key, same run
};
int cmd_run(const GlobalOptions& global, const RunOptions& options);

struct WorkerOptions {
  int threads = 0;                     // --threads
  size_t max_runs = 0;                 // --max-runs: runs in flight
  std::vector<std::string> workflows;  // --workflow FILE: register (with its schedules) before starting
  bool exit_when_idle = false;         // --exit-when-idle
  std::string owner;                   // --name
  bool no_scheduler = false;           // --no-scheduler
};
int cmd_worker(const GlobalOptions& global, const WorkerOptions& options);

struct RunsListOptions {
  std::string workflow;
  std::string status;
  size_t limit = 20;
};
int cmd_runs_list(const GlobalOptions& global, const RunsListOptions& options);
int cmd_runs_show(const GlobalOptions& global, const std::string& run_id, bool events);
int cmd_runs_cancel(const GlobalOptions& global, const std::string& run_id);
int cmd_runs_retry(const GlobalOptions& global, const std::string& run_id, const std::string& from_step, bool detach);
int cmd_runs_resume(const GlobalOptions& global, const std::string& run_id);
int cmd_dead_letters(const GlobalOptions& global, const std::string& run_id, size_t limit);

struct ServeCliOptions {
  std::string listen;                      // --listen HOST:PORT, default: config `listen`
  std::vector<std::string> workflow_dirs;  // --workflows DIR (repeatable), default ./workflows when present
  bool no_worker = false;                  // --no-worker: serve the API only
  int threads = 0;                         // --threads for the node, 0 = from config
};
int cmd_serve(const GlobalOptions& global, const ServeCliOptions& options);

// `linkhub keys ...` and `linkhub users ...` (cli_auth.cpp).
struct KeysCreateOptions {
  std::string role;  // --role viewer|operator|admin
  std::string name;  // --name: what the key is for
};
int cmd_keys_create(const GlobalOptions& global, const KeysCreateOptions& options);
int cmd_keys_list(const GlobalOptions& global);
int cmd_keys_revoke(const GlobalOptions& global, const std::string& id);

struct UsersCreateOptions {
  std::string name;
  std::string role;             // --role
  bool password_stdin = false;  // --password-stdin: the first line of stdin, else prompt without echo
};
int cmd_users_create(const GlobalOptions& global, const UsersCreateOptions& options);
int cmd_users_list(const GlobalOptions& global);
int cmd_users_passwd(const GlobalOptions& global, const std::string& name, bool password_stdin);
struct UsersUpdateOptions {
  std::string role;  // set-role
  bool disable = false;
  bool enable = false;
};
int cmd_users_update(const GlobalOptions& global, const std::string& name, const UsersUpdateOptions& options);

int cmd_plugins_list(const GlobalOptions& global);
int cmd_plugins_describe(const GlobalOptions& global, const std::string& name);

// `linkhub plugins check PATH.so` (cli_plugin_check.cpp).
struct PluginCheckCliOptions {
  std::string path;
  uint64_t seed = 1;          // --seed: the random inputs' generator
  int random_inputs = 25;     // --random N per step
  double cancel_bound_s = 5;  // --cancel-bound SECONDS
  double call_bound_s = 10;   // --call-bound SECONDS: a longer call is a hang
};
int cmd_plugins_check(const GlobalOptions& global, const PluginCheckCliOptions& options);

// `linkhub whatsapp-sandbox ...` (cli_sandbox.cpp): the development stand-in
// for the WhatsApp Cloud API, the scripted customer, the webhook benchmark.
int cmd_sandbox_serve(const std::string& listen);
struct SandboxChatCliOptions {
  std::string webhook;                                 // --webhook URL of linkhub serve's WhatsApp webhook
  std::string sandbox;                                 // --sandbox URL of the stand-in
  std::string app_secret_env = "WHATSAPP_APP_SECRET";  // --app-secret-env NAME
  std::string from;                                    // --from: the customer's number
  std::string name = "Customer";                       // --name: the customer's profile name
  std::string phone_number_id = "1122334455667";       // --phone-number-id: the shop's number id
  double timeout_s = 30;                               // --timeout: for the first reply to a line
  double settle_s = 1.5;                               // --settle: quiet time that ends a line's replies
  std::vector<std::string> lines;
};
int cmd_sandbox_chat(const SandboxChatCliOptions& options);
struct SandboxBenchCliOptions {
  std::string webhook;
  std::string app_secret_env = "WHATSAPP_APP_SECRET";
  std::string phone_number_id = "1122334455667";
  double rate = 500;
  double duration_s = 10;
  int connections = 16;
  std::string text = "bench";
};
int cmd_sandbox_bench(const SandboxBenchCliOptions& options);

}  // namespace linkhub::cli
