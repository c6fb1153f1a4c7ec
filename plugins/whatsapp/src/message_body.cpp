#include "message_body.hpp"

#include "phone.hpp"

#include <algorithm>
#include <set>

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

// The Cloud API's documented limits, in characters.
constexpr size_t kTextBody = 4096;
constexpr size_t kCaption = 1024;
constexpr size_t kInteractiveBody = 1024;
constexpr size_t kHeaderText = 60;
constexpr size_t kFooter = 60;
constexpr size_t kButtonTitle = 20;
constexpr size_t kButtonId = 256;
constexpr size_t kMaxButtons = 3;
constexpr size_t kListButton = 20;
constexpr size_t kMaxSections = 10;
constexpr size_t kMaxRows = 10;
constexpr size_t kSectionTitle = 24;
constexpr size_t kRowTitle = 24;
constexpr size_t kRowId = 200;
constexpr size_t kRowDescription = 72;
constexpr size_t kUrl = 2048;

[[noreturn]] void bad(const std::string& field, const std::string& why) {
  throw sdk::StepError(sdk::errors::invalid_input, "whatsapp.send: `" + field + "` " + why, false, {{"field", field}});
}

const Json& object_at(const Json& parent, const std::string& key, const std::string& field) {
  const auto it = parent.find(key);
  if (it == parent.end() || !it->is_object()) {
    bad(field, "must be an object");
  }
  return *it;
}

// A required (or, with `required` false, optional: "" when absent) string of at most `max` characters.
std::string text_at(const Json& parent, const std::string& key, const std::string& field, size_t max,
                    bool required = true) {
  const auto it = parent.find(key);
  if (it == parent.end() || it->is_null()) {
    if (required) {
      bad(field, "is required");
    }
    return {};
  }
  if (!it->is_string()) {
    bad(field, "must be a string");
  }
  const std::string value = it->get<std::string>();
  if (required && value.empty()) {
    bad(field, "must not be empty");
  }
  if (const size_t n = utf8_length(value); n > max) {
    bad(field, "must be at most " + std::to_string(max) + " characters, found " + std::to_string(n));
  }
  return value;
}

std::string link_at(const Json& parent, const std::string& key, const std::string& field) {
  const std::string link = text_at(parent, key, field, kUrl);
  if (link.rfind("https://", 0) != 0 && link.rfind("http://", 0) != 0) {
    bad(field, "must be an http(s) URL the Cloud API can fetch (for a stored artifact, its signed media link)");
  }
  return link;
}

void check_known(const Json& object, const std::vector<std::string>& known, const std::string& field) {
  for (const auto& [key, ignored] : object.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      bad(field.empty() ? key : field + "." + key, "is not a field of " + (field.empty() ? "the input" : field));
    }
  }
}

Json media(const Json& spec, const std::string& field, bool document) {
  check_known(spec,
              document ? std::vector<std::string>{"link", "artifact", "caption", "filename"}
                       : std::vector<std::string>{"link", "artifact", "caption"},
              field);
  Json out = Json::object();
  const bool has_link = spec.contains("link") && !spec["link"].is_null();
  const bool has_artifact = spec.contains("artifact") && !spec["artifact"].is_null();
  if (has_link == has_artifact) {
    bad(field, "needs exactly one of `link` (a URL) and `artifact` (a stored artifact's hash)");
  }
  if (has_link) {
    out["link"] = link_at(spec, "link", field + ".link");
  } else {
    // Resolved by the step: uploaded to the Cloud API, sent by its media id.
    const std::string hash = text_at(spec, "artifact", field + ".artifact", 71);
    if (hash.rfind("sha256:", 0) != 0 || hash.size() != 71 ||
        hash.find_first_not_of("0123456789abcdef", 7) != std::string::npos) {
      bad(field + ".artifact", "must be an artifact hash, sha256:<64 lower-case hex digits>");
    }
    out["artifact"] = hash;
  }
  if (const std::string caption = text_at(spec, "caption", field + ".caption", kCaption, false); !caption.empty()) {
    out["caption"] = caption;
  }
  if (document) {
    if (const std::string name = text_at(spec, "filename", field + ".filename", 240, false); !name.empty()) {
      out["filename"] = name;
    }
  }
  return out;
}

Json reply_buttons(const Json& spec, const std::string& field) {
  const auto it = spec.find("buttons");
  if (it == spec.end() || !it->is_array() || it->empty() || it->size() > kMaxButtons) {
    bad(field + ".buttons", "must be a list of 1 to 3 buttons {id, title}");
  }
  Json buttons = Json::array();
  std::set<std::string> ids;
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string at = field + ".buttons[" + std::to_string(i) + "]";
    const Json& button = (*it)[i];
    if (!button.is_object()) {
      bad(at, "must be an object {id, title}");
    }
    check_known(button, {"id", "title"}, at);
    const std::string id = text_at(button, "id", at + ".id", kButtonId);
    if (!ids.insert(id).second) {
      bad(at + ".id", "repeats the id '" + id + "': every button needs its own");
    }
    buttons.push_back(
        {{"type", "reply"}, {"reply", {{"id", id}, {"title", text_at(button, "title", at + ".title", kButtonTitle)}}}});
  }
  return buttons;
}

