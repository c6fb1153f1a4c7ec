#pragma once
// A SQL statement assembled piece by piece, its parameters bound by position
// (":p1", ":p2", ... in the order they are added), so optional filters can be
// added without a statement per combination. The query keeps the values, so
// it must outlive the soci::statement it prepares.

#include <soci/soci.h>

#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace linkhub::catalog {

class SqlQuery {
 public:
  SqlQuery& operator<<(std::string_view text) {
    text_ += text;
    return *this;
  }
  // Appends a placeholder for the value (NULL for nullopt).
  SqlQuery& bind(std::string value);
  SqlQuery& bind(long long value);
  SqlQuery& bind(const std::optional<std::string>& value);
  SqlQuery& bind(const std::optional<long long>& value);

  const std::string& text() const { return text_; }

  // Prepares the statement; `outputs` adds its into() exchanges. Run it with
  // execute(true) for one row or a change, or execute() then fetch() per row.
  soci::statement prepare(soci::session& sql, const std::function<void(soci::statement&)>& outputs = {});

  // Runs a statement without outputs and returns how many rows it changed.
  long long execute(soci::session& sql);

 private:
  struct Param {
    std::string text;
    long long number = 0;
    bool is_number = false;
    soci::indicator indicator = soci::i_ok;
  };
  SqlQuery& placeholder(Param param);

  std::string text_;
  std::deque<Param> params_;  // a deque: bound addresses stay valid as it grows
};

}  // namespace linkhub::catalog
