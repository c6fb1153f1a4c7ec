// The API client: same-origin fetch with the session cookie. Requests that
// change something carry X-Linkhub-Console: 1 (the server's CSRF check). An
// expired access cookie is renewed once from the refresh cookie, then the
// request is sent again. Failures become ApiError with the API's own code
// and message, which the pages show as they are.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

const consoleHeader = { "X-Linkhub-Console": "1" };

async function toError(response: Response): Promise<ApiError> {
  try {
    const body = await response.json();
    const e = body?.error;
    if (e && typeof e.code === "string") {
      return new ApiError(response.status, e.code, String(e.message ?? ""), e.details ?? null);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, `http_${response.status}`, response.statusText || "the server did not answer");
}

let renewing: Promise<boolean> | null = null;

// One renewal at a time, shared by every request that found its cookie expired.
export function renewSession(): Promise<boolean> {
  renewing ??= fetch("/api/v1/auth/session/refresh", { method: "POST", headers: consoleHeader, credentials: "same-origin" })
    .then((r) => r.ok)
    .catch(() => false)
    .finally(() => {
      renewing = null;
    });
  return renewing;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; renew?: boolean } = {}): Promise<T> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = method === "GET" ? {} : { ...consoleHeader };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(init.body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body, credentials: "same-origin" });
  } catch (e) {
    throw new ApiError(0, "network_error", `the server could not be reached (${String(e)})`);
  }
  if (response.status === 401 && init.renew !== false && (await renewSession())) {
    return api<T>(path, { ...init, renew: false });
  }
  if (!response.ok) {
    throw await toError(response);
  }
  if (response.status === 204) {
    return undefined as T; // DELETE answers no body
  }
  return (await response.json()) as T;
}

// ---- The shapes the pages read (docs/api.md) ----

export type Role = "viewer" | "operator" | "admin";
export interface Me {
  kind: string;
  id: string;
  name: string;
  role: Role;
}

export type RunStatus = "queued" | "running" | "waiting" | "succeeded" | "failed" | "cancelled";
export const runStatuses: RunStatus[] = ["queued", "running", "waiting", "succeeded", "failed", "cancelled"];
export const finished = (s: string) => s === "succeeded" || s === "failed" || s === "cancelled";

export interface RunSummary {
  id: string;
  workflow: string;
  status: RunStatus;
  error: string | null;
  error_code: string | null;
  created_ms: number;
  duration_ms: number | null;
}
export interface RunList {
  runs: RunSummary[];
  next_cursor: string | null;
}
export interface StepState {
  step: string;
  status: string;
  attempts: number;
  started_ms: number | null;
  duration_ms: number | null;
  input: unknown;
  output: unknown;
  error: string | null;
  error_code: string | null;
  items?: StepState[];
}
export interface RunDetail extends RunSummary {
  inputs: unknown;
  outputs: unknown;
  steps: StepState[];
  waits?: { step: string; key: string | null; deadline_ms: number | null; state: string }[];
}
export interface WorkflowSummary {
  name: string;
  version: number;
  steps: number;
  description?: string;
  last_run: { id: string; status: RunStatus; created_ms: number } | null;
}
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  enum?: unknown[];
}
export interface WorkflowDetail {
  name: string;
  version: number;
  description?: string;
  input_schema: JsonSchema | null;
  dag: { nodes: { id: string; uses: string }[] };
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  created_ms: number;
  last_used_ms: number | null;
  revoked_ms: number | null;
}
export interface CreatedApiKey extends ApiKey {
  key: string;
  note: string;
}
export interface User {
  name: string;
  role: Role;
  created_ms: number;
  disabled: boolean;
}
export const roles: Role[] = ["viewer", "operator", "admin"];

export const atLeast = (role: Role | undefined, needed: Role) =>
  role !== undefined && ["viewer", "operator", "admin"].indexOf(role) >= ["viewer", "operator", "admin"].indexOf(needed);
