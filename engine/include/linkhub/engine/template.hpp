#pragma once

#include <linkhub/engine/json.hpp>
#include <linkhub/engine/result.hpp>
#include <linkhub/lua/sandbox.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace linkhub {

// A JSON value whose strings may contain ${{ expr }} templates, compiled once.
// A string that is exactly one template keeps the expression's type (number,
// boolean, table -> object/array, nil -> null); text around or between
// templates makes it a string, with each value interpolated as text (tables as
// compact JSON, nil as the empty string).
class ValueTemplate {
 public:
  // Fails on an unterminated "${{" with the pointer and text of the string.
  static Result<ValueTemplate> compile(const Json& value);
  // A bare expression (as `if:` allows without ${{ }}) or a templated string.
  static Result<ValueTemplate> compile_condition(const Json& value);

  ValueTemplate();
  ~ValueTemplate();
  ValueTemplate(ValueTemplate&&) noexcept;
  ValueTemplate& operator=(ValueTemplate&&) noexcept;
  ValueTemplate(const ValueTemplate&);
  ValueTemplate& operator=(const ValueTemplate&);

  bool is_constant() const;
  // Calls fn(pointer, expression) for every expression, pointer relative to the value.
  void for_each_expression(const std::function<void(const std::string&, const std::string&)>& fn) const;

  // The error message names the pointer and the expression text; the caller adds the step and field.
  Result<Json> render(lua::Sandbox& sandbox, const lua::Bindings& bindings) const;

  struct Node;  // opaque: the compiled tree, defined in template.cpp

 private:
  std::shared_ptr<const Node> root_;
};

// What is wrong with a template string that cannot be split into text and expressions.
enum class TemplateProblem {
  Unterminated,     // a ${{ without its }}
  EmptyExpression,  // ${{ }} with nothing inside
};

// Calls fn(pointer, expression) for each ${{ }} in value without compiling; used by the validator.
// Templates that do not split are reported through on_error(pointer, problem, message).
void scan_expressions(const Json& value, const std::function<void(const std::string&, const std::string&)>& fn,
                      const std::function<void(const std::string&, TemplateProblem, const std::string&)>& on_error);

}  // namespace linkhub
