#include "sql_query.hpp"

namespace linkhub::catalog {

SqlQuery& SqlQuery::placeholder(Param param) {
  params_.push_back(std::move(param));
  text_ += ":p" + std::to_string(params_.size());
  return *this;
}

SqlQuery& SqlQuery::bind(std::string value) {
  return placeholder(Param{std::move(value), 0, false, soci::i_ok});
}

SqlQuery& SqlQuery::bind(long long value) {
  return placeholder(Param{{}, value, true, soci::i_ok});
}

SqlQuery& SqlQuery::bind(const std::optional<std::string>& value) {
  return placeholder(Param{value.value_or(""), 0, false, value ? soci::i_ok : soci::i_null});
}

SqlQuery& SqlQuery::bind(const std::optional<long long>& value) {
  return placeholder(Param{{}, value.value_or(0), true, value ? soci::i_ok : soci::i_null});
}

soci::statement SqlQuery::prepare(soci::session& sql, const std::function<void(soci::statement&)>& outputs) {
  soci::statement st(sql);
  for (Param& p : params_) {
    if (p.is_number) {
      st.exchange(soci::use(p.number, p.indicator));
    } else {
      st.exchange(soci::use(p.text, p.indicator));
    }
  }
  if (outputs) {
    outputs(st);
  }
  st.alloc();
  st.prepare(text_);
  st.define_and_bind();
  return st;
}

long long SqlQuery::execute(soci::session& sql) {
  soci::statement st = prepare(sql);
  st.execute(true);
  return st.get_affected_rows();
}

}  // namespace linkhub::catalog
