// /orders: customers' orders, newest first, filtered by status, customer and
// product (GET /api/v1/orders; filters kept in the address), paged by cursor.
// /orders/:id: an order with its status history and, for operators and
// admins, a button for each status it may move to (PATCH /api/v1/orders/{id});
// a refusal (409 invalid_transition) is shown as the API states it.
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { api, ApiError, atLeast } from "../api";
import { LoadMore, useCursorList } from "../cursorList";
import { ErrorBox, PageHeading, StatusBadge, formatTime } from "../components";
import { useSession } from "../session";
import { formatMoney, nextStatuses, orderStatuses, type Order as OrderDoc, type OrderStatus } from "../shop";

const pageSize = 50;
const filterNames = ["status", "customer", "product"] as const;

export function Orders() {
  const { draft, setDraft, apply, items: orders, cursor, error, loading, more, filtered } = useCursorList<OrderDoc>({
    path: "/api/v1/orders",
    itemsKey: "orders",
    filterNames,
    pageSize,
  });

  return (
    <>
      <PageHeading>Orders</PageHeading>
      <form
        className="filters"
        aria-label="Filter orders"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label htmlFor="filter-status">Status</label>
        <select
          id="filter-status"
          value={draft.status ?? ""}
          onChange={(e) => {
            const next = { ...draft, status: e.target.value };
            setDraft(next);
            apply(next);
          }}
        >
          <option value="">All</option>
          {orderStatuses.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <label htmlFor="filter-customer">Customer number</label>
        <input id="filter-customer" value={draft.customer ?? ""} onChange={(e) => setDraft({ ...draft, customer: e.target.value })} />
        <label htmlFor="filter-product">Product id</label>
        <input id="filter-product" value={draft.product ?? ""} onChange={(e) => setDraft({ ...draft, product: e.target.value })} />
        <button type="submit">Filter</button>
      </form>
      <ErrorBox error={error} />
      {loading ? (
        <p role="status">Loading…</p>
      ) : orders.length === 0 ? (
        !error && <p>No orders{filtered ? " match these filters" : " yet"}.</p>
      ) : (
        <table className="orders">
          <caption className="visually-hidden">Orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Status</th>
              <th scope="col">Product</th>
              <th scope="col">Quantity</th>
              <th scope="col">Total</th>
              <th scope="col">Customer</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {orders.map((o) => (
              <tr key={o.id} data-order={o.number}>
                <td>
                  <Link to={`/orders/${o.number}`}>{o.number}</Link>
                </td>
                <td>
                  <StatusBadge status={o.status} />
                </td>
                <td>{o.product_title ?? (o.product_id ? `#${o.product_id}` : "—")}</td>
                <td>
                  {o.quantity}
                  {o.variant ? ` (${o.variant})` : ""}
                </td>
                <td>{formatMoney(o.total)}</td>
                <td>{o.customer_name ? `${o.customer_name} (+${o.customer_wa_id})` : `+${o.customer_wa_id}`}</td>
                <td>{formatTime(o.created_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <LoadMore cursor={cursor} more={more} />
    </>
  );
}

export function Order() {
  const { id = "" } = useParams();
  const { me } = useSession();
  const [order, setOrder] = useState<OrderDoc | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [changeError, setChangeError] = useState<unknown>(null);
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setOrder(null);
    setError(null);
    api<OrderDoc>(`/api/v1/orders/${encodeURIComponent(id)}`).then(setOrder).catch(setError);
  }, [id]);

  if (error) return <ErrorBox error={error} />;
  if (!order) return <p role="status">Loading…</p>;

  const move = async (status: OrderStatus) => {
    setChangeError(null);
    setBusy(true);
    try {
      const body: Record<string, string> = { status };
      if (note.trim()) body.note = note.trim();
      setOrder(await api<OrderDoc>(`/api/v1/orders/${encodeURIComponent(id)}`, { method: "PATCH", body }));
      setNote("");
    } catch (e) {
      setChangeError(e);
      // The order moved on elsewhere: show where it is now (the refusal stays).
      if (e instanceof ApiError && e.code === "invalid_transition") {
        api<OrderDoc>(`/api/v1/orders/${encodeURIComponent(id)}`).then(setOrder).catch(() => undefined);
      }
    } finally {
      setBusy(false);
    }
  };
  const moves = nextStatuses[order.status] ?? [];

  return (
    <>
      <PageHeading>Order {order.number}</PageHeading>
      <p>
        <Link to="/orders">All orders</Link>
      </p>
      <dl className="facts">
        <dt>Status</dt>
        <dd id="order-status">
          <StatusBadge status={order.status} />
        </dd>
        <dt>Product</dt>
        <dd>
          {order.product_id ? (
            <Link to={`/products/${order.product_id}`}>{order.product_title ?? `#${order.product_id}`}</Link>
          ) : (
            (order.product_title ?? "—")
          )}
        </dd>
        <dt>Quantity</dt>
        <dd>
          {order.quantity}
          {order.variant ? ` (${order.variant})` : ""}
        </dd>
        <dt>Unit price</dt>
        <dd>{formatMoney(order.unit_price)}</dd>
        <dt>Total</dt>
        <dd>{formatMoney(order.total)}</dd>
        <dt>Customer</dt>
        <dd>
          <Link to={`/conversations/${order.customer_wa_id}`}>
            {order.customer_name ? `${order.customer_name} (+${order.customer_wa_id})` : `+${order.customer_wa_id}`}
          </Link>
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(order.created_ms)}</dd>
        {order.run_id && (
          <>
            <dt>Made by</dt>
            <dd>
              <Link to={`/runs/${order.run_id}`}>run {order.run_id.slice(0, 8)}</Link>
            </dd>
          </>
        )}
      </dl>
      {atLeast(me?.role, "operator") && moves.length > 0 && (
        <section aria-labelledby="change">
          <h2 id="change">Change status</h2>
          <div className="field">
            <label htmlFor="order-note">Note (optional)</label>
            <input id="order-note" value={note} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="actions">
            {moves.map((s) => (
              <button type="button" key={s} disabled={busy} onClick={() => void move(s)}>
                Mark {s}
              </button>
            ))}
          </div>
        </section>
      )}
      <ErrorBox error={changeError} />
      <section aria-labelledby="history">
        <h2 id="history">History</h2>
        <ol className="history">
          {order.history.map((h, i) => (
            <li key={i}>
              <StatusBadge status={h.status} /> {formatTime(h.at_ms)}
              {h.by && <span className="muted"> by {h.by}</span>}
              {h.note && <span>: {h.note}</span>}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
