/*
 * linkhub plugin C ABI.
 *
 * This is the whole contract between the linkhub host and a plugin shared
 * library. It is plain C so a plugin built with another compiler or standard
 * library still loads. Values cross the boundary as JSON text with explicit
 * lengths; no C++ type and no exception ever crosses it.
 *
 * A plugin exports two symbols, and optionally a third:
 *
 *   uint32_t    lh_plugin_api_version(void);
 *   lh_status   lh_plugin_init(const lh_host_api* host, const lh_plugin_def** out);
 *   void        lh_plugin_deinit(void* plugin_state);          (optional)
 *
 * The host calls lh_plugin_api_version() first and checks it against its own
 * version (the rules are below). Only then does it call lh_plugin_init(),
 * which fills *out with a descriptor that must stay valid until the library
 * is unloaded (a static object is the usual choice). All registration happens
 * inside lh_plugin_init: no static initialisers are relied upon across the
 * boundary. During init a plugin may create per-plugin state (connection
 * pools, caches) and hand it to the host with host->set_plugin_state(); every
 * step then reaches it through ctx->plugin_state(), and the host passes it to
 * lh_plugin_deinit() once, after the last step has returned and before the
 * library is unloaded. A plugin without lh_plugin_deinit must not need one.
 *
 * Versions. LH_API_VERSION is a pair, major << 16 | minor:
 *   - the major must equal the host's: a new major removes or changes
 *     something and the plugin must be rebuilt;
 *   - the minor may be older than (or equal to) the host's: a minor only adds
 *     members at the end of structs, and the host fills them in for every
 *     plugin, so an old plugin simply does not look at them;
 *   - a plugin built against a newer minor than the host's is refused (it
 *     may read members the host does not have).
 * Plugins built before the pair existed return 1: the host reads that as
 * version 1.0, so they still load and run.
 *
 * Step lifecycle, per attempt (and per foreach item):
 *   instance = step->create(step->user_data)          (may return NULL: stateless)
 *   status   = step->run(instance, ctx, input_json)   (calls ctx->set_output / set_error)
 *   step->destroy(instance)                           (optional when create is NULL)
 * Different instances may run concurrently on different threads.
 *
 * Evolution: structs carry their own struct_size and only ever grow at the
 * end; optional callbacks are NULL-checked by the reader.
 *
 * Most authors never include this header directly: linkhub/plugin.hpp wraps it
 * in a C++ base class and a single registration macro.
 */
#ifndef LINKHUB_PLUGIN_API_H
#define LINKHUB_PLUGIN_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version this header describes: major << 16 | minor (see above). */
#define LH_API_MAKE_VERSION(major, minor) ((uint32_t)(((major) << 16) | (minor)))
#define LH_API_VERSION_MAJOR 1u
#define LH_API_VERSION_MINOR 2u
#define LH_API_VERSION LH_API_MAKE_VERSION(LH_API_VERSION_MAJOR, LH_API_VERSION_MINOR)
/* What a plugin's lh_plugin_api_version() returned before the pair existed: version 1.0. */
#define LH_API_VERSION_LEGACY_1 1u

#if defined(_WIN32)
#define LH_EXPORT __declspec(dllexport)
#else
#define LH_EXPORT __attribute__((visibility("default")))
#endif

/* A borrowed string: valid only for the duration of the call it is passed to. */
typedef struct lh_str {
  const char* data;
  size_t len;
} lh_str;

typedef enum lh_status {
  LH_OK = 0,
  LH_ERROR = 1,        /* permanent failure: retrying will not help */
  LH_RETRYABLE = 2,    /* transient failure: the engine may retry per policy */
  LH_CANCELLED = 3,    /* the step observed cancellation and stopped */
  LH_INVALID_INPUT = 4 /* the input did not make sense to the step */
} lh_status;

typedef enum lh_log_level { LH_LOG_DEBUG = 0, LH_LOG_INFO = 1, LH_LOG_WARN = 2, LH_LOG_ERROR = 3 } lh_log_level;

/*
 * What a running step can ask of the host. Every callback takes ctx->host_data
 * as its first argument. Strings returned by the host stay valid until run()
 * returns.
 */
