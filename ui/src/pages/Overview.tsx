// The Overview: GET /api/v1/summary as cards, small SVG bar charts (each with
// its numbers in a table beside it, for screen readers and for reading exact
// values) and tables. The server computes every number; this page only draws
// them, and asks again every 10 s while the tab is visible.
import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { api } from "../api";
import { ErrorBox, PageHeading, formatDuration, formatTime } from "../components";

interface Outcomes {
  succeeded: number;
  failed: number;
  cancelled: number;
  unfinished: number;
  failure_rate: number | null;
}
interface Unavailable {
  available: false;
  error: { code: string; message: string };
}
interface DayCount {
  day: string;
  count: number;
}
export interface Summary {
  generated_ms: number;
  runs: { per_minute: { start_ms: number; counts: number[] }; last_hour: Outcomes; last_day: Outcomes };
  queue: { queued: number; running: number; waiting: number };
  nodes: { node: string; runs: number; live_runs: number; lease_expires_ms: number; alive: boolean }[];
  slowest_steps: {
    window_ms: number;
    truncated: boolean;
    steps: { step: string; plugin: string; count: number; failed: number; p50_ms: number; p95_ms: number; max_ms: number }[];
  };
  days: number;
  catalog: ({ available: true; products_per_day: DayCount[]; orders_per_day: DayCount[] }) | Unavailable;
  whatsapp: ({ available: true; messages_per_day: { day: string; in: number; out: number }[] }) | Unavailable;
}

const refreshEveryMs = 10_000;

