#pragma once
// YAML text -> yaml-cpp nodes, parsed by libyaml's event parser instead of
// yaml-cpp's own. yaml-cpp 0.7 (Debian 12) loops while allocating on some
// invalid input (a lone ",", yaml-cpp issue #1040), so its parser never sees
// untrusted text: libyaml reads the text, the nodes are built from its events
// with the bounds below applied while streaming, and yaml-cpp's Node stays the
// data model (marks included) for the code that reads the result.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub {

struct YamlLimits {
  size_t max_nodes = 100000;  // nodes in the text (aliases count as one each)
  size_t max_depth = 100;     // nesting of mappings and sequences
  size_t max_documents = 1;   // a second document is an error, not ignored
};

struct YamlReadError {
  enum class Kind { Syntax, TooLarge, ExtraDocument };
  Kind kind = Kind::Syntax;
  YAML::Mark mark;  // 0-based line and column in bytes, pos = byte offset
  std::string message;
};

struct YamlRead {
  YAML::Node root;  // Null when the text holds no document
  std::optional<YamlReadError> error;
};

// Never throws for any input, finishes in time linear in the text and memory
// bounded by the limits.
YamlRead read_yaml(std::string_view text, const YamlLimits& limits = {});

}  // namespace linkhub
