#include "http/product_feed.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>

namespace linkhub::http {
namespace {

std::string text_of(const Json& object, const char* key) {
  return object.is_object() && object.contains(key) && object[key].is_string() ? object[key].get<std::string>() : "";
}

std::string image_of(const Json& product) {
  if (product.contains("thumbnails") && product["thumbnails"].is_array()) {
    for (const Json& thumbnail : product["thumbnails"]) {
      if (const std::string url = text_of(thumbnail, "url"); !url.empty()) {
        return url;
      }
    }
  }
  if (const std::string url = text_of(product.value("cover", Json()), "url"); !url.empty()) {
    return url;
  }
  return text_of(product, "cover_url");
}

}  // namespace

std::string feed_header() {
  return "id,title,description,availability,condition,price,link,image_link,brand\r\n";
}

std::string csv_field(std::string_view text) {
  std::string cell;
  if (!text.empty() &&
      (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@' || text[0] == '\t' || text[0] == '\r')) {
    cell += '\'';
  }
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) {
    return cell;
  }
  std::string quoted = "\"";
  for (char c : cell) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  quoted += '"';
  return quoted;
}

std::optional<std::string> feed_price(const Json& price) {
  if (!price.is_object() || !price.contains("amount") || !price["amount"].is_number()) {
    return std::nullopt;
  }
  const std::string currency = text_of(price, "currency");
  const double amount = price["amount"].get<double>();
  if (currency.empty() || !std::isfinite(amount) || amount < 0) {
    return std::nullopt;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", amount);
  return std::string(text) + " " + currency;
}

std::optional<std::string> feed_row(const Json& product) {
  if (!product.is_object() || !product.contains("product_id") || !product["product_id"].is_number_integer()) {
    return std::nullopt;
  }
  const auto price = feed_price(product.value("price", Json()));
  if (!price) {
    return std::nullopt;
  }
  const std::string title = text_of(product, "title");
  std::string description = text_of(product, "description");
  if (description.empty()) {
    description = title;  // Meta requires a description
  }
  std::string link = text_of(product, "url");
  if (link.empty()) {
    link = text_of(product, "whatsapp_link");
  }
  const std::string fields[] = {std::to_string(product["product_id"].get<int64_t>()),
                                title,
                                description,
                                "in stock",
                                "new",
                                *price,
                                link,
                                image_of(product),
                                text_of(product, "author")};
  std::string line;
  for (size_t i = 0; i < std::size(fields); ++i) {
    line += (i == 0 ? "" : ",") + csv_field(fields[i]);
  }
  return line + "\r\n";
}

}  // namespace linkhub::http
