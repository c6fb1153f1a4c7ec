// The size of a step's box, shared by the layout (which loads lazily) and the
// drawing (which is in the first load): kept apart so importing it does not
// pull dagre in. Boxes are as wide as their text (never cut: a cut name would
// no longer match the link's accessible name).
export const nodeHeight = 46;

export function nodeWidth(name: string, sub: string): number {
  // ~7.8 px a character of the 13 px bold name, ~7 px of the 12 px line below.
  return Math.ceil(Math.max(120, 20 + Math.max(name.length * 7.8, sub.length * 7)));
}
