// Server-sent event streams the console follows (a run's events, the runs
// feed): the session cookie authenticates the EventSource. The browser's
// EventSource resumes with Last-Event-ID after a network hiccup by itself; a
// refused stream (an expired cookie) is closed: then the session is checked
// with GET /auth/me (which renews the cookie only on a 401) and the stream
// reopened, a few times. Never a bare renewal: a stream also "fails" when the
// page goes away, and a refresh sent then rotates the tokens while the leaving
// page never stores the new cookies, which signed the next page out.
import { api, type Me } from "./api";

export interface StreamHandlers {
  onMessage: (data: string) => void;
  onOpen?: () => void;
  // Named events (`event: end`), each with its handler.
  named?: Record<string, (data: string) => void>;
}

// Opens `url` and keeps it open until the returned function is called.
export function followStream(url: string, handlers: StreamHandlers): () => void {
  let source: EventSource | null = null;
  let stopped = false;
  let reopenings = 0;
  const open = () => {
    source = new EventSource(url);
    source.onopen = () => handlers.onOpen?.();
    source.onmessage = (m) => {
      reopenings = 0;
      handlers.onMessage(m.data);
    };
    for (const [name, handler] of Object.entries(handlers.named ?? {})) {
      source.addEventListener(name, (m) => handler((m as MessageEvent).data));
    }
    source.onerror = async () => {
      if (source?.readyState !== EventSource.CLOSED || stopped || reopenings >= 3) return;
      reopenings += 1;
      const signedIn = await api<Me>("/api/v1/auth/me").then(
        () => true,
        () => false,
      );
      if (signedIn && !stopped) open();
    };
  };
  open();
  return () => {
    stopped = true;
    source?.close();
  };
}

// A run's events (GET /api/v1/runs/{id}/events/stream): `onEvent` gets each
// event's type, and "end" when the run finished (the server closes then).
export function followRun(id: string, onEvent: (type: string) => void): () => void {
  let stop = () => {};
  stop = followStream(`/api/v1/runs/${encodeURIComponent(id)}/events/stream`, {
    onMessage: (data) => {
      try {
        onEvent(JSON.parse(data).type ?? "");
      } catch {
        onEvent("");
      }
    },
    named: {
      end: () => {
        stop();
        onEvent("end");
      },
    },
  });
  return stop;
}
