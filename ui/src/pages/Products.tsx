// /products: the catalog as cards with their thumbnails (the API's signed
// /media links), searched and filtered with GET /api/v1/products's own
// parameters (kept in the address), paged by cursor.
import { Link } from "react-router";
import { atLeast } from "../api";
import { LoadMore, useCursorList } from "../cursorList";
import { ErrorBox, PageHeading } from "../components";
import { useSession } from "../session";
import { formatMoney, pictureOf, type Product } from "../shop";

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
  const {
    draft,
    setDraft,
    apply,
    items: products,
    cursor,
    total,
    error,
    loading,
    more,
    filtered,
  } = useCursorList<Product>({
    path: "/api/v1/products",
    itemsKey: "products",
    filterNames,
    pageSize,
    firstPage: { include_total: "true" }, // counted once, for the first page
  });

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
          apply(draft);
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
        !error && <p>No products{filtered ? " match this search" : " yet"}.</p>
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
      <LoadMore cursor={cursor} more={more} />
    </>
  );
}
