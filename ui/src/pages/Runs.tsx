import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { api, runStatuses, type RunList, type RunSummary, type WorkflowSummary } from "../api";
import { ErrorBox, PageHeading, StatusBadge, formatDuration, formatTime } from "../components";
import { followRuns, type RunChange } from "../runFeed";

// The list is virtualised: only the rows in view (and a few either side) are
// in the DOM, so 10,000 runs scroll like 50. Rows have one fixed height
// (.runs-virtual tbody tr in styles.css), measured once rendered (borders and
// zoom may add a fraction), so a row's place is index × height.
const defaultRowHeight = 36;
const overscan = 10;
const pageSize = 100;
const fetchAhead = 40; // the next page is asked for when the view is this close to the end

// The address keeps since/until as the datetime-local text; the API takes ms.
const toMs = (local: string) => {
  const ms = local ? new Date(local).getTime() : NaN;
  return Number.isFinite(ms) ? ms : 0;
};

function matches(run: RunSummary, workflow: string, status: string, since: number, until: number) {
  return (
    (!workflow || run.workflow === workflow) &&
    (!status || run.status === status) &&
    (!since || run.created_ms >= since) &&
    (!until || run.created_ms < until)
  );
}

export function Runs() {
  const [params, setParams] = useSearchParams();
  const workflow = params.get("workflow") ?? "";
  const status = params.get("status") ?? "";
  const sinceText = params.get("since") ?? "";
  const untilText = params.get("until") ?? "";
  const since = toMs(sinceText);
  const until = toMs(untilText);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [workflows, setWorkflows] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [fetching, setFetching] = useState(false);
  const [view, setView] = useState({ top: 0, height: 600 });
  const [rowHeight, setRowHeight] = useState(defaultRowHeight);
  const scroller = useRef<HTMLDivElement>(null);

  const query = useCallback(
    (after: string | null) => {
      const q = new URLSearchParams({ limit: String(pageSize) });
      if (workflow) q.set("workflow", workflow);
      if (status) q.set("status", status);
      if (since) q.set("since", String(since));
      if (until) q.set("until", String(until));
      if (after) q.set("cursor", after);
      return `/api/v1/runs?${q}`;
    },
    [workflow, status, since, until],
  );

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const page = await api<RunList>(query(null));
      setRuns(page.runs);
      setCursor(page.next_cursor);
      if (scroller.current) scroller.current.scrollTop = 0;
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

  // Live: one stream for the whole list. A known run is updated in place; a
  // new run that passes the filters goes on top.
  const filters = useRef({ workflow, status, since, until });
  filters.current = { workflow, status, since, until };
  useEffect(() => {
    const apply = (change: RunChange) => {
      const fresh = change.run;
      setRuns((rs) => {
        const at = rs.findIndex((r) => r.id === fresh.id);
        if (at >= 0) {
          const next = rs.slice();
          next[at] = { ...rs[at], ...fresh };
          return next;
        }
        const f = filters.current;
        if (!matches(fresh, f.workflow, f.status, f.since, f.until)) return rs;
        if (rs.length > 0 && fresh.created_ms < rs[0].created_ms) return rs; // older: its page brings it
        return [fresh, ...rs];
      });
    };
    return followRuns(workflow, apply);
  }, [workflow]);

  const more = useCallback(async () => {
    if (!cursor || fetching) return;
    setFetching(true);
    try {
      const page = await api<RunList>(query(cursor));
      setRuns((rs) => {
        const known = new Set(rs.map((r) => r.id));
        return [...rs, ...page.runs.filter((r) => !known.has(r.id))];
      });
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    } finally {
      setFetching(false);
    }
  }, [cursor, fetching, query]);

  const first = Math.max(0, Math.floor(view.top / rowHeight) - overscan);
  const last = Math.min(runs.length, Math.ceil((view.top + view.height) / rowHeight) + overscan);
  useEffect(() => {
    if (!loading && cursor && last >= runs.length - fetchAhead) void more();
  }, [last, runs.length, cursor, loading, more]);

  const onScroll = () => {
    const el = scroller.current;
    if (el) setView({ top: el.scrollTop, height: el.clientHeight });
  };
  useEffect(onScroll, [loading]);
  useEffect(() => {
    const row = scroller.current?.querySelector("tbody tr[data-run]");
    const measured = row?.getBoundingClientRect().height ?? 0;
    if (measured > 0 && Math.abs(measured - rowHeight) > 0.01) setRowHeight(measured);
  }, [runs.length > 0, loading, rowHeight]);

  const setFilter = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const filtered = Boolean(workflow || status || since || until);

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
        <label htmlFor="filter-since">Created from</label>
        <input id="filter-since" type="datetime-local" step="1" value={sinceText} onChange={(e) => setFilter("since", e.target.value)} />
        <label htmlFor="filter-until">Created before</label>
        <input id="filter-until" type="datetime-local" step="1" value={untilText} onChange={(e) => setFilter("until", e.target.value)} />
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </form>
      <ErrorBox error={error} />
      {loading ? (
        <p role="status">Loading…</p>
      ) : runs.length === 0 ? (
        <p>No runs{filtered ? " match these filters" : " yet"}.</p>
      ) : (
        <div className="runs-scroll" ref={scroller} onScroll={onScroll} tabIndex={0} role="region" aria-label="Runs, newest first (scrolls)">
          <table className="runs runs-virtual" aria-rowcount={runs.length + 1}>
            <caption className="visually-hidden">Runs, newest first</caption>
            <thead>
              <tr aria-rowindex={1}>
                <th scope="col">Run</th>
                <th scope="col">Workflow</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Duration</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {first > 0 && <tr aria-hidden="true" className="spacer" style={{ height: first * rowHeight }} />}
              {runs.slice(first, last).map((r, i) => (
                <tr key={r.id} data-run={r.id} aria-rowindex={first + i + 2}>
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
              {last < runs.length && (
                <tr aria-hidden="true" className="spacer" style={{ height: (runs.length - last) * rowHeight }} />
              )}
            </tbody>
          </table>
        </div>
      )}
      {!loading && runs.length > 0 && (
        <p className="muted" role="status" id="runs-count">
          {runs.length} run{runs.length === 1 ? "" : "s"} loaded{cursor ? ", more as you scroll" : ""}
          {fetching ? " (loading more…)" : ""}
        </p>
      )}
    </>
  );
}