void add_footer(const Json& spec, const std::string& field, Json& interactive) {
  if (const std::string footer = text_at(spec, "footer", field + ".footer", kFooter, false); !footer.empty()) {
    interactive["footer"] = {{"text", footer}};
  }
}

void add_text_header(const Json& spec, const std::string& field, Json& interactive) {
  if (const std::string header = text_at(spec, "header", field + ".header", kHeaderText, false); !header.empty()) {
    interactive["header"] = {{"type", "text"}, {"text", header}};
  }
}

Json buttons_message(const Json& spec) {
  check_known(spec, {"body", "buttons", "header", "footer"}, "buttons");
  Json interactive{{"type", "button"},
                   {"body", {{"text", text_at(spec, "body", "buttons.body", kInteractiveBody)}}},
                   {"action", {{"buttons", reply_buttons(spec, "buttons")}}}};
  add_text_header(spec, "buttons", interactive);
  add_footer(spec, "buttons", interactive);
  return interactive;
}

Json product_message(const Json& spec) {
  check_known(spec, {"image", "body", "buttons", "footer"}, "product");
  Json interactive{{"type", "button"},
                   {"header", {{"type", "image"}, {"image", {{"link", link_at(spec, "image", "product.image")}}}}},
                   {"body", {{"text", text_at(spec, "body", "product.body", kInteractiveBody)}}},
                   {"action", {{"buttons", reply_buttons(spec, "product")}}}};
  add_footer(spec, "product", interactive);
  return interactive;
}

Json list_message(const Json& spec) {
  check_known(spec, {"body", "button", "sections", "header", "footer"}, "list");
  const auto sections = spec.find("sections");
  if (sections == spec.end() || !sections->is_array() || sections->empty() || sections->size() > kMaxSections) {
    bad("list.sections", "must be a list of 1 to 10 sections {title, rows}");
  }
  Json out_sections = Json::array();
  std::set<std::string> ids;
  size_t rows_total = 0;
  for (size_t s = 0; s < sections->size(); ++s) {
    const std::string at = "list.sections[" + std::to_string(s) + "]";
    const Json& section = (*sections)[s];
    if (!section.is_object()) {
      bad(at, "must be an object {title, rows}");
    }
    check_known(section, {"title", "rows"}, at);
    // The API wants a title on every section once there are several.
    const std::string title = text_at(section, "title", at + ".title", kSectionTitle, sections->size() > 1);
    const auto rows = section.find("rows");
    if (rows == section.end() || !rows->is_array() || rows->empty()) {
      bad(at + ".rows", "must be a list of at least one row {id, title, description}");
    }
    Json out_rows = Json::array();
    for (size_t r = 0; r < rows->size(); ++r) {
      const std::string row_at = at + ".rows[" + std::to_string(r) + "]";
      const Json& row = (*rows)[r];
      if (!row.is_object()) {
        bad(row_at, "must be an object {id, title, description}");
      }
      check_known(row, {"id", "title", "description"}, row_at);
      const std::string id = text_at(row, "id", row_at + ".id", kRowId);
      if (!ids.insert(id).second) {
        bad(row_at + ".id", "repeats the id '" + id + "': every row needs its own");
      }
      Json out_row{{"id", id}, {"title", text_at(row, "title", row_at + ".title", kRowTitle)}};
      if (const std::string d = text_at(row, "description", row_at + ".description", kRowDescription, false);
          !d.empty()) {
        out_row["description"] = d;
      }
      out_rows.push_back(std::move(out_row));
    }
    rows_total += rows->size();
    Json out_section{{"rows", std::move(out_rows)}};
    if (!title.empty()) {
      out_section["title"] = title;
    }
    out_sections.push_back(std::move(out_section));
  }
  if (rows_total > kMaxRows) {
    bad("list.sections", "may hold at most 10 rows in all, found " + std::to_string(rows_total));
  }
  Json interactive{
      {"type", "list"},
      {"body", {{"text", text_at(spec, "body", "list.body", kInteractiveBody)}}},
      {"action", {{"button", text_at(spec, "button", "list.button", kListButton)}, {"sections", out_sections}}}};
  add_text_header(spec, "list", interactive);
  add_footer(spec, "list", interactive);
  return interactive;
}

// Template parameters: a string is a text parameter; an object is passed as
// the API's parameter object ({type: currency, currency: {...}} ...).
Json parameters(const Json& list, const std::string& field) {
  if (!list.is_array()) {
    bad(field, "must be a list of parameters (strings, or the API's parameter objects)");
  }
  Json out = Json::array();
  for (size_t i = 0; i < list.size(); ++i) {
    const Json& p = list[i];
    const std::string at = field + "[" + std::to_string(i) + "]";
    if (p.is_string()) {
      out.push_back({{"type", "text"}, {"text", p}});
    } else if (p.is_object() && p.contains("type") && p["type"].is_string()) {
      out.push_back(p);
    } else {
      bad(at, "must be a string or an object with a `type`");
    }
  }
  return out;
}

