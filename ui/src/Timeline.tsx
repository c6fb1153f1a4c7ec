// The run as a Gantt chart: a lane per step and per foreach item, a bar from
// its start for its duration, coloured by status, with a white mark where a
// new attempt began (from the step.started events). SVG attributes, not
// inline styles, so the console's CSP holds. The same facts as a table for
// screen readers and keyboard users.
import type { StepState } from "./api";
import { formatDuration } from "./components";
import type { RunEvent } from "./runEvents";

interface Lane {
  key: string;
  label: string;
  state: StepState;
  step: string;
  index?: number;
}

const width = 1000;
const labelWidth = 180;
const laneHeight = 22;
const barHeight = 14;

function lanesOf(steps: StepState[]): Lane[] {
  const lanes: Lane[] = [];
  for (const s of steps) {
    lanes.push({ key: s.step, label: s.step, state: s, step: s.step });
    (s.items ?? []).forEach((item, i) => lanes.push({ key: `${s.step}[${i}]`, label: `  ${s.step}[${i}]`, state: item, step: s.step, index: i }));
  }
  return lanes;
}

export function Timeline({ steps, events, now }: { steps: StepState[]; events: RunEvent[]; now: number }) {
  const lanes = lanesOf(steps).filter((l) => l.state.started_ms);
  if (lanes.length === 0) return null;
  const end = (s: StepState) => (s.started_ms ?? 0) + (s.duration_ms ?? Math.max(0, now - (s.started_ms ?? now)));
  const t0 = Math.min(...lanes.map((l) => l.state.started_ms!));
  const t1 = Math.max(t0 + 1, ...lanes.map((l) => end(l.state)));
  const x = (t: number) => labelWidth + ((t - t0) / (t1 - t0)) * (width - labelWidth - 10);
  const marks = (lane: Lane) =>
    events.filter(
      (e) =>
        e.type === "step.started" &&
        e.step === lane.step &&
        (e.index ?? -1) === (lane.index ?? -1) &&
        Number(e.payload.attempt ?? 1) > 1 &&
        e.time_ms >= lane.state.started_ms! &&
        e.time_ms <= end(lane.state),
    );
  const height = lanes.length * laneHeight + 24;
  return (
    <section aria-labelledby="timeline" className="timeline">
      <h2 id="timeline">Timeline</h2>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby="timeline-title">
        <title id="timeline-title">
          Timeline of {lanes.length} steps and items over {formatDuration(t1 - t0)}; the table below has the same facts
        </title>
        <line className="axis" x1={labelWidth} x2={labelWidth} y1={0} y2={height - 20} />
        {lanes.map((lane, i) => {
          const y = i * laneHeight + 4;
          const x0 = x(lane.state.started_ms!);
          const w = Math.max(2, x(end(lane.state)) - x0);
          return (
            <g key={lane.key} data-lane={lane.key}>
              <text className="lane-label" x={4} y={y + barHeight - 2}>
                {lane.label}
              </text>
              <rect className={`bar-${lane.state.status}`} x={x0} y={y} width={w} height={barHeight} rx={2} />
              {marks(lane).map((e) => (
                <line key={e.seq} className="attempt-mark" x1={x(e.time_ms)} x2={x(e.time_ms)} y1={y} y2={y + barHeight} />
              ))}
            </g>
          );
        })}
        <text className="lane-label" x={labelWidth} y={height - 6}>
          0
        </text>
        <text className="lane-label" x={width - 10} y={height - 6} textAnchor="end">
          {formatDuration(t1 - t0)}
        </text>
      </svg>
      <details>
        <summary>Timeline as a table</summary>
        <table>
          <caption className="visually-hidden">Steps and items with their start and duration</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Starts after</th>
              <th scope="col">Duration</th>
            </tr>
          </thead>
          <tbody>
            {lanes.map((lane) => (
              <tr key={lane.key}>
                <th scope="row">{lane.label.trim()}</th>
                <td>{lane.state.status}</td>
                <td>{lane.state.attempts}</td>
                <td>{formatDuration(lane.state.started_ms! - t0)}</td>
                <td>{formatDuration(lane.state.duration_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
