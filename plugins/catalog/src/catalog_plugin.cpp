// The catalog plugin: products from short videos, kept beside the runs in
// SQLite or PostgreSQL, searchable, with price history.
#include "catalog_database.hpp"
#include "delete_step.hpp"
#include "get_step.hpp"
#include "order_steps.hpp"
#include "search_step.hpp"
#include "stats_step.hpp"
#include "update_step.hpp"
#include "upsert_step.hpp"

LINKHUB_PLUGIN_WITH_STATE(
    "catalog", "1.0.0",
    "Product catalog on SQLite or PostgreSQL: exactly-once upserts keyed by source and video id, price "
    "history, full-text search with filters and cursor paging; customers' orders with their status history; counts per "
    "day for the console.",
    linkhub::catalog::CatalogDatabases, linkhub::catalog::UpsertStep, linkhub::catalog::GetStep,
    linkhub::catalog::SearchStep, linkhub::catalog::UpdateStep, linkhub::catalog::DeleteStep,
    linkhub::catalog::OrderCreateStep, linkhub::catalog::OrderGetStep, linkhub::catalog::OrderListStep,
    linkhub::catalog::OrderUpdateStep, linkhub::catalog::StatsStep)
