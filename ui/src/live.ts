// Follows a run's events over GET /api/v1/runs/{id}/events/stream: the
// session cookie authenticates the EventSource. `onEvent` gets each event's
// type; the stream is closed at `end` (the run finished) or when the caller
// stops. An error (an expired cookie) renews the session once and reopens.
import { renewSession } from "./api";

export function followRun(id: string, onEvent: (type: string) => void): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  let renewals = 0;
  const open = () => {
    source = new EventSource(`/api/v1/runs/${encodeURIComponent(id)}/events/stream`);
    source.onmessage = (m) => {
      renewals = 0;
      try {
        onEvent(JSON.parse(m.data).type ?? "");
      } catch {
        onEvent("");
      }
    };
    source.addEventListener("end", () => {
      source?.close();
      onEvent("end");
    });
    source.onerror = async () => {
      // EventSource reconnects by itself after network hiccups; a refused
      // stream (401) closes it: renew the cookie and open again, a few times.
      if (source?.readyState === EventSource.CLOSED && !stopped && renewals < 3) {
        renewals += 1;
        if (await renewSession()) open();
      }
    };
  };
  open();
  return () => {
    stopped = true;
    source?.close();
  };
}
