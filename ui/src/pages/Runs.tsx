import { useCallback, useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { api, finished, runStatuses, type RunList, type RunSummary, type WorkflowSummary } from "../api";
import { ErrorBox, PageHeading, StatusBadge, formatDuration, formatTime } from "../components";
import { followRun } from "../live";

const pageSize = 50;
const maxLiveStreams = 20; // the server allows 100 streams per user; a page follows at most this many

export function Runs() {
  const [params, setParams] = useSearchParams();
  const workflow = params.get("workflow") ?? "";
  const status = params.get("status") ?? "";
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [workflows, setWorkflows] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  const query = useCallback(
    (after: string | null) => {
      const q = new URLSearchParams({ limit: String(pageSize) });
      if (workflow) q.set("workflow", workflow);
      if (status) q.set("status", status);
      if (after) q.set("cursor", after);
      return `/api/v1/runs?${q}`;
    },
    [workflow, status],
  );

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const page = await api<RunList>(query(null));
      setRuns(page.runs);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }, [query]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    api<{ workflows: WorkflowSummary[] }>("/api/v1/workflows")
      .then((w) => setWorkflows(w.workflows.map((x) => x.name)))
      .catch(() => setWorkflows([]));
  }, []);

  // Live: each unfinished run on the page is followed; a run event re-reads that run.
  const unfinished = runs.filter((r) => !finished(r.status)).slice(0, maxLiveStreams).map((r) => r.id);
  const unfinishedKey = unfinished.join(",");
  useEffect(() => {
    const stops = unfinished.map((id) =>
      followRun(id, (type) => {
        if (type.startsWith("run.") || type === "end") {
          api<RunSummary>(`/api/v1/runs/${encodeURIComponent(id)}`)
            .then((fresh) => setRuns((rs) => rs.map((r) => (r.id === id ? { ...r, ...fresh } : r))))
            .catch(() => undefined);
        }
      }),
    );
    return () => stops.forEach((stop) => stop());
  }, [unfinishedKey]);

  const more = async () => {
    try {
      const page = await api<RunList>(query(cursor));
      setRuns((rs) => [...rs, ...page.runs]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    }
  };

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };

  return (
    <>
      <PageHeading>Runs</PageHeading>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <label htmlFor="filter-workflow">Workflow</label>
        <select id="filter-workflow" value={workflow} onChange={(e) => setFilter("workflow", e.target.value)}>
          <option value="">All</option>
          {workflows.map((w) => (
            <option key={w}>{w}</option>
          ))}
        </select>
        <label htmlFor="filter-status">Status</label>
        <select id="filter-status" value={status} onChange={(e) => setFilter("status", e.target.value)}>
          <option value="">All</option>
          {runStatuses.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </form>
      <ErrorBox error={error} />
      {loading ? (
        <p role="status">Loading…</p>
      ) : runs.length === 0 ? (
        <p>No runs{workflow || status ? " match these filters" : " yet"}.</p>
      ) : (
        <table className="runs">
          <caption className="visually-hidden">Runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Workflow</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col">Duration</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} data-run={r.id}>
                <td>
                  <Link to={`/runs/${r.id}`}>{r.id.slice(0, 8)}</Link>
                </td>
                <td>{r.workflow}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{formatTime(r.created_ms)}</td>
                <td>{formatDuration(r.duration_ms)}</td>
                <td>{r.error_code ? <code>{r.error_code}</code> : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" onClick={() => void more()}>
          Load more
        </button>
      )}
    </>
  );
}
