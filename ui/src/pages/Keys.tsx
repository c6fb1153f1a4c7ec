// API keys (admin): the list, making a key (shown once, with a copy button),
// and revoking one after a confirmation.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, roles, type ApiKey, type CreatedApiKey, type Role } from "../api";
import { AdminOnly } from "../AdminOnly";
import { ErrorBox, PageHeading, formatTime } from "../components";

function NewKey({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <section className="new-secret" aria-labelledby="new-key-title">
      <h2 id="new-key-title">New key {created.id}</h2>
      <p className="warning">
        <strong>Store this key now: it is not shown again.</strong> Only its hash is kept; if it is lost, revoke it and
        make another.
      </p>
      <div className="field">
        <label htmlFor="new-key">The key ({created.role})</label>
        <input id="new-key" ref={input} readOnly value={created.key} onFocus={(e) => e.target.select()} className="secret" />
      </div>
      <div className="actions">
        <button
          type="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(created.key);
              setCopied("Copied to the clipboard.");
            } catch {
              input.current?.select();
              setCopied("The browser refused the clipboard: the key is selected, press Ctrl+C.");
            }
          }}
        >
          Copy key
        </button>
        <button type="button" onClick={onDone}>
          I stored it
        </button>
      </div>
      <p role="status">{copied}</p>
    </section>
  );
}

function RevokeButton({ apiKey, onRevoked }: { apiKey: ApiKey; onRevoked: (error: unknown) => void }) {
  const [confirming, setConfirming] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirm.current?.focus();
  }, [confirming]);
  const label = apiKey.name ? `${apiKey.id} (${apiKey.name})` : apiKey.id;
  if (!confirming) {
    return (
      <button type="button" className="small" aria-label={`Revoke key ${label}`} onClick={() => setConfirming(true)}>
        Revoke
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={`Confirm revoking key ${label}`}>
      Clients using it stop working.
      <button
        type="button"
        className="small danger"
        ref={confirm}
        onClick={async () => {
          try {
            await api(`/api/v1/keys/${encodeURIComponent(apiKey.id)}/revoke`, { method: "POST" });
            onRevoked(null);
          } catch (e) {
            onRevoked(e);
          }
          setConfirming(false);
        }}
      >
        Yes, revoke {apiKey.id}
      </button>
      <button type="button" className="small" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}

function KeysPage() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("operator");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState("");

  const load = useCallback(() => {
    api<{ keys: ApiKey[] }>("/api/v1/keys")
      .then((k) => setKeys(k.keys))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  return (
    <>
      <PageHeading>API keys</PageHeading>
      <ErrorBox error={error} />
      <form
        className="inline-form"
        aria-label="Create an API key"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            setCreated(await api<CreatedApiKey>("/api/v1/keys", { method: "POST", body: { name, role } }));
            setName("");
            load();
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="field">
          <label htmlFor="key-name">Name (what it is for)</label>
          <input id="key-name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="key-role">Role</label>
          <select id="key-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={busy}>
          Create key
        </button>
      </form>
      <p role="status" className="notice">
        {notice}
      </p>
      {created && <NewKey key={created.id} created={created} onDone={() => setCreated(null)} />}
      {!keys && !error && <p role="status">Loading…</p>}
      {keys && keys.length === 0 && <p>No API keys yet.</p>}
      {keys && keys.length > 0 && (
        <table>
          <caption className="visually-hidden">API keys, newest first</caption>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-key={k.id}>
                <td>
                  <code>{k.id}</code>
                </td>
                <td>{k.name}</td>
                <td>{k.role}</td>
                <td>{formatTime(k.created_ms)}</td>
                <td>{k.last_used_ms ? formatTime(k.last_used_ms) : "never"}</td>
                <td>
                  {k.revoked_ms ? (
                    <span className="badge badge-cancelled">revoked</span>
                  ) : (
                    <>
                      <span className="badge badge-succeeded">active</span>
                      <RevokeButton
                        apiKey={k}
                        onRevoked={(e) => {
                          setError(e);
                          setNotice(e ? "" : `Revoked key ${k.id}: servers refuse it from now on.`);
                          load();
                        }}
                      />
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function Keys() {
  return (
    <AdminOnly title="API keys">
      <KeysPage />
    </AdminOnly>
  );
}