Json template_message(const Json& spec) {
  check_known(spec, {"name", "language", "header", "body", "buttons"}, "template");
  Json components = Json::array();
  for (const char* part : {"header", "body"}) {
    if (const auto it = spec.find(part); it != spec.end() && !it->is_null()) {
      components.push_back({{"type", part}, {"parameters", parameters(*it, std::string("template.") + part)}});
    }
  }
  if (const auto it = spec.find("buttons"); it != spec.end() && !it->is_null()) {
    if (!it->is_array()) {
      bad("template.buttons", "must be a list of {index, sub_type, parameters}");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string at = "template.buttons[" + std::to_string(i) + "]";
      const Json& b = (*it)[i];
      if (!b.is_object()) {
        bad(at, "must be an object {index, sub_type, parameters}");
      }
      check_known(b, {"index", "sub_type", "parameters"}, at);
      const std::string sub_type = text_at(b, "sub_type", at + ".sub_type", 40, false);
      const auto index = b.find("index");
      if (index == b.end() || !index->is_number_integer() || index->get<int>() < 0 || index->get<int>() > 9) {
        bad(at + ".index", "must be the button's position, 0 to 9");
      }
      components.push_back({{"type", "button"},
                            {"sub_type", sub_type.empty() ? "quick_reply" : sub_type},
                            {"index", std::to_string(index->get<int>())},
                            {"parameters", parameters(b.value("parameters", Json::array()), at + ".parameters")}});
    }
  }
  Json out{{"name", text_at(spec, "name", "template.name", 512)},
           {"language", {{"code", text_at(spec, "language", "template.language", 40)}}}};
  if (!components.empty()) {
    out["components"] = std::move(components);
  }
  return out;
}

}  // namespace

const std::vector<std::string>& message_kinds() {
  static const std::vector<std::string> kinds = {"text", "image", "document", "buttons", "list", "product", "template"};
  return kinds;
}

size_t utf8_length(const std::string& text) {
  return static_cast<size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

MessageBody build_message_body(const Json& input) {
  if (!input.is_object()) {
    bad("input", "must be an object");
  }
  std::vector<std::string> known = message_kinds();
  known.insert(known.end(), {"to", "reply_to", "on_error"});  // on_error: send_step.cpp
  check_known(input, known, "");
  MessageBody out;
  std::string why;
  const std::string to_text = text_at(input, "to", "to", 40);
  const auto digits = e164_digits(to_text, why);
  if (!digits) {
    bad("to", why + " (an E.164 number such as +15551234567)");
  }
  out.to = *digits;
  for (const std::string& kind : message_kinds()) {
    if (input.contains(kind) && !input[kind].is_null()) {
      if (!out.kind.empty()) {
        bad(kind, "cannot be sent with `" + out.kind + "`: one message kind per step");
      }
      out.kind = kind;
    }
  }
  if (out.kind.empty()) {
    bad("input", "needs one message kind: text, image, document, buttons, list, product or template");
  }
  Json body{{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}, {"to", out.to}};
  const Json& spec = input[out.kind];
  if (out.kind == "text") {
    const Json text = spec.is_string() ? Json{{"body", spec}} : spec;
    if (!text.is_object()) {
      bad("text", "must be a string or {body, preview_url}");
    }
    check_known(text, {"body", "preview_url"}, "text");
    const auto preview = text.find("preview_url");
    if (preview != text.end() && !preview->is_boolean()) {
      bad("text.preview_url", "must be true or false");
    }
    body["type"] = "text";
    body["text"] = {{"body", text_at(text, "body", "text.body", kTextBody)},
                    {"preview_url", preview != text.end() && preview->get<bool>()}};
  } else if (out.kind == "image" || out.kind == "document") {
    body["type"] = out.kind;
    body[out.kind] = media(object_at(input, out.kind, out.kind), out.kind, out.kind == "document");
    out.artifact = body[out.kind].value("artifact", "");
  } else if (out.kind == "template") {
    body["type"] = "template";
    body["template"] = template_message(object_at(input, "template", "template"));
  } else {
    object_at(input, out.kind, out.kind);
    body["type"] = "interactive";
    body["interactive"] = out.kind == "buttons" ? buttons_message(spec)
                          : out.kind == "list"  ? list_message(spec)
                                                : product_message(spec);
  }
  if (const std::string reply_to = text_at(input, "reply_to", "reply_to", 512, false); !reply_to.empty()) {
    body["context"] = {{"message_id", reply_to}};
  }
  out.body = std::move(body);
  return out;
}

}  // namespace linkhub::whatsapp
