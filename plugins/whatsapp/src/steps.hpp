#pragma once
// The whatsapp plugin's steps (README.md has their table).

#include <linkhub/plugin.hpp>

namespace linkhub::whatsapp {

// Sends one message through the Cloud API, exactly once per idempotency key
// as far as the API allows, after the rules (opt-out, 24-hour window, pace, rate).
class SendStep : public sdk::Step {
 public:
  static constexpr const char* name = "send";
  static constexpr const char* description =
      "Sends a WhatsApp message (text, image, document, reply buttons, list, product card or template) through the "
      "Cloud API; returns its wamid. A retried step returns the recorded wamid without sending again.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;

 private:
  sdk::Json send(sdk::Context& ctx, const sdk::Json& input);
};

// A webhook delivery from Meta: the signature checked, contacts, messages and
// statuses stored, repeated deliveries dropped, opt-out words applied.
class ReceiveStep : public sdk::Step {
 public:
  static constexpr const char* name = "receive";
  static constexpr const char* description =
      "Verifies and stores one webhook delivery from Meta (X-Hub-Signature-256 with WHATSAPP_APP_SECRET): its "
      "messages as typed records keyed wa:<from>, its statuses, and how many were repeats.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

// The webhook subscription handshake (GET with hub.mode, hub.verify_token, hub.challenge).
class WebhookVerifyStep : public sdk::Step {
 public:
  static constexpr const char* name = "webhook_verify";
  static constexpr const char* description =
      "Answers Meta's webhook verification: ok with the challenge when mode is subscribe and the token equals "
      "WHATSAPP_VERIFY_TOKEN (compared in constant time).";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

// A wa.me click-to-chat link.
class LinkStep : public sdk::Step {
 public:
  static constexpr const char* name = "link";
  static constexpr const char* description =
      "Builds a wa.me click-to-chat link to a number (E.164), with an optional prefilled text.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

// The conversation list: contacts by latest activity, cursor-paged.
class ConversationsStep : public sdk::Step {
 public:
  static constexpr const char* name = "conversations";
  static constexpr const char* description =
      "Lists conversations (contacts with messages), newest activity first: name, opt-out, the last message, "
      "counts in and out, whether the 24-hour window is open; cursor-paged, optionally filtered by q.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

// One conversation: the contact and its messages, newest first, with statuses.
class ConversationStep : public sdk::Step {
 public:
  static constexpr const char* name = "conversation";
  static constexpr const char* description =
      "One contact's conversation: the contact and its messages in and out, newest first, each with its current "
      "status and every status Meta reported (with errors); paged backwards with `before`. not_found for an "
      "unknown wa_id.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

// Who an announcement may go to (never a contact who opted out), by wa_id, cursor-paged.
class SubscribersStep : public sdk::Step {
 public:
  static constexpr const char* name = "subscribers";
  static constexpr const char* description =
      "Lists the contacts an announcement may go to: not opted out, and opted in or having written to the number "
      "(opted_in_only: opted in only); by wa_id, cursor-paged, for a foreach of whatsapp.send templates.";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

// Messages in and out per UTC day, for the console's Overview (GET /api/v1/summary).
class StatsStep : public sdk::Step {
 public:
  static constexpr const char* name = "stats";
  static constexpr const char* description =
      "Messages received and sent on each of the last `days` UTC days (today included), oldest first, by each "
      "message's own time (Meta's timestamp for received ones, the send for sent ones).";
  static sdk::Json input_schema();
  static sdk::Json output_schema();
  sdk::Json run(sdk::Context& ctx, const sdk::Json& input) override;
};

}  // namespace linkhub::whatsapp