typedef struct lh_context {
  uint32_t struct_size;
  void* host_data;
  /* A line that lands in the run's events. */
  void (*log)(void* host_data, uint32_t level, lh_str message);
  /* Stable per (run, step, foreach index) across attempts and restarts. */
  lh_str (*idempotency_key)(void* host_data);
  /* Returns 1 and sets *value when the secret exists, 0 otherwise. */
  int (*secret)(void* host_data, lh_str name, lh_str* value);
  /* Non-zero once the step should stop (timeout, run cancelled, shutdown). */
  int (*is_cancelled)(void* host_data);
  /* A directory the step may write artifacts into; it exists. */
  lh_str (*artifact_dir)(void* host_data);
  /* Milliseconds since the Unix epoch by which the step must finish; 0 when none. */
  int64_t (*deadline_ms)(void* host_data);
  /* 1 for the first attempt. */
  uint32_t (*attempt)(void* host_data);
  /* The step's result: a JSON document. The host copies it. */
  void (*set_output)(void* host_data, lh_str json);
  /* A human-readable failure message. The host copies it. */
  void (*set_error)(void* host_data, lh_str message);
  /* This plugin's section of linkhub.yaml (`plugins: { <name>: {...} }`) as JSON, "{}" when absent. */
  lh_str (*plugin_config)(void* host_data);
  /* The directory of the workflow file being run, for paths relative to it. */
  lh_str (*workflow_dir)(void* host_data);
  /* Identifiers of what is running, for messages. */
  lh_str (*run_id)(void* host_data);
  lh_str (*step_id)(void* host_data);
  /* Added after the first release: present when struct_size covers them
   * (the C++ SDK checks). */
  /* Stores a file in the content-addressed artifact store (the same content
   * is kept once) and sets *descriptor to a JSON object {"hash": "sha256:...",
   * "path": absolute stored path, "bytes": n, "media_type": ...}, valid until
   * the step returns. Returns 1 on success; 0 with *descriptor set to an
   * error message otherwise. */
  int (*put_artifact)(void* host_data, lh_str file_path, lh_str media_type, lh_str* descriptor);
  /* The absolute path of a stored artifact by hash, "" when unknown. */
  lh_str (*artifact_path)(void* host_data, lh_str hash);
  /* The URL of the database the runs live in (SQLite path or postgresql://),
   * for plugins that keep their data beside the runs; "" when none. */
  lh_str (*database_url)(void* host_data);
  /* The deployment's outbound HTTP allow-list (linkhub.yaml `http.allow`,
   * LINKHUB_HTTP_ALLOW) as a JSON array of strings: addresses, CIDR ranges
   * and host names, each optionally with :port; "[]" when none. A plugin that
   * makes HTTP requests refuses every address that is not public unless this
   * list allows it (linkhub/http_guard.hpp). A host without this member
   * allows nothing beyond public addresses. */
  lh_str (*http_allow)(void* host_data);

  /* ---- API 1.1 ---- */

  /* Gives the failure reported with set_error a stable machine-readable code
   * ([a-z][a-z0-9_]*, at most 64 bytes; e.g. not_found, conflict,
   * invalid_input, rate_limited, unavailable, unauthorized, timeout,
   * bad_output, internal) and optional details: a JSON object, or an empty
   * string for none. Call it before returning a non-LH_OK status; the host
   * copies both. The host refuses a malformed code (it keeps the message and
   * uses the status's default code) rather than failing the step for it. */
  void (*set_error_code)(void* host_data, lh_str code, lh_str details_json);
  /* What the plugin handed to host->set_plugin_state() during init; NULL when nothing. */
  void* (*plugin_state)(void* host_data);
  /* The per-host circuit breakers, shared by every step of every plugin in
   * the process (configured in linkhub.yaml under http.circuit_breakers and
   * shown in /metrics). Before a call to `host` (a lower-case host name or
   * address): returns 0 when the call may go; otherwise the breaker is open
   * and the return value is when it may be probed again (milliseconds since
   * the Unix epoch). After the call: circuit_record(ok = 1 for an answer that
   * is not a 5xx/429 and not a transport failure, 0 otherwise). */
  int64_t (*circuit_check)(void* host_data, lh_str host);
  void (*circuit_record)(void* host_data, lh_str host, int ok);
  /* Adds `amount` (finite, >= 0) to the plugin's counter `name`
   * ([a-z][a-z0-9_]*, at most 64 bytes) for one set of labels: `labels_json`
   * is a JSON object of at most 4 string values (names [a-z][a-z0-9_]*, not
   * "plugin" or "counter"; values at most 128 bytes), or "" for none. The
   * host keeps the sums for the life of the process and prints them in
   * /metrics as linkhub_plugin_counter_total{plugin, counter, labels...}; the
   * plugin label is the host's, never the caller's. Returns 1 when counted, 0
   * when refused: a malformed name or labels, or a new series past the host's
   * cap on series (existing series keep counting). A host without this
   * member counts nothing. */
  int (*add_counter)(void* host_data, lh_str name, lh_str labels_json, double amount);
} lh_context;

