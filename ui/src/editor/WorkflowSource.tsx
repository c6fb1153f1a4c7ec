// A workflow's YAML in the editor, `linkhub validate`'s diagnostics inline
// and listed below it, and (admins only) registering it: PUT
// /api/v1/workflows/{name}. Used by the workflow page and the new-workflow page.
import { lazy, Suspense, useState } from "react";
import { api, ApiError } from "../api";
import { ErrorBox } from "../components";
import type { SourceDiagnostic } from "./YamlEditor";

const YamlEditor = lazy(() => import("./YamlEditor"));

interface PutAnswer {
  name: string;
  version: number;
  status: "created" | "replaced" | "unchanged";
}

export async function validateYaml(yaml: string, file: string): Promise<SourceDiagnostic[]> {
  const answer = await api<{ valid: boolean; diagnostics: SourceDiagnostic[] }>("/api/v1/workflows/validate", {
    method: "POST",
    body: { yaml, file },
  });
  return answer.diagnostics;
}

// The `name:` at the top level of the YAML, for a workflow not registered yet.
export function nameInYaml(text: string): string {
  return /^name:\s*["']?([^\s"'#]+)/m.exec(text)?.[1] ?? "";
}

export function WorkflowSource({
  name,
  initial,
  canRegister,
  registerLabel,
  onRegistered,
  headingLevel = 3,
}: {
  name?: string; // fixed for a registered workflow; otherwise read from the YAML
  initial: string;
  canRegister: boolean;
  registerLabel: string;
  onRegistered: (answer: PutAnswer) => void;
  headingLevel?: 2 | 3; // of "Diagnostics", under the page's own headings
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const [text, setText] = useState(initial);
  const [diagnostics, setDiagnostics] = useState<SourceDiagnostic[] | null>(null);
  const [validateError, setValidateError] = useState<unknown>(null);
  const [putError, setPutError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const target = name ?? nameInYaml(text);

  const register = async () => {
    setPutError(null);
    if (!target) {
      setPutError(new ApiError(0, "no_name", "the YAML has no top-level name: to register it under"));
      return;
    }
    setBusy(true);
    try {
      onRegistered(await api<PutAnswer>(`/api/v1/workflows/${encodeURIComponent(target)}`, { method: "PUT", body: { yaml: text } }));
    } catch (e) {
      setPutError(e);
    } finally {
      setBusy(false);
    }
  };
  const refused = putError instanceof ApiError ? (putError.details as { diagnostics?: SourceDiagnostic[] } | null) : null;

  return (
    <>
      <p className="muted" id="yaml-help">
        Checked by the server as you type (<code>linkhub validate</code>); problems are marked in the text and listed below.
      </p>
      <Suspense fallback={<p role="status">Loading the editor…</p>}>
        <YamlEditor
          initial={initial}
          label={`YAML of ${target || "the new workflow"}`}
          onChange={setText}
          validate={async (yaml) => {
            try {
              const list = await validateYaml(yaml, `${target || "workflow"}.yaml`);
              setValidateError(null);
              return list;
            } catch (e) {
              setValidateError(e);
              throw e;
            }
          }}
          onDiagnostics={setDiagnostics}
        />
      </Suspense>
      <ErrorBox error={validateError} />
      <Heading id="diagnostics-heading">Diagnostics</Heading>
      <div aria-live="polite" aria-labelledby="diagnostics-heading" role="region">
        {diagnostics === null ? (
          <p className="muted">Not checked yet.</p>
        ) : diagnostics.length === 0 ? (
          <p data-valid="true">No problems: the workflow validates.</p>
        ) : (
          <ul className="diagnostics">
            {diagnostics.map((d, i) => (
              <li key={i} className={d.severity === "warning" ? "warning" : "error-item"} data-line={d.line} data-code={d.code}>
                {d.severity} at line {d.line}, column {d.column}: <code>{d.code}</code> {d.message}
                {d.step ? ` (step ${d.step})` : ""}
              </li>
            ))}
          </ul>
        )}
      </div>
      {canRegister && (
        <div className="editor-actions">
          <button type="button" disabled={busy} onClick={() => void register()}>
            {registerLabel}
          </button>
          {target && <span className="muted">as <code>{target}</code></span>}
        </div>
      )}
      <ErrorBox error={putError} />
      {refused?.diagnostics && refused.diagnostics.length > 0 && (
        <ul className="diagnostics" aria-label="Why the server refused it">
          {refused.diagnostics.map((d, i) => (
            <li key={i} className="error-item">
              line {d.line}, column {d.column}: <code>{d.code}</code> {d.message}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
