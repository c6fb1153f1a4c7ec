#pragma once
// The handlers of the route table, one file per resource. Each is thin: it
// reads the request, calls an engine service, and shapes the answer.

#include "http/call.hpp"

namespace linkhub::http {

// handlers_workflows.cpp
Reply list_workflows(Call& call);
Reply get_workflow(Call& call);
Reply validate_workflow_body(Call& call);
Reply trigger_run(Call& call);
Reply put_workflow(Call& call);
Reply delete_workflow(Call& call);

// handlers_hooks.cpp
Reply webhook_run(Call& call);

// handlers_whatsapp.cpp
Reply whatsapp_handshake(Call& call);
Reply whatsapp_delivery(Call& call);

// handlers_runs.cpp
Reply list_runs(Call& call);
Reply get_run(Call& call);
Reply cancel_run(Call& call);
Reply retry_run(Call& call);
Reply list_dead_letters(Call& call);
Reply get_dead_letters(Call& call);
Reply requeue_dead_letters(Call& call);

// handlers_events.cpp (a run's own events)
Reply list_events(Call& call);
Reply stream_events(Call& call);

// handlers_runs_stream.cpp (every run's run-level events, for lists)
Reply stream_runs(Call& call);

// handlers_wait_events.cpp (events for runs waiting on a key: core.wait_for)
Reply deliver_wait_event(Call& call);

// handlers_summary.cpp (the console's Overview)
Reply get_summary(Call& call);

// handlers_products.cpp
Reply list_products(Call& call);
Reply get_product(Call& call);
Reply create_product(Call& call);
Reply update_product(Call& call);
Reply delete_product(Call& call);
// GET /api/v1/products/feed.csv: every priced product in Meta's commerce-catalog columns.
Reply product_feed(Call& call);

// handlers_orders.cpp (the catalog plugin's orders)
Reply list_orders(Call& call);
Reply get_order(Call& call);
Reply update_order(Call& call);

// handlers_conversations.cpp
Reply list_conversations(Call& call);
Reply get_conversation(Call& call);

// handlers_media.cpp
Reply get_artifact(Call& call);
Reply get_media(Call& call);

// handlers_uploads.cpp
Reply upload_media(Call& call);
// Before an upload's body is read: 503 without an artifact store or the media plugin.
std::optional<ApiError> uploads_ready(const Services& services);

// handlers_system.cpp
Reply list_plugins(Call& call);
Reply healthz(Call& call);
Reply readyz(Call& call);
Reply metrics(Call& call);
Reply openapi(Call& call);

// handlers_auth.cpp
Reply login(Call& call);
Reply refresh(Call& call);
Reply logout(Call& call);
Reply whoami(Call& call);
// The console's cookie session (session.hpp): sign in, renew, sign out.
Reply session_login(Call& call);
Reply session_refresh(Call& call);
Reply session_logout(Call& call);
Reply list_keys(Call& call);
Reply create_key(Call& call);
Reply revoke_key(Call& call);
Reply list_users(Call& call);

// handlers_users.cpp: an admin creates users and changes their role, password or disabling.
Reply create_user(Call& call);
Reply update_user(Call& call);

}  // namespace linkhub::http
