import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes, useLocation } from "react-router";
import { SessionProvider, useSession } from "./session";
import { Layout } from "./Layout";
import { SignIn } from "./pages/SignIn";
import { Runs } from "./pages/Runs";
import { Overview } from "./pages/Overview";
import { Run } from "./pages/Run";
import { Workflows } from "./pages/Workflows";
import { Workflow } from "./pages/Workflow";
import { NewWorkflow } from "./pages/NewWorkflow";
import { Plugins } from "./pages/Plugins";
import { Products } from "./pages/Products";
import { Product, ProductNew } from "./pages/Product";
import { Conversation, Conversations } from "./pages/Conversations";
import { Order, Orders } from "./pages/Orders";
import { Keys } from "./pages/Keys";
import { Users } from "./pages/Users";
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
      <Route path="/" element={<Navigate to="/overview" replace />} />
      <Route path="/overview" element={<Guarded><Overview /></Guarded>} />
      <Route path="/runs" element={<Guarded><Runs /></Guarded>} />
      <Route path="/runs/:id" element={<Guarded><Run /></Guarded>} />
      <Route path="/workflows" element={<Guarded><Workflows /></Guarded>} />
      <Route path="/workflows/:name" element={<Guarded><Workflow /></Guarded>} />
      <Route path="/new-workflow" element={<Guarded><NewWorkflow /></Guarded>} />
      <Route path="/plugins" element={<Guarded><Plugins /></Guarded>} />
      <Route path="/products" element={<Guarded><Products /></Guarded>} />
      <Route path="/products/new" element={<Guarded><ProductNew /></Guarded>} />
      <Route path="/products/:id" element={<Guarded><Product /></Guarded>} />
      <Route path="/conversations" element={<Guarded><Conversations /></Guarded>} />
      <Route path="/conversations/:wa_id" element={<Guarded><Conversation /></Guarded>} />
      <Route path="/orders" element={<Guarded><Orders /></Guarded>} />
      <Route path="/orders/:id" element={<Guarded><Order /></Guarded>} />
      <Route path="/keys" element={<Guarded><Keys /></Guarded>} />
      <Route path="/users" element={<Guarded><Users /></Guarded>} />
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
