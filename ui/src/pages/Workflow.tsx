import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, atLeast, type WorkflowDetail } from "../api";
import { ErrorBox, PageHeading } from "../components";
import { TriggerForm } from "../TriggerForm";
import { useSession } from "../session";

export function Workflow() {
  const { name = "" } = useParams();
  const { me } = useSession();
  const navigate = useNavigate();
  const [workflow, setWorkflow] = useState<WorkflowDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api<WorkflowDetail>(`/api/v1/workflows/${encodeURIComponent(name)}`)
      .then(setWorkflow)
      .catch(setError);
  }, [name]);

  if (error) return <ErrorBox error={error} />;
  if (!workflow) return <p role="status">Loading…</p>;
  return (
    <>
      <PageHeading>{workflow.name}</PageHeading>
      {workflow.description && <p>{workflow.description}</p>}
      <p>
        <Link to={`/runs?workflow=${encodeURIComponent(workflow.name)}`}>Runs of {workflow.name}</Link>
      </p>
      {atLeast(me?.role, "operator") && (
        <section aria-labelledby="trigger">
          <h2 id="trigger">Start a run</h2>
          <TriggerForm
            workflow={workflow.name}
            schema={workflow.input_schema}
            onStarted={(runId) => navigate(`/runs/${runId}`)}
          />
        </section>
      )}
      <section aria-labelledby="steps">
        <h2 id="steps">Steps</h2>
        <ol>
          {workflow.dag.nodes.map((n) => (
            <li key={n.id}>
              <strong>{n.id}</strong> <code>{n.uses}</code>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
