// The catalog, conversations and orders pages, on real data made the way
// the main job makes it (scripts/main-job.sh), offline:
// - tiktok-to-catalog is started from the workflow's form on a bundled sample
//   (examples/make-samples.sh renders its video; the tiktok plugin reads it
//   with `provider: local`) and followed live: the server has no worker, so
//   the run stays queued until a `linkhub worker` starts after the run page
//   opened its event stream;
// - the product's card and page load their thumbnails through the API's
//   signed /media links; its price is edited (a refused edit first: the
//   API's code next to the field it names) and read back from the API; a
//   product is made by hand, and deleted;
// - a customer buys that product over WhatsApp: the buy flow
//   (workflows/whatsapp-buy.yaml) against the Cloud API stand-in
//   (`linkhub whatsapp-sandbox`), the customer's lines played by
//   `linkhub whatsapp-sandbox chat` as signed webhook deliveries; then Meta's
//   status deliveries (delivered, read, failed) and an opt-out word, signed
//   the same way. The thread shows them; the order moves on from its page,
//   and a move the order no longer allows shows the API's invalid_transition;
// - a viewer sees no edit, create, delete or status control, and the API
//   refuses the PATCHes with 403.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binary, consoleTest, repo } from "./harness.mjs";

const sampleId = "7301458823650102534"; // examples/tiktok: a linen shirt at $24.99
const sampleUrl = `https://www.tiktok.com/@linen.lab/video/${sampleId}`;
const shopNumber = "15551230000";
const customer = "5511900000001";
const mediaLink = /^http:\/\/127\.0\.0\.1:\d+\/media\/[0-9a-f]{64}\?exp=\d+&sig=[A-Za-z0-9_-]+$/;

// Children this file starts besides the harness's, stopped at the end.
const ours = [];

// Resolves with the first stdout/stderr line of `child` that holds `needle`, parsed as JSON.
function lineOf(child, needle, what) {
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`${what}: no ${needle} within 60 s: ${buffer.slice(-2000)}`)), 60_000);
    const onData = (chunk) => {
      buffer += chunk;
      const line = buffer.split("\n").find((l) => l.includes(needle));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(line.indexOf("{"))));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => reject(new Error(`${what} exited (${code}): ${buffer.slice(-2000)}`)));
  });
}

// Runs a linkhub command to its end without blocking the event loop (the
// harness reads the server's log meanwhile).
function run(args, timeoutMs) {
  return new Promise((resolve) => {
    const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

// A webhook delivery as Meta sends it, signed with the app secret.
function delivery(value) {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: [{ id: "5467539754836534", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: shopNumber, phone_number_id: "1122334455667" }, ...value } }] }],
  });
}
async function deliver(base, secret, body) {
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const r = await fetch(`${base}/api/v1/whatsapp/webhook`, { method: "POST", headers: { "Content-Type": "application/json", "X-Hub-Signature-256": signature }, body });
  assert.equal(r.status, 200, `webhook delivery: ${await r.text()}`);
}

// Waits until `img` has loaded and answers its natural width and src.
async function loaded(img) {
  await img.evaluate((el) => (el.complete && el.naturalWidth > 0 ? null : new Promise((ok, fail) => {
    el.addEventListener("load", ok, { once: true });
    el.addEventListener("error", () => fail(new Error(`image failed: ${el.src}`)), { once: true });
  })));
  return img.evaluate((el) => ({ width: el.naturalWidth, src: el.src }));
}

// The sample video, rendered as the main job renders it.
const samples = mkdtempSync(join(tmpdir(), "linkhub-console-samples-"));
const rendered = spawnSync(join(repo, "examples", "make-samples.sh"), [samples, sampleId], { encoding: "utf8", timeout: 120_000 });
assert.equal(rendered.status, 0, `examples/make-samples.sh: ${rendered.stderr}`);

