#pragma once
// Names read out of a ${{ }} expression's Lua text, for the validator's
// checks (engine-internal).

#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace linkhub {

// A name read out of an expression: steps.X[.outputs.Y | .status] or inputs.Z.
struct Reference {
  enum class Kind { Step, Input } kind = Kind::Step;
  std::string name;    // X or Z
  std::string output;  // Y, when the expression reads steps.X.outputs.Y
  size_t begin = 0;    // where `steps` / `inputs` starts in the expression
  size_t end = 0;      // just past the last member read
};

inline bool ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// A small scanner over Lua expression text: skips strings and comments, and
// reads `steps.X`, `steps["X"]`, `.outputs.Y`, `.outputs["Y"]`, `inputs.Z`.
class ReferenceScanner {
 public:
  explicit ReferenceScanner(std::string_view text) : s_(text) {}

  std::vector<Reference> scan() {
    std::vector<Reference> out;
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '"' || c == '\'') {
        skip_quoted(c);
      } else if (c == '[' && long_bracket_level() >= 0) {
        skip_long_bracket();
      } else if (c == '-' && s_.substr(i_, 2) == "--") {
        i_ += 2;
        if (i_ < s_.size() && s_[i_] == '[' && long_bracket_level() >= 0) {
          skip_long_bracket();
        } else {
          while (i_ < s_.size() && s_[i_] != '\n') {
            ++i_;
          }
        }
      } else if (ident_char(c) && (i_ == 0 || (!ident_char(s_[i_ - 1]) && s_[i_ - 1] != '.' && s_[i_ - 1] != ':'))) {
        const size_t begin = i_;
        const std::string word = read_ident();
        if (word == "steps") {
          if (auto name = read_member()) {
            Reference ref{Reference::Kind::Step, *name, "", begin, 0};
            const size_t save = i_;
            if (auto field = read_member(); field && *field == "outputs") {
              if (auto output = read_member()) {
                ref.output = *output;
              }
            } else {
              i_ = save;
            }
            ref.end = i_;
            out.push_back(ref);
          }
        } else if (word == "inputs") {
          if (auto name = read_member()) {
            out.push_back(Reference{Reference::Kind::Input, *name, "", begin, i_});
          }
        }
      } else {
        ++i_;
      }
    }
    return out;
  }

 private:
  std::string read_ident() {
    const size_t start = i_;
    while (i_ < s_.size() && ident_char(s_[i_])) {
      ++i_;
    }
    return std::string(s_.substr(start, i_ - start));
  }

  void skip_space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) {
      ++i_;
    }
  }

  // `.name` or `["name"]` / `['name']`; nullopt (position kept) otherwise.
  std::optional<std::string> read_member() {
    const size_t save = i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == '.' && s_.substr(i_, 2) != "..") {
      ++i_;
      skip_space();
      if (i_ < s_.size() && (std::isalpha(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_')) {
        return read_ident();
      }
    } else if (i_ < s_.size() && s_[i_] == '[') {
      ++i_;
      skip_space();
      if (i_ < s_.size() && (s_[i_] == '"' || s_[i_] == '\'')) {
        const char q = s_[i_++];
        const size_t start = i_;
        while (i_ < s_.size() && s_[i_] != q && s_[i_] != '\\') {
          ++i_;
        }
        if (i_ < s_.size() && s_[i_] == q) {
          std::string name(s_.substr(start, i_ - start));
          ++i_;
          skip_space();
          if (i_ < s_.size() && s_[i_] == ']') {
            ++i_;
            return name;
          }
        }
      }
    }
    i_ = save;
    return std::nullopt;
  }

  void skip_quoted(char q) {
    ++i_;
    while (i_ < s_.size() && s_[i_] != q) {
      i_ += s_[i_] == '\\' ? 2 : 1;
    }
    ++i_;
  }

  // Level of a long bracket starting at i_ ("[[" = 0, "[==[" = 2), -1 if none.
  int long_bracket_level() const {
    size_t j = i_ + 1;
    int level = 0;
    while (j < s_.size() && s_[j] == '=') {
      ++level;
      ++j;
    }
    return j < s_.size() && s_[j] == '[' ? level : -1;
  }

  void skip_long_bracket() {
    const int level = long_bracket_level();
    const std::string close = "]" + std::string(static_cast<size_t>(level), '=') + "]";
    const size_t end = s_.find(close, i_ + 2 + static_cast<size_t>(level));
    i_ = end == std::string_view::npos ? s_.size() : end + close.size();
  }

  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace linkhub
