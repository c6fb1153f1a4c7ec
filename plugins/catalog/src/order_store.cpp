#include "order_store.hpp"

#include "money.hpp"
#include "sql_query.hpp"

#include <cctype>
#include <cstdio>
#include <map>

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr const char* kOrderColumns =
    "id, product_id, product_title, quantity, variant, unit_price_micros, currency, total_micros, customer_wa_id, "
    "customer_name, status, created_ms, updated_ms, run_id";

constexpr const char* kNumberPrefix = "LH-";

struct OrderRow {
  long long id = 0, product_id = 0, quantity = 0, unit = 0, total = 0, created = 0, updated = 0;
  std::string title, variant, currency, wa_id, name, status, run_id;
  soci::indicator title_null = soci::i_ok, variant_null = soci::i_ok, name_null = soci::i_ok, run_null = soci::i_ok;

  void bind(soci::statement& st) {
    st.exchange(soci::into(id));
    st.exchange(soci::into(product_id));
    st.exchange(soci::into(title, title_null));
    st.exchange(soci::into(quantity));
    st.exchange(soci::into(variant, variant_null));
    st.exchange(soci::into(unit));
    st.exchange(soci::into(currency));
    st.exchange(soci::into(total));
    st.exchange(soci::into(wa_id));
    st.exchange(soci::into(name, name_null));
    st.exchange(soci::into(status));
    st.exchange(soci::into(created));
    st.exchange(soci::into(updated));
    st.exchange(soci::into(run_id, run_null));
  }

  Order take() const {
    const auto optional = [](const std::string& value, soci::indicator ind) {
      return ind == soci::i_ok ? std::optional<std::string>(value) : std::nullopt;
    };
    Order o;
    o.id = id;
    o.product_id = product_id;
    o.product_title = optional(title, title_null);
    o.quantity = quantity;
    o.variant = optional(variant, variant_null);
    o.unit_micros = unit;
    o.currency = currency;
    o.total_micros = total;
    o.customer_wa_id = wa_id;
    o.customer_name = optional(name, name_null);
    o.status = status;
    o.created_ms = created;
    o.updated_ms = updated;
    o.run_id = optional(run_id, run_null);
    return o;
  }
};

Json optional_text(const std::optional<std::string>& value) {
  return value ? Json(*value) : Json();
}

Json money(int64_t micros, const std::string& currency) {
  return {{"amount", micros_to_amount(micros)}, {"currency", currency}};
}

}  // namespace

bool order_transition_allowed(const std::string& from, const std::string& to) {
  if (from == "requested") {
    return to == "confirmed" || to == "cancelled";
  }
  if (from == "confirmed") {
    return to == "fulfilled" || to == "cancelled";
  }
  return false;  // cancelled and fulfilled are final
}

void OrderStore::insert(Order& o) {
  SqlQuery q;
  q << "INSERT INTO catalog_orders (product_id, product_title, quantity, variant, unit_price_micros, currency, "
       "total_micros, customer_wa_id, customer_name, status, created_ms, updated_ms, run_id) VALUES (";
  q.bind(static_cast<long long>(o.product_id)) << ", ";
  q.bind(o.product_title) << ", ";
  q.bind(static_cast<long long>(o.quantity)) << ", ";
  q.bind(o.variant) << ", ";
  q.bind(static_cast<long long>(o.unit_micros)) << ", ";
  q.bind(o.currency) << ", ";
  q.bind(static_cast<long long>(o.total_micros)) << ", ";
  q.bind(o.customer_wa_id) << ", ";
  q.bind(o.customer_name) << ", ";
  q.bind(o.status) << ", ";
  q.bind(static_cast<long long>(o.created_ms)) << ", ";
  q.bind(static_cast<long long>(o.updated_ms)) << ", ";
  q.bind(o.run_id) << ") RETURNING id";
  long long id = 0;
  soci::statement st = q.prepare(sql_, [&](soci::statement& s) { s.exchange(soci::into(id)); });
  st.execute(true);
  o.id = id;
  for (const OrderChange& change : o.history) {
    append_history(o.id, change);
  }
}

std::optional<Order> OrderStore::find(int64_t id, bool for_update) {
  SqlQuery q;
  q << "SELECT " << kOrderColumns << " FROM catalog_orders WHERE id = ";
  q.bind(static_cast<long long>(id));
  if (for_update && dialect_ == Dialect::Postgres) {
    q << " FOR UPDATE";
  }
  OrderRow row;
  soci::statement st = q.prepare(sql_, [&](soci::statement& s) { row.bind(s); });
  if (!st.execute(true)) {
    return std::nullopt;
  }
  std::vector<Order> found{row.take()};
  load_history(found);
  return found.front();
}

