#pragma once
// Orders in SQL (catalog_orders and catalog_order_history), run inside the
// caller's transaction: a customer's request for a product, with the price
// it had when the order was made, and every status change.

#include "database_url.hpp"

#include <linkhub/plugin.hpp>

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace linkhub::catalog {

// The statuses an order goes through: requested -> confirmed -> fulfilled,
// and cancelled from requested or confirmed.
inline const std::vector<std::string>& order_statuses() {
  static const std::vector<std::string> all = {"requested", "confirmed", "cancelled", "fulfilled"};
  return all;
}

// Whether an order in `from` may become `to`.
bool order_transition_allowed(const std::string& from, const std::string& to);

struct OrderChange {
  std::string status;
  int64_t at_ms = 0;
  std::optional<std::string> note;
  std::optional<std::string> by;
};

struct Order {
  int64_t id = 0;
  int64_t product_id = 0;
  std::optional<std::string> product_title;
  int64_t quantity = 0;
  std::optional<std::string> variant;
  int64_t unit_micros = 0;
  std::string currency;
  int64_t total_micros = 0;
  std::string customer_wa_id;
  std::optional<std::string> customer_name;
  std::string status;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::optional<std::string> run_id;
  std::vector<OrderChange> history;  // oldest first
};

struct OrderFilter {
  std::optional<std::string> status;
  std::optional<std::string> customer_wa_id;
  std::optional<int64_t> product_id;
  std::optional<int64_t> before_id;  // the cursor: orders older than this one
  size_t limit = 20;
};

class OrderStore {
 public:
  OrderStore(soci::session& sql, Dialect dialect) : sql_(sql), dialect_(dialect) {}

  // Writes the order (its id is set) with its first history entry.
  void insert(Order& order);
  // for_update: PostgreSQL locks the row until the transaction ends.
  std::optional<Order> find(int64_t id, bool for_update);
  // Newest first, at most filter.limit + 1 (the extra one says another page follows).
  std::vector<Order> list(const OrderFilter& filter);
  // Sets the status and appends the change to the history.
  void change_status(int64_t id, const OrderChange& change);

 private:
  void append_history(int64_t id, const OrderChange& change);
  void load_history(std::vector<Order>& orders);

  soci::session& sql_;
  Dialect dialect_;
};

// "LH-000042": the number customers and sellers quote, derived from the id.
std::string order_number(int64_t id);
// The id in an order number ("LH-000042" -> 42); nullopt when it is not one.
std::optional<int64_t> order_id_from_number(const std::string& number);

// The order as every order step returns it.
sdk::Json order_json(const Order& order);

}  // namespace linkhub::catalog
