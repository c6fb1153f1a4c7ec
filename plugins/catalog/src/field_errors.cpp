#include "field_errors.hpp"

#include "text_fold.hpp"

#include <algorithm>

namespace linkhub::catalog {

namespace {

// The names `quoted` in backticks in `text`, appended to `out` once each.
void quoted_names(const std::string& text, sdk::Json& out) {
  for (size_t open = text.find('`'); open != std::string::npos;) {
    const size_t close = text.find('`', open + 1);
    if (close == std::string::npos) {
      break;
    }
    const std::string name = text.substr(open + 1, close - open - 1);
    if (!name.empty() && name.size() <= 200 && std::find(out.begin(), out.end(), sdk::Json(name)) == out.end()) {
      out.push_back(name);
    }
    open = text.find('`', close + 1);
  }
}

}  // namespace

void FieldErrors::throw_if_any(const std::string& step, const std::string& kind) const {
  if (problems_.empty()) {
    return;
  }
  std::string message = step + ": invalid " + kind + ": ";
  sdk::Json fields = sdk::Json::array();
  for (size_t i = 0; i < problems_.size(); ++i) {
    message += (i == 0 ? "" : "; ") + problems_[i];
    quoted_names(problems_[i], fields);
  }
  throw sdk::StepError(sdk::errors::invalid_input, message, false,
                       {{"step", step}, {"kind", kind}, {"fields", fields}, {"problems", problems_}});
}

std::string describe(const sdk::Json& value) {
  const auto shown = [&](size_t max_chars) {
    std::string text = value.dump();
    if (utf8_length(text) > max_chars) {
      std::string cut;
      for (size_t i = 0, chars = 0; i < text.size() && chars < max_chars; ++chars) {
        size_t next = i + 1;
        while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) {
          ++next;
        }
        cut += text.substr(i, next - i);
        i = next;
      }
      text = cut + "...";
    }
    return " (" + text + ")";
  };
  switch (value.type()) {
    case sdk::Json::value_t::null:
      return "null";
    case sdk::Json::value_t::boolean:
      return "a boolean" + shown(10);
    case sdk::Json::value_t::string:
      return "a string" + shown(40);
    case sdk::Json::value_t::number_integer:
    case sdk::Json::value_t::number_unsigned:
    case sdk::Json::value_t::number_float:
      return "a number" + shown(30);
    case sdk::Json::value_t::array:
      return "an array";
    case sdk::Json::value_t::object:
      return "an object";
    default:
      return "an unsupported value";
  }
}

std::string closest_name(const std::string& name, const std::vector<std::string>& known) {
  // Edit distance counting a swap of neighbours as one edit ("titel" -> "title"),
  // worth suggesting within a third of the name.
  const auto distance = [](const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) {
      d[i][0] = i;
    }
    for (size_t j = 0; j <= b.size(); ++j) {
      d[0][j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
      for (size_t j = 1; j <= b.size(); ++j) {
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.size()][b.size()];
  };
  std::string best;
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  for (const std::string& candidate : known) {
    const size_t d = distance(name, candidate);
    if (d < best_distance) {
      best = candidate;
      best_distance = d;
    }
  }
  return best;
}

}  // namespace linkhub::catalog
