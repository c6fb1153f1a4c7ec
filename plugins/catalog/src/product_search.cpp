#include "product_search.hpp"

#include "product_store.hpp"
#include "sql_query.hpp"
#include "text_fold.hpp"

namespace linkhub::catalog {

using sdk::Json;

namespace {

// Relevance is compared as a whole number (score x 1e6) so a cursor repeats
// it exactly; floating-point scores would not survive the trip.
constexpr const char* kSqliteRank =
    "CAST(round(-bm25(catalog_products_fts, 10.0, 5.0, 1.0) * 1000000) AS INTEGER)";  // title, tags, description

struct Ordering {
  const char* key_desc;  // "DESC" or "ASC" for the sort key
  bool id_desc;
};

Ordering ordering(SortOrder sort) {
  switch (sort) {
    case SortOrder::kRelevance:
      return {"DESC", false};
    case SortOrder::kNewest:
      return {"DESC", true};
    case SortOrder::kPriceAsc:
      return {"ASC", false};
    case SortOrder::kPriceDesc:
      return {"DESC", false};
  }
  return {"DESC", true};
}

class SearchBuilder {
 public:
  SearchBuilder(Dialect dialect, const SearchRequest& r) : postgres_(dialect == Dialect::Postgres), r_(r) {}

  void sort_key(SqlQuery& q) const {
    switch (r_.sort) {
      case SortOrder::kRelevance:
        if (postgres_) {
          q << "CAST(round(CAST(ts_rank(p.search_tsv, plainto_tsquery('simple'::regconfig, CAST(";
          q.bind(words());
          q << " AS text))) AS numeric) * 1000000) AS BIGINT)";
        } else {
          q << "r.score";
        }
        return;
      case SortOrder::kNewest:
        q << "p.added_ms";
        return;
      case SortOrder::kPriceAsc:
        q << "COALESCE(p.price_micros, 9223372036854775807)";  // unpriced last
        return;
      case SortOrder::kPriceDesc:
        q << "COALESCE(p.price_micros, -1)";  // unpriced last
        return;
    }
  }

  // FROM ... WHERE ...: the products the search matches, whatever the page.
  void from_where(SqlQuery& q) const {
    q << " FROM catalog_products p";
    if (!r_.words.empty() && !postgres_) {
      q << " JOIN (SELECT rowid AS fts_id, " << kSqliteRank
        << " AS score FROM catalog_products_fts WHERE catalog_products_fts MATCH ";
      q.bind(fts5_query());
      q << ") r ON r.fts_id = p.id";
    }
    q << " LEFT JOIN catalog_categories c ON c.id = p.category_id WHERE 1 = 1";
    if (!r_.words.empty() && postgres_) {
      q << " AND p.search_tsv @@ plainto_tsquery('simple'::regconfig, CAST(";
      q.bind(words());
      q << " AS text))";
    }
    if (r_.category_id) {
      // The category and every category whose path continues its path.
      q << " AND EXISTS (SELECT 1 FROM catalog_categories f WHERE f.id = ";
      q.bind(*r_.category_id);
      q << " AND (c.path = f.path OR substr(c.path, 1, length(f.path) + 1) = f.path || '/'"
           " OR substr(c.path, 1, length(f.path) + 3) = f.path || ' > '))";
    }
    if (r_.category_path) {
      q << " AND (c.path = ";
      q.bind(*r_.category_path);
      q << " OR substr(c.path, 1, ";
      q.bind(static_cast<long long>(utf8_length(*r_.category_path) + 1));
      q << ") = ";
      q.bind(*r_.category_path + "/");
      q << " OR substr(c.path, 1, ";
      q.bind(static_cast<long long>(utf8_length(*r_.category_path) + 3));
      q << ") = ";
      q.bind(*r_.category_path + " > ");
      q << ")";
    }
    if (r_.price_min_micros) {
      q << " AND p.price_micros >= ";
      q.bind(static_cast<long long>(*r_.price_min_micros));
    }
    if (r_.price_max_micros) {
      q << " AND p.price_micros <= ";
      q.bind(static_cast<long long>(*r_.price_max_micros));
    }
    if (r_.currency) {
      q << " AND p.currency = ";
      q.bind(*r_.currency);
    }
    if (r_.author) {
      q << " AND (p.author_id = ";
      q.bind(*r_.author);
      q << " OR p.author = ";
      q.bind(*r_.author);
      q << ")";
    }
    if (r_.language) {
      q << " AND (p.language = ";
      q.bind(*r_.language);
      q << " OR substr(p.language, 1, ";
      q.bind(static_cast<long long>(r_.language->size() + 1));
      q << ") = ";
      q.bind(*r_.language + "-");
      q << ")";
    }
    if (r_.source) {
      q << " AND p.source = ";
      q.bind(*r_.source);
    }
  }

