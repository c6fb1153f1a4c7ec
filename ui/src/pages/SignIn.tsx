import { useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { useSession } from "../session";
import { ErrorBox } from "../components";

export function SignIn() {
  const { me, signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? "/runs";
  if (me) return <Navigate to={from} replace />;

  return (
    <main id="main" className="sign-in">
      <h1>Sign in to linkhub</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            await signIn(username, password);
            navigate(from, { replace: true });
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label htmlFor="username">User name</label>
        <input id="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <ErrorBox error={error} />
      </form>
      <p className="muted">
        Users are made on the server: <code>linkhub users create NAME --role admin</code>.
      </p>
    </main>
  );
}
