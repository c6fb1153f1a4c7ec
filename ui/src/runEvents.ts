// A run's events (GET /api/v1/runs/{id}/events), read a page at a time and
// then only the new ones each time `version` changes (the run page bumps it
// when its live stream reports something). The timeline takes attempt
// boundaries from them, the log section its step.log lines.
import { useEffect, useRef, useState } from "react";
import { api } from "./api";

export interface RunEvent {
  seq: number;
  time_ms: number;
  type: string;
  step: string | null;
  index?: number;
  payload: Record<string, unknown>;
}

const pageSize = 1000;
const maxPages = 20; // 20,000 events: a longer run's page shows the first ones and says so

export function useRunEvents(id: string, version: unknown): { events: RunEvent[]; truncated: boolean; error: unknown } {
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const last = useRef(0);
  const busy = useRef(false);
  const currentId = useRef(id);
  currentId.current = id;

  useEffect(() => {
    last.current = 0;
    setEvents([]);
    setTruncated(false);
  }, [id]);

  // One read at a time; a change that comes during a read makes it read again
  // after, so the last events of a run that just ended are never left out.
  const again = useRef(false);
  useEffect(() => {
    if (busy.current) {
      again.current = true;
      return;
    }
    busy.current = true;
    const from = id;
    (async () => {
      try {
        do {
          again.current = false;
          let page = 0;
          for (; page < maxPages; page++) {
            const got = await api<{ events: RunEvent[]; next_after: number }>(
              `/api/v1/runs/${encodeURIComponent(from)}/events?after=${last.current}&limit=${pageSize}`,
            );
            if (from !== currentId.current) return;
            if (got.events.length > 0) {
              last.current = got.next_after;
              setEvents((es) => [...es, ...got.events]);
            }
            if (got.events.length < pageSize) break;
          }
          if (page === maxPages) {
            setTruncated(true);
            return;
          }
        } while (again.current);
      } catch (e) {
        if (from === currentId.current) setError(e);
      } finally {
        busy.current = false;
      }
    })();
  }, [id, version]);

  return { events, truncated, error };
}
