// Keyboard only: an admin signs in and reaches every page of the main
// navigation with Tab, Shift+Tab and Enter alone. The nav links are read from
// the page at run time, so pages added later are covered without editing
// this test. On each page: the skip link is the first stop and moves the
// focus into <main>; Tab visits every focusable element, each with an
// accessible name (Chromium's own, through the DevTools protocol) and a
// visible focus indicator (its outline or box-shadow differs from when it is
// not focused); and Tab comes back round to the start within a bounded count
// (no focus trap).
import assert from "node:assert/strict";
import { consoleTest, password } from "./harness.mjs";

const MAX_TABS = 400; // more focusable stops than any page has: reaching it means a trap

await consoleTest("keyboard", { workflows: ["diamond.yaml"] }, async (h) => {
  const { page, base } = h;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Accessibility.enable");

  // What is focused now: a description, its accessible name and role, and its focus styles.
  const focused = async () => {
    const { result } = await cdp.send("Runtime.evaluate", { expression: "document.activeElement" });
    const info = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      // A mark to find the element again once the focus moved on (React leaves unknown data attributes alone).
      el.dataset.kbdProbe ??= String((window.__kbdProbes = (window.__kbdProbes ?? 0) + 1));
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return {
        probe: el.dataset.kbdProbe,
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.textContent ?? "").trim().slice(0, 60),
        href: el.getAttribute("href"),
        inMain: !!el.closest("main"),
        inNav: !!el.closest('nav[aria-label="Main"]'),
        skip: el.classList.contains("skip"),
        style: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | "),
        visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth,
      };
    });
    if (!info) return null;
    const { nodes } = await cdp.send("Accessibility.getPartialAXTree", { objectId: result.objectId, fetchRelatives: false });
    const node = nodes.find((n) => !n.ignored) ?? nodes[0];
    return { ...info, role: node?.role?.value ?? "", name: (node?.name?.value ?? "").trim() };
  };
  const describe = (f) => `${f.tag}${f.id ? "#" + f.id : ""} "${f.text}"`;
  // The style of the element described, now that it is not focused.
  const styleOf = (f) =>
    page.evaluate((probe) => {
      const el = document.querySelector(`[data-kbd-probe="${probe}"]`);
      if (!el || el === document.activeElement) return null;
      const s = getComputedStyle(el);
      return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | ");
    }, f.probe);

  // Presses `key` until `want(focused)` holds; false after MAX_TABS presses.
  const pressUntil = async (key, want) => {
    for (let i = 0; i < MAX_TABS; i++) {
      await page.keyboard.press(key);
      const f = await focused();
      if (f && want(f)) return f;
    }
    return null;
  };

  // ---- Sign in with the keyboard.
  await page.goto(`${base}/sign-in`);
  await page.getByRole("heading", { name: "Sign in to linkhub", exact: true }).waitFor();
  assert.ok(await pressUntil("Tab", (f) => f.id === "username"), "Tab reaches the user name");
  await page.keyboard.type("admin");
  await page.keyboard.press("Tab");
  assert.equal((await focused())?.id, "password");
  await page.keyboard.type(password.admin);
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
  await h.check("keyboard: after sign-in");
  // A queued run (no worker) so the runs list has a row and a link.
  assert.equal((await h.api("POST", "/api/v1/workflows/diamond/runs", { inputs: {} })).status, 202);

  const links = await page.$$eval('nav[aria-label="Main"] a', (as) => as.map((a) => ({ text: a.textContent.trim(), href: a.getAttribute("href") })));
  assert.ok(links.length >= 4, `the admin's nav has Runs, Workflows, Keys and Users at least: ${JSON.stringify(links)}`);
  console.log(`keyboard: nav links ${links.map((l) => l.text).join(", ")}`);

  for (const link of links) {
    // Reach the link from wherever the focus is: back (Shift+Tab) first, the nav comes before <main>.
    const at = (await pressUntil("Shift+Tab", (f) => f.inNav && f.href === link.href)) ?? (await pressUntil("Tab", (f) => f.inNav && f.href === link.href));
    assert.ok(at, `the keyboard reaches the nav link ${link.text}`);
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.pathname === link.href);
    await page.locator("main h1").first().waitFor();
    await page.waitForFunction(() => ![...document.querySelectorAll('main [role="status"]')].some((e) => e.textContent.startsWith("Loading")));
    const pageName = `keyboard: ${link.text}`;

    // The skip link: visible when focused, and it leads into <main>. (That it is the
    // first stop shows below: Tab past the last stop comes back to it.)
    const skip = await pressUntil("Shift+Tab", (f) => f.skip);
    assert.ok(skip, `${pageName}: Shift+Tab reaches the skip link`);
    assert.ok(skip.visible, `${pageName}: the focused skip link is on screen`);
    assert.equal(skip.name, "Skip to content");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    const afterSkip = await focused();
    const mainHasStops = await page.evaluate(() => !!document.querySelector("main a[href], main button, main input, main select, main textarea, main [tabindex='0']"));
    if (mainHasStops) assert.ok(afterSkip?.inMain, `${pageName}: after the skip link, Tab lands in main (found ${afterSkip && describe(afterSkip)})`);

    // Every stop, from the skip link round to it again.
    await pressUntil("Shift+Tab", (f) => f.skip);
    let previous = await focused();
    const seen = [];
    let cameBack = false;
    for (let i = 0; i < MAX_TABS; i++) {
      assert.ok(previous.name.length > 0, `${pageName}: ${describe(previous)} (role ${previous.role}) has no accessible name`);
      assert.ok(previous.visible, `${pageName}: focused ${describe(previous)} is not on screen`);
      seen.push(`${previous.role} "${previous.name}"`);
      await page.keyboard.press("Tab");
      const unfocused = await styleOf(previous);
      if (unfocused !== null) {
        assert.notEqual(previous.style, unfocused, `${pageName}: ${describe(previous)} looks the same focused and not (${unfocused})`);
      }
      let next = await focused();
      if (!next) {
        // Past the last stop the focus leaves the document; one more Tab brings it back to the start.
        await page.keyboard.press("Tab");
        next = await focused();
      }
      if (next?.skip) {
        cameBack = true;
        break;
      }
      assert.ok(next, `${pageName}: Tab lost the focus after ${describe(previous)}`);
      previous = next;
    }
    assert.ok(cameBack, `${pageName}: Tab did not come back to the start within ${MAX_TABS} presses (a focus trap?): ${seen.slice(-5).join(", ")}`);
    console.log(`${pageName}: ${seen.length} stops, each named and visibly focused`);
    await h.check(pageName);
  }
});
