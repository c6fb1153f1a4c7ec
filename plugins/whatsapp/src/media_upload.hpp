#pragma once
// An artifact from linkhub's store sent by the Cloud API's own media id: the
// file is uploaded (POST /{version}/{phone-number-id}/media, multipart) and
// the message names the id it gets, so a stored image needs no public URL.

#include "settings.hpp"

#include <linkhub/http_client.hpp>

#include <string>

namespace linkhub::whatsapp {

// Uploads the artifact `hash` (found through ctx.artifact_path) and returns
// its media id. Throws sdk::StepError: not_found when the store has no such
// artifact, invalid_input when it is too large, the Cloud API's errors as
// cloud_error maps them.
std::string upload_artifact(const sdk::Context& ctx, const sdk::http::Client& http, const Settings& settings,
                            const std::string& token, const std::string& hash);

}  // namespace linkhub::whatsapp
