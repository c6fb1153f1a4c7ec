// The DAG's geometry, from dagre. This module is only ever imported
// dynamically (DagView's `import("./layout")`), so dagre stays out of the
// console's first load.
import dagre from "@dagrejs/dagre";
import { nodeHeight } from "./geometry";

export interface DagNodeInput {
  id: string;
  needs: string[];
  width: number;
}
export interface PlacedNode {
  id: string;
  x: number; // top-left corner
  y: number;
  width: number;
}
export interface PlacedEdge {
  from: string;
  to: string;
  points: { x: number; y: number }[];
}
export interface Layout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

// Top to bottom: 70 steps with a few wide fan-outs stay readable at full size
// in a scrolling box (dagre keeps ranks aligned and edge crossings few).
export function layoutDag(nodes: DagNodeInput[]): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 24, ranksep: 44, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set(nodes.map((n) => n.id));
  for (const n of nodes) g.setNode(n.id, { width: n.width, height: nodeHeight });
  for (const n of nodes) for (const need of n.needs) if (known.has(need)) g.setEdge(need, n.id);
  dagre.layout(g);
  const graph = g.graph();
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: nodes.map((n) => {
      const p = g.node(n.id);
      return { id: n.id, x: p.x - n.width / 2, y: p.y - nodeHeight / 2, width: n.width };
    }),
    edges: g.edges().map((e) => ({ from: e.v, to: e.w, points: g.edge(e).points ?? [] })),
  };
}
