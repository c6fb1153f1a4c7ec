#include "stats_step.hpp"

#include "clock.hpp"
#include "order_input.hpp"
#include "step_support.hpp"

#include <map>

namespace linkhub::catalog {

using sdk::Json;

namespace {

constexpr const char* kStats = "catalog.stats";
constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kDefaultDays = 14;
constexpr int64_t kMaxDays = 92;

Json per_day_schema() {
  return {{"type", "array"},
          {"items",
           {{"type", "object"},
            {"properties",
             {{"day", {{"type", "string"}, {"description", "YYYY-MM-DD (UTC)"}}}, {"count", {{"type", "integer"}}}}},
            {"required", {"day", "count"}}}}};
}

// Rows of `table` whose `column` (ms since the epoch) falls on each of `days`
// days ending with today's: one indexed range scan, grouped by day.
Json count_per_day(soci::session& sql, const std::string& table, const std::string& column, int64_t first_day,
                   int64_t days) {
  std::map<long long, long long> counts;
  long long day = 0, count = 0;
  const long long since = first_day * kDayMs;
  soci::statement st = (sql.prepare << "SELECT " + column + " / 86400000, COUNT(*) FROM " + table + " WHERE " + column +
                                           " >= :s GROUP BY " + column + " / 86400000",
                        soci::use(since), soci::into(day), soci::into(count));
  st.execute(false);
  while (st.fetch()) {
    counts[day] += count;
  }
  Json out = Json::array();
  for (int64_t d = first_day; d < first_day + days; ++d) {
    const auto it = counts.find(d);
    out.push_back({{"day", iso8601_ms(d * kDayMs).substr(0, 10)}, {"count", it == counts.end() ? 0 : it->second}});
  }
  return out;
}

}  // namespace

Json StatsStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"days", {{"type", "integer"}, {"minimum", 1}, {"maximum", kMaxDays}, {"default", kDefaultDays}}}}},
          {"additionalProperties", false}};
}

Json StatsStep::output_schema() {
  return {{"type", "object"},
          {"properties", {{"products_per_day", per_day_schema()}, {"orders_per_day", per_day_schema()}}},
          {"required", {"products_per_day", "orders_per_day"}}};
}

Json StatsStep::run(sdk::Context& ctx, const Json& input) {
  require_object(input, kStats);
  FieldErrors errors;
  check_known_fields(input, {"days"}, errors);
  const int64_t days = read_integer(input, "days", 1, kMaxDays, errors, false).value_or(kDefaultDays);
  errors.throw_if_any(kStats, "input");
  const int64_t first_day = now_ms() / kDayMs - (days - 1);
  CatalogDatabase& db = catalog_database(ctx, kStats);
  return db.read([&](soci::session& sql) {
    return Json{{"products_per_day", count_per_day(sql, "catalog_products", "added_ms", first_day, days)},
                {"orders_per_day", count_per_day(sql, "catalog_orders", "created_ms", first_day, days)}};
  });
}

}  // namespace linkhub::catalog
