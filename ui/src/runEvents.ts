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

  useEffect(() => {
    last.current = 0;
    setEvents([]);
    setTruncated(false);
  }, [id]);

  useEffect(() => {
    if (busy.current) return;
    busy.current = true;
    let cancelled = false;
    (async () => {
      try {
        for (let page = 0; page < maxPages; page++) {
          const got = await api<{ events: RunEvent[]; next_after: number }>(
            `/api/v1/runs/${encodeURIComponent(id)}/events?after=${last.current}&limit=${pageSize}`,
          );
          if (cancelled) return;
          if (got.events.length > 0) {
            last.current = got.next_after;
            setEvents((es) => [...es, ...got.events]);
          }
          if (got.events.length < pageSize) return;
        }
        setTruncated(true);
      } catch (e) {
        if (!cancelled) setError(e);
      } finally {
        busy.current = false;
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [id, version]);

  return { events, truncated, error };
}
