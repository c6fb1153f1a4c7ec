// /conversations: WhatsApp contacts, newest activity first (GET
// /api/v1/conversations, paged by cursor). /conversations/:wa_id: a
// contact's thread, newest first, with each message's direction, kind, text
// and delivery status, and whether the contact opted out.
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { api } from "../api";
import { LoadMore, useCursorList } from "../cursorList";
import { ErrorBox, PageHeading, StatusBadge, formatTime } from "../components";
import type { ContactSummary, Message, Thread } from "../shop";

const pageSize = 50;

export function Conversations() {
  const {
    draft,
    setDraft,
    apply,
    items: contacts,
    cursor,
    error,
    loading,
    more,
    filtered,
  } = useCursorList<ContactSummary>({ path: "/api/v1/conversations", itemsKey: "conversations", filterNames: ["q"], pageSize });

  return (
    <>
      <PageHeading>Conversations</PageHeading>
      <form
        className="filters"
        role="search"
        aria-label="Search conversations"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label htmlFor="filter-q">Number or name</label>
        <input id="filter-q" value={draft.q ?? ""} onChange={(e) => setDraft({ q: e.target.value })} />
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {loading ? (
        <p role="status">Loading…</p>
      ) : contacts.length === 0 ? (
        !error && <p>No conversations{filtered ? " match this search" : " yet"}.</p>
      ) : (
        <table className="contacts">
          <caption className="visually-hidden">Contacts, newest activity first</caption>
          <thead>
            <tr>
              <th scope="col">Contact</th>
              <th scope="col">Last message</th>
              <th scope="col">Status</th>
              <th scope="col">When</th>
              <th scope="col">In / out</th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((c) => (
              <tr key={c.wa_id} data-contact={c.wa_id}>
                <td>
                  <Link to={`/conversations/${c.wa_id}`}>{c.name ? `${c.name} (${c.to})` : c.to}</Link>
                  {c.opted_out && (
                    <>
                      {" "}
                      <span className="badge badge-failed">opted out</span>
                    </>
                  )}
                </td>
                <td>
                  {c.last_message ? (
                    <>
                      <span className="muted">{c.last_message.direction === "in" ? "from them: " : "to them: "}</span>
                      {c.last_message.text}
                    </>
                  ) : (
                    "—"
                  )}
                </td>
                <td>{c.last_message ? <StatusBadge status={c.last_message.status} /> : ""}</td>
                <td>{formatTime(c.last_message?.at_ms)}</td>
                <td>
                  {c.messages_in} / {c.messages_out}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore cursor={cursor} more={more} />
    </>
  );
}

function MessageItem({ m }: { m: Message }) {
  const failure = m.statuses.find((s) => s.status === "failed")?.error;
  return (
    <li className={`message message-${m.direction}`} data-message={m.id}>
      <p className="message-meta">
        <strong>{m.direction === "in" ? "Received" : "Sent"}</strong> <span className="muted">{m.type}</span>{" "}
        <StatusBadge status={m.status} /> <span className="muted">{formatTime(m.at_ms)}</span>
      </p>
      <p className="message-text">{m.text}</p>
      {m.statuses.length > 0 && (
        <p className="muted message-statuses">
          {m.statuses.map((s) => `${s.status} ${new Date(s.at_ms).toLocaleTimeString()}`).join(" → ")}
        </p>
      )}
      {failure && (
        <p className="error">
          <code>{failure.code ?? "failed"}</code>: {[failure.title, failure.message].filter((t, i, all) => t && all.indexOf(t) === i).join(": ")}
        </p>
      )}
    </li>
  );
}

export function Conversation() {
  const { wa_id = "" } = useParams();
  const [thread, setThread] = useState<Thread | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [moreError, setMoreError] = useState<unknown>(null);

  useEffect(() => {
    setThread(null);
    setError(null);
    api<Thread>(`/api/v1/conversations/${encodeURIComponent(wa_id)}?limit=${pageSize}`).then(setThread).catch(setError);
  }, [wa_id]);

  if (error) return <ErrorBox error={error} />;
  if (!thread) return <p role="status">Loading…</p>;
  const c = thread.contact;
  const older = async () => {
    try {
      const page = await api<Thread>(
        `/api/v1/conversations/${encodeURIComponent(wa_id)}?limit=${pageSize}&before=${encodeURIComponent(thread.next_before ?? "")}`,
      );
      setThread({ ...page, messages: [...thread.messages, ...page.messages] });
    } catch (e) {
      setMoreError(e);
    }
  };
  return (
    <>
      <PageHeading>{c.name ? `${c.name} (${c.to})` : c.to}</PageHeading>
      <p>
        <Link to="/conversations">All conversations</Link> ·{" "}
        <Link to={`/orders?customer=${c.wa_id}`}>Orders of this contact</Link>
      </p>
      <dl className="facts">
        <dt>Opted out</dt>
        <dd id="contact-opt-out">{c.opted_out ? `yes, since ${formatTime(c.opted_out_ms)}` : "no"}</dd>
        <dt>Opted in</dt>
        <dd>{c.opted_in ? "yes" : "no"}</dd>
        <dt>Service window</dt>
        <dd>{c.window_open ? `open until ${formatTime(c.window_closes_ms)}` : "closed (templates only)"}</dd>
      </dl>
      <h2>Messages, newest first</h2>
      {thread.messages.length === 0 ? (
        <p>No messages.</p>
      ) : (
        <ol className="thread" aria-label="Messages, newest first">
          {thread.messages.map((m) => (
            <MessageItem key={m.id} m={m} />
          ))}
        </ol>
      )}
      <ErrorBox error={moreError} />
      {thread.next_before && (
        <button type="button" onClick={() => void older()}>
          Older messages
        </button>
      )}
    </>
  );
}
