// /api/v1/conversations: the whatsapp plugin's contacts and messages, through
// its steps (whatsapp.conversations, .conversation) invoked by the plugin
// host. The server reads no whatsapp table itself; without the plugin these
// answer 503.
#include "http/conversations.hpp"
#include "http/handlers.hpp"
#include "http/step_call.hpp"

namespace linkhub::http {
namespace {

ApiResult<Json> whatsapp_step(Call& call, const std::string& uses, const Json& input, const OutputCheck& problem_of) {
  return invoke_checked_step(call, uses, input, problem_of, conversation_failure);
}

}  // namespace

Reply list_conversations(Call& call) {
  auto input = conversations_input(call.target);
  if (!input) {
    return Reply::error(input.error());
  }
  auto output = whatsapp_step(call, "whatsapp.conversations", *input, conversations_output_problem);
  if (!output) {
    return Reply::error(output.error());
  }
  return Reply::json(200, std::move(*output));
}

Reply get_conversation(Call& call) {
  auto input = conversation_input(call.param("wa_id"), call.target);
  if (!input) {
    return Reply::error(input.error());
  }
  auto output = whatsapp_step(call, "whatsapp.conversation", *input, conversation_output_problem);
  if (!output) {
    return Reply::error(output.error());
  }
  return Reply::json(200, std::move(*output));
}

}  // namespace linkhub::http
