#include "yaml_reader.hpp"

#include <yaml.h>

#include <algorithm>
#include <map>
#include <vector>

namespace linkhub {
struct YamlMarkWriter;
}

// yaml-cpp has no public way to give a node its Mark (only its own parser
// does, through classes it does not install). YAML::as_if is declared a
// friend of YAML::Node for specialisations like this one, so a node built
// here carries the position of its text exactly as a parsed one would.
template <>
struct YAML::as_if<linkhub::YamlMarkWriter, void> {
  explicit as_if(const Node& node_) : node(node_) {}
  const Node& node;
  void operator()(const Mark& mark) const {
    node.EnsureNodeExists();
    node.m_pNode->set_mark(mark);
  }
};

namespace linkhub {
namespace {

// libyaml counts columns and offsets in characters; diagnostics count bytes
// (and lines by '\n' only, like the rest of the validator).
class Positions {
 public:
  explicit Positions(std::string_view text) : text_(text) {
    for (size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c == '\n') {
        line_starts_.push_back(i + 1);
      }
      if (c >= 0x80) {
        ascii_ = false;
      }
    }
    if (!ascii_) {
      for (size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
          char_offsets_.push_back(i);
        }
      }
    }
  }

  YAML::Mark from_char_index(size_t index) const {
    if (ascii_) {
      return from_byte_offset(index);
    }
    return from_byte_offset(index < char_offsets_.size() ? char_offsets_[index] : text_.size());
  }

  YAML::Mark from_byte_offset(size_t offset) const {
    offset = std::min(offset, text_.size());
    const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const size_t line = static_cast<size_t>(after - line_starts_.begin());
    const size_t start = line == 0 ? 0 : line_starts_[line - 1];
    YAML::Mark mark;
    mark.pos = static_cast<int>(offset);
    mark.line = static_cast<int>(line);
    mark.column = static_cast<int>(offset - start);
    return mark;
  }

 private:
  std::string_view text_;
  std::vector<size_t> line_starts_;   // byte offsets where lines 2, 3, ... start
  std::vector<size_t> char_offsets_;  // byte offset of each character (non-ASCII text only)
  bool ascii_ = true;
};

