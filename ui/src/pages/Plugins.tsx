// GET /api/v1/plugins: each plugin with its version, its steps and each
// step's input and output JSON Schema, folded (<details>: keyboard-operable).
import { useEffect, useState } from "react";
import { api, type JsonSchema } from "../api";
import { ErrorBox, Json, PageHeading } from "../components";

interface PluginStep {
  uses: string;
  description: string;
  input_schema: JsonSchema | null;
  output_schema: JsonSchema | null;
}
interface Plugin {
  name: string;
  version: string;
  description: string;
  api_version: string;
  steps: PluginStep[];
}
interface PluginList {
  plugins: Plugin[];
  skipped: { path: string; message: string }[];
}

const typeText = (s: JsonSchema) => (Array.isArray(s.type) ? s.type.join(" | ") : s.type ?? "any");

// A schema's fields as a list (name, type, required, description), then the
// whole schema as JSON for what the list does not say.
function Schema({ schema, label }: { schema: JsonSchema | null; label: string }) {
  if (!schema) return <p className="muted">No schema.</p>;
  const props = Object.entries(schema.properties ?? {});
  return (
    <>
      {props.length > 0 ? (
        <ul className="schema" aria-label={`${label}: fields`}>
          {props.map(([name, p]) => (
            <li key={name}>
              <code>{name}</code> <span className="muted">{typeText(p)}</span>
              {schema.required?.includes(name) && <strong> required</strong>}
              {p.description && <>: {p.description}</>}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Type {typeText(schema)}.</p>
      )}
      <details>
        <summary>{label} as JSON Schema</summary>
        <Json value={schema} label={`${label} as JSON Schema`} />
      </details>
    </>
  );
}

export function Plugins() {
  const [list, setList] = useState<PluginList | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<PluginList>("/api/v1/plugins").then(setList).catch(setError);
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (!list) return <p role="status">Loading…</p>;
  return (
    <>
      <PageHeading>Plugins</PageHeading>
      <p>
        {list.plugins.length} plugins loaded, {list.plugins.reduce((n, p) => n + p.steps.length, 0)} steps.
      </p>
      {list.plugins.map((p) => (
        <details key={p.name} className="plugin" data-plugin={p.name}>
          <summary>
            <strong>{p.name}</strong> {p.version} <span className="muted">({p.steps.length} step{p.steps.length === 1 ? "" : "s"}, API {p.api_version})</span>
          </summary>
          {p.description && <p>{p.description}</p>}
          {p.steps.map((s) => (
            <details key={s.uses} className="plugin-step" data-step-uses={s.uses}>
              <summary>
                <code>{s.uses}</code> {s.description && <span className="muted">{s.description}</span>}
              </summary>
              <h2 className="schema-heading">Input of {s.uses}</h2>
              <Schema schema={s.input_schema} label={`Input of ${s.uses}`} />
              <h2 className="schema-heading">Output of {s.uses}</h2>
              <Schema schema={s.output_schema} label={`Output of ${s.uses}`} />
            </details>
          ))}
        </details>
      ))}
      {list.skipped.length > 0 && (
        <section aria-labelledby="skipped">
          <h2 id="skipped">Not loaded</h2>
          <ul>
            {list.skipped.map((s) => (
              <li key={s.path}>
                <code>{s.path}</code>: {s.message}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
