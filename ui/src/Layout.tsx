import { NavLink, useNavigate } from "react-router";
import { useSession } from "./session";

export function Layout({ children }: { children: React.ReactNode }) {
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">linkhub</span>
        <nav aria-label="Main">
          <NavLink to="/overview">Overview</NavLink>
          <NavLink to="/runs">Runs</NavLink>
          <NavLink to="/workflows">Workflows</NavLink>
          <NavLink to="/dead-letters">Dead letters</NavLink>
          <NavLink to="/products">Catalog</NavLink>
          <NavLink to="/conversations">Conversations</NavLink>
          <NavLink to="/orders">Orders</NavLink>
          <NavLink to="/plugins">Plugins</NavLink>
          {me?.role === "admin" && <><NavLink to="/keys">Keys</NavLink><NavLink to="/users">Users</NavLink></>}
        </nav>
        <span className="who">
          {me?.name} <span className="muted">({me?.role})</span>
        </span>
        <button
          type="button"
          onClick={async () => {
            await signOut();
            navigate("/sign-in");
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main">{children}</main>
    </>
  );
}