// The Cloud API stand-in, and the whatsapp plugin pointed at it (the
// environment the server and the workers inherit), as scripts/whatsapp-chat.sh does.
const sandbox = spawn(binary, ["whatsapp-sandbox", "serve", "--listen", "127.0.0.1:0"], { stdio: ["ignore", "pipe", "pipe"] });
ours.push(sandbox);
const appSecret = randomBytes(16).toString("hex");
try {
  const sandboxUrl = (await lineOf(sandbox, "sandbox.listening", "whatsapp-sandbox")).base_url;
  Object.assign(process.env, {
    WHATSAPP_APP_SECRET: appSecret,
    LINKHUB_PLUGIN_WHATSAPP_BASE_URL: sandboxUrl,
    LINKHUB_PLUGIN_WHATSAPP_RECIPIENT_INTERVAL_MS: "0",
    LINKHUB_SECRET_WHATSAPP_TOKEN: `sandbox-${randomBytes(8).toString("hex")}`,
    LINKHUB_SECRET_WHATSAPP_APP_SECRET: appSecret,
    LINKHUB_SECRET_WHATSAPP_VERIFY_TOKEN: randomBytes(8).toString("hex"),
    LINKHUB_HTTP_ALLOW: "127.0.0.1",
  });
  const config = [
    "plugins:",
    "  tiktok:",
    "    provider: local",
    `    local_dir: ${samples}`,
    "  whatsapp:",
    '    phone_number_id: "1122334455667"',
    `    business_number: "+${shopNumber}"`,
    "",
  ].join("\n");

  await consoleTest("catalog", { workflows: ["tiktok-to-catalog.yaml", "whatsapp-buy.yaml"], config }, async (h) => {
    const { page, base } = h;
    const streams = [];
    page.on("request", (r) => {
      if (r.url().includes("/events/stream")) streams.push(r.url());
    });
    await h.signIn("admin");

    // ---- tiktok-to-catalog from its form, followed live ----
    await page.getByRole("link", { name: "Workflows", exact: true }).click();
    await page.getByRole("link", { name: "tiktok-to-catalog", exact: true }).click();
    await page.getByRole("textbox", { name: /^url/ }).fill(sampleUrl);
    await page.getByRole("button", { name: "Start run", exact: true }).click();
    await page.getByRole("heading", { name: /^Run .* of tiktok-to-catalog$/ }).waitFor();
    const runId = page.url().split("/runs/")[1];
    await page.locator("#run-status .badge-queued").waitFor();
    for (let i = 0; i < 100 && !streams.some((u) => u.includes(runId)); i++) await page.waitForTimeout(100);
    assert.ok(streams.some((u) => u.includes(runId)), "the run page opened the run's event stream");
    h.startWorker(["tiktok-to-catalog.yaml"]);
    await page.locator("#run-status .badge-succeeded, #run-status .badge-failed").waitFor({ timeout: 180_000 });
    const runAnswer = await h.api("GET", `/api/v1/runs/${runId}`);
    assert.equal(runAnswer.body.status, "succeeded", `the run: ${runAnswer.text.slice(0, 2000)}`);
    const productId = runAnswer.body.outputs.product.product_id;
    assert.ok(Number.isInteger(productId), "the run saved a product");

    // ---- the catalog: a card with its thumbnail, search, an API error ----
    await page.getByRole("link", { name: "Catalog", exact: true }).click();
    const card = page.locator(`li.card[data-product="${productId}"]`);
    await card.waitFor();
    const cardImage = await loaded(card.locator("img"));
    assert.ok(cardImage.width > 0, "the card's thumbnail loaded");
    assert.match(cardImage.src, mediaLink, "the card's picture is a signed /media link");
    await h.check("catalog");
    await page.getByLabel("Search", { exact: true }).fill("zeppelinwords");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByText("No products match this search").waitFor();
    assert.match(page.url(), /[?&]q=zeppelinwords/, "the search is in the address");
    await page.getByLabel("Search", { exact: true }).fill("");
    await page.getByLabel("Min price", { exact: true }).fill("-1");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "bad_parameter" }).waitFor();
    await page.getByLabel("Min price", { exact: true }).fill("");
    await page.getByRole("button", { name: "Search", exact: true }).click();

    // ---- the product's page (opened from the keyboard: the card's title is a real link) ----
    await card.getByRole("link").focus();
    await page.keyboard.press("Enter");
    await page.locator("#product-price").waitFor();
    const product = (await h.api("GET", `/api/v1/products/${productId}`)).body;
    await page.getByRole("heading", { level: 1, name: product.title, exact: true }).waitFor();
    const thumbs = page.locator(".thumbs img");
    assert.equal(await thumbs.count(), product.thumbnails.length, "every thumbnail is shown");
    assert.ok(product.thumbnails.length > 0, "the sample's product has thumbnails");
    for (let i = 0; i < (await thumbs.count()); i++) {
      const t = await loaded(thumbs.nth(i));
      assert.ok(t.width > 0, `thumbnail ${i} loaded`);
      assert.match(t.src, mediaLink);
    }
    assert.equal(await page.getByRole("link", { name: `tiktok video ${sampleId}` }).getAttribute("href"), product.url, "the source video's link");
    assert.equal(
      await page.getByRole("link", { name: "Buy on WhatsApp", exact: true }).getAttribute("href"),
      `https://wa.me/${shopNumber}?text=BUY%20${productId}`,
    );
    const historyRows = await page.locator(".price-history tbody tr").count();
    assert.equal(historyRows, product.price_history.length, "the price history is shown");
    await h.check("product");

    // ---- edit: a refusal next to its field, then the new price read back ----
    const amount = page.locator(`#edit-${productId}-amount`);
    const currency = page.locator(`#edit-${productId}-currency`);
    // A negative amount breaks catalog.update's input schema (400 invalid_input, details.field price.amount).
    await amount.fill("-5");
    await page.getByRole("button", { name: "Save changes", exact: true }).click();
    const amountError = page.locator(`#edit-${productId}-amount-error`);
    await amountError.waitFor();
    assert.match(await amountError.textContent(), /^invalid_input: /, "the schema's refusal next to the price");
    // A four-letter currency breaks the catalog's own rule (422 invalid_product, details.field price.currency).
    await amount.fill("19.5");
    await currency.fill("EURO");
    await page.getByRole("button", { name: "Save changes", exact: true }).click();
    const currencyError = page.locator(`#edit-${productId}-currency-error`);
    await currencyError.waitFor();
    const refusal = await currencyError.textContent();
    assert.match(refusal, /^invalid_product: /, `the API's code next to the currency: ${refusal}`);
    assert.equal(await amountError.count(), 0, "only the field the API names is marked");
    assert.equal(await currency.getAttribute("aria-invalid"), "true");
    await h.check("product (refused edit)");
    await currency.fill("EUR");
    await page.getByRole("button", { name: "Save changes", exact: true }).click();
    await page.getByText(`Saved: version ${product.version + 1}.`).waitFor();
    await page.locator("#product-price").filter({ hasText: "19.50 EUR" }).waitFor();
    const edited = (await h.api("GET", `/api/v1/products/${productId}`)).body;
    assert.deepEqual(edited.price, { amount: 19.5, currency: "EUR" }, "the API has the new price");
    assert.deepEqual(
      { amount: edited.price_history.at(-1).amount, currency: edited.price_history.at(-1).currency },
      { amount: 19.5, currency: "EUR" },
      "the edit is in the price history",
    );
    await page.locator(".price-history tbody tr").nth(edited.price_history.length - 1).waitFor();

    // ---- a product made by hand ----
    await page.getByRole("link", { name: "Catalog", exact: true }).click();
    await page.getByRole("link", { name: "New product", exact: true }).click();
    await page.getByRole("heading", { name: "New product", exact: true }).waitFor();
    await page.getByLabel("Title", { exact: true }).fill("Hand-made leather wallet");
    await page.getByLabel("Price", { exact: true }).fill("35");
    await page.getByLabel("Currency", { exact: true }).fill("USD");
    await page.getByLabel("Category id", { exact: true }).fill("wallets");
    await page.getByLabel("Category path", { exact: true }).fill("accessories//wallets");
    await page.getByLabel("Tags", { exact: true }).fill("leather, wallet");
    await page.getByRole("button", { name: "Create product", exact: true }).click();
    const pathError = page.locator("#new-category_path-error");
    await pathError.waitFor();
    assert.match(await pathError.textContent(), /^invalid_product: /, "an empty category segment, shown at its field");
    await h.check("new product (refused)");
    await page.getByLabel("Category path", { exact: true }).fill("accessories/wallets");
    await page.getByRole("button", { name: "Create product", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Hand-made leather wallet", exact: true }).waitFor();
    const walletId = Number(page.url().split("/products/")[1]);
    const wallet = (await h.api("GET", `/api/v1/products/${walletId}`)).body;
    assert.equal(wallet.source, "manual");
    assert.deepEqual(wallet.price, { amount: 35, currency: "USD" });
    assert.deepEqual(wallet.category, { id: "wallets", path: "accessories/wallets" });
    assert.deepEqual(wallet.tags, ["leather", "wallet"]);
    await h.check("new product");

    // ---- a customer buys the wallet over WhatsApp ----
    // A worker that stays between the customer's lines (the run waits for
    // each one; --exit-when-idle would leave while it waits).
    const worker = spawn(binary, ["worker", "--config", h.configPath, "--no-scheduler", "--workflow", join(h.work, "workflows", "whatsapp-buy.yaml")], { stdio: ["ignore", "ignore", "pipe"] });
    ours.push(worker);
    let workerLog = "";
    worker.stderr.on("data", (c) => (workerLog = (workerLog + c).slice(-6000)));
    const chat = await run(
      ["whatsapp-sandbox", "chat", "--webhook", `${base}/api/v1/whatsapp/webhook`, "--sandbox", sandboxUrl, "--app-secret-env", "WHATSAPP_APP_SECRET", "--from", customer, "--name", "Ana", "hi", `BUY ${walletId}`, "2", "yes"],
      180_000,
    );
    if (chat.code !== 0) {
      const runs = await h.api("GET", "/api/v1/runs?limit=5");
      assert.fail(`the conversation: ${chat.out}\n${chat.err}\nruns: ${runs.text.slice(0, 3000)}\nworker: ${workerLog}`);
    }
    console.log(chat.out);

    // Meta reports the shop's first message delivered and read, the second failed; then Ana opts out.
    const thread = (await h.api("GET", `/api/v1/conversations/${customer}`)).body;
    const outbound = thread.messages.filter((m) => m.direction === "out").reverse(); // oldest first
    assert.ok(outbound.length >= 4, `the shop answered every line: ${JSON.stringify(thread.messages)}`);
    const now = Math.floor(Date.now() / 1000);
    const status = (id, s, extra = {}) => delivery({ statuses: [{ id, status: s, timestamp: String(now), recipient_id: customer, ...extra }] });
    await deliver(base, appSecret, status(outbound[0].id, "delivered"));
    await deliver(base, appSecret, status(outbound[0].id, "read"));
    await deliver(base, appSecret, status(outbound[1].id, "failed", { errors: [{ code: 131026, title: "Message undeliverable", message: "Message undeliverable" }] }));
    await deliver(
      base,
      appSecret,
      delivery({ contacts: [{ profile: { name: "Ana" }, wa_id: customer }], messages: [{ from: customer, id: `wamid.console.stop.${now}`, timestamp: String(now), type: "text", text: { body: "STOP" } }] }),
    );

    // ---- the conversations list and Ana's thread ----
    await page.getByRole("link", { name: "Conversations", exact: true }).click();
    const row = page.locator(`tr[data-contact="${customer}"]`);
    await row.waitFor();
    await row.getByText("opted out", { exact: true }).waitFor();
    await h.check("conversations");
    await row.getByRole("link").click();
    await page.getByRole("heading", { level: 1, name: `Ana (+${customer})`, exact: true }).waitFor();
    assert.match(await page.locator("#contact-opt-out").textContent(), /^yes, since /, "the opt-out is shown");
    // Every message of the conversation is on the page, in or out as it went.
    for (const m of thread.messages) {
      await page.locator(`li.message-${m.direction}[data-message="${m.id}"]`).filter({ hasText: m.text.split("\n")[0].slice(0, 40) }).waitFor();
    }
    await page.locator("li.message-in").filter({ hasText: "STOP" }).waitFor();
    assert.equal(await page.locator("li.message-in").filter({ hasText: `BUY ${walletId}` }).count(), 1, "the customer's line, with its text");
    const first = page.locator(`li.message[data-message="${outbound[0].id}"]`);
    await first.locator(".badge-read").waitFor();
    assert.match(await first.locator(".message-statuses").textContent(), /^delivered .* → read /);
    const failed = page.locator(`li.message[data-message="${outbound[1].id}"]`);
    await failed.locator(".badge-failed").waitFor();
    await failed.getByText("131026").waitFor();
    await h.check("conversation");

    // ---- the order: filters, its page, a status change, a refused one ----
    const orders = (await h.api("GET", `/api/v1/orders?customer=${customer}`)).body.orders;
    assert.equal(orders.length, 1, "the conversation made one order");
    const order = orders[0];
    assert.equal(order.product_id, walletId);
    assert.equal(order.quantity, 2);
    await page.getByRole("link", { name: "Orders", exact: true }).click();
    const orderRow = page.locator(`tr[data-order="${order.number}"]`);
    await orderRow.waitFor();
    await page.getByLabel("Status", { exact: true }).selectOption("confirmed");
    await page.getByText("No orders match these filters").waitFor();
    await page.getByLabel("Status", { exact: true }).selectOption("requested");
    await orderRow.waitFor();
    await h.check("orders");
    await orderRow.getByRole("link").click();
    await page.getByRole("heading", { level: 1, name: `Order ${order.number}`, exact: true }).waitFor();
    await page.locator("#order-status .badge-requested").waitFor();
    await h.check("order");
    await page.getByLabel("Note (optional)", { exact: true }).fill("paid by bank transfer");
    await page.getByRole("button", { name: "Mark confirmed", exact: true }).focus();
    await page.keyboard.press("Enter");
    await page.locator("#order-status .badge-confirmed").waitFor();
    const confirmed = (await h.api("GET", `/api/v1/orders/${order.id}`)).body;
    assert.equal(confirmed.status, "confirmed");
    assert.deepEqual({ ...confirmed.history.at(-1), at_ms: 0 }, { status: "confirmed", note: "paid by bank transfer", by: "user:admin", at_ms: 0 });
    await page.locator(".history li").filter({ hasText: "paid by bank transfer" }).waitFor();

    // ---- a viewer: no edit, create, delete or status control; the API refuses them ----
    await h.signOut();
    await h.signIn("viewer");
    await page.goto(`${base}/products`);
    await card.waitFor();
    assert.equal(await page.getByRole("link", { name: "New product", exact: true }).count(), 0, "no create link");
    await card.getByRole("link").click();
    await page.locator("#product-price").filter({ hasText: "19.50 EUR" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Save changes" }).count(), 0, "no edit form");
    assert.equal(await page.getByRole("button", { name: "Delete product" }).count(), 0, "no delete");
    await h.check("product (viewer)");
    const patch = await h.api("PATCH", `/api/v1/products/${productId}`, { price: { amount: 1, currency: "EUR" } });
    assert.equal(patch.status, 403);
    assert.equal(patch.body.error.code, "forbidden");
    const create = await h.api("POST", "/api/v1/products", { title: "Not allowed" });
    assert.equal(create.status, 403);
    await page.goto(`${base}/products/new`);
    await page.getByText("Only operators and admins create products.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Create product" }).count(), 0);
    await page.goto(`${base}/orders/${order.number}`);
    await page.locator("#order-status .badge-confirmed").waitFor();
    await page.getByRole("heading", { name: "History", exact: true }).waitFor();
    assert.equal(await page.getByRole("button", { name: /^Mark / }).count(), 0, "no status buttons for a viewer");
    const move = await h.api("PATCH", `/api/v1/orders/${order.id}`, { status: "fulfilled" });
    assert.equal(move.status, 403);
    assert.equal(move.body.error.code, "forbidden");
    await h.check("order (viewer)");

    // ---- an operator: a move the order no longer allows, and a delete ----
    await h.signOut();
    await h.signIn("operator");
    await page.goto(`${base}/orders/${order.number}`);
    await page.locator("#order-status .badge-confirmed").waitFor();
    // Someone else cancels it meanwhile: this page still offers "fulfilled", and the API refuses it.
    assert.equal((await h.api("PATCH", `/api/v1/orders/${order.id}`, { status: "cancelled" })).status, 200);
    await page.getByRole("button", { name: "Mark fulfilled", exact: true }).click();
    await page.getByRole("alert").filter({ hasText: "invalid_transition" }).waitFor();
    await page.locator("#order-status .badge-cancelled").waitFor(); // the page reads the order again
    assert.equal(await page.getByRole("button", { name: /^Mark / }).count(), 0, "a cancelled order offers no move");
    await h.check("order (refused move)");
    assert.equal((await h.api("GET", `/api/v1/orders/${order.id}`)).body.status, "cancelled");
    await page.goto(`${base}/products/${walletId}`);
    await page.getByRole("button", { name: "Delete product", exact: true }).click();
    await page.getByRole("button", { name: "Delete for good", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Catalog", exact: true }).waitFor();
    assert.equal((await h.api("GET", `/api/v1/products/${walletId}`)).status, 404);

    // ---- paging: more products than a page holds, each shown once ----
    for (let i = 1; i <= 25; i++) {
      const made = await h.api("POST", "/api/v1/products", { title: `Paging sample ${i}`, price: { amount: i, currency: "USD" } });
      assert.equal(made.status, 201, made.text);
    }
    const total = (await h.api("GET", "/api/v1/products?include_total=true&limit=1")).body.total;
    await page.getByRole("link", { name: "Catalog", exact: true }).click();
    await page.getByText(`${total} products`, { exact: true }).waitFor();
    assert.equal(await page.locator("li.card").count(), 24, "the first page");
    await page.getByRole("button", { name: "Load more", exact: true }).click();
    await page.locator("li.card").nth(total - 1).waitFor();
    const shown = await page.locator("li.card").evaluateAll((cards) => cards.map((c) => c.dataset.product));
    assert.equal(new Set(shown).size, total, "every product once");
    assert.equal(await page.getByRole("button", { name: "Load more", exact: true }).count(), 0, "the last page");
  });
} finally {
  for (const child of ours) child.kill("SIGTERM");
  rmSync(samples, { recursive: true, force: true });
}