std::vector<Order> OrderStore::list(const OrderFilter& f) {
  SqlQuery q;
  q << "SELECT " << kOrderColumns << " FROM catalog_orders WHERE 1 = 1";
  if (f.status) {
    q << " AND status = ";
    q.bind(*f.status);
  }
  if (f.customer_wa_id) {
    q << " AND customer_wa_id = ";
    q.bind(*f.customer_wa_id);
  }
  if (f.product_id) {
    q << " AND product_id = ";
    q.bind(static_cast<long long>(*f.product_id));
  }
  if (f.before_id) {
    q << " AND id < ";
    q.bind(static_cast<long long>(*f.before_id));
  }
  q << " ORDER BY id DESC LIMIT ";
  q.bind(static_cast<long long>(f.limit + 1));
  OrderRow row;
  soci::statement st = q.prepare(sql_, [&](soci::statement& s) { row.bind(s); });
  st.execute();
  std::vector<Order> orders;
  while (st.fetch()) {
    orders.push_back(row.take());
  }
  load_history(orders);
  return orders;
}

void OrderStore::change_status(int64_t id, const OrderChange& change) {
  SqlQuery q;
  q << "UPDATE catalog_orders SET status = ";
  q.bind(change.status) << ", updated_ms = ";
  q.bind(static_cast<long long>(change.at_ms)) << " WHERE id = ";
  q.bind(static_cast<long long>(id));
  q.execute(sql_);
  append_history(id, change);
}

void OrderStore::append_history(int64_t id, const OrderChange& change) {
  SqlQuery q;
  q << "INSERT INTO catalog_order_history (order_id, status, at_ms, note, by_whom) VALUES (";
  q.bind(static_cast<long long>(id)) << ", ";
  q.bind(change.status) << ", ";
  q.bind(static_cast<long long>(change.at_ms)) << ", ";
  q.bind(change.note) << ", ";
  q.bind(change.by) << ")";
  q.execute(sql_);
}

void OrderStore::load_history(std::vector<Order>& orders) {
  if (orders.empty()) {
    return;
  }
  std::map<long long, Order*> by_id;
  SqlQuery q;
  q << "SELECT order_id, status, at_ms, note, by_whom FROM catalog_order_history WHERE order_id IN (";
  for (size_t i = 0; i < orders.size(); ++i) {
    q << (i == 0 ? "" : ", ");
    q.bind(static_cast<long long>(orders[i].id));
    by_id[orders[i].id] = &orders[i];
  }
  q << ") ORDER BY order_id, id";
  long long order_id = 0, at = 0;
  std::string status, note, by;
  soci::indicator note_null = soci::i_ok, by_null = soci::i_ok;
  soci::statement st = q.prepare(sql_, [&](soci::statement& s) {
    s.exchange(soci::into(order_id));
    s.exchange(soci::into(status));
    s.exchange(soci::into(at));
    s.exchange(soci::into(note, note_null));
    s.exchange(soci::into(by, by_null));
  });
  st.execute();
  while (st.fetch()) {
    OrderChange change;
    change.status = status;
    change.at_ms = at;
    if (note_null == soci::i_ok) {
      change.note = note;
    }
    if (by_null == soci::i_ok) {
      change.by = by;
    }
    by_id.at(order_id)->history.push_back(std::move(change));
  }
}

std::string order_number(int64_t id) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%06lld", static_cast<long long>(id));
  return kNumberPrefix + std::string(digits);
}

std::optional<int64_t> order_id_from_number(const std::string& number) {
  const std::string prefix = kNumberPrefix;
  if (number.size() <= prefix.size() || number.size() > prefix.size() + 18) {
    return std::nullopt;
  }
  int64_t id = 0;
  for (size_t i = 0; i < number.size(); ++i) {
    const char c = number[i];
    if (i < prefix.size()) {
      if (std::toupper(static_cast<unsigned char>(c)) != prefix[i]) {  // "lh-" too
        return std::nullopt;
      }
      continue;
    }
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    id = id * 10 + (c - '0');
  }
  return id > 0 ? std::optional<int64_t>(id) : std::nullopt;
}

Json order_json(const Order& o) {
  Json history = Json::array();
  for (const OrderChange& change : o.history) {
    history.push_back({{"status", change.status},
                       {"at_ms", change.at_ms},
                       {"note", optional_text(change.note)},
                       {"by", optional_text(change.by)}});
  }
  return {{"id", o.id},
          {"number", order_number(o.id)},
          {"product_id", o.product_id},
          {"product_title", optional_text(o.product_title)},
          {"quantity", o.quantity},
          {"variant", optional_text(o.variant)},
          {"unit_price", money(o.unit_micros, o.currency)},
          {"total", money(o.total_micros, o.currency)},
          {"customer_wa_id", o.customer_wa_id},
          {"customer_name", optional_text(o.customer_name)},
          {"status", o.status},
          {"history", std::move(history)},
          {"created_ms", o.created_ms},
          {"updated_ms", o.updated_ms},
          {"run_id", optional_text(o.run_id)}};
}

}  // namespace linkhub::catalog
