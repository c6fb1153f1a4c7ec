// A form generated from a workflow's input schema (GET /api/v1/workflows/{name}
// input_schema): one labelled field per input, its default filled in. Values
// the form cannot check (the server checks every input) go to the API as
// typed; the API's answer (422 invalid_inputs and its message) is shown as is.
import { useState } from "react";
import { api, ApiError, type JsonSchema } from "./api";
import { ErrorBox } from "./components";

type Kind = "string" | "number" | "integer" | "boolean" | "enum" | "json";

function kindOf(schema: JsonSchema): Kind {
  if (schema.enum) return "enum";
  const type = Array.isArray(schema.type) ? schema.type.filter((t) => t !== "null")[0] : schema.type;
  if (type === "string" || type === "number" || type === "integer" || type === "boolean") return type;
  return "json";
}

function initial(schema: JsonSchema, kind: Kind): string | boolean {
  const d = schema.default;
  if (kind === "boolean") return d === true;
  if (d === undefined || d === null) return "";
  return kind === "json" ? JSON.stringify(d, null, 2) : String(d);
}

export function TriggerForm({
  workflow,
  schema,
  onStarted,
}: {
  workflow: string;
  schema: JsonSchema | null;
  onStarted: (runId: string) => void;
}) {
  const properties = Object.entries(schema?.properties ?? {});
  const required = new Set(schema?.required ?? []);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(properties.map(([name, s]) => [name, initial(s, kindOf(s))])),
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const inputs = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, s] of properties) {
      const kind = kindOf(s);
      const v = values[name];
      if (kind === "boolean") {
        out[name] = v === true;
        continue;
      }
      const text = String(v ?? "");
      if (text === "" && !required.has(name)) continue; // the workflow's default applies
      if (kind === "number" || kind === "integer") {
        out[name] = text === "" ? text : Number(text);
      } else if (kind === "json") {
        try {
          out[name] = JSON.parse(text);
        } catch {
          throw new ApiError(0, "bad_json_input", `input '${name}': not valid JSON`);
        }
      } else if (kind === "enum") {
        const option = (s.enum ?? []).find((o) => String(o) === text);
        out[name] = option ?? text;
      } else {
        out[name] = text;
      }
    }
    return out;
  };

  return (
    <form
      className="trigger"
      aria-label={`Start a run of ${workflow}`}
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        setBusy(true);
        try {
          const answer = await api<{ run_id: string }>(`/api/v1/workflows/${encodeURIComponent(workflow)}/runs`, {
            method: "POST",
            body: { inputs: inputs() },
          });
          onStarted(answer.run_id);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {properties.length === 0 && <p>This workflow takes no inputs.</p>}
      {properties.map(([name, s]) => {
        const kind = kindOf(s);
        const id = `input-${name}`;
        const hint = s.description ? `${id}-hint` : undefined;
        const label = (
          <label htmlFor={id}>
            {name}
            {required.has(name) && <span aria-hidden="true"> *</span>}
          </label>
        );
        const common = { id, name, "aria-describedby": hint, required: required.has(name) && kind !== "boolean" };
        let field;
        if (kind === "boolean") {
          field = (
            <input
              {...common}
              type="checkbox"
              checked={values[name] === true}
              onChange={(e) => setValues({ ...values, [name]: e.target.checked })}
            />
          );
        } else if (kind === "enum") {
          field = (
            <select {...common} value={String(values[name])} onChange={(e) => setValues({ ...values, [name]: e.target.value })}>
              {!required.has(name) && <option value="">(default)</option>}
              {(s.enum ?? []).map((o) => (
                <option key={String(o)} value={String(o)}>
                  {String(o)}
                </option>
              ))}
            </select>
          );
        } else if (kind === "json") {
          field = (
            <textarea
              {...common}
              rows={4}
              value={String(values[name])}
              onChange={(e) => setValues({ ...values, [name]: e.target.value })}
            />
          );
        } else {
          field = (
            <input
              {...common}
              type={kind === "string" ? "text" : "number"}
              step={kind === "integer" ? 1 : "any"}
              value={String(values[name])}
              onChange={(e) => setValues({ ...values, [name]: e.target.value })}
            />
          );
        }
        return (
          <div className="field" key={name}>
            {label}
            {field}
            {s.description && (
              <small id={hint} className="muted">
                {s.description}
              </small>
            )}
          </div>
        );
      })}
      <button type="submit" disabled={busy}>
        {busy ? "Starting…" : "Start run"}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
