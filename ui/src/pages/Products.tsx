// /products: the catalog as cards with their thumbnails (the API's signed
// /media links), searched and filtered with GET /api/v1/products's own
// parameters (kept in the address), paged by cursor.
import { useCallback, useEffect, useState } from "react";
import { Link, useLocation, useSearchParams } from "react-router";
import { api, atLeast } from "../api";
import { ErrorBox, PageHeading } from "../components";
import { useSession } from "../session";
import { formatMoney, pictureOf, type Product, type ProductList } from "../shop";

const pageSize = 24;
const filterNames = ["q", "category", "min_price", "max_price", "currency", "sort"] as const;
const sorts = ["relevance", "newest", "price_asc", "price_desc"];

export function ProductCard({ product }: { product: Product }) {
  const picture = pictureOf(product);
  const title = product.title || `Product ${product.product_id}`;
  return (
    <li className="card" data-product={product.product_id}>
      {picture ? (
        <img className="thumb" src={picture.url} alt={title} loading="lazy" width={picture.width} height={picture.height} />
      ) : (
        <div className="thumb thumb-none">no picture</div>
      )}
      <h2 className="card-title">
        <Link to={`/products/${product.product_id}`}>{title}</Link>
      </h2>
      <p className="price">{formatMoney(product.price)}</p>
      {product.category && <p className="muted">{product.category.path}</p>}
    </li>
  );
}

export function Products() {
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const [draft, setDraft] = useState<Record<string, string>>(() =>
    Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? ""])),
  );
  const [products, setProducts] = useState<Product[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const paramsKey = params.toString();
  const visit = useLocation().key; // following the "Catalog" link again reads the catalog again

  const query = useCallback(
    (after: string | null) => {
      const q = new URLSearchParams({ limit: String(pageSize) });
      if (!after) q.set("include_total", "true"); // counted once, for the first page
      for (const n of filterNames) {
        const v = params.get(n);
        if (v) q.set(n, v);
      }
      if (after) q.set("cursor", after);
      return `/api/v1/products?${q}`;
    },
    [paramsKey],
  );

  useEffect(() => {
    setDraft(Object.fromEntries(filterNames.map((n) => [n, params.get(n) ?? ""])));
    setLoading(true);
    setError(null);
    api<ProductList>(query(null))
      .then((page) => {
        setProducts(page.products);
        setCursor(page.next_cursor);
        setTotal(page.total ?? null);
      })
      .catch((e) => {
        setProducts([]);
        setCursor(null);
        setError(e);
      })
      .finally(() => setLoading(false));
  }, [query, visit]);

  const more = async () => {
    try {
      const page = await api<ProductList>(query(cursor));
      setProducts((ps) => [...ps, ...page.products]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    }
  };

  const field = (name: (typeof filterNames)[number], label: string, type = "text") => (
    <div className="field">
      <label htmlFor={`filter-${name}`}>{label}</label>
      <input
        id={`filter-${name}`}
        type={type}
        step={type === "number" ? "any" : undefined}
        value={draft[name]}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
      />
    </div>
  );

  return (
    <>
      <PageHeading>Catalog</PageHeading>
      {atLeast(me?.role, "operator") && (
        <p>
          <Link to="/products/new">New product</Link>
        </p>
      )}
      <form
        className="filters"
        role="search"
        aria-label="Search the catalog"
        onSubmit={(e) => {
          e.preventDefault();
          const next = new URLSearchParams();
          for (const n of filterNames) if (draft[n].trim()) next.set(n, draft[n].trim());
          setParams(next);
        }}
      >
        {field("q", "Search")}
        {field("category", "Category")}
        {field("min_price", "Min price", "number")}
        {field("max_price", "Max price", "number")}
        {field("currency", "Currency")}
        <div className="field">
          <label htmlFor="filter-sort">Sort</label>
          <select id="filter-sort" value={draft.sort} onChange={(e) => setDraft({ ...draft, sort: e.target.value })}>
            <option value="">(default)</option>
            {sorts.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={error} />
      {loading ? (
        <p role="status">Loading…</p>
      ) : products.length === 0 ? (
        !error && <p>No products{paramsKey ? " match this search" : " yet"}.</p>
      ) : (
        <>
          {total !== null && <p className="muted">{total === 1 ? "1 product" : `${total} products`}</p>}
          <ul className="cards" aria-label="Products">
            {products.map((p) => (
              <ProductCard key={p.product_id} product={p} />
            ))}
          </ul>
        </>
      )}
      {cursor && (
        <button type="button" onClick={() => void more()}>
          Load more
        </button>
      )}
    </>
  );
}
