// The size of a step's box, shared by the layout (which loads lazily) and the
// drawing (which is in the first load): kept apart so importing it does not
// pull dagre in.
export const nodeWidth = 184;
export const nodeHeight = 46;