/* An element of a plugin's step table: an array, so this struct never grows
 * (what is added per step goes in lh_plugin_def, beside the table). */
typedef struct lh_step_def {
  uint32_t struct_size;
  const char* name; /* e.g. "fetch"; the workflow says uses: <plugin>.<name> */
  const char* description;
  const char* input_schema;  /* JSON Schema text, NUL-terminated */
  const char* output_schema; /* JSON Schema text, NUL-terminated */
  void* user_data;
  void* (*create)(void* user_data); /* optional */
  lh_status (*run)(void* instance, const lh_context* ctx, lh_str input_json);
  void (*destroy)(void* instance); /* optional */
} lh_step_def;

typedef struct lh_plugin_def {
  uint32_t struct_size;
  const char* name;    /* [a-z][a-z0-9_]*, unique among loaded plugins */
  const char* version; /* the plugin's own version, e.g. "1.2.0" */
  const char* description;
  const lh_step_def* steps;
  size_t step_count;

  /* ---- API 1.2: read when struct_size covers it ---- */

  /* LH_STEP_* bits of each step, in the order of `steps` (step_count
   * entries), or NULL for none. Here and not in lh_step_def because `steps`
   * is an array: its elements cannot grow. Bits the host does not know are
   * ignored. */
  const uint32_t* step_flags;
} lh_plugin_def;

/* The step changes nothing outside its run: its only result is its output
 * (no HTTP call, no message, no file, no database write). Calling it again
 * after a crash is harmless, so the host need not store its end before the
 * steps after it run: it is stored with theirs, which saves a commit per
 * step. A step without this bit has everything it depends on stored before
 * it is called. Claim it only when it is true: a step with an effect that
 * claims it may have that effect made twice after a crash, with different
 * inputs. */
#define LH_STEP_PURE 1u

/* What the host offers during lh_plugin_init. */
typedef struct lh_host_api {
  uint32_t struct_size;
  void* host_data;
  uint32_t host_api_version;
  /* Explains why init failed; the host reports it with the library's path. */
  void (*set_error)(void* host_data, lh_str message);

  /* ---- API 1.1: present when struct_size covers them ---- */

  /* This plugin's section of linkhub.yaml (`plugins: { <name>: {...} }`) as
   * JSON, "{}" when absent. Valid during init. The plugin's name is not known
   * to the host before init returns, so the host passes the section of the
   * library's file stem without a linkhub_ or lh_ prefix (linkhub_catalog.so,
   * lh_catalog.so and catalog.so: "catalog"). */
  lh_str plugin_config;
  /* A line in the host's log, attributed to the library. */
  void (*log)(void* host_data, uint32_t level, lh_str message);
  /* Per-plugin state: passed back to every step (ctx->plugin_state) and to
   * lh_plugin_deinit. Call at most once. */
  void (*set_plugin_state)(void* host_data, void* state);
} lh_host_api;

typedef uint32_t (*lh_plugin_api_version_fn)(void);
typedef lh_status (*lh_plugin_init_fn)(const lh_host_api* host, const lh_plugin_def** out);
typedef void (*lh_plugin_deinit_fn)(void* plugin_state);

#define LH_PLUGIN_API_VERSION_SYMBOL "lh_plugin_api_version"
#define LH_PLUGIN_INIT_SYMBOL "lh_plugin_init"
#define LH_PLUGIN_DEINIT_SYMBOL "lh_plugin_deinit"

#ifdef __cplusplus
}
#endif

#endif /* LINKHUB_PLUGIN_API_H */
