// The console end to end in Debian's chromium (ctest label `console`):
// a real `linkhub serve` on 127.0.0.1 with a fresh SQLite file, users made
// with the CLI the README documents. The admin signs in, starts diamond from
// the generated form and watches the run finish live (the server has no
// worker: the run stays queued until a `linkhub worker` starts, after the run
// page is following it, so the update can only arrive over the stream). A
// viewer sees no trigger control and the API refuses the trigger anyway.
// axe-core checks every page; screenshots go to LINKHUB_CONSOLE_ARTIFACTS.
//
// Environment: LINKHUB_BINARY (required), LINKHUB_REPO (the source tree),
// LINKHUB_CONSOLE_ARTIFACTS (screenshots), CHROMIUM (default /usr/bin/chromium).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, copyFileSync, cpSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const repo = process.env.LINKHUB_REPO ?? join(here, "..", "..");
const binary = process.env.LINKHUB_BINARY;
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const artifacts = process.env.LINKHUB_CONSOLE_ARTIFACTS ?? join(tmpdir(), "linkhub-console-artifacts");
const SKIP = 77; // ctest's SKIP_RETURN_CODE for this test

if (!existsSync(chromiumPath)) {
  console.log(`SKIP: no chromium at ${chromiumPath} (scripts/setup.sh installs Debian's chromium)`);
  process.exit(SKIP);
}
assert.ok(binary && existsSync(binary), `LINKHUB_BINARY must name the linkhub binary (got ${binary})`);
// The server finds the console beside its binary (<bin>/../share/linkhub/ui); scripts/build.sh puts it there.
const uiDir = process.env.LINKHUB_UI_DIR ?? join(dirname(binary), "..", "share", "linkhub", "ui");
assert.ok(existsSync(join(uiDir, "index.html")), `no built console in ${uiDir}: run scripts/build.sh (or scripts/build-ui.sh ${uiDir})`);
const { chromium } = await import("playwright-core");
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const work = mkdtempSync(join(tmpdir(), "linkhub-console-"));
mkdirSync(join(work, "workflows"));
mkdirSync(artifacts, { recursive: true });
rmSync(join(artifacts, "failure.png"), { force: true }); // a previous run's
copyFileSync(join(repo, "workflows", "diamond.yaml"), join(work, "workflows", "diamond.yaml"));
cpSync(join(repo, "workflows", "rules"), join(work, "workflows", "rules"), { recursive: true });
const config = join(work, "linkhub.yaml");
writeFileSync(
  config,
  `database: ${join(work, "linkhub.db")}\nartifact_dir: ${join(work, "artifacts")}\nrules_dir: ${join(work, "workflows")}\n`,
);
const password = { admin: "console admin password", viewer: "console viewer password" };
const children = [];

function cli(args, input) {
  const r = spawnSync(binary, [...args, "--config", config], { input, encoding: "utf8", timeout: 60_000 });
  assert.equal(r.status, 0, `linkhub ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

// Starts `linkhub serve` and resolves with its port from the serve.listening log line.
function serve() {
  const child = spawn(binary, ["serve", "--config", config, "--listen", "127.0.0.1:0", "--no-worker", "--workflows", join(work, "workflows")], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let buffer = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${buffer.slice(-2000)}`)), 60_000);
    child.stderr.on("data", (chunk) => {
      buffer += chunk;
      const line = buffer.split("\n").find((l) => l.includes("serve.listening"));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice(line.indexOf("{"))).port ?? JSON.parse(line.slice(line.indexOf("{"))).fields?.port);
      }
    });
    child.on("exit", (code) => reject(new Error(`serve exited (${code}): ${buffer.slice(-2000)}`)));
  });
}

