// The Overview page against the summary route: `/` lands on it; after a
// diamond run that succeeds, one that fails (a size its Lua rule does not
// know) and a product added by hand, the cards, charts and tables show what
// GET /api/v1/summary answers; "Refresh now" brings a new run in; an API
// error is shown as code and message; a viewer sees the page too.
import assert from "node:assert/strict";
import { consoleTest } from "./harness.mjs";

const percent = (rate) => (rate === null ? "—" : `${(rate * 100).toFixed(1)} %`);

await consoleTest("overview", { workflows: ["diamond.yaml"], worker: true }, async (h) => {
  const { page, base } = h;
  await h.signIn("admin");

  // Two runs on this server's node (?wait answers once each finished), and a product made by hand.
  const good = await h.api("POST", "/api/v1/workflows/diamond/runs?wait=60s", { inputs: { sizes: ["S", "M"] } });
  const bad = await h.api("POST", "/api/v1/workflows/diamond/runs?wait=60s", { inputs: { sizes: ["XXXL"] } });
  assert.equal(good.status, 200, good.text);
  assert.equal(good.body.status, "succeeded", good.text);
  assert.equal(bad.status, 200, bad.text);
  assert.equal(bad.body.status, "failed", bad.text);
  const product = await h.api("POST", "/api/v1/products", { title: "Overview test scarf" });
  assert.equal(product.status, 201, product.text);

  // Every summary the page itself is answered (it asks again every 10 s): what its charts show.
  // (A body read fails once the page navigated away: such an answer is left out.)
  const pageAnswers = [];
  const onSummary = (r) => {
    if (new URL(r.url()).pathname === "/api/v1/summary" && r.status() === 200) {
      pageAnswers.push(r.json().catch(() => null));
    }
  };
  page.on("response", onSummary);

  // `/` opens the Overview, its nav link first.
  await page.goto(`${base}/`);
  await page.getByRole("heading", { name: "Overview", exact: true }).waitFor();
  assert.ok(page.url().endsWith("/overview"), page.url());
  const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link").allTextContents();
  assert.equal(links[0], "Overview");
  await page.locator('[data-metric="queued"]').waitFor();

  const summary = await h.api("GET", "/api/v1/summary");
  assert.equal(summary.status, 200, summary.text);
  const s = summary.body;
  assert.equal(s.runs.last_day.succeeded, 1);
  assert.equal(s.runs.last_day.failed, 1);
  const metric = (id) => page.locator(`[data-metric="${id}"]`).textContent();
  assert.equal(await metric("runs_last_hour"), String(s.runs.per_minute.counts.reduce((a, b) => a + b, 0)));
  assert.equal(await metric("failure_rate_hour"), percent(s.runs.last_hour.failure_rate));
  assert.equal(await metric("failure_rate_day"), percent(s.runs.last_day.failure_rate));
  assert.equal(await metric("failure_rate_day"), "50.0 %");
  for (const id of ["queued", "running", "waiting"]) assert.equal(await metric(id), String(s.queue[id]), id);

  // The slowest steps: the API's, in its order (diamond's lua.rule, core.fail, ... all there).
  const stepNames = await page.locator('[data-table="slowest-steps"] tbody tr td:first-child').allTextContents();
  assert.deepEqual(stepNames, s.slowest_steps.steps.map((st) => st.step));
  assert.ok(stepNames.includes("lua.rule") && stepNames.includes("core.fail"), stepNames.join(", "));

  // Each chart's text alternative holds the API's numbers.
  const column = async (chart, n) =>
    (await page.locator(`[data-chart="${chart}"] tbody tr td:nth-of-type(${n})`).allTextContents()).map(Number);
  // Per minute: as one of the page's own answers had it. Ours may come a minute later than the
  // page's (every bar then moves one place); comparing with it alone failed once at a minute's turn.
  const shown = await column("runs-per-minute", 1);
  const answered = (await Promise.all(pageAnswers)).filter((a) => a !== null);
  page.off("response", onSummary);
  const perMinute = [s, ...answered].map((a) => JSON.stringify(a.runs.per_minute.counts));
  assert.ok(perMinute.includes(JSON.stringify(shown)), `${JSON.stringify(shown)} is none of ${perMinute.join(" ")}`);
  assert.equal(s.catalog.available, true, JSON.stringify(s.catalog));
  assert.deepEqual(await column("products-per-day", 1), s.catalog.products_per_day.map((d) => d.count));
  assert.equal(s.catalog.products_per_day.reduce((a, d) => a + d.count, 0), 1);
  assert.deepEqual(await column("orders-per-day", 1), s.catalog.orders_per_day.map((d) => d.count));
  if (s.whatsapp.available) {
    assert.deepEqual(await column("messages-per-day", 1), s.whatsapp.messages_per_day.map((d) => d.in));
    assert.deepEqual(await column("messages-per-day", 2), s.whatsapp.messages_per_day.map((d) => d.out));
  } else {
    await page.locator('[data-unavailable="WhatsApp"]').filter({ hasText: s.whatsapp.error.code }).waitFor();
  }
  // Keyboard: the charts' tables open from the keyboard.
  await page.locator("details summary").first().focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.locator("details").first().getAttribute("open"), "");
  await h.check("overview");

  // "Refresh now" asks again: a third run shows up in the last hour's count.
  const third = await h.api("POST", "/api/v1/workflows/diamond/runs?wait=60s", {});
  assert.equal(third.body.status, "succeeded", third.text);
  await page.getByRole("button", { name: "Refresh now", exact: true }).click();
  await page.locator('[data-metric="failure_rate_day"]').filter({ hasText: "33.3 %" }).waitFor();
  // An API error is shown as the API states it; the last numbers stay.
  await page.route("**/api/v1/summary", (route) =>
    route.fulfill({
      status: 503,
      contentType: "application/json",
      body: JSON.stringify({ error: { code: "database_unreachable", message: "the run database does not answer" } }),
    }),
  );
  await page.getByRole("button", { name: "Refresh now", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "database_unreachable" }).filter({ hasText: "the run database does not answer" }).waitFor();
  assert.equal(await metric("failure_rate_day"), "33.3 %");
  await page.unroute("**/api/v1/summary");

  // A viewer sees the same page; the route answers a viewer.
  await h.signOut();
  await h.signIn("viewer");
  await page.goto(`${base}/overview`);
  await page.locator('[data-metric="failure_rate_day"]').filter({ hasText: "33.3 %" }).waitFor();
  const asViewer = await h.api("GET", "/api/v1/summary");
  assert.equal(asViewer.status, 200);
  await h.check("overview (viewer)");
});