  // One page, plus one row to know whether another page follows.
  void page(SqlQuery& q) const {
    const Ordering o = ordering(r_.sort);
    q << "SELECT id, document, version, added_ms, updated_ms, run_id, category_path, price_micros, currency, "
         "sort_key FROM (SELECT "
      << kProductColumns << ", ";
    sort_key(q);
    q << " AS sort_key";
    from_where(q);
    q << ") s";
    if (r_.after) {
      const bool key_desc = std::string(o.key_desc) == "DESC";
      q << " WHERE (sort_key " << (key_desc ? "<" : ">") << " ";
      q.bind(static_cast<long long>(r_.after->sort_key));
      q << " OR (sort_key = ";
      q.bind(static_cast<long long>(r_.after->sort_key));
      q << " AND id " << (o.id_desc ? "<" : ">") << " ";
      q.bind(static_cast<long long>(r_.after->id));
      q << "))";
    }
    q << " ORDER BY sort_key " << o.key_desc << ", id " << (o.id_desc ? "DESC" : "ASC") << " LIMIT ";
    q.bind(static_cast<long long>(r_.limit + 1));
  }

  void count(SqlQuery& q) const {
    q << "SELECT COUNT(*)";
    from_where(q);
  }

 private:
  std::string words() const {
    std::string out;
    for (const std::string& w : r_.words) {
      out += (out.empty() ? "" : " ") + w;
    }
    return out;
  }
  // Each word a quoted FTS5 string, all required; folded words hold no '"'.
  std::string fts5_query() const {
    std::string out;
    for (const std::string& w : r_.words) {
      out += (out.empty() ? "\"" : " \"") + w + "\"";
    }
    return out;
  }

  bool postgres_;
  const SearchRequest& r_;
};

}  // namespace

Json search_products(soci::session& sql, Dialect dialect, const SearchRequest& request) {
  Json out = {{"items", Json::array()}, {"next_cursor", nullptr}};
  if (request.has_query && request.words.empty()) {
    if (request.include_total) {
      out["total"] = 0;
    }
    return out;  // a query of punctuation or emoji only: no word to find
  }
  const SearchBuilder builder(dialect, request);
  SqlQuery q;
  builder.page(q);
  ProductRow row;
  soci::statement st = q.prepare(sql, [&](soci::statement& s) { row.bind(s, true); });
  st.execute();
  size_t rows = 0;
  CursorPosition last;
  while (st.fetch()) {
    if (++rows > request.limit) {
      out["next_cursor"] = encode_cursor(last, request.sort_name, request.fingerprint);
      break;
    }
    out["items"].push_back(product_json(row.take()));
    last = {row.sort_key, row.id};
  }
  if (request.include_total) {
    SqlQuery c;
    builder.count(c);
    long long total = 0;
    soci::statement count = c.prepare(sql, [&](soci::statement& s) { s.exchange(soci::into(total)); });
    count.execute(true);
    out["total"] = total;
  }
  return out;
}

}  // namespace linkhub::catalog
