import { useEffect, useRef } from "react";
import { ApiError } from "./api";

// An API failure as the API states it: its code and its message.
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : new ApiError(0, "client_error", String(error));
  return (
    <div className="error" role="alert">
      <strong>
        <code>{e.code}</code>
      </strong>
      {e.status > 0 && <span className="muted"> (HTTP {e.status})</span>}: {e.message}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{status}</span>;
}

// Focusable: a long value scrolls, and keyboard users must be able to scroll it too.
export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    <pre className="json" tabIndex={0} role="region" aria-label={label}>
      {value === undefined ? "—" : JSON.stringify(value, null, 2)}
    </pre>
  );
}

export function formatTime(ms: number | null | undefined): string {
  return ms ? new Date(ms).toLocaleString() : "—";
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// Moves focus to the page's heading when a page opens, so screen readers and
// keyboard users start at the new page, not at the link they followed.
export function PageHeading({ children }: { children: React.ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {children}
    </h1>
  );
}
