#pragma once
// Products in SQL: the statements behind every step, run inside the caller's
// transaction. Keeps the full-text index (SQLite FTS5 table or PostgreSQL
// tsvector column), the category taxonomy and the price history in step with
// each write.

#include "database_url.hpp"
#include "product.hpp"

#include <linkhub/plugin.hpp>

#include <soci/soci.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace linkhub::catalog {

class SqlQuery;

struct StoredProduct {
  int64_t id = 0;
  sdk::Json document;
  int64_t version = 0;
  int64_t added_ms = 0;
  int64_t updated_ms = 0;
  std::optional<std::string> run_id;         // the run that last changed it
  std::optional<std::string> category_path;  // the taxonomy's current path of its category
  std::optional<Price> price;
};

// The columns ProductRow reads, for statements that select products.
inline constexpr const char* kProductColumns =
    "p.id, p.document, p.version, p.added_ms, p.updated_ms, p.run_id, c.path AS category_path, p.price_micros, "
    "p.currency";

// Receives one selected product (kProductColumns, in order, then optionally a sort key).
struct ProductRow {
  long long id = 0, version = 0, added_ms = 0, updated_ms = 0, price_micros = 0, sort_key = 0;
  std::string document, run_id, category_path, currency;
  soci::indicator run_id_null = soci::i_ok, category_path_null = soci::i_ok, price_null = soci::i_ok,
                  currency_null = soci::i_ok;

  void bind(soci::statement& st, bool with_sort_key = false);
  StoredProduct take() const;
};

class ProductStore {
 public:
  ProductStore(soci::session& sql, Dialect dialect) : sql_(sql), dialect_(dialect) {}

  // for_update: PostgreSQL locks the row until the transaction ends (SQLite's writer lock already does).
  std::optional<StoredProduct> find(const std::string& source, const std::string& video_id, bool for_update);
  std::optional<StoredProduct> find(int64_t id, bool for_update);

  // The new product's id with version 1; nullopt when another transaction
  // inserted the same (source, video_id) first.
  std::optional<int64_t> insert(const Product& product, int64_t now_ms, const std::string& run_id);
  void update(int64_t id, const Product& product, int64_t version, int64_t now_ms, const std::string& run_id);
  // False when there was no such product.
  bool remove(int64_t id);

  // Appends a price history row (a null price: the product lost its price).
  void record_price(int64_t id, const std::optional<Price>& price, int64_t now_ms, const std::string& run_id);
  // [{amount, currency, at, run_id}], oldest first.
  sdk::Json price_history(int64_t id);
  // Indexes every product again from its stored document (index_words);
  // returns how many.
  size_t reindex_all();

 private:
  void save_category(const Product& product);
  void index(int64_t id, const Product& product, bool replace);
  std::optional<StoredProduct> find_one(const std::string& where, const std::function<void(SqlQuery&)>& bind,
                                        bool for_update);

  soci::session& sql_;
  Dialect dialect_;
};

// What the steps show of a product: its document, the taxonomy's current
// category path, and product_id, version, added_at, updated_at, run_id.
sdk::Json product_json(const StoredProduct& product);

}  // namespace linkhub::catalog
