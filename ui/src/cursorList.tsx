// A list page's data: filters kept in the address (so a filtered list can be
// shared and back/forward work), the first page read whenever they change or
// the nav link is followed again, and further pages by the API's cursor
// ("Load more"). The catalog, conversations and orders lists share it.
import { useCallback, useEffect, useState } from "react";
import { useLocation, useSearchParams } from "react-router";
import { api } from "./api";

export interface CursorListOptions {
  path: string; // e.g. /api/v1/orders
  itemsKey: string; // the answer's array: "orders", "products", ...
  filterNames: readonly string[];
  pageSize: number;
  firstPage?: Record<string, string>; // extra parameters of the first page only (include_total)
}

type Page = Record<string, unknown> & { next_cursor: string | null; total?: number };

export function useCursorList<T>({ path, itemsKey, filterNames, pageSize, firstPage }: CursorListOptions) {
  const [params, setParams] = useSearchParams();
  const paramsKey = params.toString();
  const visit = useLocation().key; // following the nav link again reads the list again
  const readFilters = () => Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? ""]));
  const [draft, setDraft] = useState<Record<string, string>>(readFilters);
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  const query = useCallback(
    (after: string | null) => {
      const q = new URLSearchParams({ limit: String(pageSize), ...(after ? {} : firstPage) });
      for (const n of filterNames) {
        const v = params.get(n);
        if (v) q.set(n, v);
      }
      if (after) q.set("cursor", after);
      return `${path}?${q}`;
    },
    [paramsKey, path],
  );

  useEffect(() => {
    setDraft(readFilters());
    setLoading(true);
    setError(null);
    api<Page>(query(null))
      .then((page) => {
        setItems((page[itemsKey] as T[]) ?? []);
        setCursor(page.next_cursor);
        setTotal(page.total ?? null);
      })
      .catch((e) => {
        setItems([]);
        setCursor(null);
        setError(e);
      })
      .finally(() => setLoading(false));
  }, [query, visit]);

  const more = async () => {
    try {
      const page = await api<Page>(query(cursor));
      setItems((xs) => [...xs, ...((page[itemsKey] as T[]) ?? [])]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    }
  };

  // Puts the given filters (trimmed, empty ones left out) into the address.
  const apply = (next: Record<string, string>) => {
    const p = new URLSearchParams();
    for (const n of filterNames) if (next[n]?.trim()) p.set(n, next[n].trim());
    setParams(p);
  };

  return { draft, setDraft, apply, items, cursor, total, error, loading, more, filtered: paramsKey !== "" };
}

// The button under a cursor-paged list, while the API says there is more.
export function LoadMore({ cursor, more }: { cursor: string | null; more: () => Promise<void> }) {
  if (!cursor) return null;
  return (
    <button type="button" onClick={() => void more()}>
      Load more
    </button>
  );
}
