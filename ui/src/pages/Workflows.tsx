import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api, type WorkflowSummary } from "../api";
import { ErrorBox, PageHeading, StatusBadge, formatTime } from "../components";
import { useSession } from "../session";

export function Workflows() {
  const [workflows, setWorkflows] = useState<WorkflowSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { me } = useSession();
  useEffect(() => {
    api<{ workflows: WorkflowSummary[] }>("/api/v1/workflows")
      .then((w) => setWorkflows(w.workflows))
      .catch(setError);
  }, []);

  return (
    <>
      <PageHeading>Workflows</PageHeading>
      {me?.role === "admin" && <p><Link to="/new-workflow">New workflow</Link></p>}
      <ErrorBox error={error} />
      {!workflows && !error && <p role="status">Loading…</p>}
      {workflows && workflows.length === 0 && <p>No workflows are registered.</p>}
      {workflows && workflows.length > 0 && (
        <table>
          <caption className="visually-hidden">Registered workflows</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Steps</th>
              <th scope="col">Last run</th>
            </tr>
          </thead>
          <tbody>
            {workflows.map((w) => (
              <tr key={w.name}>
                <td>
                  <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.name}</Link>
                </td>
                <td>{w.description ?? ""}</td>
                <td>{w.steps}</td>
                <td>
                  {w.last_run ? (
                    // The name holds the visible text (WCAG 2.5.3, axe's label-content-name-mismatch): no aria-label.
                    <Link to={`/runs/${w.last_run.id}`}>
                      <span className="visually-hidden">Last run of {w.name}: </span>
                      <StatusBadge status={w.last_run.status} /> {formatTime(w.last_run.created_ms)}
                    </Link>
                  ) : (
                    "never"
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
