#pragma once
// Runs a catalog search: full text (SQLite FTS5 with bm25, PostgreSQL
// tsvector with ts_rank), filters, one of four sort orders, and keyset paging.

#include "database_url.hpp"
#include "search_request.hpp"

#include <linkhub/plugin.hpp>

#include <soci/soci.h>

namespace linkhub::catalog {

// {items: [product...], next_cursor: string|null, total?: integer}
sdk::Json search_products(soci::session& sql, Dialect dialect, const SearchRequest& request);

}  // namespace linkhub::catalog
