#pragma once
// GET /api/v1/products/feed.csv: the catalog as a CSV file in the columns of
// Meta's commerce catalog (a WhatsApp shop syncs it from a data feed URL).
// Plain functions over product answers, so they are tested without a server.

#include <linkhub/engine/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace linkhub::http {

// "id,title,description,availability,condition,price,link,image_link,brand\r\n"
std::string feed_header();

// One RFC 4180 field: quoted when it holds a comma, a quote or a line break
// (quotes doubled); a cell a spreadsheet would take for a formula (starting
// with = + - @, tab or carriage return) gets a leading apostrophe first.
std::string csv_field(std::string_view text);

// "12.50 USD" for {amount: 12.5, currency: "USD"}; nullopt without a price.
std::optional<std::string> feed_price(const Json& price);

// A product answer (with its media urls and whatsapp_link, when it has them)
// as one CSV line ending in CRLF; nullopt for a product without a price,
// which Meta's catalog refuses. `link` is the product's url, else its
// whatsapp_link; `image_link` its first thumbnail's url, else its cover's.
std::optional<std::string> feed_row(const Json& product);

}  // namespace linkhub::http
