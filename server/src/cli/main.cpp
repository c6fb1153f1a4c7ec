// The linkhub command line. Each subcommand lives in its own cli_*.cpp; this
// file only wires them to CLI11 (which is slow to compile, so it stays here).
#include "commands.hpp"

#include <CLI/CLI.hpp>

#ifndef LINKHUB_VERSION
#define LINKHUB_VERSION "0.1.0"
#endif

int main(int argc, char** argv) {
  using namespace linkhub::cli;
  CLI::App app{"linkhub: a plugin-based workflow engine for short-video commerce"};
  app.set_version_flag("--version", LINKHUB_VERSION);
  app.require_subcommand(1);

  GlobalOptions global;
  std::vector<std::string> plugin_dirs;
  auto add_global = [&](CLI::App* cmd) {
    cmd->add_option("--config", global.config_path, "configuration file (default: ./linkhub.yaml when present)");
    cmd->add_option("--db", global.database,
                    "run database: a SQLite file or postgresql://user:pass@host:port/db (default: config `database`, "
                    "else .linkhub/linkhub.db)");
    cmd->add_option("--plugin-dir", plugin_dirs, "also load plugins from DIR (repeatable)");
    cmd->add_option("--format", global.format, "output format")->check(CLI::IsMember({"text", "json"}));
  };

  std::vector<std::string> files;
  auto* validate = app.add_subcommand("validate", "check workflow files the way a linter would");
  validate->add_option("files", files, "workflow files")->required();
  bool strict = false;
  validate->add_flag("--strict", strict, "treat warnings as errors (exit 1 when there is any)");
  add_global(validate);

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "run a workflow to its end and print its outputs");
  run_cmd->add_option("file", run.file, "workflow file")->required();
  run_cmd->add_option("--input,-i", run.inputs, "an input as NAME=VALUE (repeatable)");
  run_cmd->add_option("--inputs-file", run.inputs_file,
                      "a JSON file with an object of inputs; a .jsonl file runs once per line (a batch)");
  run_cmd->add_option("--output", run.output, "print only this output of the run (text as is, else JSON)");
  run_cmd
      ->add_option("--threads", run.threads, "worker threads (default: config, else 8 or the number of cores if more)")
      ->check(CLI::Range(1, 1024));
  run_cmd->add_flag("--detach", run.detach, "queue the run for the nodes on the database, print its id, return");
  run_cmd->add_option("--idempotency-key", run.idempotency_key, "same key, same run: a repeat returns the first");
  add_global(run_cmd);

  WorkerOptions worker;
  auto* worker_cmd = app.add_subcommand("worker", "join the nodes on a database: claim runs and execute them");
  worker_cmd
      ->add_option("--threads", worker.threads,
                   "worker threads (default: config, else 8 or the number of cores if more)")
      ->check(CLI::Range(1, 1024));
  worker_cmd->add_option("--max-runs", worker.max_runs, "runs in flight on this node (default: 4 x threads)");
  worker_cmd->add_option("--workflow", worker.workflows, "register FILE (and its cron schedules) first (repeatable)");
  worker_cmd->add_flag("--exit-when-idle", worker.exit_when_idle, "exit when nothing is queued or running");
  worker_cmd->add_flag("--no-scheduler", worker.no_scheduler, "never fire cron schedules on this node");
  worker_cmd->add_option("--name", worker.owner, "this node's name in leases (default: host:pid:random)");
  add_global(worker_cmd);

  ServeCliOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "the REST API (and a node executing runs) until SIGTERM");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on (default: config `listen`, 127.0.0.1:8080)");
  serve_cmd->add_option("--workflows", serve.workflow_dirs,
                        "register every workflow YAML under DIR (repeatable; default ./workflows when present)");
  serve_cmd->add_flag("--no-worker", serve.no_worker, "only serve the API; `linkhub worker` nodes execute the runs");
  serve_cmd
      ->add_option("--threads", serve.threads,
                   "worker threads (default: config, else 8 or the number of cores if more)")
      ->check(CLI::Range(1, 1024));
  add_global(serve_cmd);

  auto* runs = app.add_subcommand("runs", "list, inspect, cancel, retry and resume runs in the database");
  runs->require_subcommand(1);
  RunsListOptions runs_list;
  auto* runs_list_cmd = runs->add_subcommand("list", "the newest runs first");
  runs_list_cmd->add_option("--workflow", runs_list.workflow, "only runs of this workflow");
  runs_list_cmd->add_option("--status", runs_list.status, "only runs with this status")
      ->check(CLI::IsMember({"queued", "running", "waiting", "succeeded", "failed", "cancelled"}));
  runs_list_cmd->add_option("--limit", runs_list.limit, "at most N runs (default 20)");
  add_global(runs_list_cmd);
  std::string run_id;
  bool show_events = false;
  auto* runs_show = runs->add_subcommand("show", "a run with its steps (and --events)");
  runs_show->add_option("run", run_id, "run id")->required();
  runs_show->add_flag("--events", show_events, "also print every event in order, with plugin log lines");
  add_global(runs_show);
  auto* runs_cancel = runs->add_subcommand("cancel", "cancel a run (its node stops its running steps)");
  runs_cancel->add_option("run", run_id, "run id")->required();
  add_global(runs_cancel);
  std::string from_step;
  bool retry_detach = false;
  auto* runs_retry = runs->add_subcommand("retry", "run a finished run's failed steps (or --from STEP on) again");
  runs_retry->add_option("run", run_id, "run id")->required();
  runs_retry->add_option("--from", from_step, "re-run this step and everything after it");
  runs_retry->add_flag("--detach", retry_detach, "queue it for the nodes and return");
  add_global(runs_retry);
  auto* runs_resume = runs->add_subcommand("resume", "continue an interrupted run here, from its last finished step");
  runs_resume->add_option("run", run_id, "run id")->required();
  add_global(runs_resume);

  size_t letters_limit = 50;
  auto* letters = app.add_subcommand("dead-letters", "steps that exhausted their retries, with input and error");
  letters->add_option("run", run_id, "only this run's");
  letters->add_option("--limit", letters_limit, "at most N (default 50)");
  add_global(letters);

  auto* plugins = app.add_subcommand("plugins", "list and describe the loaded plugins");
  plugins->require_subcommand(1);
  auto* list = plugins->add_subcommand("list", "list plugins, their steps, and libraries that were skipped");
  add_global(list);
  std::string name;
  auto* describe = plugins->add_subcommand("describe", "show a plugin's steps with their input and output schemas");
  describe->add_option("name", name, "PLUGIN or PLUGIN.STEP")->required();
  add_global(describe);
  PluginCheckCliOptions check;
  auto* check_cmd = plugins->add_subcommand(
      "check", "run the conformance suite on one plugin library: one line per check, exit 1 on a failure");
  check_cmd->add_option("path", check.path, "the plugin library (PATH.so)")->required();
  check_cmd->add_option("--seed", check.seed, "seed of the random inputs (default 1)");
  check_cmd->add_option("--random", check.random_inputs, "random inputs per step (default 25)")
      ->check(CLI::Range(0, 100000));
  check_cmd
      ->add_option("--cancel-bound", check.cancel_bound_s, "seconds a cancelled step may take to return (default 5)")
      ->check(CLI::Range(0.1, 3600.0));
  check_cmd->add_option("--call-bound", check.call_bound_s, "seconds after which a step call is a hang (default 10)")
      ->check(CLI::Range(0.1, 3600.0));
  add_global(check_cmd);

  auto* keys = app.add_subcommand("keys", "API keys for `linkhub serve`: create (shown once), list, revoke");
  keys->require_subcommand(1);
  KeysCreateOptions keys_create;
  auto* keys_create_cmd = keys->add_subcommand("create", "make an API key with a role and print it, this once");
  keys_create_cmd->add_option("--role", keys_create.role, "viewer (reads), operator (runs), admin (keys, users)")
      ->required()
      ->check(CLI::IsMember({"viewer", "operator", "admin"}));
  keys_create_cmd->add_option("--name", keys_create.name, "what the key is for (shown by `keys list`)");
  add_global(keys_create_cmd);
  auto* keys_list_cmd = keys->add_subcommand("list", "every key with its role, last use and status (never the secret)");
  add_global(keys_list_cmd);
  std::string key_id;
  auto* keys_revoke_cmd = keys->add_subcommand("revoke", "revoke a key: servers refuse it within seconds");
  keys_revoke_cmd->add_option("id", key_id, "the key's id (from `keys list`)")->required();
  add_global(keys_revoke_cmd);

  auto* users = app.add_subcommand("users", "console users of `linkhub serve`: create, list, passwd, disable, ...");
  users->require_subcommand(1);
  UsersCreateOptions users_create;
  auto* users_create_cmd = users->add_subcommand("create", "make a user who can log in (the first admin, say)");
  users_create_cmd->add_option("name", users_create.name, "user name")->required();
  users_create_cmd->add_option("--role", users_create.role, "viewer, operator or admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "operator", "admin"}));
  users_create_cmd->add_flag("--password-stdin", users_create.password_stdin,
                             "read the password from the first line of stdin (else: prompt without echo)");
  add_global(users_create_cmd);
  auto* users_list_cmd = users->add_subcommand("list", "users with their roles");
  add_global(users_list_cmd);
  std::string user_name;
  bool passwd_stdin = false;
  auto* users_passwd_cmd = users->add_subcommand("passwd", "change a user's password (ends its logins)");
  users_passwd_cmd->add_option("name", user_name, "user name")->required();
  users_passwd_cmd->add_flag("--password-stdin", passwd_stdin, "read the password from the first line of stdin");
  add_global(users_passwd_cmd);
  UsersUpdateOptions users_update;
  auto* users_disable_cmd = users->add_subcommand("disable", "stop a user from logging in (ends its logins)");
  users_disable_cmd->add_option("name", user_name, "user name")->required();
  add_global(users_disable_cmd);
  auto* users_enable_cmd = users->add_subcommand("enable", "let a disabled user log in again");
  users_enable_cmd->add_option("name", user_name, "user name")->required();
  add_global(users_enable_cmd);
  auto* users_role_cmd = users->add_subcommand("set-role", "change a user's role (ends its logins)");
  users_role_cmd->add_option("name", user_name, "user name")->required();
  users_role_cmd->add_option("--role", users_update.role, "viewer, operator or admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "operator", "admin"}));
  add_global(users_role_cmd);

  auto* sandbox = app.add_subcommand(
      "whatsapp-sandbox",
      "development: a loopback WhatsApp Cloud API stand-in, a scripted customer, a webhook benchmark");
  sandbox->require_subcommand(1);
  std::string sandbox_listen = "127.0.0.1:0";
  auto* sandbox_serve = sandbox->add_subcommand(
      "serve",
      "answer the Cloud API's send and media calls on loopback, keep the messages, serve them at "
      "GET /_sandbox/messages (until SIGTERM)");
  sandbox_serve->add_option("--listen", sandbox_listen, "HOST:PORT, a loopback address (default 127.0.0.1:0)");
  SandboxChatCliOptions chat;
  auto* sandbox_chat = sandbox->add_subcommand(
      "chat", "play a customer: each line a signed webhook delivery to linkhub, then print the shop's replies");
  sandbox_chat->add_option("--webhook", chat.webhook, "linkhub's webhook, http://HOST:PORT/api/v1/whatsapp/webhook")
      ->required();
  sandbox_chat->add_option("--sandbox", chat.sandbox, "the stand-in's base URL (http://127.0.0.1:PORT)")->required();
  sandbox_chat->add_option("--app-secret-env", chat.app_secret_env,
                           "the environment variable holding the app secret (default WHATSAPP_APP_SECRET)");
  sandbox_chat->add_option("--from", chat.from, "the customer's number, digits with country code")->required();
  sandbox_chat->add_option("--name", chat.name, "the customer's profile name (default Customer)");
  sandbox_chat->add_option("--phone-number-id", chat.phone_number_id, "the shop's phone number id in deliveries");
  sandbox_chat->add_option("--timeout", chat.timeout_s, "seconds to wait for the first reply to a line (default 30)")
      ->check(CLI::Range(0.1, 3600.0));
  sandbox_chat->add_option("--settle", chat.settle_s, "quiet seconds that end a line's replies (default 1.5)")
      ->check(CLI::Range(0.05, 60.0));
  sandbox_chat->add_option("lines", chat.lines, "what the customer says, in order; @button:ID or @list:ID taps")
      ->required();
  SandboxBenchCliOptions bench;
  auto* sandbox_bench = sandbox->add_subcommand(
      "bench", "webhook acknowledgement latency at a fixed rate, open loop, signed distinct deliveries");
  sandbox_bench->add_option("--webhook", bench.webhook, "linkhub's webhook URL")->required();
  sandbox_bench->add_option("--app-secret-env", bench.app_secret_env, "the environment variable with the app secret");
  sandbox_bench->add_option("--phone-number-id", bench.phone_number_id, "the shop's phone number id in deliveries");
  sandbox_bench->add_option("--rate", bench.rate, "deliveries per second (default 500)")->check(CLI::Range(1.0, 1e5));
  sandbox_bench->add_option("--duration", bench.duration_s, "seconds (default 10)")->check(CLI::Range(0.1, 3600.0));
  sandbox_bench->add_option("--connections", bench.connections, "parallel keep-alive connections (default 16)")
      ->check(CLI::Range(1, 512));
  sandbox_bench->add_option("--text", bench.text, "the messages' text, numbered (default bench)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? 0 : 2;  // usage errors exit with 2
  }
  for (const auto& dir : plugin_dirs) {
    global.plugin_dirs.emplace_back(dir);
  }
  if (*sandbox_serve) {
    return cmd_sandbox_serve(sandbox_listen);
  }
  if (*sandbox_chat) {
    return cmd_sandbox_chat(chat);
  }
  if (*sandbox_bench) {
    return cmd_sandbox_bench(bench);
  }
  if (*validate) {
    return cmd_validate(global, files, strict);
  }
  if (*run_cmd) {
    return cmd_run(global, run);
  }
  if (*worker_cmd) {
    return cmd_worker(global, worker);
  }
  if (*serve_cmd) {
    return cmd_serve(global, serve);
  }
  if (*runs_list_cmd) {
    return cmd_runs_list(global, runs_list);
  }
  if (*runs_show) {
    return cmd_runs_show(global, run_id, show_events);
  }
  if (*runs_cancel) {
    return cmd_runs_cancel(global, run_id);
  }
  if (*runs_retry) {
    return cmd_runs_retry(global, run_id, from_step, retry_detach);
  }
  if (*runs_resume) {
    return cmd_runs_resume(global, run_id);
  }
  if (*letters) {
    return cmd_dead_letters(global, run_id, letters_limit);
  }
  if (*list) {
    return cmd_plugins_list(global);
  }
  if (*keys_create_cmd) {
    return cmd_keys_create(global, keys_create);
  }
  if (*keys_list_cmd) {
    return cmd_keys_list(global);
  }
  if (*keys_revoke_cmd) {
    return cmd_keys_revoke(global, key_id);
  }
  if (*users_create_cmd) {
    return cmd_users_create(global, users_create);
  }
  if (*users_list_cmd) {
    return cmd_users_list(global);
  }
  if (*users_passwd_cmd) {
    return cmd_users_passwd(global, user_name, passwd_stdin);
  }
  if (*users_disable_cmd) {
    users_update.disable = true;
    return cmd_users_update(global, user_name, users_update);
  }
  if (*users_enable_cmd) {
    users_update.enable = true;
    return cmd_users_update(global, user_name, users_update);
  }
  if (*users_role_cmd) {
    return cmd_users_update(global, user_name, users_update);
  }
  if (*describe) {
    return cmd_plugins_describe(global, name);
  }
  if (*check_cmd) {
    return cmd_plugins_check(global, check);
  }
  return 2;
}
