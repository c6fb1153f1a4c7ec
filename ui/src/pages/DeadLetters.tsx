import { useCallback, useEffect, useState } from "react";
import { Link } from "react-router";
import { api, atLeast } from "../api";
import { ErrorBox, Json, PageHeading, formatTime } from "../components";
import { useSession } from "../session";

// GET /api/v1/dead-letters: a step that failed for good (or a foreach item), with the input it had.
interface DeadLetter {
  run_id: string;
  workflow: string;
  step: string;
  index?: number;
  attempts: number;
  input: unknown;
  error: string;
  created_ms: number;
  requeued_ms: number | null;
}

const keyOf = (d: DeadLetter) => `${d.run_id}/${d.step}/${d.index ?? -1}`;
const path = (d: DeadLetter) => `/api/v1/dead-letters/${encodeURIComponent(d.run_id)}/${encodeURIComponent(d.step)}`;

function Letter({ letter, operator, onRequeued }: { letter: DeadLetter; operator: boolean; onRequeued: () => void }) {
  const [detail, setDetail] = useState<DeadLetter[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [answer, setAnswer] = useState<unknown>(null);
  const name = `${letter.step}${letter.index !== undefined ? `[${letter.index}]` : ""} of run ${letter.run_id.slice(0, 8)}`;

  const inspect = async () => {
    setError(null);
    try {
      setDetail((await api<{ dead_letters: DeadLetter[] }>(path(letter))).dead_letters);
    } catch (e) {
      setError(e);
    }
  };
  const requeue = async () => {
    setError(null);
    setAnswer(null);
    try {
      setAnswer(await api(`${path(letter)}/requeue`, { method: "POST" }));
      onRequeued();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <li className="letter" data-letter={keyOf(letter)}>
      <div>
        <strong>{letter.step}</strong>
        {letter.index !== undefined && <span> item {letter.index}</span>} of <Link to={`/runs/${letter.run_id}`}>run {letter.run_id.slice(0, 8)}</Link> (
        {letter.workflow}), {letter.attempts} attempt{letter.attempts === 1 ? "" : "s"}, {formatTime(letter.created_ms)}
        {letter.requeued_ms && <span className="muted"> — requeued {formatTime(letter.requeued_ms)}</span>}
      </div>
      <div className="step-error">{letter.error}</div>
      <div className="actions">
        <button type="button" onClick={() => void inspect()} aria-label={`Inspect ${name}`}>
          Inspect
        </button>
        {operator && (
          <button type="button" onClick={() => void requeue()} aria-label={`Requeue ${name}`}>
            Requeue
          </button>
        )}
      </div>
      <ErrorBox error={error} />
      {answer !== null && (
        <div role="status">
          Requeued: <Json value={answer} label={`The API's answer to requeuing ${name}`} />
        </div>
      )}
      {detail &&
        detail.map((d) => (
          <div key={keyOf(d)}>
            <h3>
              Input{d.index !== undefined ? ` of item ${d.index}` : ""}
            </h3>
            <Json value={d.input} label={`Input of ${name}`} />
            <h3>Error</h3>
            <pre className="json" tabIndex={0} role="region" aria-label={`Error of ${name}`}>
              {d.error}
            </pre>
          </div>
        ))}
    </li>
  );
}

export function DeadLetters() {
  const { me } = useSession();
  const [letters, setLetters] = useState<DeadLetter[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setLetters((await api<{ dead_letters: DeadLetter[] }>("/api/v1/dead-letters?limit=200")).dead_letters);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const operator = atLeast(me?.role, "operator");
  return (
    <>
      <PageHeading>Dead letters</PageHeading>
      <p className="muted">
        Steps that failed after their last attempt, newest first. Requeuing runs the run again from its failed steps.
      </p>
      <ErrorBox error={error} />
      {letters === null ? (
        <p role="status">Loading…</p>
      ) : letters.length === 0 ? (
        <p>No dead letters.</p>
      ) : (
        <ul className="steps" aria-label="Dead letters">
          {letters.map((d) => (
            <Letter key={keyOf(d)} letter={d} operator={operator} onRequeued={() => void load()} />
          ))}
        </ul>
      )}
    </>
  );
}
