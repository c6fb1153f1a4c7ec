import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { SessionProvider, useSession } from "./session";
import { Layout } from "./Layout";
import { SignIn } from "./pages/SignIn";
import { Runs } from "./pages/Runs";
import { Run } from "./pages/Run";
import { Workflows } from "./pages/Workflows";
import { Workflow } from "./pages/Workflow";
import { DeadLetters } from "./pages/DeadLetters";
import "./styles.css";

function Guarded({ children }: { children: React.ReactNode }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading) return <p role="status">Loading…</p>;
  if (!me) return <Navigate to="/sign-in" replace state={{ from: location.pathname + location.search }} />;
  return <Layout>{children}</Layout>;
}

function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignIn />} />
      <Route path="/" element={<Navigate to="/runs" replace />} />
      <Route path="/runs" element={<Guarded><Runs /></Guarded>} />
      <Route path="/runs/:id" element={<Guarded><Run /></Guarded>} />
      <Route path="/workflows" element={<Guarded><Workflows /></Guarded>} />
      <Route path="/workflows/:name" element={<Guarded><Workflow /></Guarded>} />
      <Route path="/dead-letters" element={<Guarded><DeadLetters /></Guarded>} />
      <Route path="*" element={<Guarded><h1>Not found</h1><p>No page here.</p></Guarded>} />
    </Routes>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <App />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
