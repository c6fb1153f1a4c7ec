// A workflow's steps and their dependencies as an SVG graph. Each step is a
// link (keyboard-focusable, named "<step>: <status>, needs ...") to the
// step's details on the same page; its status is written in the box, not only
// coloured. The layout library loads on first use (see layout.ts).
import { useEffect, useId, useState } from "react";
import { nodeHeight, nodeWidth } from "./geometry";
import type { Layout } from "./layout";

export interface DagStep {
  id: string;
  uses: string;
  needs: string[];
}

// A step's statuses (engine/src/run_store.cpp), in the legend's order; the
// legend lists those the graph shows.
export const dagStatuses = ["succeeded", "failed", "running", "retrying", "waiting", "pending", "queued", "skipped", "cancelled"];
const notRun = "not run";

// The details of a step: an element with id `step-<id>` (the workflow page) or
// `[data-step=<id>]` (the run page). Opens its <details> and moves focus there.
function showStep(id: string): boolean {
  const target =
    document.getElementById(`step-${id}`) ?? document.querySelector<HTMLElement>(`[data-step="${CSS.escape(id)}"]`);
  if (!target) return false;
  const details = target.querySelector("details");
  if (details) details.open = true;
  target.scrollIntoView({ block: "center" });
  const focusable = target.querySelector<HTMLElement>("summary, a, button") ?? target;
  if (focusable === target && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
  focusable.focus();
  return true;
}

export function DagView({ steps, statuses, label }: { steps: DagStep[]; statuses?: Record<string, string>; label: string }) {
  const [drawn, setDrawn] = useState<{ shape: string; layout: Layout } | null>(null);
  const [failed, setFailed] = useState<string>("");
  const [fit, setFit] = useState(false);
  const marker = `dag-arrow-${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  // Wide enough for the step's plugin step and any status.
  const sized = steps.map((s) => ({ id: s.id, needs: s.needs, width: nodeWidth(s.id, s.uses.length > 9 ? s.uses : "cancelled") }));
  const shape = JSON.stringify(sized);

  useEffect(() => {
    let live = true;
    import("./layout")
      .then((m) => live && setDrawn({ shape, layout: m.layoutDag(sized) }))
      .catch((e) => live && setFailed(String(e)));
    return () => {
      live = false;
    };
    // The layout depends on the ids, sizes and edges only, not on the array's identity.
  }, [shape]);

  if (failed) return <p className="error">The graph could not be drawn: {failed}</p>;
  // A layout of other steps (the workflow was just replaced) waits for its successor.
  if (!drawn || drawn.shape !== shape) return <p role="status">Drawing the graph…</p>;
  const layout = drawn.layout;
  const byId = new Map(steps.map((s) => [s.id, s]));
  const statusOf = (id: string) => statuses?.[id] ?? notRun;
  const shown = new Set(steps.map((s) => statusOf(s.id)));
  const legend = [...dagStatuses, notRun].filter((s) => shown.has(s)).concat([...shown].filter((s) => !dagStatuses.includes(s) && s !== notRun));

  return (
    <figure className="dag">
      <figcaption className="dag-legend">
        <span className="visually-hidden">{label}{statuses ? ". Legend:" : ""}</span>
        {statuses && (
          <ul aria-label="Legend">
            {legend.map((s) => (
              <li key={s}>
                <svg width="14" height="14" aria-hidden="true">
                  <rect x="1" y="1" width="12" height="12" rx="3" className={`dag-box dag-${s.replace(" ", "-")}`} />
                </svg>{" "}
                {s}
              </li>
            ))}
          </ul>
        )}
        {layout.width > 900 && (
          <button type="button" className="small" aria-pressed={fit} onClick={() => setFit(!fit)}>
            Fit the graph to the width
          </button>
        )}
      </figcaption>
      <div className="dag-scroll" tabIndex={0} role="region" aria-label={`${label} (scrolls)`}>
        <svg
          className={fit ? "dag-svg dag-fit" : "dag-svg"}
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label={label}
          data-steps={layout.nodes.length}
          data-edges={layout.edges.length}
        >
          <defs>
            <marker id={marker} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="dag-arrow" />
            </marker>
          </defs>
          <g aria-hidden="true">
            {layout.edges.map((e) => (
              <path
                key={`${e.from}->${e.to}`}
                className="dag-edge"
                data-edge={`${e.from}->${e.to}`}
                d={e.points.map((p, i) => `${i === 0 ? "M" : "L"} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(" ")}
                markerEnd={`url(#${marker})`}
              />
            ))}
          </g>
          {layout.nodes.map((n) => {
            const step = byId.get(n.id)!;
            const status = statusOf(n.id);
            const needs = step.needs.length ? `, needs ${step.needs.join(", ")}` : "";
            return (
              <a
                key={n.id}
                href={`#step-${n.id}`}
                className="dag-node"
                data-dag-step={n.id}
                data-status={status}
                aria-label={`${n.id}: ${statuses ? status : step.uses}${needs}`}
                onClick={(e) => {
                  if (showStep(n.id)) e.preventDefault();
                }}
              >
                <title>{`${n.id} (${step.uses})${statuses ? `: ${status}` : ""}`}</title>
                <rect
                  x={n.x}
                  y={n.y}
                  width={n.width}
                  height={nodeHeight}
                  rx="6"
                  className={`dag-box dag-${statuses ? status.replace(" ", "-") : "plain"}`}
                />
                {/* One text element: its visible text ("name status") is the start of the link's name. */}
                <text>
                  <tspan x={n.x + 10} y={n.y + 19} className="dag-name">
                    {n.id}
                  </tspan>{" "}
                  <tspan x={n.x + 10} y={n.y + 36} className="dag-sub">
                    {statuses ? status : step.uses}
                  </tspan>
                </text>
              </a>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
