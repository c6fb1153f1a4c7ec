// The route table. Literal paths come before templates at the same depth
// (the router takes the first match). The dispatcher enforces each route's
// role: public needs no credentials (probes, the API description, logging
// in, webhooks: their HMAC signature is their authentication); viewer reads
// (validating a workflow is a read too); operator acts on runs (trigger,
// cancel, retry) and edits products; admin manages API keys, users and the
// registered workflows.
#include "http/routes.hpp"

#include "http/handlers.hpp"

namespace linkhub::http {
namespace {

Json ref(const std::string& schema) {
  return Json{{"$ref", "#/components/schemas/" + schema}};
}

ResponseDoc ok(int status, std::string description, Json schema) {
  return ResponseDoc{status, std::move(description), std::move(schema), "application/json"};
}

// Error answers all carry the Error schema.
ResponseDoc err(int status, std::string description) {
  return ResponseDoc{status, std::move(description), nullptr, "application/json"};
}

ParamDoc int_query(std::string name, std::string description) {
  return ParamDoc{std::move(name), std::move(description), Json{{"type", "integer"}, {"format", "int64"}}};
}

ResponseDoc binary(int status, std::string description) {
  return ResponseDoc{status, std::move(description), Json{{"type", "string"}, {"format", "binary"}},
                     "application/octet-stream"};
}

const std::vector<ParamDoc>& conditional_headers() {
  static const std::vector<ParamDoc> headers = {
      {"If-None-Match", "ETags (the hash, quoted; W/ and lists accepted) or *: a match answers 304."},
      {"Range", "One range: bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX (206); several ranges get the whole."},
      {"If-Range", "The ETag: the Range applies only while it matches."}};
  return headers;
}

std::vector<ResponseDoc> artifact_answers(ResponseDoc refused) {
  return {binary(200, "The artifact's bytes, in its media type; ETag is its hash, Cache-Control immutable."),
          binary(206, "The requested range (Content-Range says which)."),
          ResponseDoc{304, "If-None-Match matched: the client's copy is current.", nullptr, "application/json"},
          std::move(refused),
          err(404, "No artifact has this hash."),
          err(416, "The range starts past the end (Content-Range: bytes */SIZE).")};
}

Route artifact_route() {
  return Route{"GET",
               "/api/v1/artifacts/{hash}",
               Role::Viewer,
               get_artifact,
               "Download an artifact",
               "A stored artifact (a thumbnail, a video) by its content hash, streamed from the artifact store. "
               "{hash} is \"sha256:\" and 64 hex digits, or the 64 digits alone.",
               {},
               std::nullopt,
               artifact_answers(err(400, "The hash is not a content hash (details.parameter: hash).")),
               conditional_headers()};
}

Route media_route() {
  return Route{"GET",
               "/media/{hash}",
               Role::Public,
               get_media,
               "Download by signed link",
               "An artifact by a signed link, without credentials: the `url`s of thumbnails, cover and video in "
               "product answers. The link is good until exp (serve.media_link_ttl after it was made, rounded up "
               "to the hour) on every node of the cluster.",
               {ParamDoc{"exp", "Unix time in seconds after which the link is refused.", Json{{"type", "integer"}}},
                ParamDoc{"sig", "base64url HMAC-SHA256 over the hash and exp, with the cluster's link key."}},
               std::nullopt,
               artifact_answers(err(403, "The link is expired (link_expired), tampered with or malformed (bad_link).")),
               conditional_headers(),
               /*limit_by_address=*/true};
}

Route upload_route() {
  Json answer{{"type", "object"},
              {"required", {"hash", "media_type", "kind", "bytes", "filename", "width", "height"}},
              {"properties",
               {{"hash", {{"type", "string"}, {"description", "sha256:<64 hex digits> of the bytes"}}},
                {"url", {{"type", "string"}, {"description", "A signed /media link (absolute)"}}},
                {"media_type", {{"type", "string"}}},
                {"kind", {{"type", "string"}, {"enum", {"video", "image"}}}},
                {"bytes", {{"type", "integer"}}},
                {"filename", {{"type", "string"}, {"description", "The sender's name for it (may be empty)"}}},
                {"width", {{"type", "integer"}}},
                {"height", {{"type", "integer"}}},
                {"duration_s", {{"type", "number"}}},
                {"fps", {{"type", {"number", "null"}}}},
                {"frame_count", {{"type", "integer"}}}}}};
  Route route{"POST",
              "/api/v1/uploads",
              Role::Operator,
              upload_media,
              "Upload a video or an image",
              "Stores a video (MP4, MOV, WebM, Matroska) or an image (JPEG, PNG, WebP) as an artifact. The body is "
              "the file itself (its Content-Type the file's media type, or application/octet-stream) or a "
              "multipart/form-data form whose first part with a filename is the file. The server streams it to "
              "disk (never whole into memory, at most serve.max_upload_bytes), checks its first bytes against the "
              "claimed type and has the media plugin decode it (media.inspect), then keeps it under its content "
              "hash: the same bytes uploaded twice are stored once and answer the same hash.",
              {ParamDoc{"filename", "The file's name, for a raw body (a form part carries its own)."}},
              BodyDoc{{"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "image/jpeg", "image/png",
                       "image/webp", "application/octet-stream", "multipart/form-data"},
                      Json{{"type", "string"}, {"format", "binary"}},
                      "The file's bytes, or a form with the file.",
                      nullptr},
              {ok(201, "Stored (or stored before: the same bytes keep one artifact).", answer),
               err(400, "A malformed multipart form (bad_multipart), an empty body, or a broken chunked encoding."),
               err(413, "The body is larger than serve.max_upload_bytes (upload_too_large)."),
               err(415,
                   "Not a video or an image we take, not what its Content-Type claims, or it does not decode "
                   "(unsupported_media; details.found says what it is)."),
               err(503,
                   "The media plugin is not loaded (media_unavailable), there is no artifact store "
                   "(no_artifact_store), or too many uploads are under way (too_many_uploads, "
                   "too_many_uploads_for_principal: retry).")}};
  route.body_to_file = true;
  route.ready = uploads_ready;
  return route;
}

}  // namespace

std::vector<Route> api_routes() {
  const ResponseDoc unknown_run = err(404, "No run has this id.");
  const ResponseDoc bad_param = err(400, "A query parameter is malformed or out of range (the error names it).");
  const ResponseDoc too_large = err(413, "The body is larger than max_body_bytes.");
  const ResponseDoc wrong_media = err(415, "The body is not JSON.");
  const ResponseDoc bad_id = err(400, "The id is not a product id (a whole number from 1).");
  const ResponseDoc unknown_product = err(404, "No product has this id.");
  const ResponseDoc no_catalog =
      err(503,
          "The catalog plugin is not loaded (plugin_unavailable), or its database is busy or unreachable "
          "(step_unavailable: try again).");
  const ResponseDoc bad_catalog = err(502, "The catalog plugin answered something that is not a product.");
  const ResponseDoc no_whatsapp =
      err(503,
          "The whatsapp plugin is not loaded (plugin_unavailable), or its database is busy or unreachable "
          "(step_unavailable: try again).");
  const ResponseDoc bad_whatsapp = err(502, "The whatsapp plugin answered something that is not a conversation.");
  const ParamDoc idempotency_key{
      "Idempotency-Key",
      "Same key, same answer: a repeat returns the first answer and changes nothing (1 to 200 visible ASCII "
      "characters; a key reused with another request is 409)."};
  const ResponseDoc malformed =
      err(400, "The body is not valid JSON, or a field has the wrong type (named in details.field).");

  return {
      Route{"GET",
            "/healthz",
            Role::Public,
            healthz,
            "Liveness",
            "200 while the process is up.",
            {},
            std::nullopt,
            {ok(200, "The process is up.",
                Json{{"type", "object"}, {"properties", {{"status", {{"type", "string"}}}}}})}},
      Route{"GET",
            "/readyz",
            Role::Public,
            readyz,
            "Readiness",
            "200 when the run database answers a cheap query and plugins are loaded; 503 otherwise and while "
            "shutting down.",
            {},
            std::nullopt,
            {ok(200, "Ready to serve.", ref("Ready")), err(503, "Not ready; details.checks says what failed.")}},
      Route{"GET",
            "/metrics",
            Role::Viewer,
            metrics,
            "Prometheus metrics",
            "Runs started and finished by workflow and status, step durations by plugin step, queue depth, HTTP "
            "requests by route template and status with a latency histogram. Text format 0.0.4.",
            {},
            std::nullopt,
            {ResponseDoc{200, "Prometheus text exposition format.", Json{{"type", "string"}}, "text/plain"}}},
      Route{"GET",
            "/api/v1/summary",
            Role::Viewer,
            get_summary,
            "Overview numbers",
            "What the console's Overview shows, computed on the server with bounded work: runs created per minute "
            "over the last 60 minutes; the runs created in the last hour and the last 24 hours by how they stand "
            "(failure_rate: failed over finished, null when none finished); the queue (queued, running, waiting); "
            "the nodes known by the runs their leases hold (a node holding nothing is not listed; its last heartbeat "
            "was its latest lease expiry minus LINKHUB_LEASE); the 10 slowest plugin steps by p95 over the steps of "
            "the runs created in the last 24 hours (at most 20,000 step rows: truncated says when more were "
            "there); and, for the last `days` UTC days, products added and orders (catalog.stats) and WhatsApp "
            "messages in and out (whatsapp.stats). A plugin that is not loaded or fails leaves its part as "
            "{available: false, error: {code, message}}; the rest of the answer stands.",
            {},
            std::nullopt,
            {ok(200, "The numbers.", ref("Summary"))}},
      Route{"GET",
            "/api/v1/openapi.json",
            Role::Public,
            openapi,
            "This document",
            "The OpenAPI 3 description of every route, built from the server's route table.",
            {},
            std::nullopt,
            {ok(200, "An OpenAPI 3.0 document.", Json{{"type", "object"}})}},
      Route{"GET",
            "/api/v1/workflows",
            Role::Viewer,
            list_workflows,
            "List workflows",
            "The workflows the cluster offers (registered from files at start by any node, or through PUT), with "
            "the status of each one's latest run.",
            {},
            std::nullopt,
            {ok(200, "The workflows, by name.", ref("WorkflowList"))}},
      Route{
          "POST",
          "/api/v1/workflows/validate",
          Role::Viewer,
          validate_workflow_body,
          "Validate a workflow",
          "Lints YAML the way `linkhub validate --format json` does, against the plugins loaded here. The "
          "answer is 200 whether or not the workflow is valid.",
          {},
          BodyDoc{{"application/json", "application/yaml", "application/x-yaml", "text/yaml", "text/plain"},
                  ref("ValidateRequest"),
                  "The YAML text as is, or JSON {\"yaml\": \"...\", \"file\": \"name\"}.",
                  Json{{"yaml", "name: hello\nsteps:\n  - id: say\n    uses: core.log\n    with: { message: hi }\n"}}},
          {ok(200, "The diagnostics; empty when valid.", ref("ValidateResult")), malformed, too_large,
           err(415, "The body is neither JSON nor YAML text.")}},
      Route{"GET",
            "/api/v1/workflows/{name}",
            Role::Viewer,
            get_workflow,
            "Show a workflow",
            "Its YAML source, its DAG (steps as nodes with their plugin step, needs as edges) and the JSON Schema "
            "of its inputs.",
            {},
            std::nullopt,
            {ok(200, "The workflow.", ref("WorkflowDetail")), err(404, "No workflow of this name is registered.")}},
      Route{
          "PUT",
          "/api/v1/workflows/{name}",
          Role::Admin,
          put_workflow,
          "Register or replace a workflow",
          "Validates the YAML as POST /api/v1/workflows/validate does and makes it the version new runs of "
          "this name start from, on every node. Runs already queued or running keep their version. Its cron "
          "schedules replace the previous version's. A version with the same content hash changes nothing.",
          {},
          BodyDoc{{"application/yaml", "application/x-yaml", "text/yaml", "text/plain", "application/json"},
                  ref("ValidateRequest"),
                  "The YAML text as is, or JSON {\"yaml\": \"...\"}. Its name must be the path's.",
                  Json{{"yaml", "name: hello\nsteps:\n  - id: say\n    uses: core.log\n    with: { message: hi }\n"}}},
          {ok(201, "Registered under a new name (or one that was deleted).", ref("Registered")),
           ok(200, "Replaced, or unchanged (status says which).", ref("Registered")), malformed,
           err(400, "The YAML's name is not the path's (name_mismatch)."), too_large,
           err(415, "The body is neither JSON nor YAML text."),
           err(422, "The workflow does not validate; details.diagnostics lists the problems.")}},
      Route{"DELETE",
            "/api/v1/workflows/{name}",
            Role::Admin,
            delete_workflow,
            "Delete a workflow",
            "New runs of this name are refused (404) and its cron schedules stop, on every node. Runs already "
            "queued or running finish on their version. A file with this name registers it again at a start "
            "only once the file's content changes.",
            {},
            std::nullopt,
            {ResponseDoc{204, "Deleted.", nullptr, "application/json"},
             err(404, "No workflow of this name is registered.")}},
      Route{"POST",
            "/api/v1/workflows/{name}/runs",
            Role::Operator,
            trigger_run,
            "Trigger a run",
            "Queues a run. With an Idempotency-Key header, a repeat returns the run the key made first. With "
            "?wait=30s the answer waits (at most 60 s) for the run to finish: 200 with the finished run, or 202 "
            "if it is still going at the deadline.",
            {ParamDoc{"wait", "Wait up to this long for the run to finish: 30s, 500ms, or seconds (max 60s).",
                      Json{{"type", "string"}}}},
            BodyDoc{{"application/json"},
                    ref("TriggerRequest"),
                    "The run's inputs; an empty body means none.",
                    Json{{"inputs", {{"title", "Linen shirt"}}}}},
            {ok(202, "Queued (or still running at the ?wait deadline).", ref("Accepted")),
             ok(200, "With ?wait: the finished run.", ref("RunDetail")), malformed,
             err(400, "Bad ?wait or Idempotency-Key."), err(404, "No workflow of this name is registered."), too_large,
             wrong_media, err(422, "The inputs fail the workflow's input declarations (the message names the input).")},
            {ParamDoc{"Idempotency-Key",
                      "Same key, same run: a repeat returns the run the key made first (1 to 200 "
                      "visible ASCII characters)."}}},
      Route{"POST",
            "/api/v1/hooks/{workflow}",
            Role::Public,
            webhook_run,
            "Webhook trigger",
            "Starts a run of a workflow that declares `triggers: - webhook: {secret: NAME}`. The request is "
            "signed: X-Linkhub-Signature is sha256= and the hex HMAC-SHA256, keyed with the configured secret "
            "NAME, of \"<X-Linkhub-Timestamp>.<raw body>\". A JSON object body becomes the run's inputs (or, with "
            "`input: X`, the whole body is input X). A replay of a delivery inside the timestamp window answers "
            "200 with the run the first one made.",
            {},
            BodyDoc{{"application/json"},
                    Json{{"type", "object"}},
                    "The event, as the sender sends it.",
                    Json{{"order", 1042}, {"total", 59.5}}},
            {ok(202, "Run queued.", ref("Accepted")),
             ok(200, "A replay: the run its first delivery made.", ref("Accepted")),
             err(400, "The body is not JSON, or not an object where the body's fields are the inputs."),
             err(401,
                 "Signature or timestamp header missing or malformed (missing_signature, malformed_signature, "
                 "missing_timestamp, malformed_timestamp), the timestamp outside the tolerance "
                 "(stale_timestamp), or a wrong signature (bad_signature)."),
             err(404, "No workflow of this name takes webhooks (the same answer whether or not it exists)."), too_large,
             wrong_media, err(422, "The inputs fail the workflow's input declarations (the message names the input).")},
            {ParamDoc{"X-Linkhub-Timestamp", "Unix seconds when the sender signed (default tolerance 300 s)."},
             ParamDoc{"X-Linkhub-Signature", "sha256=<hex HMAC-SHA256(secret, \"<timestamp>.<raw body>\")>."}}},
      Route{"GET",
            "/api/v1/whatsapp/webhook",
            Role::Public,
            whatsapp_handshake,
            "WhatsApp webhook verification",
            "Meta's subscription handshake for the WhatsApp Cloud API webhook: with hub.mode=subscribe and "
            "hub.verify_token equal to the secret WHATSAPP_VERIFY_TOKEN (compared in constant time), the answer "
            "is hub.challenge as text.",
            {ParamDoc{"hub.mode", "subscribe"}, ParamDoc{"hub.verify_token", "The verify token set in Meta's app."},
             ParamDoc{"hub.challenge", "Echoed back when the token is right."}},
            std::nullopt,
            {ResponseDoc{200, "The challenge, as text/plain.", Json{{"type", "string"}}, "text/plain"},
             err(403, "Wrong mode or token (verification_refused)."),
             err(503, "The whatsapp plugin is not loaded (plugin_unavailable).")}},
      Route{"POST",
            "/api/v1/whatsapp/webhook",
            Role::Public,
            whatsapp_delivery,
            "WhatsApp webhook delivery",
            "A delivery from the WhatsApp Cloud API, signed by Meta: X-Hub-Signature-256 is sha256= and the hex "
            "HMAC-SHA256 of the raw body keyed with the app secret (WHATSAPP_APP_SECRET). The whatsapp plugin "
            "stores its contacts, messages and statuses (a message seen before is dropped); each new message "
            "from a contact who has not opted out goes to the run waiting on its key (wa:<from>), else starts "
            "every workflow whose `whatsapp` trigger takes it. The runs are queued when the answer is sent.",
            {},
            BodyDoc{{"application/json"},
                    Json{{"type", "object"}},
                    "Meta's webhook payload, as sent.",
                    Json{{"object", "whatsapp_business_account"}, {"entry", Json::array()}}},
            {ok(200, "Stored and routed: counts of messages, statuses, duplicates, runs resumed and started.",
                Json{{"type", "object"}}),
             err(400, "The body is not a WhatsApp webhook payload (malformed_delivery)."),
             err(401, "X-Hub-Signature-256 missing (missing_signature) or wrong (bad_signature); nothing is stored."),
             too_large, err(503, "The whatsapp plugin is not loaded (plugin_unavailable).")},
            {ParamDoc{"X-Hub-Signature-256", "sha256=<hex HMAC-SHA256(app secret, raw body)>."}}},
      Route{"GET",
            "/api/v1/runs",
            Role::Viewer,
            list_runs,
            "List runs",
            "Newest first, in pages: pass next_cursor back as ?cursor for the next page.",
            {ParamDoc{"workflow", "Only runs of this workflow."},
             ParamDoc{"status", "Only runs with this status.",
                      Json{{"type", "string"},
                           {"enum", {"queued", "running", "waiting", "succeeded", "failed", "cancelled"}}}},
             int_query("since", "Only runs created at or after this time (ms since the epoch)."),
             int_query("until", "Only runs created before this time (ms since the epoch)."),
             int_query("limit", "Page size, 1 to 500 (default 50)."),
             ParamDoc{"cursor", "The next_cursor of the previous page (opaque)."}},
            std::nullopt,
            {ok(200, "A page of runs.", ref("RunList")), bad_param,
             err(400, "The cursor is not one this server gave out.")}},
      Route{"GET",
            "/api/v1/runs/stream",
            Role::Viewer,
            stream_runs,
            "Follow every run live (SSE)",
            "Server-Sent Events for lists of runs: each run-level event of any run (run.created, run.started, "
            "run.waiting, run.requeued, run.succeeded, ...) as `id: <time_ms>-<seq>-<run_id>` and `data: "
            "{type, run_id, seq, time_ms, run}`, where run is the run as it is now (as GET /api/v1/runs lists it). "
            "Without Last-Event-ID or ?after it starts from now. Events are read again for 2 s behind the newest "
            "one, so one committed late is still sent once; a reconnect with Last-Event-ID goes on after that id. "
            "Heartbeats, the hour's maximum and the stream caps are those of a run's stream.",
            {ParamDoc{"after", "Start after this event id (Last-Event-ID wins when both are sent)."},
             ParamDoc{"workflow", "Only runs of this workflow."}},
            std::nullopt,
            {ResponseDoc{200, "An event stream.", Json{{"type", "string"}}, "text/event-stream"},
             err(400, "Last-Event-ID or ?after is not an id this stream gave out (bad_parameter)."),
             err(503, "Too many event streams open (too_many_streams; Retry-After).")},
            {ParamDoc{"Last-Event-ID", "Resume after this event id (a reconnecting EventSource sends it)."}}},
      Route{"GET",
            "/api/v1/runs/{id}",
            Role::Viewer,
            get_run,
            "Show a run",
            "The run with its steps: status, attempts, timings, inputs, outputs and errors; foreach items nested "
            "under their step.",
            {},
            std::nullopt,
            {ok(200, "The run.", ref("RunDetail")), unknown_run}},
      Route{"GET",
            "/api/v1/runs/{id}/events",
            Role::Viewer,
            list_events,
            "A run's events",
            "Events in order, after a sequence number, a page at a time.",
            {int_query("after", "Only events with a larger seq (default 0)."),
             int_query("limit", "Page size, 1 to 1000 (default 100).")},
            std::nullopt,
            {ok(200, "A page of events.", ref("EventList")), bad_param, unknown_run}},
      Route{
          "GET",
          "/api/v1/runs/{id}/events/stream",
          Role::Viewer,
          stream_events,
          "Follow a run live (SSE)",
          "Server-Sent Events: each run event as `id: <seq>` and `data: <event JSON>`, live until the run "
          "finishes, then `event: end`. Comments (`: heartbeat`) keep idle connections open. Reconnecting with "
          "Last-Event-ID (or ?after) resumes after that event. A stream lasts at most an hour.",
          {int_query("after", "Start after this seq (Last-Event-ID wins when both are sent).")},
          std::nullopt,
          {ResponseDoc{200, "An event stream.", Json{{"type", "string"}}, "text/event-stream"}, bad_param, unknown_run},
          {ParamDoc{"Last-Event-ID", "Resume after this event seq (a reconnecting EventSource sends it)."}}},
      Route{"POST",
            "/api/v1/runs/{id}/cancel",
            Role::Operator,
            cancel_run,
            "Cancel a run",
            "A queued run is cancelled at once; a running one is flagged, and its node stops its steps.",
            {},
            std::nullopt,
            {ok(202, "Cancelled, or cancellation asked.", ref("Accepted")), unknown_run,
             err(409, "The run already finished.")}},
      Route{"POST",
            "/api/v1/runs/{id}/retry",
            Role::Operator,
            retry_run,
            "Retry a run",
            "Queues a finished run again: its failed and cancelled steps and everything downstream, or, with "
            "\"from\", that step and everything downstream of it. Other steps keep their outputs.",
            {},
            BodyDoc{{"application/json"}, ref("RetryRequest"), "Optional.", Json{{"from", "summary"}}},
            {ok(202, "Queued again.", ref("Accepted")), malformed, unknown_run, too_large, wrong_media,
             err(409, "The run has not finished, or nothing failed in it."),
             err(422, "The workflow has no step named by \"from\".")}},
      Route{"POST",
            "/api/v1/events/{key}",
            Role::Operator,
            deliver_wait_event,
            "Deliver an event to a waiting run",
            "Hands the body (any JSON; empty: {}) to the run whose `core.wait_for` step waits on {key} (the "
            "oldest, when several do). The event is stored and the run made runnable in one transaction; any "
            "node resumes it, and the step's output is {received: true, event, key, at}. An event for a key no "
            "run waits on is not kept. {key}: 1 to 200 letters, digits and . _ : @ + = -.",
            {},
            BodyDoc{{"application/json"}, Json::object(), "The event's payload.", Json{{"text", "2"}}},
            {ok(202, "Delivered: the run will go on.", ref("EventDelivered")),
             err(400, "The key is malformed (bad_key), or the body is not JSON."),
             err(404, "No run is waiting for this key (no_waiting_run)."), too_large, wrong_media}},
      Route{"GET",
            "/api/v1/dead-letters",
            Role::Viewer,
            list_dead_letters,
            "Dead letters",
            "Steps that exhausted their retries, newest first, with input and error.",
            {ParamDoc{"run", "Only this run's."}, int_query("limit", "At most this many, 1 to 1000 (default 50).")},
            std::nullopt,
            {ok(200, "Dead letters.", ref("DeadLetterList")), bad_param}},
      Route{"GET",
            "/api/v1/dead-letters/{run}/{step}",
            Role::Viewer,
            get_dead_letters,
            "Inspect a dead letter",
            "The dead letters of one step of one run (one per failed foreach item, else one): the input it was "
            "given, the error, the attempts, and whether it was requeued.",
            {},
            std::nullopt,
            {ok(200, "The step's dead letters.", ref("DeadLetterList")),
             err(404, "The run has no dead letter for this step.")}},
      Route{"POST",
            "/api/v1/dead-letters/{run}/{step}/requeue",
            Role::Operator,
            requeue_dead_letters,
            "Requeue a dead letter",
            "Queues the dead letter's run again: its failed steps (this one among them) and what depends on them "
            "run again with the same idempotency keys; foreach items that succeeded keep their outputs. The same "
            "as POST /api/v1/runs/{id}/retry without `from`.",
            {},
            std::nullopt,
            {ok(202, "Queued again.", ref("Accepted")), err(404, "The run has no dead letter for this step."),
             err(409, "The run is not finished (already requeued, or still going).")}},
      // Products live in the catalog plugin: these routes invoke its steps and answer 503 without it.
      Route{"GET",
            "/api/v1/products",
            Role::Viewer,
            list_products,
            "List and search products",
            "The catalog plugin's products (catalog.search), in pages: pass next_cursor back as ?cursor with the "
            "same other parameters for the next page. Without q, newest first; with q, best match first.",
            {ParamDoc{"q",
                      "Words that must all appear in title, tags, hashtags or description (whole words; case and "
                      "accents do not matter; at most 500 characters, 32 words)."},
             ParamDoc{"category",
                      "A category path: products in it and below it (`fashion` finds `fashion/shoes/...`, never "
                      "`fashionista`); Google taxonomy paths use ` > `."},
             ParamDoc{"category_id", "A category id: products in it and in every category below its path."},
             ParamDoc{"min_price", "Lowest price, inclusive, 0 to 1e12 (products without a price are left out).",
                      Json{{"type", "number"}, {"minimum", 0}}},
             ParamDoc{"max_price", "Highest price, inclusive, at least min_price.",
                      Json{{"type", "number"}, {"minimum", 0}}},
             ParamDoc{"currency", "Only prices in this ISO 4217 currency (any case)."},
             ParamDoc{"author", "Only products whose author_id or author is exactly this."},
             ParamDoc{"language", "Only this language: `es` matches `es` and `es-MX`."},
             ParamDoc{"source", "Only products from this source (`tiktok`)."},
             ParamDoc{"sort",
                      "relevance (needs q; the default with q), newest (the default without), price_asc, "
                      "price_desc (products without a price last).",
                      Json{{"type", "string"}, {"enum", {"relevance", "newest", "price_asc", "price_desc"}}}},
             int_query("limit", "Page size, 1 to 100 (default 20)."),
             ParamDoc{"cursor", "The next_cursor of the previous page (opaque; only valid with the same search)."},
             ParamDoc{"include_total", "true: also count every match (total).", Json{{"type", "boolean"}}}},
            std::nullopt,
            {ok(200, "A page of products (without price history).", ref("ProductList")),
             err(400,
                 "A parameter is malformed, out of range or unknown, min_price is above max_price, or the "
                 "cursor is not one given out for this search (details.parameter names it)."),
             no_catalog, err(502, "The catalog plugin answered something that is not a page of products.")}},
      Route{"POST",
            "/api/v1/products",
            Role::Operator,
            create_product,
            "Create a product by hand",
            "A product that comes from no video (catalog.upsert, with the same checks as an ingested one). "
            "`source` defaults to \"manual\"; without `video_id` one is made (from the Idempotency-Key when "
            "there is one). A body naming the source and video_id of an existing product updates it (200). "
            "Thumbnails, cover and video refer to artifacts by hash (POST /api/v1/uploads first); the answer "
            "carries signed urls for them. With an Idempotency-Key, a repeat of the same body answers the first "
            "product again with Idempotent-Replayed: true and changes nothing.",
            {},
            BodyDoc{{"application/json"},
                    Json{{"type", "object"}, {"description", "catalog.upsert's input (plugins/catalog/README.md)"}},
                    "The product.",
                    Json{{"title", "Handmade leather wallet"},
                         {"price", {{"amount", 35}, {"currency", "EUR"}}},
                         {"tags", {"wallet", "leather"}},
                         {"cover", {{"hash", "sha256:<the upload's hash>"}}}}},
            {ok(201, "Created.", ref("Product")),
             ok(200, "The product existed (same source and video_id): updated, or unchanged.", ref("Product")),
             err(400, "Malformed JSON, a body that is not an object, or a bad Idempotency-Key."),
             err(409, "The Idempotency-Key was used before with another body (idempotency_key_reused)."), too_large,
             wrong_media,
             err(422,
                 "The product is invalid (invalid_product: details.field names the field), or refers to an "
                 "artifact that is not stored (unknown_artifact)."),
             no_catalog, bad_catalog},
            {idempotency_key}},
      Route{"GET",
            "/api/v1/products/feed.csv",
            Role::Viewer,
            product_feed,
            "The catalog as a commerce feed",
            "Every product with a price, as CSV (RFC 4180, CRLF lines) in the columns of Meta's commerce catalog: "
            "id, title, description (the title when there is none), availability (in stock), condition (new), "
            "price (12.50 USD), link (the product's url, else its whatsapp_link), image_link (the signed media "
            "link of its first thumbnail, else of its cover) and brand (the author). A cell that starts with = + - "
            "or @ gets a leading ' so a spreadsheet never runs it as a formula. Give the URL to the shop's "
            "catalog as a scheduled data feed.",
            {},
            std::nullopt,
            {ResponseDoc{200, "The feed.", Json{{"type", "string"}}, "text/csv"}, no_catalog,
             err(502, "The catalog plugin answered something that is not a page of products.")}},
      Route{"GET",
            "/api/v1/products/{id}",
            Role::Viewer,
            get_product,
            "Show a product",
            "One product (catalog.get) with its price history, oldest first, and the current paths of its "
            "thumbnails and video in the artifact store.",
            {},
            std::nullopt,
            {ok(200, "The product.", ref("ProductDetail")), bad_id, unknown_product, no_catalog, bad_catalog}},
      Route{"PATCH",
            "/api/v1/products/{id}",
            Role::Operator,
            update_product,
            "Edit a product",
            "Changes title, description, price, category or tags (catalog.update): each field given replaces the "
            "stored one whole, null removes it (tags: null means no tags); fields left out are kept. The edited "
            "product passes the same checks as an ingested one; a price change is recorded in its history. With "
            "an Idempotency-Key, a repeat returns the first answer and changes nothing.",
            {},
            BodyDoc{{"application/json", "application/merge-patch+json"},
                    ref("ProductPatch"),
                    "The fields to change.",
                    Json{{"title", "Red trail sneakers"}, {"price", {{"amount", 49.99}, {"currency", "USD"}}}}},
            {ok(200, "The product as it is now.", ref("Product")),
             err(400,
                 "Malformed JSON, a field of the wrong type or one that cannot be edited, an empty patch, or a "
                 "bad id or Idempotency-Key (details.field or details.parameter names it)."),
             unknown_product, err(409, "The Idempotency-Key was used before with another request."), too_large,
             wrong_media,
             err(422,
                 "The edit would make the product invalid (too long a title, a bad currency, ...); "
                 "details.field names the first field, details.fields all of them."),
             no_catalog, bad_catalog},
            {idempotency_key}},
      Route{"DELETE",
            "/api/v1/products/{id}",
            Role::Operator,
            delete_product,
            "Delete a product",
            "Removes the product and its price history (catalog.delete). Its id is never given to another product.",
            {},
            std::nullopt,
            {ResponseDoc{204, "Deleted.", nullptr, "application/json"}, bad_id, unknown_product,
             err(409, "The Idempotency-Key was used before with another request."), no_catalog, bad_catalog},
            {idempotency_key}},
      // WhatsApp conversations live in the whatsapp plugin: these routes invoke its steps, 503 without it.
      Route{"GET",
            "/api/v1/conversations",
            Role::Viewer,
            list_conversations,
            "List WhatsApp conversations",
            "Contacts with at least one message (whatsapp.conversations), newest activity first: profile name, "
            "opt-out, the last message in one line with its status, messages in and out, and whether the 24-hour "
            "service window is open (free-form messages allowed, not only templates). Pass next_cursor back as "
            "?cursor with the same q for the next page.",
            {ParamDoc{"q", "Part of the wa_id or of the profile name (ASCII letters in any case; at most 200 bytes)."},
             int_query("limit", "Page size, 1 to 100 (default 50)."),
             ParamDoc{"cursor", "The next_cursor of the previous page (opaque)."}},
            std::nullopt,
            {ok(200, "A page of conversations.", ref("ConversationList")),
             err(400, "limit or q is out of range, or the cursor is not one given out (details.parameter names it)."),
             no_whatsapp, bad_whatsapp}},
      Route{"GET",
            "/api/v1/conversations/{wa_id}",
            Role::Viewer,
            get_conversation,
            "Show a WhatsApp conversation",
            "One contact and its messages in and out (whatsapp.conversation), newest first, each with its current "
            "status (received; accepted, sent, delivered, read, failed) and every status Meta reported with its "
            "time and error. Pass next_before back as ?before for older messages. {wa_id} is the contact's "
            "number in digits, country code first, no '+'.",
            {int_query("limit", "Messages per page, 1 to 100 (default 50)."),
             ParamDoc{"before", "The next_before of the previous page (opaque)."}},
            std::nullopt,
            {ok(200, "The contact and a page of its messages.", ref("Conversation")),
             err(400,
                 "wa_id is not digits, limit is out of range, or before is not a cursor given out "
                 "(details.parameter names it)."),
             err(404, "No contact has this wa_id (unknown_contact)."), no_whatsapp, bad_whatsapp}},
      // Orders live beside the catalog, in the catalog plugin (catalog.order_*).
      Route{"GET",
            "/api/v1/orders",
            Role::Viewer,
            list_orders,
            "List orders",
            "Customers' orders (catalog.order_list), newest first, a page at a time: pass next_cursor back as "
            "?cursor with the same other parameters.",
            {ParamDoc{"status", "Only orders in this status.",
                      Json{{"type", "string"}, {"enum", {"requested", "confirmed", "cancelled", "fulfilled"}}}},
             ParamDoc{"customer", "Only this customer's orders: the WhatsApp id (digits, a leading + is dropped)."},
             int_query("product", "Only orders of this product id."),
             int_query("limit", "Page size, 1 to 100 (default 20)."),
             ParamDoc{"cursor", "The next_cursor of the previous page (opaque; only valid with the same filters)."}},
            std::nullopt,
            {ok(200, "A page of orders, each with its status history.", ref("OrderList")),
             err(400,
                 "A parameter is malformed, out of range or unknown, or the cursor belongs to other filters "
                 "(details.parameter names it)."),
             no_catalog, err(502, "The catalog plugin answered something that is not a page of orders.")}},
      Route{"GET",
            "/api/v1/orders/{id}",
            Role::Viewer,
            get_order,
            "Show an order",
            "One order (catalog.order_get) by its id (42) or number (LH-000042), with its status history.",
            {},
            std::nullopt,
            {ok(200, "The order.", ref("Order")), err(400, "The id is neither an order id nor an order number."),
             err(404, "No order has this id (unknown_order)."), no_catalog,
             err(502, "The catalog plugin answered something that is not an order.")}},
      Route{
          "PATCH",
          "/api/v1/orders/{id}",
          Role::Operator,
          update_order,
          "Move an order on",
          "Changes an order's status (catalog.order_update): requested -> confirmed or cancelled, confirmed -> "
          "fulfilled or cancelled. The change, its note and who made it (the key or user) join the history.",
          {},
          BodyDoc{{"application/json", "application/merge-patch+json"},
                  ref("OrderPatch"),
                  "The new status and an optional note.",
                  Json{{"status", "confirmed"}, {"note", "paid by bank transfer"}}},
          {ok(200, "The order as it is now.", ref("Order")),
           err(400,
               "Malformed JSON, a missing or unknown field, a field of the wrong type, or a status that is "
               "not one (details.field names it)."),
           err(404, "No order has this id (unknown_order)."),
           err(409, "The order cannot go from its status to this one (invalid_transition: details.from, details.to)."),
           too_large, wrong_media, no_catalog,
           err(502, "The catalog plugin answered something that is not an order.")}},
      // Artifacts (thumbnails, videos) by content hash (HEAD, as on every GET route: the headers alone).
      artifact_route(),
      media_route(),
      upload_route(),
      Route{"GET",
            "/api/v1/plugins",
            Role::Viewer,
            list_plugins,
            "Plugins",
            "The loaded plugins with their versions and each step's input and output JSON Schemas, and the "
            "libraries that were skipped.",
            {},
            std::nullopt,
            {ok(200, "The plugins.", ref("PluginList"))}},
      Route{"POST",
            "/api/v1/auth/login",
            Role::Public,
            login,
            "Log in",
            "Exchanges a user's name and password (users are made with `linkhub users create`) for a short-lived "
            "access token (an HS256 JWT: send it as `Authorization: Bearer <token>`) and a refresh token. A wrong "
            "password and an unknown or disabled user get the same 401. Failed attempts are limited per client "
            "address (429).",
            {},
            BodyDoc{{"application/json"},
                    ref("LoginRequest"),
                    "The user's name and password.",
                    Json{{"username", "ada"}, {"password", "correct horse battery staple"}}},
            {ok(200, "Logged in.", ref("TokenPair")), malformed, too_large, wrong_media,
             err(401, "Wrong user name or password (invalid_credentials)."),
             err(429, "Too many failed attempts from this address (rate_limited; see Retry-After).")}},
      Route{"POST",
            "/api/v1/auth/refresh",
            Role::Public,
            refresh,
            "Refresh a login",
            "Exchanges a refresh token for a new access token and a new refresh token; the one sent is used up. "
            "Sending a used refresh token again revokes every token of that login (someone else may hold it).",
            {},
            BodyDoc{{"application/json"},
                    ref("RefreshRequest"),
                    "The latest refresh token.",
                    Json{{"refresh_token", "lhr_..."}}},
            {ok(200, "A new pair.", ref("TokenPair")), malformed, too_large, wrong_media,
             err(401,
                 "The refresh token is unknown, expired, revoked or already used (invalid_refresh_token, "
                 "refresh_token_expired, refresh_token_revoked, refresh_token_reused), or its user is "
                 "disabled."),
             err(429, "Too many failed attempts from this address.")}},
      Route{"POST",
            "/api/v1/auth/logout",
            Role::Public,
            logout,
            "Log out",
            "Revokes the refresh token and every other token of its login. Access tokens already handed out stay "
            "valid until they expire (access_token_ttl).",
            {},
            BodyDoc{{"application/json"},
                    ref("RefreshRequest"),
                    "The latest refresh token.",
                    Json{{"refresh_token", "lhr_..."}}},
            {ok(200, "Logged out.", Json{{"type", "object"}}), malformed, too_large, wrong_media,
             err(401, "The refresh token is not valid.")}},
      Route{"POST",
            "/api/v1/auth/session",
            Role::Public,
            session_login,
            "Sign in the console",
            "The web console's login: the user's name and password give an HttpOnly, SameSite=Strict cookie "
            "session (the access token in lh_session, the refresh token in lh_refresh, Secure over TLS) instead of "
            "tokens in the body. Requests signed in by the cookie that change something need the header "
            "X-Linkhub-Console: 1 and the server's own Origin (CSRF); this request too.",
            {},
            BodyDoc{{"application/json"},
                    ref("LoginRequest"),
                    "The user's name and password.",
                    Json{{"username", "ada"}, {"password", "correct horse battery staple"}}},
            {ok(200, "Signed in: the user, the role and the lifetimes; the tokens are in Set-Cookie.",
                Json{{"type", "object"}}),
             malformed, too_large, wrong_media, err(401, "Wrong user name or password (invalid_credentials)."),
             err(403, "No X-Linkhub-Console header, or another origin (csrf_refused)."),
             err(429, "Too many failed attempts from this address (rate_limited; see Retry-After).")},
            {ParamDoc{"X-Linkhub-Console", "1 (the CSRF defence)."}}},
      Route{"DELETE",
            "/api/v1/auth/session",
            Role::Public,
            session_logout,
            "Sign out the console",
            "Ends the cookie session's login (as /auth/logout) and clears both cookies.",
            {},
            std::nullopt,
            {ok(200, "Signed out.", Json{{"type", "object"}}),
             err(403, "No X-Linkhub-Console header, or another origin (csrf_refused).")},
            {ParamDoc{"X-Linkhub-Console", "1 (the CSRF defence)."}}},
      Route{"POST",
            "/api/v1/auth/session/refresh",
            Role::Public,
            session_refresh,
            "Renew the console session",
            "Exchanges the lh_refresh cookie for new cookies (as /auth/refresh): the console calls it when the "
            "access token's cookie has expired.",
            {},
            std::nullopt,
            {ok(200, "Renewed: new cookies in Set-Cookie.", Json{{"type", "object"}}),
             err(401, "No session cookie, or its refresh token is no longer valid (the cookies are cleared)."),
             err(403, "No X-Linkhub-Console header, or another origin (csrf_refused).")},
            {ParamDoc{"X-Linkhub-Console", "1 (the CSRF defence)."}}},
      Route{"GET",
            "/api/v1/auth/me",
            Role::Viewer,
            whoami,
            "Who am I",
            "The API key or user behind the credentials sent, with its role.",
            {},
            std::nullopt,
            {ok(200, "The caller.", ref("Principal"))}},
      Route{"GET",
            "/api/v1/keys",
            Role::Admin,
            list_keys,
            "List API keys",
            "Every API key, newest first, revoked ones too. Secrets are never shown again.",
            {},
            std::nullopt,
            {ok(200, "The keys.", ref("ApiKeyList"))}},
      Route{"POST",
            "/api/v1/keys",
            Role::Admin,
            create_key,
            "Create an API key",
            "Makes a key with a role. The answer holds the key itself, the only time it is shown: only its SHA-256 "
            "is stored.",
            {},
            BodyDoc{{"application/json"},
                    ref("CreateKeyRequest"),
                    "The key's role and what it is for.",
                    Json{{"role", "operator"}, {"name", "shop sync"}}},
            {ok(201, "Created; `key` is shown this once.", ref("CreatedApiKey")), malformed, too_large, wrong_media,
             err(422, "The role is not viewer, operator or admin (bad_role).")}},
      Route{"POST",
            "/api/v1/keys/{id}/revoke",
            Role::Admin,
            revoke_key,
            "Revoke an API key",
            "The key stops working at once on this node, and within seconds on the others (they re-read keys "
            "every 2 s).",
            {},
            std::nullopt,
            {ok(200, "Revoked.", ref("ApiKey")), err(404, "No key has this id (unknown_key)."),
             err(409, "The key was already revoked (key_revoked).")}},
      Route{"GET",
            "/api/v1/users",
            Role::Admin,
            list_users,
            "List users",
            "The users who can log in (made with `linkhub users create`), without their password hashes.",
            {},
            std::nullopt,
            {ok(200, "The users.", ref("UserList"))}},
      Route{"POST",
            "/api/v1/users",
            Role::Admin,
            create_user,
            "Create a user",
            "What `linkhub users create` does: a user who can sign in with this name and password. The password "
            "must have at least 12 characters; only its Argon2id hash is stored, and no answer, error or log line "
            "shows either.",
            {},
            BodyDoc{{"application/json"},
                    ref("CreateUserRequest"),
                    "The user's name, role and first password.",
                    Json{{"name", "grace"}, {"role", "operator"}, {"password", "a long passphrase"}}},
            {ok(201, "Created.", ref("User")), malformed, too_large, wrong_media,
             err(409, "A user with this name exists (user_exists)."),
             err(422,
                 "The name is not 1 to 64 letters, digits, '.', '_', '-', '@' (bad_name), the role is not viewer, "
                 "operator or admin (bad_role), or the password is too short (weak_password).")}},
      Route{"PATCH",
            "/api/v1/users/{name}",
            Role::Admin,
            update_user,
            "Change a user",
            "A new role, disabling or enabling, or a new password (any of them, at least one). Every change but "
            "enabling ends the user's logins: their refresh tokens are revoked and their access tokens refused "
            "(at once on this node, within seconds on the others). The last enabled admin user cannot be "
            "demoted or disabled (admin API keys do not count: they can be revoked).",
            {},
            BodyDoc{{"application/json"}, ref("UserChangeRequest"), "What to change.", Json{{"role", "viewer"}}},
            {ok(200, "Changed: the user as stored now.", ref("User")), malformed, too_large, wrong_media,
             err(404, "No user has this name (unknown_user)."),
             err(409, "The change would leave no enabled admin user (last_admin)."),
             err(422,
                 "The role is not viewer, operator or admin (bad_role), or the password is too short "
                 "(weak_password).")}},
  };
}

}  // namespace linkhub::http
