#pragma once
// whatsapp.send's input turned into the Cloud API's request body
// (POST /{version}/{phone-number-id}/messages), checked against the API's
// limits first so a message the API would refuse never leaves: text, image,
// document, reply buttons, list, product card, template. Pure: no I/O.

#include <linkhub/plugin.hpp>

#include <string>
#include <vector>

namespace linkhub::whatsapp {

// The message kinds whatsapp.send takes, one per call (the input key that names it).
const std::vector<std::string>& message_kinds();

struct MessageBody {
  std::string kind;  // "text", "image", "document", "buttons", "list", "product", "template"
  std::string to;    // the recipient's digits
  sdk::Json body;    // the request body, as Meta documents it
  // An image or document given by artifact hash: the body holds
  // {"artifact": hash} where the API wants {"id": media id} (see media_upload.hpp).
  std::string artifact;
};

// Throws sdk::StepError (invalid_input, permanent) naming the field and the
// limit when the input breaks one.
MessageBody build_message_body(const sdk::Json& input);

// The length in characters (UTF-8 code points) the API counts.
size_t utf8_length(const std::string& text);

}  // namespace linkhub::whatsapp
