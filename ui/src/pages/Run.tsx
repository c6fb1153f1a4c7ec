import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router";
import { api, atLeast, finished, type RunDetail, type StepState } from "../api";
import { ErrorBox, Json, PageHeading, StatusBadge, formatDuration, formatTime } from "../components";
import { followRun } from "../live";
import { RunDag } from "../dag/RunDag";
import { useSession } from "../session";
import { useRunEvents } from "../runEvents";
import { Timeline } from "../Timeline";
import { RunLogs } from "../RunLogs";

function StepRow({ step, canRetryFrom, onRetryFrom }: { step: StepState; canRetryFrom: boolean; onRetryFrom: (s: string) => void }) {
  return (
    <li className="step" data-step={step.step}>
      <div className="step-head">
        <strong>{step.step}</strong> <StatusBadge status={step.status} />
        <span className="muted">
          {" "}
          {step.attempts} attempt{step.attempts === 1 ? "" : "s"}, {formatDuration(step.duration_ms)}
        </span>
        {step.error_code && (
          <span className="step-error">
            {" "}
            <code>{step.error_code}</code>: {step.error}
          </span>
        )}
        {canRetryFrom && (
          <button type="button" className="small" onClick={() => onRetryFrom(step.step)}>
            Retry from {step.step}
          </button>
        )}
      </div>
      <details>
        <summary>Input and output of {step.step}</summary>
        <h3>Input</h3>
        <Json value={step.input} label={`Input of ${step.step}`} />
        <h3>Output</h3>
        <Json value={step.output} label={`Output of ${step.step}`} />
        {step.items && step.items.length > 0 && (
          <>
            <h3>Items</h3>
            <ol start={0}>
              {step.items.map((item, i) => (
                <li key={i}>
                  <StatusBadge status={item.status} /> {item.error_code && <code>{item.error_code}</code>}
                </li>
              ))}
            </ol>
          </>
        )}
      </details>
    </li>
  );
}

export function Run() {
  const { id = "" } = useParams();
  const { me } = useSession();
  const [run, setRun] = useState<RunDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState("");

  const load = useCallback(async () => {
    try {
      setRun(await api<RunDetail>(`/api/v1/runs/${encodeURIComponent(id)}`));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  // Live while the run goes on: every event re-reads the run (it is small).
  const loaded = run !== null;
  const done = run ? finished(run.status) : true;
  // Events come in bursts (a follower of another node's run gets a second's
  // worth at once): one read at a time, and one more if events came meanwhile,
  // so a burst costs two requests, not one per event (the rate limit counts them).
  const reading = useRef<"idle" | "busy" | "again">("idle");
  const reload = useCallback(async () => {
    if (reading.current !== "idle") {
      reading.current = "again";
      return;
    }
    do {
      reading.current = "busy";
      await load();
    } while ((reading.current as string) === "again");
    reading.current = "idle";
  }, [load]);
  useEffect(() => {
    if (!loaded || done) return;
    return followRun(id, () => void reload());
  }, [id, loaded, done, reload]);

  const { events, truncated, error: eventsError } = useRunEvents(id, run);

  const act = async (path: string, body?: unknown, what = "") => {
    setActionError(null);
    setNotice("");
    try {
      await api(`/api/v1/runs/${encodeURIComponent(id)}/${path}`, { method: "POST", body });
      setNotice(what);
      await load();
    } catch (e) {
      setActionError(e);
    }
  };

  const operator = atLeast(me?.role, "operator");
  if (error) return <ErrorBox error={error} />;
  if (!run) return <p role="status">Loading…</p>;
  const retryable = done && (run.status === "failed" || run.status === "cancelled");

  return (
    <>
      <PageHeading>
        Run <code>{run.id.slice(0, 8)}</code> of <Link to={`/workflows/${run.workflow}`}>{run.workflow}</Link>
      </PageHeading>
      <p>
        <span id="run-status" aria-live="polite">
          Status: <StatusBadge status={run.status} />
        </span>{" "}
        <span className="muted">
          created {formatTime(run.created_ms)}, took {formatDuration(run.duration_ms)}
        </span>
      </p>
      {run.error_code && (
        <div className="error" role="status">
          <code>{run.error_code}</code>: {run.error}
        </div>
      )}
      {operator && (
        <div className="actions">
          {!done && (
            <button type="button" onClick={() => void act("cancel", undefined, "Cancellation asked.")}>
              Cancel run
            </button>
          )}
          {retryable && (
            <button type="button" onClick={() => void act("retry", {}, "Queued again.")}>
              Retry failed steps
            </button>
          )}
        </div>
      )}
      {notice && <p role="status">{notice}</p>}
      <ErrorBox error={actionError} />
      {run.waits && run.waits.length > 0 && (
        <section aria-labelledby="waits">
          <h2 id="waits">Waiting for</h2>
          <ul>
            {run.waits.map((w) => (
              <li key={w.step}>
                {w.step}: {w.key ? <code>{w.key}</code> : "a timer"} ({w.state}
                {w.deadline_ms ? `, until ${formatTime(w.deadline_ms)}` : ""})
              </li>
            ))}
          </ul>
        </section>
      )}
      <section aria-labelledby="run-graph">
        <h2 id="run-graph">Graph</h2>
        <RunDag workflow={run.workflow} steps={run.steps} />
      </section>
      <Timeline steps={run.steps} events={events} now={Date.now()} />
      <section aria-labelledby="steps">
        <h2 id="steps">Steps</h2>
        {run.steps.length === 0 ? (
          <p>No step has started yet.</p>
        ) : (
          <ol className="steps">
            {run.steps.map((s) => (
              <StepRow
                key={s.step}
                step={s}
                canRetryFrom={operator && done}
                onRetryFrom={(from) => void act("retry", { from }, `Queued again from ${from}.`)}
              />
            ))}
          </ol>
        )}
      </section>
      <RunLogs steps={run.steps} events={events} truncated={truncated} />
      <ErrorBox error={eventsError} />
      <section aria-labelledby="io">
        <h2 id="io">Inputs and outputs</h2>
        <h3>Inputs</h3>
        <Json value={run.inputs} label="Run inputs" />
        <h3>Outputs</h3>
        <Json value={run.outputs} label="Run outputs" />
      </section>
    </>
  );
}
