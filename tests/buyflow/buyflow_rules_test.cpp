// The buy flow's Lua rules (workflows/rules/intent.lua, buy-turn.lua,
// buy-receipt.lua) run by the lua plugin this build produced, from the
// workflows folder as `linkhub serve` runs them: what each phrase means in
// English, Portuguese, Spanish, Indonesian and Vietnamese, and what each
// turn of the conversation answers.
#include "checked_step.hpp"

#include <linkhub/testing.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace linkhub {
namespace {

namespace fs = std::filesystem;
using Json = sdk::Json;
using sdk::testing::FakeContext;

const sdk::testing::Plugin& lua() {
  static const sdk::testing::Plugin plugin(fs::path(LINKHUB_PLUGIN_BUILD_DIR) / "linkhub_lua.so");
  return plugin;
}

Json rule(const std::string& file, const Json& input) {
  FakeContext ctx;
  ctx.workflow_dir = (fs::path(LINKHUB_SOURCE_DIR) / "workflows").string();
  const auto out = test::run_checked_step(lua(), "rule", ctx, {{"file", file}, {"input", input}});
  EXPECT_EQ(out.status, LH_OK) << file << ": " << out.error;
  return out.output.value("result", Json());
}

Json text(const std::string& body) {
  return {{"type", "text"}, {"text", body}, {"from", "5511987650001"}};
}

Json classify(const Json& message, const std::string& expect = "browsing") {
  return rule("rules/intent.lua", {{"message", message}, {"expect", expect}});
}

struct Phrase {
  const char* text;
  const char* intent;
  const char* lang;  // "" when the phrase does not tell
  int quantity;      // 0: none
  int product;       // 0: none
  const char* expect = "browsing";
};

// One row per phrase: adding a language's words to intent.lua adds rows here.
const std::vector<Phrase> kPhrases = {
    {"hi", "greeting", "en", 0, 0},
    {"Hello there!", "greeting", "en", 0, 0},
    {"Good morning", "greeting", "en", 0, 0},
    {"BUY 42", "buy", "en", 0, 42},
    {"buy #7", "buy", "en", 0, 7},
    {"I want to buy 12", "buy", "en", 0, 12},
    {"price?", "price", "en", 0, 0},
    {"How much is it?", "price", "en", 0, 0},
    {"yes", "yes", "en", 0, 0},
    {"YES!", "yes", "en", 0, 0},
    {"no", "no", "", 0, 0},
    {"2", "quantity", "", 2, 0, "quantity"},
    {"two", "quantity", "en", 2, 0, "quantity"},
    {"https://shop.example/products/31", "buy", "", 0, 31},
    {"Oi", "greeting", "pt", 0, 0},
    {"Olá, bom dia", "greeting", "pt", 0, 0},
    {"Quero comprar 5", "buy", "pt", 0, 5},
    {"Quanto custa?", "price", "pt", 0, 0},
    {"Preço", "price", "pt", 0, 0},
    {"sim", "yes", "pt", 0, 0},
    {"Não", "no", "pt", 0, 0},
    {"dois", "quantity", "pt", 2, 0, "quantity"},
    {"quero 3", "quantity", "pt", 3, 0, "quantity"},
    {"¡Hola!", "greeting", "es", 0, 0},
    {"Buenas tardes", "greeting", "es", 0, 0},
    {"Quiero comprar 9", "buy", "es", 0, 9},
    {"¿Cuánto cuesta?", "price", "es", 0, 0},
    {"PRECIO", "price", "es", 0, 0},
    {"Sí", "yes", "es", 0, 0},
    {"dos", "quantity", "es", 2, 0, "quantity"},
    {"Halo", "greeting", "id", 0, 0},
    {"Selamat pagi", "greeting", "id", 0, 0},
    {"beli 8", "buy", "id", 0, 8},
    {"Berapa harganya?", "price", "id", 0, 0},
    {"iya", "yes", "id", 0, 0},
    {"tidak", "no", "id", 0, 0},
    {"dua", "quantity", "id", 2, 0, "quantity"},
    {"Xin chào", "greeting", "vi", 0, 0},
    {"XIN CHÀO", "greeting", "vi", 0, 0},
    {"mua 4", "buy", "vi", 0, 4},
    {"Giá bao nhiêu?", "price", "vi", 0, 0},
    {"có", "yes", "vi", 0, 0},
    {"Không", "no", "vi", 0, 0},
    {"hai", "greeting", "", 2, 0, "quantity"},  // hi in Indonesian, two in Vietnamese: the quantity counts
    {"ba", "quantity", "vi", 3, 0, "quantity"},
    {"obrigado", "other", "", 0, 0},
    {"🙂", "none", "", 0, 0},
};

TEST(BuyFlowIntent, EveryPhraseRoutesToItsIntentAndLanguage) {
  for (const Phrase& p : kPhrases) {
    SCOPED_TRACE(p.text);
    const Json r = classify(text(p.text), p.expect);
    EXPECT_EQ(r.value("intent", ""), p.intent) << r;
    EXPECT_EQ(r.contains("lang") ? r["lang"].get<std::string>() : "", p.lang) << r;
    EXPECT_EQ(r.value("quantity", 0), p.quantity) << r;
    EXPECT_EQ(r.value("product_id", 0), p.product) << r;
  }
}

TEST(BuyFlowIntent, ANumberIsAQuantityWhenTheFlowAskedForOneAndACodeOtherwise) {
  EXPECT_EQ(classify(text("quero 2"), "browsing").value("product_id", 0), 2);
  const Json asked = classify(text("quero 2"), "quantity");
  EXPECT_FALSE(asked.contains("product_id")) << asked;
  EXPECT_EQ(asked.value("quantity", 0), 2);
}

TEST(BuyFlowIntent, RepliesToTheFlowsOwnButtonsAndRowsCarryTheirIds) {
  const Json row = classify({{"type", "interactive"}, {"list", {{"id", "buy:42"}, {"title", "Linen shirt"}}}});
  EXPECT_EQ(row["intent"], "buy");
  EXPECT_EQ(row["product_id"], 42);
  const Json qty = classify({{"type", "interactive"}, {"button", {{"id", "qty:3"}, {"title", "3"}}}}, "quantity");
  EXPECT_EQ(qty["quantity"], 3);
  const Json yes = classify({{"type", "interactive"}, {"button", {{"id", "yes"}, {"title", "Sim, pedir"}}}});
  EXPECT_EQ(yes["intent"], "yes");
  EXPECT_EQ(yes["lang"], "pt");
  const Json size = classify({{"type", "interactive"}, {"button", {{"id", "size:XL"}, {"title", "XL"}}}}, "size");
  EXPECT_EQ(size["size"], "XL");
}

TEST(BuyFlowIntent, NoMessageAtAllIsNone) {
  EXPECT_EQ(classify(Json()).value("intent", ""), "none");
  EXPECT_EQ(classify({{"type", "image"}, {"image", {{"id", "1"}}}}).value("intent", ""), "none");
}

// The conversation's turns, fed from the previous turn's output.
Json product(int id, const std::string& title, double amount, const Json& extra = Json::object()) {
  return {{"product_id", id},
          {"title", title},
          {"description", "A " + title},
          {"price", {{"amount", amount}, {"currency", "USD"}}},
          {"extra", extra}};
}

class BuyFlowTurn : public ::testing::Test {
 protected:
  Json say(const Json& message, const Json& lookup = Json::object(), bool last = false) {
    const std::string expect = previous_.contains("result") ? previous_["result"]["state"].value("stage", "") : "";
    const Json intent = classify(message, expect);
    const Json out = rule("rules/buy-turn.lua", {{"previous", previous_},
                                                 {"intent", intent},
                                                 {"timed_out", false},
                                                 {"lookup", lookup},
                                                 {"featured", featured_},
                                                 {"profile_name", "Ana"},
                                                 {"max_quantity", 20},
                                                 {"last", last}});
    previous_ = {{"result", out}};
    return out;
  }
  Json featured_ = Json::array({product(1, "Linen shirt", 24.5, {{"image_url", "https://cdn.example.com/s.jpg"}}),
                                product(2, "Sun cap", 12, {{"variants", {"S", "M", "L"}}})});
  Json previous_ = Json::object();
};

TEST_F(BuyFlowTurn, AGreetingListsTheFeaturedProductsInTheCustomersLanguage) {
  const Json out = say(text("Olá"));
  EXPECT_EQ(out["kind"], "list");
  EXPECT_EQ(out["reply"]["list"]["button"], "Ver produtos");
  EXPECT_EQ(out["reply"]["list"]["body"].get<std::string>().rfind("Oi Ana!", 0), 0u) << out;
  const Json& rows = out["reply"]["list"]["sections"][0]["rows"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["id"], "buy:1");
  EXPECT_EQ(rows[0]["description"], "24.50 USD · #1");
  EXPECT_FALSE(out["done"].get<bool>());
}

TEST_F(BuyFlowTurn, SizeQuantityAndYesGiveTheOrderToCreate) {
  const Json card = say(text("buy 2"), {{"found", true}, {"product", featured_[1]}});
  EXPECT_EQ(card["kind"], "buttons");  // no picture: buttons, not a product card
  EXPECT_EQ(card["reply"]["buttons"]["buttons"][2]["id"], "size:L");
  EXPECT_EQ(card["state"]["stage"], "size");
  const Json size = say(text("m"));
  EXPECT_EQ(size["state"]["size"], "M");
  EXPECT_EQ(size["reply"]["buttons"]["buttons"][0]["id"], "qty:1");
  const Json big = say(text("50"));
  EXPECT_EQ(big["reply"]["buttons"]["body"], "Please send a number from 1 to 20.");
  const Json confirm = say(text("three"));
  EXPECT_EQ(confirm["reply"]["buttons"]["body"], "3 x Sun cap (M) = 36.00 USD. Shall I place the order?");
  const Json yes = say(text("yes"));
  EXPECT_TRUE(yes["done"].get<bool>());
  EXPECT_EQ(yes["kind"], "none");
  EXPECT_EQ(yes["order"], (Json{{"product_id", 2},
                                {"quantity", 3},
                                {"variant", "M"},
                                {"title", "Sun cap"},
                                {"unit_price", 12},
                                {"currency", "USD"},
                                {"lang", "en"}}));
}

TEST_F(BuyFlowTurn, AProductWithAPictureGetsAProductCard) {
  const Json card = say(text("BUY 1"), {{"found", true}, {"product", featured_[0]}});
  EXPECT_EQ(card["kind"], "product");
  EXPECT_EQ(card["reply"]["product"]["image"], "https://cdn.example.com/s.jpg");
  EXPECT_EQ(card["reply"]["product"]["body"].get<std::string>().rfind("Linen shirt\n24.50 USD\nA Linen shirt", 0), 0u);
}

TEST_F(BuyFlowTurn, AStoredCoverGoesOutAsAPhotoBeforeTheCard) {
  const std::string hash = "sha256:" + std::string(64, 'a');
  Json cap = featured_[1];
  cap["cover"] = {{"hash", hash}, {"width", 720}, {"height", 1280}};
  const Json card = say(text("buy 2"), {{"found", true}, {"product", cap}});
  EXPECT_EQ(card["kind"], "buttons");
  EXPECT_EQ(card["photo"], (Json{{"artifact", hash}, {"caption", "Sun cap"}}));
  // A public picture makes a product card instead, with no photo of its own.
  Json shirt = featured_[0];
  shirt["cover"] = {{"hash", hash}};
  const Json product_card = say(text("buy 1"), {{"found", true}, {"product", shirt}});
  EXPECT_EQ(product_card["kind"], "product");
  EXPECT_FALSE(product_card.contains("photo")) << product_card;
}

TEST_F(BuyFlowTurn, AnUnknownCodeSaysSoAndListsTheProducts) {
  const Json out = say(text("BUY 99"), {{"found", false}, {"product", nullptr}});
  EXPECT_EQ(out["kind"], "list");
  EXPECT_EQ(out["reply"]["list"]["body"], "I couldn't find a product with the code 99. Here is what we have:");
}

TEST_F(BuyFlowTurn, PriceQuestionsAnswerFromTheCatalog) {
  const Json all = say(text("berapa harganya?"));
  EXPECT_EQ(all["reply"]["text"], "Harga kami:\n#1 Linen shirt: 24.50 USD\n#2 Sun cap: 12.00 USD");
  say(text("beli 1"), {{"found", true}, {"product", featured_[0]}});
  const Json one = say(text("harga?"));
  EXPECT_EQ(one["reply"]["buttons"]["body"], "Harga Linen shirt 24.50 USD.\nMau berapa? Ketuk angka atau ketik.");
}

TEST_F(BuyFlowTurn, NoCancelsAndAnythingElseGetsTheFallback) {
  say(text("buy 1"), {{"found", true}, {"product", featured_[0]}});
  say(text("1"));
  const Json no = say(text("no"));
  EXPECT_EQ(no["reply"]["text"], "No problem, nothing was ordered. Send BUY and a code whenever you like.");
  EXPECT_FALSE(no["done"].get<bool>());
  EXPECT_EQ(no["state"]["stage"], "browsing");
  const Json other = say(text("what's the weather"));
  EXPECT_EQ(other["kind"], "text");
  EXPECT_EQ(other["reply"]["text"].get<std::string>().rfind("Sorry, I didn't get that.", 0), 0u);
}

TEST_F(BuyFlowTurn, SilenceAndTheLastTurnEndPolitely) {
  say(text("xin chào"));
  const Json idle =
      rule("rules/buy-turn.lua",
           {{"previous", previous_}, {"intent", classify(Json())}, {"timed_out", true}, {"featured", featured_}});
  EXPECT_TRUE(idle["done"].get<bool>());
  EXPECT_EQ(idle["reply"]["text"], "Tôi sẽ tạm đóng cuộc trò chuyện. Gửi CHÀO bất cứ khi nào bạn muốn mua sắm!");
  const Json last = say(text("mua 1"), {{"found", true}, {"product", featured_[0]}}, true);
  EXPECT_TRUE(last["done"].get<bool>());
  EXPECT_FALSE(last.contains("order"));
  EXPECT_EQ(last["reply"]["text"], "Hẹn lần sau: gửi CHÀO để bắt đầu lại.");
}

TEST(BuyFlowReceipt, ThanksWithTheOrderNumberAndFillsTheSellersTemplate) {
  const Json order = {{"id", 7},       {"number", "LH-000007"}, {"product_title", "Sun cap"},
                      {"quantity", 2}, {"variant", "M"},        {"total", {{"amount", 24}, {"currency", "EUR"}}}};
  const Json out = rule("rules/buy-receipt.lua",
                        {{"order", order}, {"lang", "pt"}, {"customer", "Ana"}, {"wa_id", "5511987650001"}});
  EXPECT_EQ(out["text"],
            "Obrigado! Seu pedido LH-000007 foi recebido: 2 x Sun cap (M) = 24.00 EUR. Avisaremos sobre a entrega.");
  EXPECT_EQ(out["seller"], (Json{"LH-000007", "Sun cap (M)", "2", "24.00 EUR", "Ana +5511987650001"}));
}

}  // namespace
}  // namespace linkhub
