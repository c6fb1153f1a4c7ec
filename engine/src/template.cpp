#include <linkhub/engine/template.hpp>

#include <cmath>
#include <cstdio>

namespace linkhub {

namespace {

constexpr std::string_view kOpen = "${{";
constexpr std::string_view kClose = "}}";

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

struct Segment {
  bool is_expr = false;
  std::string text;  // literal text, or the expression (trimmed)
};

// Splits "a ${{ x }} b" into literal and expression segments. The first "}}"
// after "${{" closes it (write `} }` inside Lua if you need the characters).
// On failure `problem` (when given) says what is wrong.
Result<std::vector<Segment>> split(std::string_view s, const std::string& pointer, TemplateProblem* problem = nullptr) {
  std::vector<Segment> out;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t open = s.find(kOpen, pos);
    if (open == std::string_view::npos) {
      out.push_back({false, std::string(s.substr(pos))});
      break;
    }
    if (open > pos) {
      out.push_back({false, std::string(s.substr(pos, open - pos))});
    }
    const size_t close = s.find(kClose, open + kOpen.size());
    if (close == std::string_view::npos) {
      std::string shown(s.substr(open, 40));
      if (problem != nullptr) {
        *problem = TemplateProblem::Unterminated;
      }
      return Error{"unterminated ${{ at " + (pointer.empty() ? std::string("/") : pointer) + ": '" + shown +
                   (s.size() - open > 40 ? "...'" : "'") + " has no closing }}"};
    }
    const std::string_view expr = trim(s.substr(open + kOpen.size(), close - open - kOpen.size()));
    if (expr.empty()) {
      if (problem != nullptr) {
        *problem = TemplateProblem::EmptyExpression;
      }
      return Error{"empty ${{ }} at " + (pointer.empty() ? std::string("/") : pointer)};
    }
    out.push_back({true, std::string(expr)});
    pos = close + kClose.size();
  }
  return out;
}

std::string as_text(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null:
      return "";
    case Json::value_t::string:
      return v.get<std::string>();
    case Json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case Json::value_t::number_float: {
      const double d = v.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
        return std::to_string(static_cast<int64_t>(d));
      }
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.15g", d);
      return buf;
    }
    default:
      return v.dump();
  }
}

}  // namespace

struct ValueTemplate::Node {
  enum class Kind { Constant, Expression, Interpolation, Object, Array } kind = Kind::Constant;
  Json constant;
  std::string pointer;
  std::vector<Segment> segments;                                             // Expression: one; Interpolation: many
  std::vector<std::pair<std::string, std::shared_ptr<const Node>>> members;  // Object
  std::vector<std::shared_ptr<const Node>> items;                            // Array

  bool is_constant() const { return kind == Kind::Constant; }
};

namespace {

using Node = ValueTemplate::Node;  // NOLINT: private type used only here

Result<std::shared_ptr<const Node>> compile_string(const std::string& s, const std::string& pointer) {
  auto node = std::make_shared<Node>();
  node->pointer = pointer;
  if (s.find(kOpen) == std::string::npos) {
    node->constant = s;
    return std::shared_ptr<const Node>(node);
  }
  auto segments = split(s, pointer);
  if (!segments) {
    return segments.error();
  }
  // Whitespace around a single template does not turn it into text.
  size_t exprs = 0;
  bool only_space = true;
  for (const auto& seg : *segments) {
    if (seg.is_expr) {
      ++exprs;
    } else if (!trim(seg.text).empty()) {
      only_space = false;
    }
  }
  if (exprs == 1 && only_space) {
    node->kind = Node::Kind::Expression;
    for (auto& seg : *segments) {
      if (seg.is_expr) {
        node->segments.push_back(std::move(seg));
      }
    }
  } else {
    node->kind = Node::Kind::Interpolation;
    node->segments = std::move(*segments);
  }
  return std::shared_ptr<const Node>(node);
}

Result<std::shared_ptr<const Node>> compile_node(const Json& value, const std::string& pointer) {
  if (value.is_string()) {
    return compile_string(value.get_ref<const std::string&>(), pointer);
  }
  auto node = std::make_shared<Node>();
  node->pointer = pointer;
  if (value.is_object()) {
    bool constant = true;
    for (const auto& [key, child] : value.items()) {
      auto c = compile_node(child, pointer + "/" + pointer_token(key));
      if (!c) {
        return c.error();
      }
      constant = constant && (*c)->is_constant();
      node->members.emplace_back(key, std::move(*c));
    }
    if (constant) {
      node->members.clear();
      node->constant = value;
    } else {
      node->kind = Node::Kind::Object;
    }
  } else if (value.is_array()) {
    bool constant = true;
    for (size_t k = 0; k < value.size(); ++k) {
      auto c = compile_node(value[k], pointer + "/" + std::to_string(k));
      if (!c) {
        return c.error();
      }
      constant = constant && (*c)->is_constant();
      node->items.push_back(std::move(*c));
    }
    if (constant) {
      node->items.clear();
      node->constant = value;
    } else {
      node->kind = Node::Kind::Array;
    }
  } else {
    node->constant = value;
  }
  return std::shared_ptr<const Node>(node);
}

Result<Json> evaluate(lua::Sandbox& sandbox, const lua::Bindings& bindings, const std::string& expr,
                      const std::string& pointer) {
  auto v = sandbox.eval_expression(expr, bindings);
  if (!v) {
    return Error{"expression `" + expr + "`" + (pointer.empty() ? "" : " at " + pointer) + ": " + v.error().message};
  }
  return std::move(*v);
}

Result<Json> render_node(const Node& node, lua::Sandbox& sandbox, const lua::Bindings& bindings) {
  switch (node.kind) {
    case Node::Kind::Constant:
      return node.constant;
    case Node::Kind::Expression:
      return evaluate(sandbox, bindings, node.segments[0].text, node.pointer);
    case Node::Kind::Interpolation: {
      std::string out;
      for (const auto& seg : node.segments) {
        if (!seg.is_expr) {
          out += seg.text;
          continue;
        }
        auto v = evaluate(sandbox, bindings, seg.text, node.pointer);
        if (!v) {
          return v;
        }
        out += as_text(*v);
      }
      return Json(std::move(out));
    }
    case Node::Kind::Object: {
      Json out = Json::object();
      for (const auto& [key, child] : node.members) {
        auto v = render_node(*child, sandbox, bindings);
        if (!v) {
          return v;
        }
        out[key] = std::move(*v);
      }
      return out;
    }
    case Node::Kind::Array: {
      Json out = Json::array();
      for (const auto& child : node.items) {
        auto v = render_node(*child, sandbox, bindings);
        if (!v) {
          return v;
        }
        out.push_back(std::move(*v));
      }
      return out;
    }
  }
  return Json();
}

void walk(const Node& node, const std::function<void(const std::string&, const std::string&)>& fn) {
  for (const auto& seg : node.segments) {
    if (seg.is_expr) {
      fn(node.pointer, seg.text);
    }
  }
  for (const auto& [key, child] : node.members) {
    walk(*child, fn);
  }
  for (const auto& child : node.items) {
    walk(*child, fn);
  }
}

}  // namespace

