// The runs list (virtualised, time filter, live over the one runs stream),
// a run's timeline and log lines, a failing run retried from a step, dead
// letters inspected and requeued, and what a viewer may not do. 300 finished
// runs, one a minute back from now, are written through the store by
// runs_fill (tests/tools/runs_fill.cpp) while the server runs; flaky-gate
// (ui/tests/fixtures) fails at `gate` until the test rewrites its rule file.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { consoleTest } from "./harness.mjs";

const fixtures = "../ui/tests/fixtures"; // relative to workflows/, where the harness copies from
const filler = process.env.LINKHUB_RUNS_FILL;
// LINKHUB_RUNS_COUNT=10000 makes this the 10,000-run check (by hand; about a page of 100 per scroll).
const fillCount = Number(process.env.LINKHUB_RUNS_COUNT ?? 300);
const rowBound = 80; // rows in the DOM at any time: the view and its overscan, far below fillCount

const pad = (n) => String(n).padStart(2, "0");
// The datetime-local text of `ms` in local time, to the second.
const localText = (ms) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
};

await consoleTest(
  "runs",
  { workflows: [`${fixtures}/flaky-gate.yaml`, `${fixtures}/flaky-gate.lua`], worker: true },
  async (h) => {
    const { page, base } = h;
    assert.ok(filler, "LINKHUB_RUNS_FILL names the runs_fill tool (ctest sets it)");
    const rule = join(h.work, "workflows", "rules", "flaky-gate.lua");
    const openGate = () => writeFileSync(rule, "return { item = input.item, open = true }\n");
    const closeGate = () => writeFileSync(rule, 'error("the gate is closed for " .. tostring(input.item))\n');

    const fill = spawnSync(filler, [join(h.work, "linkhub.db"), String(fillCount), "filler", "60000"], { encoding: "utf8", timeout: 120_000 });
    assert.equal(fill.status, 0, `runs_fill: ${fill.stderr}`);
    const filled = JSON.parse(fill.stdout);
    console.log(`runs_fill: ${fill.stdout.trim()}`);

    const streams = [];
    page.on("request", (r) => {
      if (r.url().includes("/stream")) streams.push(new URL(r.url()).pathname);
    });
    const refusals = [];
    page.on("response", (r) => {
      if (r.status() >= 400) refusals.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    await h.signIn("admin");
    await page.goto(`${base}/runs`);
    const scroller = page.locator(".runs-scroll");
    const rows = page.locator("tbody tr[data-run]");
    await rows.first().waitFor();
    await h.check("runs");

    // Virtualised: scrolled to the end page by page, the DOM never holds more than a screenful.
    const countText = () => page.locator("#runs-count").textContent();
    let maxRows = await rows.count();
    let loaded = 0;
    const started_ms = Date.now();
    for (let i = 0; i < Math.ceil(fillCount / 100) + 5; i++) {
      await scroller.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.waitForFunction((before) => {
        const t = document.querySelector("#runs-count")?.textContent ?? "";
        const m = /^(\d+) runs? loaded/.exec(t);
        return m !== null && !t.includes("loading more") && (Number(m[1]) > before || !t.includes("more as you scroll"));
      }, loaded);
      const text = await countText();
      loaded = Number(/^(\d+)/.exec(text)[1]);
      maxRows = Math.max(maxRows, await rows.count());
      if (!text.includes("more as you scroll")) break;
    }
    assert.equal(loaded, fillCount, "every run reached by scrolling");
    await scroller.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    const lastRow = page.locator(`tbody tr[aria-rowindex="${fillCount + 1}"]`);
    await lastRow.waitFor();
    maxRows = Math.max(maxRows, await rows.count());
    assert.ok(maxRows <= rowBound, `at most ${rowBound} rows in the DOM while scrolling (saw ${maxRows})`);
    const oldest = await h.api("GET", `/api/v1/runs?since=${filled.oldest_ms}&until=${filled.oldest_ms + 1}`);
    assert.equal(await lastRow.getAttribute("data-run"), oldest.body.runs[0].id, "the last row is the oldest run");
    console.log(`runs list: ${loaded} runs scrolled through in ${Date.now() - started_ms} ms with at most ${maxRows} rows in the DOM`);

    // The time filter narrows, and lives in the address: runs i = 0..30 are
    // from newest - 30.5 min on; 11..30 are also before newest - 10.5 min.
    await page.getByLabel("Created from", { exact: true }).fill(localText(filled.newest_ms - 30 * 60_000 - 30_000));
    await page.waitForFunction(() => /^31 runs loaded$/.test(document.querySelector("#runs-count")?.textContent ?? ""));
    assert.match(page.url(), /since=/);
    await page.getByLabel("Created before", { exact: true }).fill(localText(filled.newest_ms - 10 * 60_000 - 30_000));
    await page.waitForFunction(() => /^20 runs loaded$/.test(document.querySelector("#runs-count")?.textContent ?? ""));
    assert.match(page.url(), /until=/);
    await h.check("runs (time filter)");
    await page.goto(`${base}/runs`);
    await rows.first().waitFor().catch((e) => {
      throw new Error(`${e.message}; refused so far: ${refusals.join(", ")}`);
    });

    // Live: a run started after the list opened appears, then fails, without a reload.
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    const started = await h.api("POST", "/api/v1/workflows/flaky-gate/runs", { inputs: {} });
    assert.equal(started.status, 202, started.text);
    const runId = started.body.run_id;
    await page.locator(`tr[data-run="${runId}"]`).waitFor({ timeout: 60_000 });
    await page.locator(`tr[data-run="${runId}"] .badge-failed`).waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate(() => window.__sameDocument), true, "no reload");
    assert.deepEqual([...new Set(streams)], ["/api/v1/runs/stream"], "one stream for the whole list, none per run");

    // The run page: failed at gate, with its timeline and note's log line.
    await page.locator(`tr[data-run="${runId}"] a`).click();
    await page.getByRole("heading", { name: /^Run .* of flaky-gate$/ }).waitFor();
    await page.locator("#run-status .badge-failed").waitFor();
    for (const step of ["fetch", "note", "gate"]) await page.locator(`.timeline [data-lane="${step}"]`).waitFor();
    await page.locator('[data-logs="note"]').getByText("fetched parcel").waitFor();
    await page.locator('[data-step="gate"] .step-error').getByText("the gate is closed").waitFor();
    await h.check("run (failed)");

    // Retried from gate once the rule lets it pass: only gate and publish run again.
    openGate();
    await page.getByRole("button", { name: "Retry from gate", exact: true }).click();
    await page.locator("#run-status .badge-succeeded").waitFor({ timeout: 60_000 });
    await page.locator('[data-logs="publish"]').getByText("published parcel").waitFor();
    await page.locator('.timeline [data-lane="publish"]').waitFor();
    const events = (await h.api("GET", `/api/v1/runs/${runId}/events?limit=1000`)).body.events;
    const requeued = events.findLastIndex((e) => e.type === "run.requeued");
    assert.ok(requeued > 0, "the retry requeued the run");
    const again = new Set(events.slice(requeued).filter((e) => e.type === "step.started").map((e) => e.step));
    assert.deepEqual([...again].sort(), ["gate", "publish"], "only the step retried from and what depends on it ran again");
    await h.check("run (retried from a step)");

    // Dead letters: a second run fails at the gate; it is inspected, then requeued once the gate opens.
    closeGate();
    const second = (await h.api("POST", "/api/v1/workflows/flaky-gate/runs", { inputs: {} })).body.run_id;
    await page.goto(`${base}/runs/${second}`);
    await page.locator("#run-status .badge-failed").waitFor({ timeout: 60_000 });
    await page.getByRole("link", { name: "Dead letters", exact: true }).click();
    const letter = page.locator(`[data-letter="${second}/gate/-1"]`);
    await letter.waitFor();
    await letter.getByRole("button", { name: "Inspect", exact: false }).click();
    await letter.getByRole("region", { name: /^Input of gate/ }).getByText('"item": "parcel"').waitFor();
    await letter.getByRole("region", { name: /^Error of gate/ }).getByText("the gate is closed").waitFor();
    await h.check("dead letters");
    openGate();
    await letter.getByRole("button", { name: /^Requeue/ }).click();
    await letter.getByRole("region", { name: /^The API's answer/ }).getByText(`"run_id": "${second}"`).waitFor();
    await page.goto(`${base}/runs/${second}`);
    await page.locator("#run-status .badge-succeeded").waitFor({ timeout: 60_000 });
    const again2 = await h.api("POST", `/api/v1/dead-letters/${second}/gate/requeue`);
    assert.ok([404, 409].includes(again2.status), `a requeued letter is not requeued twice (${again2.status})`);

    // A viewer: no cancel, retry or requeue; the API refuses them anyway.
    await h.signOut();
    await h.signIn("viewer");
    await page.goto(`${base}/runs/${runId}`);
    await page.locator("#run-status .badge-succeeded").waitFor();
    assert.equal(await page.getByRole("button", { name: /Retry|Cancel/ }).count(), 0, "a viewer sees no retry or cancel");
    await h.check("run (viewer)");
    await page.goto(`${base}/dead-letters`);
    await page.locator(`[data-letter="${second}/gate/-1"]`).waitFor();
    assert.equal(await page.getByRole("button", { name: /^Requeue/ }).count(), 0, "a viewer sees no requeue");
    await h.check("dead letters (viewer)");
    for (const [path, body] of [
      [`/api/v1/runs/${runId}/retry`, { from: "gate" }],
      [`/api/v1/runs/${runId}/cancel`, undefined],
      [`/api/v1/dead-letters/${second}/gate/requeue`, undefined],
    ]) {
      const refused = await h.api("POST", path, body);
      assert.equal(refused.status, 403, `${path} refused to a viewer`);
      assert.equal(refused.body.error.code, "forbidden");
    }
  },
);