std::string text_of(const yaml_char_t* s) {
  return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

bool is_null_word(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

class Builder {
 public:
  Builder(std::string_view text, const YamlLimits& limits) : text_(text), limits_(limits), positions_(text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  }
  ~Builder() { yaml_parser_delete(&parser_); }
  Builder(const Builder&) = delete;
  Builder& operator=(const Builder&) = delete;

  YamlRead run() {
    for (;;) {
      yaml_event_t event;
      if (yaml_parser_parse(&parser_, &event) == 0) {
        syntax_error();
        break;
      }
      const bool done = event.type == YAML_STREAM_END_EVENT;
      const bool ok = handle(event);
      yaml_event_delete(&event);
      if (done || !ok) {
        break;
      }
    }
    if (result_.error) {
      result_.root = YAML::Node();
    }
    return std::move(result_);
  }

 private:
  struct Frame {
    YAML::Node node;
    std::string anchor;
    std::optional<YAML::Node> key;  // a mapping's key waiting for its value
  };

  bool fail(YamlReadError::Kind kind, const YAML::Mark& mark, std::string message) {
    result_.error = YamlReadError{kind, mark, std::move(message)};
    return false;
  }

  YAML::Mark mark_of(const yaml_mark_t& m) const { return positions_.from_char_index(m.index); }

  void syntax_error() {
    if (parser_.error == YAML_MEMORY_ERROR) {
      fail(YamlReadError::Kind::TooLarge, positions_.from_byte_offset(0), "YAML syntax error: out of memory");
      return;
    }
    if (parser_.error == YAML_READER_ERROR) {
      fail(YamlReadError::Kind::Syntax, positions_.from_byte_offset(parser_.problem_offset),
           "YAML syntax error: " + text_of(reinterpret_cast<const yaml_char_t*>(parser_.problem)));
      return;
    }
    const std::string problem = parser_.problem != nullptr ? parser_.problem : "invalid YAML";
    const std::string context = parser_.context != nullptr ? parser_.context : "";
    const YAML::Mark at = mark_of(parser_.problem_mark);
    // An unclosed bracket or quote is noticed where the text runs out or
    // something else starts; the mistake is the opener, so point there.
    const bool unclosed =
        context == "while parsing a flow sequence" || context == "while parsing a flow mapping" ||
        (context == "while scanning a quoted scalar" && problem.find("end of stream") != std::string::npos);
    if (unclosed) {
      const YAML::Mark opener = mark_of(parser_.context_mark);
      const char what = opener.pos >= 0 && static_cast<size_t>(opener.pos) < text_.size() ? text_[opener.pos] : '?';
      std::string message =
          what == '"' || what == '\'' ? "YAML syntax error: this quote '" : "YAML syntax error: this bracket '";
      message.push_back(what);
      message += "' is never closed (" + problem + " at line " + std::to_string(at.line + 1) + ", column " +
                 std::to_string(at.column + 1) + ")";
      fail(YamlReadError::Kind::Syntax, opener, std::move(message));
      return;
    }
    // ",", "]" or "}" where a value should be: say which character.
    const char here = at.pos >= 0 && static_cast<size_t>(at.pos) < text_.size() ? text_[at.pos] : '\0';
    if (problem == "did not find expected node content" && (here == ',' || here == ']' || here == '}')) {
      // (Whole literals: GCC 12 warns, wrongly, about appending to a short string here.)
      const char* message = here == ',' ? "YAML syntax error: ',' cannot start a value (quote text that starts with it)"
                            : here == ']'
                                ? "YAML syntax error: ']' cannot start a value (quote text that starts with it)"
                                : "YAML syntax error: '}' cannot start a value (quote text that starts with it)";
      fail(YamlReadError::Kind::Syntax, at, message);
      return;
    }
    fail(YamlReadError::Kind::Syntax, at,
         "YAML syntax error: " + problem + (context.empty() ? "" : " (" + context + ")"));
  }

  bool handle(const yaml_event_t& event) {
    const YAML::Mark mark = mark_of(event.start_mark);
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ > limits_.max_documents) {
          return fail(YamlReadError::Kind::ExtraDocument, mark,
                      "the file holds one YAML document; a second one starts here");
        }
        return true;
      case YAML_SCALAR_EVENT: {
        const auto& s = event.data.scalar;
        const std::string value(reinterpret_cast<const char*>(s.value), s.length);
        const std::string tag = text_of(s.tag);
        YAML::Node node;
        if (tag.empty() && s.style == YAML_PLAIN_SCALAR_STYLE && is_null_word(value)) {
          node = YAML::Node(YAML::NodeType::Null);
        } else {
          node = YAML::Node(value);
          // yaml-cpp's own tags: "?" for plain, "!" for quoted or block text.
          node.SetTag(!tag.empty() ? tag : s.style == YAML_PLAIN_SCALAR_STYLE ? "?" : "!");
        }
        return add(node, mark, text_of(s.anchor), false);
      }
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool map = event.type == YAML_MAPPING_START_EVENT;
        const yaml_char_t* tag = map ? event.data.mapping_start.tag : event.data.sequence_start.tag;
        const yaml_char_t* anchor = map ? event.data.mapping_start.anchor : event.data.sequence_start.anchor;
        YAML::Node node(map ? YAML::NodeType::Map : YAML::NodeType::Sequence);
        node.SetTag(tag != nullptr ? text_of(tag) : "?");
        return add(node, mark, text_of(anchor), true);
      }
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        if (!frame.anchor.empty()) {
          anchors_[frame.anchor] = frame.node;
        }
        return true;
      }
      case YAML_ALIAS_EVENT: {
        if (++nodes_ > limits_.max_nodes) {
          return fail(YamlReadError::Kind::TooLarge, mark,
                      "the file holds more than " + std::to_string(limits_.max_nodes) + " values");
        }
        const std::string name = text_of(event.data.alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end()) {
          return fail(YamlReadError::Kind::Syntax, mark,
                      "YAML syntax error: the alias *" + name + " refers to no anchor &" + name + " defined before it");
        }
        return attach(it->second);
      }
      default:
        return true;
    }
  }

  // A new node from the text: counted, positioned, attached to its parent.
  bool add(YAML::Node node, const YAML::Mark& mark, const std::string& anchor, bool container) {
    if (++nodes_ > limits_.max_nodes) {
      return fail(YamlReadError::Kind::TooLarge, mark,
                  "the file holds more than " + std::to_string(limits_.max_nodes) + " values");
    }
    if (stack_.size() > limits_.max_depth) {
      return fail(YamlReadError::Kind::TooLarge, mark,
                  "values nest more than " + std::to_string(limits_.max_depth) + " levels deep here");
    }
    const YAML::as_if<YamlMarkWriter, void> set_mark(node);
    set_mark(mark);
    attach(node);
    if (container) {
      stack_.push_back(Frame{node, anchor, std::nullopt});
    } else if (!anchor.empty()) {
      anchors_[anchor] = node;
    }
    return true;
  }

  // Collections are attached before they are filled, so each node joins
  // its parent's memory once, however deep it sits.
  bool attach(const YAML::Node& node) {
    if (stack_.empty()) {
      result_.root = node;
      return true;
    }
    Frame& parent = stack_.back();
    if (parent.node.IsSequence()) {
      parent.node.push_back(node);
    } else if (!parent.key) {
      parent.key = node;
    } else {
      // Duplicate keys are kept (force_insert) for the reader to report.
      parent.node.force_insert(*parent.key, node);
      parent.key.reset();
    }
    return true;
  }

  std::string_view text_;
  YamlLimits limits_;
  Positions positions_;
  yaml_parser_t parser_{};
  YamlRead result_;
  std::vector<Frame> stack_;
  std::map<std::string, YAML::Node> anchors_;
  size_t nodes_ = 0;
  size_t documents_ = 0;
};

}  // namespace

YamlRead read_yaml(std::string_view text, const YamlLimits& limits) {
  return Builder(text, limits).run();
}

}  // namespace linkhub
