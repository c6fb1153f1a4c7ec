// Each step's log lines (its step.log events), grouped by step, in order.
import type { StepState } from "./api";
import type { RunEvent } from "./runEvents";

const clock = (ms: number) => new Date(ms).toLocaleTimeString();

export function RunLogs({ steps, events, truncated }: { steps: StepState[]; events: RunEvent[]; truncated: boolean }) {
  const byStep = new Map<string, RunEvent[]>();
  for (const e of events) {
    if (e.type !== "step.log" || !e.step) continue;
    const list = byStep.get(e.step) ?? [];
    list.push(e);
    byStep.set(e.step, list);
  }
  const order = [...steps.map((s) => s.step), ...[...byStep.keys()].filter((k) => !steps.some((s) => s.step === k))];
  const withLines = order.filter((s) => byStep.has(s));
  return (
    <section aria-labelledby="logs">
      <h2 id="logs">Log lines</h2>
      {truncated && <p className="muted">Only the run's first 20,000 events are read here.</p>}
      {withLines.length === 0 ? (
        <p>No step has logged anything.</p>
      ) : (
        withLines.map((step) => (
          <details key={step} open data-logs={step}>
            <summary>
              {step} ({byStep.get(step)!.length} line{byStep.get(step)!.length === 1 ? "" : "s"})
            </summary>
            <ol className="logs" tabIndex={0} aria-label={`Log lines of ${step}`}>
              {byStep.get(step)!.map((e) => (
                <li key={e.seq} className={`log-${String(e.payload.level ?? "info")}`}>
                  <span className="muted">{clock(e.time_ms)}</span> {e.index !== undefined && <span className="muted">[{e.index}] </span>}
                  <strong>{String(e.payload.level ?? "info")}</strong> {String(e.payload.message ?? "")}
                </li>
              ))}
            </ol>
          </details>
        ))
      )}
    </section>
  );
}
