// A run's DAG: the workflow's steps and needs (GET /api/v1/workflows/{name},
// read once per workflow) coloured by the run's step statuses, which the run
// page keeps live. Steps not started yet show "not run".
import { useEffect, useState } from "react";
import { api } from "../api";
import { ErrorBox } from "../components";
import { DagView, type DagStep } from "./DagView";

export function RunDag({ workflow, steps }: { workflow: string; steps: { step: string; status: string }[] }) {
  const [nodes, setNodes] = useState<DagStep[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ dag: { nodes: DagStep[] } }>(`/api/v1/workflows/${encodeURIComponent(workflow)}`)
      .then((w) => setNodes(w.dag.nodes))
      .catch(setError);
  }, [workflow]);
  if (error) return <ErrorBox error={error} />;
  if (!nodes) return <p role="status">Loading the graph…</p>;
  const statuses = Object.fromEntries(steps.map((s) => [s.step, s.status]));
  return <DagView steps={nodes} statuses={statuses} label={`Steps of ${workflow} in this run`} />;
}
