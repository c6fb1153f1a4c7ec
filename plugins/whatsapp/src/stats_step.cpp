// whatsapp.stats: messages in and out per UTC day, so the server's Overview
// reads no whatsapp table (one range scan on whatsapp_messages_by_sent).
#include "database.hpp"
#include "settings.hpp"
#include "step_input.hpp"
#include "steps.hpp"
#include "store.hpp"

#include <ctime>
#include <map>

namespace linkhub::whatsapp {

using sdk::Json;

namespace {

constexpr long long kDayMs = 24LL * 3600 * 1000;
constexpr int kDefaultDays = 14;
constexpr int kMaxDays = 92;

// Day number (days since the epoch) -> "YYYY-MM-DD".
std::string utc_date(long long day) {
  const std::time_t t = static_cast<std::time_t>(day * 86400);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

}  // namespace

Json StatsStep::input_schema() {
  return {{"type", "object"},
          {"properties",
           {{"days",
             {{"type", "integer"},
              {"minimum", 1},
              {"maximum", kMaxDays},
              {"default", kDefaultDays},
              {"description", "How many UTC days, today included"}}}}},
          {"additionalProperties", false}};
}

Json StatsStep::output_schema() {
  return {{"type", "object"},
          {"properties",
           {{"messages_per_day",
             {{"type", "array"},
              {"items",
               {{"type", "object"},
                {"properties",
                 {{"day", {{"type", "string"}, {"description", "YYYY-MM-DD (UTC)"}}},
                  {"in", {{"type", "integer"}}},
                  {"out", {{"type", "integer"}}}}},
                {"required", {"day", "in", "out"}}}}}}}},
          {"required", {"messages_per_day"}}};
}

Json StatsStep::run(sdk::Context& ctx, const Json& input) {
  const std::string step = "whatsapp.stats";
  if (!input.is_object()) {
    throw sdk::StepError(sdk::errors::invalid_input, step + ": the input must be an object");
  }
  for (const auto& [key, value] : input.items()) {
    if (key != "days") {
      throw sdk::StepError(sdk::errors::invalid_input, step + ": `" + key + "` is not a field of " + step);
    }
  }
  const int days = int_field(input, "days", kDefaultDays, 1, kMaxDays, step);
  const Settings settings = read_settings(ctx, step);
  Database& db = database_for(ctx, settings.database, step);
  const long long first_day = now_ms() / kDayMs - (days - 1);
  return db.read([&](soci::session& sql) {
    std::map<long long, std::pair<long long, long long>> counts;  // day -> in, out
    long long day = 0, count = 0;
    std::string direction;
    const long long since = first_day * kDayMs;
    soci::statement st =
        (sql.prepare << "SELECT sent_ms / 86400000, direction, COUNT(*) FROM whatsapp_messages WHERE sent_ms >= :s "
                        "GROUP BY sent_ms / 86400000, direction",
         soci::use(since), soci::into(day), soci::into(direction), soci::into(count));
    st.execute(false);
    while (st.fetch()) {
      (direction == "in" ? counts[day].first : counts[day].second) += count;
    }
    Json out = Json::array();
    for (long long d = first_day; d < first_day + days; ++d) {
      const auto& [in, sent] = counts[d];
      out.push_back({{"day", utc_date(d)}, {"in", in}, {"out", sent}});
    }
    return Json{{"messages_per_day", std::move(out)}};
  });
}

}  // namespace linkhub::whatsapp
