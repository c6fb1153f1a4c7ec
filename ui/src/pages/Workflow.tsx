import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, atLeast, type RunDetail, type RunList, type WorkflowDetail } from "../api";
import { ErrorBox, PageHeading, StatusBadge, formatTime } from "../components";
import { DagView, type DagStep } from "../dag/DagView";
import { WorkflowSource } from "../editor/WorkflowSource";
import { TriggerForm } from "../TriggerForm";
import { useSession } from "../session";

// GET /api/v1/workflows/{name} also carries the YAML text and each step's needs.
type WorkflowPage = Omit<WorkflowDetail, "dag"> & { source: string; dag: { nodes: DagStep[] } };

// Each step's status in the workflow's most recent run, if it has one.
function useLastRun(name: string, version: number) {
  const [run, setRun] = useState<RunDetail | null>(null);
  useEffect(() => {
    let live = true;
    api<RunList>(`/api/v1/runs?workflow=${encodeURIComponent(name)}&limit=1`)
      .then((list) => (list.runs[0] ? api<RunDetail>(`/api/v1/runs/${encodeURIComponent(list.runs[0].id)}`) : null))
      .then((r) => live && setRun(r))
      .catch(() => live && setRun(null)); // the graph still shows without statuses
    return () => {
      live = false;
    };
  }, [name, version]);
  return run;
}

export function Workflow() {
  const { name = "" } = useParams();
  const { me } = useSession();
  const navigate = useNavigate();
  const [workflow, setWorkflow] = useState<WorkflowPage | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    api<WorkflowPage>(`/api/v1/workflows/${encodeURIComponent(name)}`)
      .then(setWorkflow)
      .catch(setError);
  }, [name, reloads]);
  const lastRun = useLastRun(name, reloads);

  if (error) return <ErrorBox error={error} />;
  if (!workflow) return <p role="status">Loading…</p>;
  const statuses = lastRun ? Object.fromEntries(lastRun.steps.map((s) => [s.step, s.status])) : undefined;
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
      <section aria-labelledby="graph">
        <h2 id="graph">Graph</h2>
        {lastRun ? (
          <p>
            Statuses of the last run, <Link to={`/runs/${lastRun.id}`}>{lastRun.id.slice(0, 8)}</Link>{" "}
            <StatusBadge status={lastRun.status} /> <span className="muted">({formatTime(lastRun.created_ms)})</span>
          </p>
        ) : (
          <p className="muted">No run yet: the graph shows the steps only.</p>
        )}
        <DagView steps={workflow.dag.nodes} statuses={statuses} label={`Steps of ${workflow.name} and what each needs`} />
      </section>
      <section aria-labelledby="steps">
        <h2 id="steps">Steps</h2>
        <ol>
          {workflow.dag.nodes.map((n) => (
            <li key={n.id} id={`step-${n.id}`} tabIndex={-1}>
              <strong>{n.id}</strong> <code>{n.uses}</code>
              {n.needs.length > 0 && <span className="muted"> needs {n.needs.join(", ")}</span>}
              {statuses?.[n.id] && <> <StatusBadge status={statuses[n.id]} /></>}
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="definition">
        <h2 id="definition">Definition (YAML)</h2>
        {notice && <p role="status">{notice}</p>}
        <WorkflowSource
          key={`${workflow.name}@${workflow.version}@${reloads}`}
          name={workflow.name}
          initial={workflow.source}
          canRegister={me?.role === "admin"}
          registerLabel="Replace workflow"
          onRegistered={(answer) => {
            setNotice(`Workflow ${answer.name} version ${answer.version}: ${answer.status}.`);
            setReloads((n) => n + 1);
          }}
        />
      </section>
    </>
  );
}
