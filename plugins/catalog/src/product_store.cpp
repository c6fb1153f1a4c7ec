#include "product_store.hpp"

#include "clock.hpp"
#include "money.hpp"
#include "sql_query.hpp"

#include <utility>
#include <vector>

namespace linkhub::catalog {

using sdk::Json;

namespace {

std::optional<std::string> non_empty(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<long long> price_micros(const Product& p) {
  return p.price ? std::optional<long long>(p.price->micros) : std::nullopt;
}

std::optional<std::string> currency(const Product& p) {
  return p.price ? std::optional<std::string>(p.price->currency) : std::nullopt;
}

// PostgreSQL's search document: title weighs most, then tags, then description.
void bind_tsvector(SqlQuery& q, const Product& p) {
  q << "setweight(to_tsvector('simple'::regconfig, CAST(";
  q.bind(p.search_title);
  q << " AS text)), 'A') || setweight(to_tsvector('simple'::regconfig, CAST(";
  q.bind(p.search_tags);
  q << " AS text)), 'B') || setweight(to_tsvector('simple'::regconfig, CAST(";
  q.bind(p.search_description);
  q << " AS text)), 'C')";
}

}  // namespace

void ProductRow::bind(soci::statement& st, bool with_sort_key) {
  st.exchange(soci::into(id));
  st.exchange(soci::into(document));
  st.exchange(soci::into(version));
  st.exchange(soci::into(added_ms));
  st.exchange(soci::into(updated_ms));
  st.exchange(soci::into(run_id, run_id_null));
  st.exchange(soci::into(category_path, category_path_null));
  st.exchange(soci::into(price_micros, price_null));
  st.exchange(soci::into(currency, currency_null));
  if (with_sort_key) {
    st.exchange(soci::into(sort_key));
  }
}

StoredProduct ProductRow::take() const {
  StoredProduct p;
  p.id = id;
  p.document = Json::parse(document);
  p.version = version;
  p.added_ms = added_ms;
  p.updated_ms = updated_ms;
  if (run_id_null == soci::i_ok) {
    p.run_id = run_id;
  }
  if (category_path_null == soci::i_ok) {
    p.category_path = category_path;
  }
  if (price_null == soci::i_ok && currency_null == soci::i_ok) {
    p.price = Price{price_micros, currency};
  }
  return p;
}

std::optional<StoredProduct> ProductStore::find_one(const std::string& where,
                                                    const std::function<void(SqlQuery&)>& bind, bool for_update) {
  SqlQuery q;
  q << "SELECT " << kProductColumns
    << " FROM catalog_products p LEFT JOIN catalog_categories c ON c.id = p.category_id WHERE " << where;
  bind(q);
  if (for_update && dialect_ == Dialect::Postgres) {
    q << " FOR UPDATE OF p";
  }
  ProductRow row;
  soci::statement st = q.prepare(sql_, [&](soci::statement& s) { row.bind(s); });
  if (!st.execute(true)) {
    return std::nullopt;
  }
  return row.take();
}

std::optional<StoredProduct> ProductStore::find(const std::string& source, const std::string& video_id,
                                                bool for_update) {
  return find_one(
      "p.source = ",
      [&](SqlQuery& q) {
        q.bind(source);
        q << " AND p.video_id = ";
        q.bind(video_id);
      },
      for_update);
}

std::optional<StoredProduct> ProductStore::find(int64_t id, bool for_update) {
  return find_one(
      "p.id = ", [&](SqlQuery& q) { q.bind(static_cast<long long>(id)); }, for_update);
}

void ProductStore::save_category(const Product& product) {
  if (!product.category) {
    return;
  }
  SqlQuery q;
  q << "INSERT INTO catalog_categories (id, path) VALUES (";
  q.bind(product.category->id);
  q << ", ";
  q.bind(product.category->path);
  q << ") ON CONFLICT (id) DO UPDATE SET path = excluded.path WHERE catalog_categories.path <> excluded.path";
  q.execute(sql_);
}

void ProductStore::index(int64_t id, const Product& product, bool replace) {
  if (dialect_ == Dialect::Postgres) {
    return;  // the tsvector column is written with the row
  }
  if (replace) {
    SqlQuery del;
    del << "DELETE FROM catalog_products_fts WHERE rowid = ";
    del.bind(static_cast<long long>(id));
    del.execute(sql_);
  }
  SqlQuery q;
  q << "INSERT INTO catalog_products_fts (rowid, title, tags, description) VALUES (";
  q.bind(static_cast<long long>(id));
  q << ", ";
  q.bind(product.search_title);
  q << ", ";
  q.bind(product.search_tags);
  q << ", ";
  q.bind(product.search_description);
  q << ")";
  q.execute(sql_);
}

std::optional<int64_t> ProductStore::insert(const Product& p, int64_t now, const std::string& run_id) {
  const bool postgres = dialect_ == Dialect::Postgres;
  SqlQuery q;
  q << "INSERT INTO catalog_products (source, video_id, author, author_id, language, category_id, price_micros, "
       "currency, document, version, added_ms, updated_ms, run_id"
    << (postgres ? ", search_tsv" : "") << ") VALUES (";
  q.bind(p.source) << ", ";
  q.bind(p.video_id) << ", ";
  q.bind(p.author) << ", ";
  q.bind(p.author_id) << ", ";
  q.bind(p.language) << ", ";
  q.bind(p.category ? std::optional<std::string>(p.category->id) : std::nullopt) << ", ";
  q.bind(price_micros(p)) << ", ";
  q.bind(currency(p)) << ", ";
  q.bind(p.document.dump()) << ", 1, ";
  q.bind(static_cast<long long>(now)) << ", ";
  q.bind(static_cast<long long>(now)) << ", ";
  q.bind(non_empty(run_id));
  if (postgres) {
    q << ", ";
    bind_tsvector(q, p);
  }
  // DO NOTHING: a concurrent insert of the same product makes this one a no-op
  // (PostgreSQL waits for the other transaction) instead of an error.
  q << ") ON CONFLICT (source, video_id) DO NOTHING RETURNING id";
  long long id = 0;
  soci::statement st = q.prepare(sql_, [&](soci::statement& s) { s.exchange(soci::into(id)); });
  if (!st.execute(true)) {
    return std::nullopt;
  }
  save_category(p);
  index(id, p, false);
  return id;
}

void ProductStore::update(int64_t id, const Product& p, int64_t version, int64_t now, const std::string& run_id) {
  SqlQuery q;
  q << "UPDATE catalog_products SET author = ";
  q.bind(p.author) << ", author_id = ";
  q.bind(p.author_id) << ", language = ";
  q.bind(p.language) << ", category_id = ";
  q.bind(p.category ? std::optional<std::string>(p.category->id) : std::nullopt) << ", price_micros = ";
  q.bind(price_micros(p)) << ", currency = ";
  q.bind(currency(p)) << ", document = ";
  q.bind(p.document.dump()) << ", version = ";
  q.bind(static_cast<long long>(version)) << ", updated_ms = ";
  q.bind(static_cast<long long>(now)) << ", run_id = ";
  q.bind(non_empty(run_id));
  if (dialect_ == Dialect::Postgres) {
    q << ", search_tsv = ";
    bind_tsvector(q, p);
  }
  q << " WHERE id = ";
  q.bind(static_cast<long long>(id));
  q.execute(sql_);
  save_category(p);
  index(id, p, true);
}

bool ProductStore::remove(int64_t id) {
  SqlQuery q;
  q << "DELETE FROM catalog_products WHERE id = ";
  q.bind(static_cast<long long>(id));
  if (q.execute(sql_) == 0) {
    return false;
  }
  SqlQuery history;
  history << "DELETE FROM catalog_price_history WHERE product_id = ";
  history.bind(static_cast<long long>(id));
  history.execute(sql_);
  if (dialect_ == Dialect::Sqlite) {
    SqlQuery fts;
    fts << "DELETE FROM catalog_products_fts WHERE rowid = ";
    fts.bind(static_cast<long long>(id));
    fts.execute(sql_);
  }
  return true;
}

size_t ProductStore::reindex_all() {
  if (dialect_ == Dialect::Sqlite) {
    sql_ << "DELETE FROM catalog_products_fts";
  }
  size_t count = 0;
  long long after = 0;
  for (;;) {
    // A page at a time: nothing else runs on the session while a statement still fetches.
    std::vector<std::pair<long long, std::string>> page;
    {
      long long id = 0;
      std::string document;
      soci::statement st = (sql_.prepare << "SELECT id, document FROM catalog_products WHERE id > :a ORDER BY id "
                                            "LIMIT 500",
                            soci::use(after), soci::into(id), soci::into(document));
      st.execute(false);
      while (st.fetch()) {
        page.emplace_back(id, document);
      }
    }
    if (page.empty()) {
      return count;
    }
    for (const auto& [id, document] : page) {
      Product p;
      p.document = Json::parse(document, nullptr, false);  // unreadable: indexed without words
      index_words(p);
      if (dialect_ == Dialect::Postgres) {
        SqlQuery q;
        q << "UPDATE catalog_products SET search_tsv = ";
        bind_tsvector(q, p);
        q << " WHERE id = ";
        q.bind(id);
        q.execute(sql_);
      } else {
        index(id, p, false);
      }
      after = id;
      ++count;
    }
  }
}

void ProductStore::record_price(int64_t id, const std::optional<Price>& price, int64_t now, const std::string& run_id) {
  SqlQuery q;
  q << "INSERT INTO catalog_price_history (product_id, price_micros, currency, changed_ms, run_id) VALUES (";
  q.bind(static_cast<long long>(id)) << ", ";
  q.bind(price ? std::optional<long long>(price->micros) : std::nullopt) << ", ";
  q.bind(price ? std::optional<std::string>(price->currency) : std::nullopt) << ", ";
  q.bind(static_cast<long long>(now)) << ", ";
  q.bind(non_empty(run_id)) << ")";
  q.execute(sql_);
}

Json ProductStore::price_history(int64_t id) {
  SqlQuery q;
  q << "SELECT price_micros, currency, changed_ms, run_id FROM catalog_price_history WHERE product_id = ";
  q.bind(static_cast<long long>(id)) << " ORDER BY id";
  long long micros = 0;
  long long changed = 0;
  std::string code;
  std::string run;
  soci::indicator micros_null = soci::i_ok, code_null = soci::i_ok, run_null = soci::i_ok;
  soci::statement st = q.prepare(sql_, [&](soci::statement& s) {
    s.exchange(soci::into(micros, micros_null));
    s.exchange(soci::into(code, code_null));
    s.exchange(soci::into(changed));
    s.exchange(soci::into(run, run_null));
  });
  Json history = Json::array();
  st.execute();
  while (st.fetch()) {
    const bool priced = micros_null == soci::i_ok && code_null == soci::i_ok;
    history.push_back({{"amount", priced ? micros_to_amount(micros) : Json()},
                       {"currency", priced ? Json(code) : Json()},
                       {"at", iso8601_ms(changed)},
                       {"run_id", run_null == soci::i_ok ? Json(run) : Json()}});
  }
  return history;
}

Json product_json(const StoredProduct& p) {
  Json out = p.document;
  if (p.category_path && out["category"].is_object()) {
    out["category"]["path"] = *p.category_path;
  }
  out["product_id"] = p.id;
  out["version"] = p.version;
  out["added_at"] = iso8601_ms(p.added_ms);
  out["updated_at"] = iso8601_ms(p.updated_ms);
  out["run_id"] = p.run_id ? Json(*p.run_id) : Json();
  return out;
}

}  // namespace linkhub::catalog
