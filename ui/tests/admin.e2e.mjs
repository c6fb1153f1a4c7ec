// The keys and users pages (admin): a key made from the page works against
// the API until it is revoked from the page; a user made from the page signs
// in, and a role changed from the page takes effect at their next sign-in
// (their old session ends); the last admin cannot be demoted (the API's code
// and message shown); an operator sees no Keys or Users link and the API
// refuses them anyway.
import assert from "node:assert/strict";
import { consoleTest } from "./harness.mjs";

// A request from Node (not the browser): what another API client sees.
async function direct(base, method, path, { key, token, body } = {}) {
  const headers = {};
  if (key ?? token) headers.Authorization = `Bearer ${key ?? token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const r = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body: json, text };
}

await consoleTest("admin", { workflows: ["diamond.yaml"] }, async (h) => {
  const { page, base } = h;
  const nav = page.getByRole("navigation", { name: "Main" });
  await h.signIn("admin");

  // ---- Keys: create, see it once, use it, revoke it.
  await nav.getByRole("link", { name: "Keys", exact: true }).click();
  await page.getByRole("heading", { name: "API keys", exact: true }).waitFor();
  await h.check("keys");
  await page.getByLabel("Name (what it is for)", { exact: true }).fill("e2e shop sync");
  await page.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByRole("button", { name: "Create key", exact: true }).click();
  const shown = page.getByLabel("The key (operator)", { exact: true });
  await shown.waitFor();
  const key = await shown.inputValue();
  assert.match(key, /^lhk_[0-9a-f]{16}_[0-9a-f]{64}$/, "the whole key is shown once");
  await page.getByText("Store this key now: it is not shown again.").waitFor();
  await page.getByRole("button", { name: "Copy key", exact: true }).click();
  await page.getByRole("status").filter({ hasText: /Copied|Ctrl\+C/ }).waitFor();
  await h.check("keys (new key shown)");
  const keyId = key.split("_")[1];
  assert.equal((await direct(base, "GET", "/api/v1/runs", { key })).status, 200, "the new key works");
  const listed = await h.api("GET", "/api/v1/keys");
  assert.ok(!listed.text.includes(key.split("_")[2]), "the list never shows the secret again");
  await page.getByRole("button", { name: "I stored it", exact: true }).click();
  assert.equal(await page.getByLabel("The key (operator)", { exact: true }).count(), 0, "the key is gone from the page");

  const row = page.locator(`tr[data-key="${keyId}"]`);
  await row.getByRole("button", { name: `Revoke key ${keyId} (e2e shop sync)`, exact: true }).click();
  await row.getByRole("button", { name: `Yes, revoke ${keyId}`, exact: true }).click();
  await row.getByText("revoked", { exact: true }).waitFor();
  const refused = await direct(base, "GET", "/api/v1/runs", { key });
  assert.equal(refused.status, 401);
  assert.equal(refused.body.error.code, "key_revoked");

  // ---- Users: create, sign in as them, change the role, see it take effect.
  await nav.getByRole("link", { name: "Users", exact: true }).click();
  await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
  await h.check("users");
  const gracePassword = "grace's long passphrase";
  await page.getByLabel("User name", { exact: true }).fill("grace");
  await page.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByLabel("Password (at least 12 characters)", { exact: true }).fill(gracePassword);
  await page.getByRole("button", { name: "Create user", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "Created grace (operator)." }).waitFor();
  const grace = page.locator('tr[data-user="grace"]');
  const before = await direct(base, "POST", "/api/v1/auth/login", { body: { username: "grace", password: gracePassword } });
  assert.equal(before.status, 200, before.text);
  assert.equal(before.body.role, "operator");
  assert.ok(!JSON.stringify((await h.api("GET", "/api/v1/users")).body).includes("argon2"), "no hash in the list");

  await grace.getByLabel("Role of grace", { exact: true }).selectOption("viewer");
  await grace.getByRole("button", { name: "Change role of grace", exact: true }).click();
  await page.getByRole("status").filter({ hasText: "grace is now viewer" }).waitFor();
  await h.check("users (role changed)");
  const oldSession = await direct(base, "GET", "/api/v1/auth/me", { token: before.body.access_token });
  assert.equal(oldSession.status, 401, "the session from before the change ended");
  assert.equal(oldSession.body.error.code, "token_revoked");

  // ---- The last admin cannot be demoted: the API's code and message are shown.
  const admin = page.locator('tr[data-user="admin"]');
  await admin.getByLabel("Role of admin", { exact: true }).selectOption("operator");
  await admin.getByRole("button", { name: "Change role of admin", exact: true }).click();
  const alert = page.getByRole("alert").filter({ hasText: "last_admin" });
  await alert.waitFor();
  assert.match(await alert.innerText(), /last_admin.*HTTP 409.*last enabled admin/s);
  await h.check("users (last admin refused)");
  assert.equal((await h.api("GET", "/api/v1/auth/me")).body.role, "admin", "still an admin");

  // grace signs in: the console shows her new role and no admin links.
  await h.signOut();
  await page.getByLabel("User name", { exact: true }).fill("grace");
  await page.getByLabel("Password", { exact: true }).fill(gracePassword);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("button", { name: "Sign out", exact: true }).waitFor();
  await page.getByText("(viewer)", { exact: true }).waitFor();
  assert.equal(await nav.getByRole("link", { name: "Users", exact: true }).count(), 0);
  await h.signOut();

  // ---- An operator: no Keys or Users link, a notice on the pages, and the API refuses.
  await h.signIn("operator");
  assert.equal(await nav.getByRole("link", { name: "Keys", exact: true }).count(), 0);
  assert.equal(await nav.getByRole("link", { name: "Users", exact: true }).count(), 0);
  await page.goto(`${base}/users`);
  await page.getByText("Only admins manage API keys and users.").waitFor();
  assert.equal(await page.getByRole("button", { name: "Create user", exact: true }).count(), 0);
  await h.check("users (operator)");
  for (const [method, path, body] of [
    ["GET", "/api/v1/keys"],
    ["POST", "/api/v1/keys", { role: "admin", name: "sneaky" }],
    ["GET", "/api/v1/users"],
    ["POST", "/api/v1/users", { name: "mallory", role: "admin", password: "a long enough password" }],
    ["PATCH", "/api/v1/users/operator", { role: "admin" }],
  ]) {
    const r = await h.api(method, path, body);
    assert.equal(r.status, 403, `${method} ${path} as an operator: ${r.text}`);
    assert.equal(r.body.error.code, "forbidden");
  }
});
