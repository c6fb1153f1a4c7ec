// Sign-in, the session cookie, starting a run from the generated form and
// following it live, the runs list, CSRF, sign-out, and what a viewer may not
// do. The server has no worker: the run stays queued until a `linkhub worker`
// starts after the run page opened its event stream, so the update can only
// arrive over the stream.
import assert from "node:assert/strict";
import { consoleTest } from "./harness.mjs";

await consoleTest("basics", { workflows: ["diamond.yaml"] }, async (h) => {
  const { page, base, context } = h;
  const streams = [];
  page.on("request", (r) => {
    if (r.url().includes("/events/stream")) streams.push(r.url());
  });

  // Sign-in page, then a wrong password: the API's code and message are shown.
  await page.goto(`${base}/runs`);
  await page.getByRole("heading", { name: "Sign in to linkhub", exact: true }).waitFor();
  await h.axe("sign-in");
  await page.getByLabel("User name", { exact: true }).fill("admin");
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "invalid_credentials" }).waitFor();
  await h.shot("sign-in-refused");

  // The admin signs in: the session is a cookie scripts cannot read.
  await h.signIn("admin");
  const cookies = await context.cookies(base);
  const session = cookies.find((c) => c.name === "lh_session");
  assert.ok(session, "lh_session cookie set");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  assert.equal(await page.evaluate("document.cookie"), "", "no cookie visible to scripts");

  // Workflows list, then diamond's page with its generated trigger form.
  await page.getByRole("link", { name: "Workflows", exact: true }).click();
  await page.getByRole("link", { name: "diamond", exact: true }).waitFor();
  await h.check("workflows");
  await page.getByRole("link", { name: "diamond", exact: true }).click();
  await page.getByRole("heading", { name: "diamond", exact: true }).waitFor();
  assert.equal(await page.getByLabel("title", { exact: true }).inputValue(), "Linen shirt", "the default fills the field");
  assert.equal(await page.getByLabel("announce", { exact: true }).isChecked(), true);
  await page.getByLabel("title", { exact: true }).fill("Wool scarf");
  await page.getByLabel("sizes", { exact: true }).fill('["S", "M"]');
  await h.check("workflow");
  await page.getByRole("button", { name: "Start run", exact: true }).click();

  // The run page: queued (no worker yet) and following the run's stream.
  await page.getByRole("heading", { name: /^Run .* of diamond$/ }).waitFor();
  const runId = page.url().split("/runs/")[1];
  await page.locator("#run-status .badge-queued").waitFor();
  for (let i = 0; i < 100 && !streams.some((u) => u.includes(runId)); i++) await page.waitForTimeout(100);
  assert.ok(streams.some((u) => u.includes(runId)), "the run page opened the run's event stream");
  await h.check("run (queued)");
  // A worker on the same database executes it; the page learns of it only through the stream.
  h.startWorker();
  await page.locator("#run-status .badge-succeeded").waitFor({ timeout: 120_000 });
  await page.locator('[data-step="summary"], .step').first().waitFor();
  const api = await h.api("GET", `/api/v1/runs/${runId}`);
  assert.equal(api.body.status, "succeeded");
  assert.equal(api.body.inputs.title, "Wool scarf", "the form's input reached the run");
  assert.deepEqual(api.body.inputs.sizes, ["S", "M"]);
  await h.check("run (succeeded)");

  // The runs list shows it; the status filter narrows it.
  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await page.locator(`tr[data-run="${runId}"] .badge-succeeded`).waitFor();
  await page.getByLabel("Status", { exact: true }).selectOption("failed");
  await page.getByText("No runs match these filters").waitFor();
  await page.getByLabel("Status", { exact: true }).selectOption("");
  await page.locator(`tr[data-run="${runId}"]`).waitFor();
  await h.check("runs");

  // CSRF: the cookie alone does not start a run; the console header does.
  const bare = await page.evaluate(async () => {
    const r = await fetch("/api/v1/workflows/diamond/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(bare.status, 403);
  assert.equal(bare.body.error.code, "csrf_refused");

  // Sign out, then the viewer: no trigger control, and the API refuses it anyway.
  await h.signOut();
  assert.equal((await context.cookies(base)).some((c) => c.name === "lh_session"), false, "sign-out clears the cookie");
  await h.signIn("viewer");
  await page.goto(`${base}/workflows/diamond`);
  await page.getByRole("heading", { name: "diamond", exact: true }).waitFor();
  await page.getByRole("heading", { name: "Steps", exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Start run", exact: true }).count(), 0, "a viewer sees no trigger");
  await h.shot("workflow-viewer");
  const refused = await h.api("POST", "/api/v1/workflows/diamond/runs", {});
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, "forbidden");
  await page.goto(`${base}/runs/${runId}`);
  await page.locator("#run-status .badge-succeeded").waitFor();
  assert.equal(await page.getByRole("button", { name: /Retry/ }).count(), 0, "a viewer sees no retry");
  await h.check("run (viewer)");
});