const violations = [];
async function axeCheck(page, name) {
  const result = await page.evaluate(`${axeSource}\n;axe.run(document, {resultTypes: ["violations"]})`);
  const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  for (const v of serious) violations.push(`${name}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  console.log(`axe ${name}: ${result.violations.length} violations, ${serious.length} serious or critical`);
}

async function shot(page, name) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}

async function signIn(page, base, user) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("User name", { exact: true }).fill(user);
  await page.getByLabel("Password", { exact: true }).fill(password[user]);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Runs", exact: true }).waitFor();
}

let context;
try {
  cli(["users", "create", "admin", "--role", "admin", "--password-stdin"], `${password.admin}\n`);
  cli(["users", "create", "viewer", "--role", "viewer", "--password-stdin"], `${password.viewer}\n`);
  const port = await serve();
  const base = `http://127.0.0.1:${port}`;

  context = await chromium.launchPersistentContext(join(work, "profile"), {
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  const cspErrors = [];
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
  });
  const streams = [];
  page.on("request", (r) => {
    if (r.url().includes("/events/stream")) streams.push(r.url());
  });

  // Sign-in page, then a wrong password: the API's code and message are shown.
  await page.goto(`${base}/runs`);
  await page.getByRole("heading", { name: "Sign in to linkhub", exact: true }).waitFor();
  await axeCheck(page, "sign-in");
  await page.getByLabel("User name", { exact: true }).fill("admin");
  await page.getByLabel("Password", { exact: true }).fill("not the password at all");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "invalid_credentials" }).waitFor();
  await shot(page, "sign-in-refused");

  // The admin signs in: the session is a cookie scripts cannot read.
  await signIn(page, base, "admin");
  const cookies = await context.cookies(base);
  const session = cookies.find((c) => c.name === "lh_session");
  assert.ok(session, "lh_session cookie set");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  assert.equal(await page.evaluate("document.cookie"), "", "no cookie visible to scripts");
  await axeCheck(page, "runs (empty)");
  await shot(page, "runs-empty");

  // Workflows list, then diamond's page with its generated trigger form.
  await page.getByRole("link", { name: "Workflows", exact: true }).click();
  await page.getByRole("link", { name: "diamond", exact: true }).waitFor();
  await axeCheck(page, "workflows");
  await shot(page, "workflows");
  await page.getByRole("link", { name: "diamond", exact: true }).click();
  await page.getByRole("heading", { name: "diamond", exact: true }).waitFor();
  assert.equal(await page.getByLabel("title", { exact: true }).inputValue(), "Linen shirt", "the default fills the field");
  assert.equal(await page.getByLabel("announce", { exact: true }).isChecked(), true);
  await page.getByLabel("title", { exact: true }).fill("Wool scarf");
  await page.getByLabel("sizes", { exact: true }).fill('["S", "M"]');
  await axeCheck(page, "workflow");
  await shot(page, "workflow");
  await page.getByRole("button", { name: "Start run", exact: true }).click();

  // The run page: queued (no worker yet) and following the run's stream.
  await page.getByRole("heading", { name: /^Run .* of diamond$/ }).waitFor();
  const runId = page.url().split("/runs/")[1];
  await page.locator("#run-status .badge-queued").waitFor();
  for (let i = 0; i < 100 && !streams.some((u) => u.includes(runId)); i++) await page.waitForTimeout(100);
  assert.ok(streams.some((u) => u.includes(runId)), "the run page opened the run's event stream");
  await axeCheck(page, "run (queued)");
  await shot(page, "run-queued");
  // A worker on the same database executes it; the page learns of it only through the stream.
  const worker = spawn(binary, ["worker", "--config", config, "--exit-when-idle", "--no-scheduler", "--workflow", join(work, "workflows", "diamond.yaml")], { stdio: ["ignore", "ignore", "pipe"] });
  children.push(worker);
  let workerLog = "";
  worker.stderr.on("data", (chunk) => (workerLog = (workerLog + chunk).slice(-4000)));
  worker.on("exit", (code) => console.log(`worker exited (${code})${code ? `: ${workerLog}` : ""}`));
  await page.locator("#run-status .badge-succeeded").waitFor({ timeout: 120_000 });
  await page.locator('[data-step="summary"], .step').first().waitFor();
  const api = await page.evaluate(async (id) => (await fetch(`/api/v1/runs/${id}`)).json(), runId);
  assert.equal(api.status, "succeeded");
  assert.equal(api.inputs.title, "Wool scarf", "the form's input reached the run");
  assert.deepEqual(api.inputs.sizes, ["S", "M"]);
  await axeCheck(page, "run (succeeded)");
  await shot(page, "run-succeeded");

  // The runs list shows it; the status filter narrows it.
  await page.getByRole("link", { name: "Runs", exact: true }).click();
  await page.locator(`tr[data-run="${runId}"] .badge-succeeded`).waitFor();
  await page.getByLabel("Status", { exact: true }).selectOption("failed");
  await page.getByText("No runs match these filters").waitFor();
  await page.getByLabel("Status", { exact: true }).selectOption("");
  await page.locator(`tr[data-run="${runId}"]`).waitFor();
  await axeCheck(page, "runs");
  await shot(page, "runs");

  // CSRF: the cookie alone does not start a run; the console header does.
  const bare = await page.evaluate(async () => {
    const r = await fetch("/api/v1/workflows/diamond/runs", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(bare.status, 403);
  assert.equal(bare.body.error.code, "csrf_refused");

  // Sign out, then the viewer: no trigger control, and the API refuses it anyway.
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.getByRole("heading", { name: "Sign in to linkhub", exact: true }).waitFor();
  assert.equal((await context.cookies(base)).some((c) => c.name === "lh_session"), false, "sign-out clears the cookie");
  await signIn(page, base, "viewer");
  await page.goto(`${base}/workflows/diamond`);
  await page.getByRole("heading", { name: "diamond", exact: true }).waitFor();
  await page.getByRole("heading", { name: "Steps", exact: true }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Start run", exact: true }).count(), 0, "a viewer sees no trigger");
  await shot(page, "workflow-viewer");
  const refused = await page.evaluate(async () => {
    const r = await fetch("/api/v1/workflows/diamond/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Linkhub-Console": "1" },
      body: "{}",
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(refused.status, 403);
  assert.equal(refused.body.error.code, "forbidden");
  await page.goto(`${base}/runs/${runId}`);
  await page.locator("#run-status .badge-succeeded").waitFor();
  assert.equal(await page.getByRole("button", { name: /Retry/ }).count(), 0, "a viewer sees no retry");
  await axeCheck(page, "run (viewer)");
  await shot(page, "run-viewer");

  assert.deepEqual(cspErrors, [], "the console breaks none of its own Content-Security-Policy");
  assert.deepEqual(violations, [], "no serious or critical axe violation");
  console.log(`console e2e: passed; screenshots in ${artifacts}`);
} catch (e) {
  const page = context?.pages()[0];
  if (page) await shot(page, "failure").catch(() => undefined);
  throw e;
} finally {
  await context?.close().catch(() => undefined);
  for (const child of children) child.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
