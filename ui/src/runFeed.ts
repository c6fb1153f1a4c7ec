// Follows every run's run-level events over GET /api/v1/runs/stream (one
// connection for the whole runs list, whatever its length). Each event
// carries the run as it is now, so the list updates a row without asking.
// Reconnection and the session check: src/live.ts.
import { type RunSummary } from "./api";
import { followStream } from "./live";

export interface RunChange {
  type: string;
  run_id: string;
  seq: number;
  time_ms: number;
  run: RunSummary;
}

export function followRuns(workflow: string, onChange: (change: RunChange) => void, onOpen?: () => void): () => void {
  const url = `/api/v1/runs/stream${workflow ? `?workflow=${encodeURIComponent(workflow)}` : ""}`;
  return followStream(url, {
    onOpen,
    onMessage: (data) => {
      try {
        onChange(JSON.parse(data) as RunChange);
      } catch {
        // not one of ours: ignored
      }
    },
  });
}
