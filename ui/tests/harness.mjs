// What every browser test of the console shares (ctest label `console`):
// Debian's chromium through playwright-core against a real `linkhub serve` on
// 127.0.0.1 with a fresh SQLite file, users made with the CLI the README
// documents, the axe-core check, screenshots and the Content-Security-Policy
// watch. Each `ui/tests/<name>.e2e.mjs` is its own ctest test,
// `console.<name>`, with its own server and data directory.
//
// Environment: LINKHUB_BINARY (required), LINKHUB_REPO (the source tree),
// LINKHUB_CONSOLE_ARTIFACTS (screenshots), LINKHUB_UI_DIR (the built console),
// CHROMIUM (default /usr/bin/chromium).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, copyFileSync, cpSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, basename } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
export const repo = process.env.LINKHUB_REPO ?? join(here, "..", "..");
export const binary = process.env.LINKHUB_BINARY;
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const artifactRoot = process.env.LINKHUB_CONSOLE_ARTIFACTS ?? join(tmpdir(), "linkhub-console-artifacts");
const SKIP = 77; // ctest's SKIP_RETURN_CODE for these tests

export const password = {
  admin: "console admin password",
  operator: "console operator password",
  viewer: "console viewer password",
};

// Runs `body(h)` with a fresh data directory, the given workflows (file names
// under workflows/, with workflows/rules beside them; a .lua file goes into rules/), the three users, a
// `linkhub serve` (no worker unless `worker: true`) and a chromium page; then
// checks that no page broke its CSP or had a serious axe violation, and
// cleans up. `name` names the screenshot folder.
export async function consoleTest(name, { workflows = ["diamond.yaml"], worker = false, config = "" } = {}, body) {
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

  const work = mkdtempSync(join(tmpdir(), `linkhub-console-${name}-`));
  const artifacts = join(artifactRoot, name);
  mkdirSync(join(work, "workflows"));
  mkdirSync(artifacts, { recursive: true });
  rmSync(join(artifacts, "failure.png"), { force: true }); // a previous run's
  cpSync(join(repo, "workflows", "rules"), join(work, "workflows", "rules"), { recursive: true });
  // A .lua file goes into the rules/ folder, where `file: rules/x.lua` finds it.
  for (const file of workflows) {
    const to = file.endsWith(".lua") ? join(work, "workflows", "rules", basename(file)) : join(work, "workflows", basename(file));
    copyFileSync(join(repo, "workflows", file), to);
  }
  const configPath = join(work, "linkhub.yaml");
  writeFileSync(
    configPath,
    `database: ${join(work, "linkhub.db")}\nartifact_dir: ${join(work, "artifacts")}\n${config}`,
  );
  const children = [];
  let stopping = false;

  const cli = (args, input) => {
    const r = spawnSync(binary, [...args, "--config", configPath], { input, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, `linkhub ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };

  // Starts a linkhub child and resolves with its port from the serve.listening log line.
  const serve = (extra = []) => {
    const child = spawn(binary, ["serve", "--config", configPath, "--listen", "127.0.0.1:0", ...(worker ? [] : ["--no-worker"]), "--workflows", join(work, "workflows"), ...extra], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let buffer = "";
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${buffer.slice(-2000)}`)), 60_000);
      child.stderr.on("data", (chunk) => {
        buffer = (buffer + chunk).slice(-65536);
        const line = buffer.split("\n").find((l) => l.includes("serve.listening"));
        if (line) {
          clearTimeout(timer);
          const fields = JSON.parse(line.slice(line.indexOf("{")));
          resolve(fields.port ?? fields.fields?.port);
        }
      });
      // Before it listens that fails the start; after, it is logged (a test that then fails says why).
      child.on("exit", (code, signal) => {
        if (!stopping) console.log(`serve exited (${code ?? signal}): ${buffer.slice(-2000)}`);
        reject(new Error(`serve exited (${code ?? signal}): ${buffer.slice(-2000)}`));
      });
    });
  };

  // A `linkhub worker` on the same database that leaves when the queue is empty.
  const startWorker = (workflowFiles = workflows) => {
    const args = ["worker", "--config", configPath, "--exit-when-idle", "--no-scheduler"];
    for (const f of workflowFiles) args.push("--workflow", join(work, "workflows", basename(f)));
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    children.push(child);
    let log = "";
    child.stderr.on("data", (chunk) => (log = (log + chunk).slice(-4000)));
    child.on("exit", (code) => console.log(`worker exited (${code})${code ? `: ${log}` : ""}`));
    return child;
  };

  const violations = [];
  const cspErrors = [];
  let context;
  try {
    for (const role of ["admin", "operator", "viewer"]) cli(["users", "create", role, "--role", role, "--password-stdin"], `${password[role]}\n`);
    const port = await serve();
    const base = `http://127.0.0.1:${port}`;
    context = await chromium.launchPersistentContext(join(work, "profile"), {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    page.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) cspErrors.push(m.text());
    });

    const h = {
      base, page, context, work, cli, serve, startWorker, configPath, artifacts,
      // axe-core on the page as it is now: serious or critical violations fail the test at the end.
      async axe(pageName) {
        const result = await page.evaluate(`${axeSource}\n;axe.run(document, {resultTypes: ["violations"]})`);
        const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
        for (const v of serious) violations.push(`${pageName}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        console.log(`axe ${pageName}: ${result.violations.length} violations, ${serious.length} serious or critical`);
      },
      async shot(shotName) {
        await page.screenshot({ path: join(artifacts, `${shotName}.png`), fullPage: true });
      },
      // Both, as every page visited should get.
      async check(pageName) {
        await h.axe(pageName);
        await h.shot(pageName.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase());
      },
      async signIn(user) {
        await page.goto(`${base}/sign-in`);
        await page.getByLabel("User name", { exact: true }).fill(user);
        await page.getByLabel("Password", { exact: true }).fill(password[user]);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
      },
      async signOut() {
        await page.getByRole("button", { name: "Sign out", exact: true }).click();
        await page.getByRole("heading", { name: "Sign in to linkhub", exact: true }).waitFor();
      },
      // fetch() from inside the signed-in page (the cookie session; state changes carry the CSRF header).
      async api(method, path, body) {
        return page.evaluate(
          async ([m, p, b]) => {
            const headers = { "X-Linkhub-Console": "1" };
            if (b !== undefined) headers["Content-Type"] = "application/json";
            const r = await fetch(p, { method: m, headers, body: b === undefined ? undefined : JSON.stringify(b) });
            const text = await r.text();
            let json = null;
            try { json = JSON.parse(text); } catch { /* not JSON */ }
            return { status: r.status, body: json, text };
          },
          [method, path, body],
        );
      },
    };
    await body(h);
    assert.deepEqual(cspErrors, [], "the console breaks none of its own Content-Security-Policy");
    assert.deepEqual(violations, [], "no serious or critical axe violation");
    console.log(`console ${name}: passed; screenshots in ${artifacts}`);
  } catch (e) {
    const page = context?.pages()[0];
    if (page) await page.screenshot({ path: join(artifacts, "failure.png"), fullPage: true }).catch(() => undefined);
    throw e;
  } finally {
    stopping = true;
    await context?.close().catch(() => undefined);
    for (const child of children) child.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
}
