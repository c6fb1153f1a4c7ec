#include "sandbox/transcript.hpp"

#include <sstream>

namespace linkhub::sandbox {
namespace {

using Json = nlohmann::json;

std::string text_at(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Splits on newlines so a multi-line body stays aligned in the transcript.
void add_text(std::vector<std::string>& lines, const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
}

std::string media_line(const char* kind, const Json& media) {
  std::string line = std::string("[") + kind;
  if (const std::string filename = text_at(media, "filename"); !filename.empty()) {
    line += " " + filename;
  }
  if (const std::string link = text_at(media, "link"); !link.empty()) {
    line += " " + link;
  } else if (const std::string id = text_at(media, "id"); !id.empty()) {
    line += " media " + id;
  }
  return line + "]";
}

void render_interactive(const Json& interactive, std::vector<std::string>& lines) {
  const Json header = interactive.value("header", Json::object());
  if (header.value("type", "") == "image") {
    lines.push_back(media_line("image", header.value("image", Json::object())));
  } else if (const std::string text = text_at(header, "text"); !text.empty()) {
    lines.push_back("*" + text + "*");
  }
  add_text(lines, text_at(interactive.value("body", Json::object()), "text"));
  const Json action = interactive.value("action", Json::object());
  if (interactive.value("type", "") == "list") {
    lines.push_back("(" + text_at(action, "button") + ")");
    for (const Json& section : action.value("sections", Json::array())) {
      if (const std::string title = text_at(section, "title"); !title.empty()) {
        lines.push_back("  " + title + ":");
      }
      for (const Json& row : section.value("rows", Json::array())) {
        std::string line = "  - " + text_at(row, "title") + "  {" + text_at(row, "id") + "}";
        if (const std::string description = text_at(row, "description"); !description.empty()) {
          line += "  " + description;
        }
        lines.push_back(line);
      }
    }
  } else {
    std::string buttons;
    for (const Json& button : action.value("buttons", Json::array())) {
      const Json reply = button.value("reply", Json::object());
      buttons +=
          (buttons.empty() ? "" : " ") + std::string("[") + text_at(reply, "title") + "]{" + text_at(reply, "id") + "}";
    }
    if (!buttons.empty()) {
      lines.push_back(buttons);
    }
  }
  if (const std::string footer = text_at(interactive.value("footer", Json::object()), "text"); !footer.empty()) {
    lines.push_back("_" + footer + "_");
  }
}

void render_template(const Json& tpl, std::vector<std::string>& lines) {
  std::string line = "[template " + text_at(tpl, "name");
  if (const std::string language = text_at(tpl.value("language", Json::object()), "code"); !language.empty()) {
    line += " (" + language + ")";
  }
  lines.push_back(line + "]");
  for (const Json& component : tpl.value("components", Json::array())) {
    std::string values;
    for (const Json& parameter : component.value("parameters", Json::array())) {
      const std::string type = text_at(parameter, "type");
      const std::string text = type == "text" ? text_at(parameter, "text") : "<" + type + ">";
      values += (values.empty() ? "" : ", ") + text;
    }
    lines.push_back("  " + text_at(component, "type") + ": " + values);
  }
}

}  // namespace

std::vector<std::string> render_message(const Json& body) {
  std::vector<std::string> lines;
  const std::string type = body.is_object() ? body.value("type", "text") : std::string();
  if (type == "text") {
    add_text(lines, text_at(body.value("text", Json::object()), "body"));
  } else if (type == "image" || type == "document" || type == "video" || type == "audio") {
    const Json media = body.value(type, Json::object());
    lines.push_back(media_line(type.c_str(), media));
    add_text(lines, text_at(media, "caption"));
  } else if (type == "interactive") {
    render_interactive(body.value("interactive", Json::object()), lines);
  } else if (type == "template") {
    render_template(body.value("template", Json::object()), lines);
  } else {
    lines.push_back("[" + (type.empty() ? std::string("?") : type) + " message]");
  }
  if (lines.empty()) {
    lines.emplace_back();
  }
  return lines;
}

std::string transcript_entry(const std::string& speaker, const std::vector<std::string>& lines) {
  std::string out;
  const std::string indent(speaker.size(), ' ');
  for (size_t i = 0; i < lines.size(); ++i) {
    out += (i == 0 ? speaker : indent) + lines[i] + "\n";
  }
  return out;
}

}  // namespace linkhub::sandbox
