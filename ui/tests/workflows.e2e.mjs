// The workflow pages: diamond's DAG (steps, edges, names), its statuses after
// a run (on the run page and the workflow page), the YAML editor's server
// diagnostics at the right line as one types, an admin registering a new
// workflow that is then listed and startable, the plugins page, and what an
// operator and a viewer may not do (no control, and the API refuses it).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { consoleTest, repo } from "./harness.mjs";

const diamondYaml = readFileSync(join(repo, "workflows", "diamond.yaml"), "utf8");
const lineOf = (text, needle) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;

// The line numbers (from the editor's gutter) of the lines that carry an error mark.
async function markedLines(page) {
  return page.locator("[data-editor=yaml] .cm-editor").evaluate((editor) => {
    const numbers = [...editor.querySelectorAll(".cm-lineNumbers .cm-gutterElement")];
    const lines = new Set([...editor.querySelectorAll(".cm-lintRange-error")].map((m) => m.closest(".cm-line")));
    return [...lines].map((line) => {
      const top = line.getBoundingClientRect().top;
      const number = numbers.find((n) => Math.abs(n.getBoundingClientRect().top - top) < 2);
      return number ? Number(number.textContent) : -1;
    });
  });
}

// Puts the editor's cursor at the end of a line, by keyboard (the editor draws only the lines in view).
async function endOfLine(page, line) {
  await page.locator("[data-editor=yaml] .cm-content").focus();
  await page.keyboard.press("Control+Home");
  for (let i = 1; i < line; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
}

await consoleTest("workflows", { workflows: ["diamond.yaml", "whatsapp-buy.yaml"] }, async (h) => {
  const { page, base } = h;
  await h.signIn("admin");

  // diamond's DAG before any run: five steps, five edges, each step a link named by its needs.
  await page.goto(`${base}/workflows/diamond`);
  await page.getByRole("heading", { name: "diamond", exact: true }).waitFor();
  const dag = page.locator("svg.dag-svg");
  await dag.waitFor();
  assert.equal(await dag.getAttribute("data-steps"), "5");
  const edges = await dag.locator("path.dag-edge").evaluateAll((ps) => ps.map((p) => p.getAttribute("data-edge")).sort());
  assert.deepEqual(edges, ["inventory->summary", "start->inventory", "start->variants", "summary->announce", "variants->summary"]);
  for (const path of await dag.locator("path.dag-edge").all()) {
    assert.match(await path.getAttribute("marker-end"), /^url\(#dag-arrow-/, "every edge has an arrow head");
  }
  const summary = page.getByRole("link", { name: "summary: core.transform, needs variants, inventory", exact: true });
  await summary.waitFor();
  await page.getByText("No run yet: the graph shows the steps only.").waitFor();
  // Keyboard: the step is focusable and Enter goes to its details.
  await summary.focus();
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "step-summary", "Enter on a node moves to the step's details");

  // The YAML editor holds the registered text and the server finds it valid.
  const editor = page.locator("[data-editor=yaml] .cm-content");
  await editor.waitFor();
  await page.locator("[data-valid=true]").waitFor();
  assert.equal(await page.getByRole("textbox", { name: "YAML of diamond", exact: true }).count(), 1, "the editor is named");
  // CodeMirror styles itself in its shadow root (adoptedStyleSheets), never with a <style> the CSP would refuse.
  assert.equal(await page.evaluate(() => document.querySelectorAll("style").length), 0, "no <style> element in the document");
  assert.ok(await page.locator("[data-editor=yaml]").evaluate((host) => host.shadowRoot.adoptedStyleSheets.length > 0));
  await h.check("workflow (dag and editor)");

  // A broken step reference typed in: the API's diagnostic, marked at its line.
  const needsLine = lineOf(diamondYaml, "needs: [variants, inventory]");
  assert.ok(needsLine > 0);
  await endOfLine(page, needsLine);
  await page.keyboard.press("Backspace");
  await page.keyboard.type("x]");
  const broken = page.locator('.diagnostics li[data-code="unknown-need"]');
  await broken.waitFor();
  const expected = await h.api("POST", "/api/v1/workflows/validate", {
    yaml: diamondYaml.replace("needs: [variants, inventory]", "needs: [variants, inventoryx]"),
    file: "diamond.yaml",
  });
  const apiDiagnostic = expected.body.diagnostics.find((d) => d.code === "unknown-need");
  assert.ok(apiDiagnostic, JSON.stringify(expected.body));
  assert.equal(apiDiagnostic.line, needsLine);
  assert.equal(await broken.getAttribute("data-line"), String(needsLine), "listed at the line the API names");
  assert.ok((await broken.textContent()).includes(apiDiagnostic.message), "with the API's message");
  // The lint marks sit on the lines the API names (the mistyped need, and the expression that used it).
  const apiLines = [...new Set(expected.body.diagnostics.filter((d) => d.severity === "error").map((d) => d.line))].sort((a, b) => a - b);
  assert.ok(apiLines.includes(needsLine));
  await page.locator(".cm-lintRange-error").first().waitFor();
  assert.deepEqual((await markedLines(page)).sort((a, b) => a - b), apiLines, "the lint marks sit on the broken lines");
  assert.equal(await page.locator(".diagnostics li").count(), expected.body.diagnostics.length, "each diagnostic listed");
  await h.check("workflow (diagnostic)");

  // Replacing it with the broken text: the API refuses, shown as code and message.
  await page.getByRole("button", { name: "Replace workflow", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "invalid_workflow" }).waitFor();

  // A run of diamond; its page colours the DAG by the run's step statuses.
  await page.goto(`${base}/workflows/diamond`);
  await page.getByRole("button", { name: "Start run", exact: true }).click();
  await page.getByRole("heading", { name: /^Run .* of diamond$/ }).waitFor();
  await page.locator('svg.dag-svg [data-dag-step="start"][data-status="not run"]').waitFor();
  h.startWorker();
  await page.locator("#run-status .badge-succeeded").waitFor({ timeout: 120_000 });
  for (const step of ["start", "variants", "inventory", "summary", "announce"]) {
    await page.locator(`svg.dag-svg [data-dag-step="${step}"][data-status="succeeded"]`).waitFor();
  }
  await page.getByRole("link", { name: "summary: succeeded, needs variants, inventory", exact: true }).waitFor();
  await page.getByRole("list", { name: "Legend" }).getByText("succeeded", { exact: true }).waitFor();
  await h.check("run (dag)");
  // The workflow page shows the last run's statuses too.
  await page.goto(`${base}/workflows/diamond`);
  await page.getByRole("link", { name: "announce: succeeded, needs summary", exact: true }).waitFor();
  await page.getByText("Statuses of the last run").waitFor();

  // 69 steps (the WhatsApp purchase): every step drawn, the page still passes axe.
  await page.goto(`${base}/workflows/whatsapp-buy`);
  await page.getByRole("heading", { name: "whatsapp-buy", exact: true }).waitFor();
  const big = page.locator("svg.dag-svg");
  await big.waitFor();
  const wanted = (await h.api("GET", "/api/v1/workflows/whatsapp-buy")).body.dag.nodes.length;
  assert.equal(await big.getAttribute("data-steps"), String(wanted));
  assert.equal(await big.locator("a.dag-node").count(), wanted);
  const fullWidth = (await big.boundingBox()).width;
  await page.getByRole("button", { name: "Fit the graph to the width", exact: true }).click();
  assert.ok((await big.boundingBox()).width < fullWidth, "fitted, the graph is narrower");
  assert.equal(await page.getByRole("button", { name: "Fit the graph to the width", exact: true }).getAttribute("aria-pressed"), "true");
  await h.check("workflow (69 steps)");

  // An admin registers a new workflow: a bad indentation first (marked at its line, refused), then fixed.
  await page.getByRole("link", { name: "Workflows", exact: true }).click();
  await page.getByRole("link", { name: "New workflow", exact: true }).click();
  await page.getByRole("heading", { name: "New workflow", exact: true }).waitFor();
  await page.locator("[data-valid=true]").waitFor();
  const newText = await page.locator("[data-editor=yaml] .cm-content").evaluate((c) => [...c.querySelectorAll(".cm-line")].map((l) => l.textContent).join("\n"));
  const usesLine = lineOf(newText, "uses: core.log");
  await endOfLine(page, usesLine);
  await page.keyboard.press("Home");
  await page.keyboard.type(" ");
  const syntax = page.locator('.diagnostics li[data-code="yaml-syntax"]');
  await syntax.waitFor();
  assert.equal(await syntax.getAttribute("data-line"), String(usesLine), "the bad indentation is reported at its line");
  await page.locator(".cm-lintRange-error").first().waitFor();
  assert.deepEqual(await markedLines(page), [usesLine]);
  await h.check("new workflow (diagnostic)");
  await page.getByRole("button", { name: "Register workflow", exact: true }).click();
  await page.getByRole("alert").filter({ hasText: "invalid_workflow" }).waitFor();
  assert.equal((await h.api("GET", "/api/v1/workflows/my-workflow")).status, 404, "refused: not registered");
  await page.locator("[data-editor=yaml] .cm-content").focus(); // back into the editor from the button
  await page.keyboard.press("Control+z");
  await page.locator("[data-valid=true]").waitFor();
  await page.getByRole("button", { name: "Register workflow", exact: true }).click();
  await page.getByRole("heading", { name: "my-workflow", exact: true }).waitFor();
  // Replacing it from its page: a new description, then "Replace workflow".
  await page.locator("[data-valid=true]").waitFor();
  await endOfLine(page, lineOf(newText, "description:"));
  await page.keyboard.type(" Replaced.");
  await page.getByRole("button", { name: "Replace workflow", exact: true }).click();
  await page.getByText("Workflow my-workflow version 1: replaced.").waitFor();
  assert.match((await h.api("GET", "/api/v1/workflows/my-workflow")).body.source, /in one line\. Replaced\./);
  await page.getByRole("link", { name: "Workflows", exact: true }).click();
  await page.getByRole("link", { name: "my-workflow", exact: true }).click();
  await page.getByRole("button", { name: "Start run", exact: true }).click();
  await page.getByRole("heading", { name: /^Run .* of my-workflow$/ }).waitFor();
  const newRun = page.url().split("/runs/")[1];
  assert.equal((await h.api("GET", `/api/v1/runs/${newRun}`)).body.workflow, "my-workflow");

  // The plugins page: core's steps with their schemas, opened by keyboard.
  await page.getByRole("link", { name: "Plugins", exact: true }).click();
  await page.getByRole("heading", { name: "Plugins", exact: true }).waitFor();
  const core = page.locator('details[data-plugin="core"]');
  await core.locator("summary").first().focus();
  await page.keyboard.press("Enter");
  const coreSteps = (await h.api("GET", "/api/v1/plugins")).body.plugins.find((p) => p.name === "core").steps.map((s) => s.uses);
  assert.ok(coreSteps.includes("core.log"), coreSteps.join(", "));
  for (const uses of coreSteps) await core.locator(`details[data-step-uses="${uses}"] > summary`).getByText(uses, { exact: true }).waitFor();
  const log = core.locator('details[data-step-uses="core.log"]');
  await log.locator("summary").first().focus();
  await page.keyboard.press("Enter");
  await log.getByRole("heading", { name: "Input of core.log", exact: true }).waitFor();
  await h.check("plugins");

  // An operator and a viewer: no register or replace control, and the API refuses it anyway.
  for (const role of ["operator", "viewer"]) {
    await h.signOut();
    await h.signIn(role);
    await page.goto(`${base}/workflows`);
    await page.getByRole("link", { name: "diamond", exact: true }).waitFor();
    assert.equal(await page.getByRole("link", { name: "New workflow", exact: true }).count(), 0, `${role}: no new-workflow link`);
    await page.goto(`${base}/workflows/diamond`);
    await page.locator("[data-valid=true]").waitFor();
    assert.equal(await page.getByRole("button", { name: "Replace workflow", exact: true }).count(), 0, `${role}: no replace`);
    await page.goto(`${base}/new-workflow`);
    await page.getByText("Only admins register workflows.").waitFor();
    assert.equal(await page.getByRole("button", { name: "Register workflow", exact: true }).count(), 0, `${role}: no register`);
    const refused = await h.api("PUT", "/api/v1/workflows/diamond", { yaml: diamondYaml });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "forbidden");
    await h.check(`workflow (${role})`);
  }
});