ValueTemplate::ValueTemplate() : root_(std::make_shared<Node>()) {}
ValueTemplate::~ValueTemplate() = default;
ValueTemplate::ValueTemplate(ValueTemplate&&) noexcept = default;
ValueTemplate& ValueTemplate::operator=(ValueTemplate&&) noexcept = default;
ValueTemplate::ValueTemplate(const ValueTemplate&) = default;
ValueTemplate& ValueTemplate::operator=(const ValueTemplate&) = default;

Result<ValueTemplate> ValueTemplate::compile(const Json& value) {
  auto root = compile_node(value, "");
  if (!root) {
    return root.error();
  }
  ValueTemplate out;
  out.root_ = std::move(*root);
  return out;
}

Result<ValueTemplate> ValueTemplate::compile_condition(const Json& value) {
  if (value.is_string() && value.get_ref<const std::string&>().find(kOpen) == std::string::npos) {
    const std::string_view expr = trim(value.get_ref<const std::string&>());
    if (expr.empty()) {
      return compile(Json(false));  // an empty condition is false
    }
    auto node = std::make_shared<Node>();
    node->kind = Node::Kind::Expression;
    node->segments.push_back({true, std::string(expr)});
    ValueTemplate out;
    out.root_ = std::move(node);
    return out;
  }
  return compile(value);
}

bool ValueTemplate::is_constant() const {
  return root_->is_constant();
}

void ValueTemplate::for_each_expression(const std::function<void(const std::string&, const std::string&)>& fn) const {
  walk(*root_, fn);
}

Result<Json> ValueTemplate::render(lua::Sandbox& sandbox, const lua::Bindings& bindings) const {
  return render_node(*root_, sandbox, bindings);
}

void scan_expressions(const Json& value, const std::function<void(const std::string&, const std::string&)>& fn,
                      const std::function<void(const std::string&, TemplateProblem, const std::string&)>& on_error) {
  std::function<void(const Json&, const std::string&)> visit = [&](const Json& v, const std::string& pointer) {
    if (v.is_string()) {
      const auto& s = v.get_ref<const std::string&>();
      if (s.find(kOpen) == std::string::npos) {
        return;
      }
      TemplateProblem problem = TemplateProblem::Unterminated;
      auto segments = split(s, pointer, &problem);
      if (!segments) {
        on_error(pointer, problem, segments.error().message);
        return;
      }
      for (const auto& seg : *segments) {
        if (seg.is_expr) {
          fn(pointer, seg.text);
        }
      }
    } else if (v.is_object()) {
      for (const auto& [key, child] : v.items()) {
        visit(child, pointer + "/" + pointer_token(key));
      }
    } else if (v.is_array()) {
      for (size_t k = 0; k < v.size(); ++k) {
        visit(v[k], pointer + "/" + std::to_string(k));
      }
    }
  };
  visit(value, "");
}

}  // namespace linkhub
