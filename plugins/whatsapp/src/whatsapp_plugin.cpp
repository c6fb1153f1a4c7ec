// The whatsapp plugin: WhatsApp Cloud API sends, Meta's webhook deliveries,
// contacts and messages kept in the plugin's own tables.
#include "database.hpp"
#include "steps.hpp"

LINKHUB_PLUGIN_WITH_STATE("whatsapp", "1.0.0",
                          "WhatsApp Cloud API: exactly-once sends with the 24-hour window, opt-outs, pace and rate "
                          "held in the database; webhook verification and verified, deduplicated deliveries; wa.me "
                          "links; conversations and subscribers read back; messages per day.",
                          linkhub::whatsapp::Databases, linkhub::whatsapp::SendStep, linkhub::whatsapp::ReceiveStep,
                          linkhub::whatsapp::WebhookVerifyStep, linkhub::whatsapp::LinkStep,
                          linkhub::whatsapp::ConversationsStep, linkhub::whatsapp::ConversationStep,
                          linkhub::whatsapp::SubscribersStep, linkhub::whatsapp::StatsStep)