export function percent(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(1)} %`;
}

function clock(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

// Polls while the page is visible; a hidden tab asks nothing until it is shown again.
function useSummary() {
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api<Summary>("/api/v1/summary")
      .then((s) => {
        setSummary(s);
        setError(null);
      })
      .catch(setError);
  }, []);
  useEffect(() => {
    let timer: number | undefined;
    const schedule = () => {
      window.clearInterval(timer);
      timer = undefined;
      if (document.visibilityState === "visible") {
        load();
        timer = window.setInterval(load, refreshEveryMs);
      }
    };
    schedule();
    document.addEventListener("visibilitychange", schedule);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", schedule);
    };
  }, [load]);
  return { summary, error, reload: load };
}

function Card({ id, label, value, note }: { id: string; label: string; value: string; note?: string }) {
  return (
    <div className="card">
      <dt>{label}</dt>
      <dd data-metric={id}>{value}</dd>
      {note && <dd className="muted card-note">{note}</dd>}
    </div>
  );
}

interface Series {
  name: string;
  className: string;
  values: number[];
}

// Bars (stacked when there are several series) in a fixed viewBox the CSS
// scales; the figure's table holds the same numbers as text.
function BarChart({ id, title, labels, series, unit }: { id: string; title: string; labels: string[]; series: Series[]; unit: string }) {
  const width = 600;
  const height = 120;
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const slot = width / Math.max(1, labels.length);
  const bar = Math.max(1, slot * 0.8);
  const all = totals.reduce((a, b) => a + b, 0);
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        <strong>{title}</strong> <span className="muted">(total {all}, most in one {unit}: {Math.max(0, ...totals)})</span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" className="chart-svg" aria-hidden="true" focusable="false">
        <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="chart-axis" />
        {labels.map((label, i) => {
          let y = height;
          return series.map((s) => {
            const v = s.values[i] ?? 0;
            const h = (v / max) * (height - 4);
            y -= h;
            return v > 0 ? (
              <rect key={`${label}-${s.name}`} x={i * slot + (slot - bar) / 2} y={y} width={bar} height={h} className={s.className}>
                <title>{`${label}: ${v} ${s.name}`}</title>
              </rect>
            ) : null;
          });
        })}
      </svg>
      {series.length > 1 && (
        <p className="legend" aria-hidden="true">
          {series.map((s) => (
            <span key={s.name}>
              <span className={`swatch ${s.className}`} /> {s.name}
            </span>
          ))}
        </p>
      )}
      <details>
        <summary>Numbers</summary>
        <table data-chart={id}>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{unit}</th>
              {series.map((s) => (
                <th scope="col" key={s.name}>
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, i) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                {series.map((s) => (
                  <td key={s.name}>{s.values[i] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function PluginMissing({ name, part }: { name: string; part: Unavailable }) {
  return (
    <p className="unavailable" data-unavailable={name}>
      {name} numbers are unavailable: <code>{part.error.code}</code>: {part.error.message}
    </p>
  );
}

export function Overview() {
  const { summary: s, error, reload } = useSummary();
  const minuteLabels = s ? s.runs.per_minute.counts.map((_, i) => clock(s.runs.per_minute.start_ms + i * 60_000)) : [];
  const lastHourRuns = s ? s.runs.per_minute.counts.reduce((a, b) => a + b, 0) : 0;
  return (
    <>
      <PageHeading>Overview</PageHeading>
      <ErrorBox error={error} />
      {!s && !error && <p role="status">Loading…</p>}
      {s && (
        <>
          <p className="muted">
            As of {formatTime(s.generated_ms)}; refreshed every {refreshEveryMs / 1000} s while this page is visible.{" "}
            <button type="button" className="small" onClick={reload}>
              Refresh now
            </button>
          </p>
          <section aria-labelledby="ov-runs">
            <h2 id="ov-runs">Runs</h2>
            <dl className="cards">
              <Card id="runs_last_hour" label="Runs in the last hour" value={String(lastHourRuns)} />
              <Card
                id="failure_rate_hour"
                label="Failure rate, last hour"
                value={percent(s.runs.last_hour.failure_rate)}
                note={`${s.runs.last_hour.failed} failed of ${s.runs.last_hour.succeeded + s.runs.last_hour.failed + s.runs.last_hour.cancelled} finished`}
              />
              <Card
                id="failure_rate_day"
                label="Failure rate, last 24 h"
                value={percent(s.runs.last_day.failure_rate)}
                note={`${s.runs.last_day.failed} failed of ${s.runs.last_day.succeeded + s.runs.last_day.failed + s.runs.last_day.cancelled} finished`}
              />
              <Card id="queued" label="Queued" value={String(s.queue.queued)} />
              <Card id="running" label="Running" value={String(s.queue.running)} />
              <Card id="waiting" label="Waiting" value={String(s.queue.waiting)} />
            </dl>
            <BarChart
              id="runs-per-minute"
              title="Runs created per minute, last hour"
              unit="minute"
              labels={minuteLabels}
              series={[{ name: "runs", className: "bar-runs", values: s.runs.per_minute.counts }]}
            />
            <p>
              <Link to="/runs?status=failed">Failed runs</Link> · <Link to="/runs?status=queued">Queued runs</Link>
            </p>
          </section>

          <section aria-labelledby="ov-nodes">
            <h2 id="ov-nodes">Nodes and leases</h2>
            {s.nodes.length === 0 ? (
              <p>No node holds a run right now (a node is seen by the runs it holds).</p>
            ) : (
              <table data-table="nodes">
                <caption className="visually-hidden">Nodes and the runs their leases hold</caption>
                <thead>
                  <tr>
                    <th scope="col">Node</th>
                    <th scope="col">Runs held</th>
                    <th scope="col">Under a live lease</th>
                    <th scope="col">Lease held until</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {s.nodes.map((n) => (
                    <tr key={n.node}>
                      <td>
                        <code>{n.node}</code>
                      </td>
                      <td>{n.runs}</td>
                      <td>{n.live_runs}</td>
                      <td>{formatTime(n.lease_expires_ms)}</td>
                      <td>{n.alive ? "alive" : "lease lapsed"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section aria-labelledby="ov-steps">
            <h2 id="ov-steps">Slowest steps (p95, last 24 h)</h2>
            {s.slowest_steps.steps.length === 0 ? (
              <p>No step finished in the last 24 hours.</p>
            ) : (
              <table data-table="slowest-steps">
                <caption className="visually-hidden">Plugin steps by their 95th percentile duration</caption>
                <thead>
                  <tr>
                    <th scope="col">Step</th>
                    <th scope="col">Plugin</th>
                    <th scope="col">p95</th>
                    <th scope="col">p50</th>
                    <th scope="col">Max</th>
                    <th scope="col">Runs of it</th>
                    <th scope="col">Failed</th>
                  </tr>
                </thead>
                <tbody>
                  {s.slowest_steps.steps.map((st) => (
                    <tr key={st.step}>
                      <td>
                        <code>{st.step}</code>
                      </td>
                      <td>{st.plugin}</td>
                      <td>{formatDuration(st.p95_ms)}</td>
                      <td>{formatDuration(st.p50_ms)}</td>
                      <td>{formatDuration(st.max_ms)}</td>
                      <td>{st.count}</td>
                      <td>{st.failed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {s.slowest_steps.truncated && <p className="muted">Only the most recent steps were counted.</p>}
          </section>

          <section aria-labelledby="ov-business">
            <h2 id="ov-business">Catalog and WhatsApp, last {s.days} days</h2>
            {s.catalog.available ? (
              <>
                <BarChart
                  id="products-per-day"
                  title="Products added per day"
                  unit="day"
                  labels={s.catalog.products_per_day.map((d) => d.day)}
                  series={[{ name: "products", className: "bar-products", values: s.catalog.products_per_day.map((d) => d.count) }]}
                />
                <BarChart
                  id="orders-per-day"
                  title="Orders per day"
                  unit="day"
                  labels={s.catalog.orders_per_day.map((d) => d.day)}
                  series={[{ name: "orders", className: "bar-orders", values: s.catalog.orders_per_day.map((d) => d.count) }]}
                />
              </>
            ) : (
              <PluginMissing name="Catalog" part={s.catalog} />
            )}
            {s.whatsapp.available ? (
              <BarChart
                id="messages-per-day"
                title="WhatsApp messages per day"
                unit="day"
                labels={s.whatsapp.messages_per_day.map((d) => d.day)}
                series={[
                  { name: "in", className: "bar-in", values: s.whatsapp.messages_per_day.map((d) => d.in) },
                  { name: "out", className: "bar-out", values: s.whatsapp.messages_per_day.map((d) => d.out) },
                ]}
              />
            ) : (
              <PluginMissing name="WhatsApp" part={s.whatsapp} />
            )}
          </section>
        </>
      )}
    </>
  );
}
