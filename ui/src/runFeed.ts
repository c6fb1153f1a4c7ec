// Follows every run's run-level events over GET /api/v1/runs/stream (one
// connection for the whole runs list, whatever its length). Each event
// carries the run as it is now, so the list updates a row without asking.
// The browser's EventSource resumes with Last-Event-ID after a network
// hiccup; a refused stream (an expired cookie) renews the session and reopens.
// The check is a GET of /auth/me (which renews only on a 401), never a bare
// renewal: a stream also "fails" when the page goes away, and a refresh sent
// then rotates the tokens while the leaving page never stores the new cookies,
// which signed the next page out.
import { api, type Me, type RunSummary } from "./api";

export interface RunChange {
  type: string;
  run_id: string;
  seq: number;
  time_ms: number;
  run: RunSummary;
}

export function followRuns(workflow: string, onChange: (change: RunChange) => void, onOpen?: () => void): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  let renewals = 0;
  const url = `/api/v1/runs/stream${workflow ? `?workflow=${encodeURIComponent(workflow)}` : ""}`;
  const open = () => {
    source = new EventSource(url);
    source.onopen = () => onOpen?.();
    source.onmessage = (m) => {
      renewals = 0;
      try {
        onChange(JSON.parse(m.data) as RunChange);
      } catch {
        // not one of ours: ignored
      }
    };
    source.onerror = async () => {
      if (source?.readyState === EventSource.CLOSED && !stopped && renewals < 3) {
        renewals += 1;
        const signedIn = await api<Me>("/api/v1/auth/me").then(
          () => true,
          () => false,
        );
        if (signedIn && !stopped) open();
      }
    };
  };
  open();
  return () => {
    stopped = true;
    source?.close();
  };
}
