// Per-field accuracy of the ai plugin's built-in extractors on the labelled
// caption and tag sets (plugins/ai/tests/captions*.json, tags.json): the share
// of cases whose field equals the label. The tests assert every case; this
// prints how far off a change is before fixing the cases one by one.
//   build/bin/ai_accuracy [plugins/ai/tests]
#include "caption.hpp"
#include "tags.hpp"
#include "taxonomy.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {

using Json = nlohmann::json;
using namespace linkhub::ai;

Json read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return Json::parse(text.str());
}

struct Score {
  std::map<std::string, std::pair<int, int>> fields;  // name -> (right, cases)
  void add(const std::string& field, bool right) {
    auto& f = fields[field];
    f.first += right ? 1 : 0;
    f.second += 1;
  }
  void print(const std::string& set) const {
    for (const auto& [name, f] : fields) {
      std::printf("%-22s %-16s %3d/%-3d %6.1f%%\n", set.c_str(), name.c_str(), f.first, f.second,
                  100.0 * f.first / std::max(1, f.second));
    }
  }
};

bool same_prices(const std::vector<Price>& got, const Json& want) {
  if (got.size() != want.size()) {
    return false;
  }
  for (size_t i = 0; i < got.size(); ++i) {
    const double w = want[i]["amount"].get<double>();
    if (got[i].text != want[i]["text"] || got[i].currency != want[i]["currency"] ||
        kind_name(got[i].kind) != want[i]["kind"].get<std::string>() ||
        std::abs(got[i].amount - w) > 1e-9 * std::max(1.0, w)) {
      return false;
    }
  }
  return true;
}

void score_captions(const std::filesystem::path& file, bool verbose) {
  if (!std::filesystem::exists(file)) {
    return;
  }
  Score s;
  for (const Json& c : read_json(file)) {
    const Json& want = c["expect"];
    CaptionAnalysis a;
    try {
      a = analyse_caption(c["caption"].get<std::string>(), {c.value("default_currency", std::string())});
    } catch (const std::exception& e) {
      s.add("error-free", false);
      continue;
    }
    s.add("error-free", true);
    Json codes = Json::array();
    for (const DiscountCode& d : a.discount_codes) {
      codes.push_back({{"code", d.code}, {"percent", d.percent ? Json(*d.percent) : Json(nullptr)}});
    }
    std::vector<std::string> ctas;
    for (const CallToAction& cta : a.calls_to_action) {
      ctas.push_back(cta.id + (cta.keyword.empty() ? "" : ":" + cta.keyword));
    }
    std::map<std::string, bool> right = {
        {"language", a.language.code == want["language"]},   {"title", a.title == want["title"]},
        {"hashtags", Json(a.hashtags) == want["hashtags"]},  {"mentions", Json(a.mentions) == want["mentions"]},
        {"discount_codes", codes == want["discount_codes"]}, {"calls_to_action", Json(ctas) == want["calls_to_action"]},
        {"prices", same_prices(a.prices, want["prices"])},
    };
    if (want.contains("products_include")) {
      bool all = true;
      for (const Json& p : want["products_include"]) {
        bool found = false;
        for (const ProductMention& m : a.products) {
          found = found || m.text == p;
        }
        all = all && found;
      }
      right["products_include"] = all;
    }
    bool whole = true;
    for (const auto& [field, ok] : right) {
      s.add(field, ok);
      whole = whole && ok;
      if (!ok && verbose) {
        Json prices = Json::array();
        for (const Price& p : a.prices) {
          prices.push_back({p.text, p.amount, p.currency, kind_name(p.kind)});
        }
        const Json got = {{"language", a.language.code},
                          {"title", a.title},
                          {"hashtags", a.hashtags},
                          {"mentions", a.mentions},
                          {"codes", codes},
                          {"calls_to_action", ctas},
                          {"prices", prices}};
        std::printf("  %s: %s wrong; got %s\n", c["name"].get<std::string>().c_str(), field.c_str(),
                    got.dump().c_str());
      }
    }
    s.add("ALL FIELDS", whole);
  }
  s.print(file.filename().string());
}

void score_tags(const std::filesystem::path& file, const std::filesystem::path& taxonomy_file, bool verbose) {
  const auto taxonomy = Taxonomy::load(taxonomy_file);
  Score s;
  for (const Json& c : read_json(file)) {
    TagsRequest r;
    const Json& in = c["input"];
    for (const Json& h : in.value("hashtags", Json::array())) {
      r.hashtags.push_back(h.get<std::string>());
    }
    r.title = in.value("title", "");
    r.text = in.value("text", "");
    const TagsResult got = suggest_tags(r, taxonomy.get());
    const Json& want = c["expect"];
    const bool category = want["category"].is_null()
                              ? got.categories.empty()
                              : (!got.categories.empty() && got.categories[0].category->id == want["category"]);
    s.add("category", category);
    if (verbose && !category) {
      std::printf("  %s: category wrong\n", c["name"].get<std::string>().c_str());
    }
    if (want.contains("tags")) {
      const bool tags = Json(got.tags) == want["tags"];
      s.add("tags", tags);
      if (verbose && !tags) {
        std::printf("  %s: tags wrong\n", c["name"].get<std::string>().c_str());
      }
    }
  }
  s.print(file.filename().string());
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path root = argc > 1 ? argv[1] : LINKHUB_AI_DIR;
  const bool verbose = std::getenv("AI_ACCURACY_VERBOSE") != nullptr;
  for (const auto& entry : std::filesystem::directory_iterator(root / "tests")) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("captions") && name.ends_with(".json")) {
      score_captions(entry.path(), verbose);
    }
  }
  score_tags(root / "tests" / "tags.json", root / "data" / "google_product_taxonomy_with_ids.en-US.txt", verbose);
}
