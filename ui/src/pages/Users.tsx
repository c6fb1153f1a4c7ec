// Users (admin): the list, making a user, changing a role, disabling or
// enabling, and setting a new password. Every change but enabling ends the
// user's sessions (the server says so in docs/api.md); the last enabled admin
// cannot be demoted or disabled, and the API's refusal is shown as it comes.
import { useCallback, useEffect, useRef, useState } from "react";
import { api, roles, type Role, type User } from "../api";
import { AdminOnly } from "../AdminOnly";
import { ErrorBox, PageHeading, formatTime } from "../components";
import { useSession } from "../session";

const minPassword = 12; // the server's rule (password_problem): it refuses shorter ones anyway

function PasswordReset({ user, onChanged }: { user: User; onChanged: (error: unknown, notice: string) => void }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (open) field.current?.focus();
  }, [open]);
  if (!open) {
    return (
      <button type="button" className="small" aria-label={`Set a new password for ${user.name}`} onClick={() => setOpen(true)}>
        New password
      </button>
    );
  }
  const id = `password-${user.name}`;
  return (
    <form
      className="row-form"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          await api(`/api/v1/users/${encodeURIComponent(user.name)}`, { method: "PATCH", body: { password } });
          onChanged(null, `Set a new password for ${user.name}; their sessions were ended.`);
          setOpen(false);
        } catch (err) {
          onChanged(err, "");
        }
        setPassword("");
      }}
    >
      <label htmlFor={id}>New password for {user.name}</label>
      <input
        id={id}
        ref={field}
        type="password"
        autoComplete="new-password"
        required
        minLength={minPassword}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      <button type="submit" className="small">
        Set password
      </button>
      <button type="button" className="small" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}

function UserRow({ user, self, onChanged }: { user: User; self: boolean; onChanged: (error: unknown, notice: string) => void }) {
  const [role, setRole] = useState<Role>(user.role);
  useEffect(() => setRole(user.role), [user.role]);
  const change = async (body: object, notice: string) => {
    try {
      await api(`/api/v1/users/${encodeURIComponent(user.name)}`, { method: "PATCH", body });
      onChanged(null, notice);
    } catch (err) {
      onChanged(err, "");
    }
  };
  const roleId = `role-${user.name}`;
  return (
    <tr data-user={user.name}>
      <td>
        {user.name}
        {self && <span className="muted"> (you)</span>}
      </td>
      <td>
        <form
          className="row-form"
          onSubmit={(e) => {
            e.preventDefault();
            change({ role }, `${user.name} is now ${role}; their sessions were ended.`);
          }}
        >
          <label htmlFor={roleId} className="visually-hidden">
            Role of {user.name}
          </label>
          <select id={roleId} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <button type="submit" className="small" disabled={role === user.role} aria-label={`Change role of ${user.name}`}>
            Change role
          </button>
        </form>
      </td>
      <td>{formatTime(user.created_ms)}</td>
      <td>
        {user.disabled ? <span className="badge badge-cancelled">disabled</span> : <span className="badge badge-succeeded">active</span>}
        <button
          type="button"
          className="small"
          aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.name}`}
          onClick={() =>
            change(
              { disabled: !user.disabled },
              user.disabled ? `${user.name} may sign in again.` : `${user.name} is disabled; their sessions were ended.`,
            )
          }
        >
          {user.disabled ? "Enable" : "Disable"}
        </button>
      </td>
      <td>
        <PasswordReset user={user} onChanged={onChanged} />
      </td>
    </tr>
  );
}

function UsersPage() {
  const { me } = useSession();
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api<{ users: User[] }>("/api/v1/users")
      .then((u) => setUsers(u.users))
      .catch(setError);
  }, []);
  useEffect(load, [load]);
  const changed = (e: unknown, text: string) => {
    setError(e);
    setNotice(text);
    load();
  };

  return (
    <>
      <PageHeading>Users</PageHeading>
      <ErrorBox error={error} />
      <p role="status" className="notice">
        {notice}
      </p>
      <form
        className="inline-form"
        aria-label="Create a user"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            const user = await api<User>("/api/v1/users", { method: "POST", body: { name, role, password } });
            setNotice(`Created ${user.name} (${user.role}).`);
            setName("");
            setPassword("");
            load();
          } catch (err) {
            setError(err);
            setNotice("");
          } finally {
            setBusy(false);
          }
        }}
      >
        <div className="field">
          <label htmlFor="user-name">User name</label>
          <input id="user-name" required maxLength={64} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="user-role">Role</label>
          <select id="user-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="user-password">Password (at least {minPassword} characters)</label>
          <input
            id="user-password"
            type="password"
            required
            minLength={minPassword}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          Create user
        </button>
      </form>
      {!users && !error && <p role="status">Loading…</p>}
      {users && (
        <table>
          <caption className="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Password</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <UserRow key={u.name} user={u} self={u.name === me?.name} onChanged={changed} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function Users() {
  return (
    <AdminOnly title="Users">
      <UsersPage />
    </AdminOnly>
  );
}
