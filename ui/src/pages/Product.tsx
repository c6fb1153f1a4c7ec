// /products/:id: a product with its pictures (signed /media links), its
// source video, its price history and its WhatsApp click-to-chat link; the
// edit form and delete for operators and admins. /products/new: the create form.
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, atLeast } from "../api";
import { ErrorBox, PageHeading } from "../components";
import { ProductForm } from "../ProductForm";
import { useSession } from "../session";
import { formatMoney, type Product as ProductDoc } from "../shop";

function formatAt(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

function SourceVideo({ product }: { product: ProductDoc }) {
  const title = product.title || `product ${product.product_id}`;
  return (
    <section aria-labelledby="source">
      <h2 id="source">Source video</h2>
      {product.url ? (
        <p>
          <a href={product.url} rel="noreferrer noopener" target="_blank">
            {product.source} video {product.video_id}
          </a>
        </p>
      ) : (
        <p className="muted">
          {product.source} {product.video_id} (no link)
        </p>
      )}
      {product.video?.url ? (
        <video className="source-video" controls preload="metadata" src={product.video.url} poster={product.cover?.url}>
          <a href={product.video.url}>The stored video of {title}</a>
        </video>
      ) : product.cover?.url ? (
        <img className="cover" src={product.cover.url} alt={`Cover of the video of ${title}`} />
      ) : (
        <p className="muted">No stored video or cover.</p>
      )}
    </section>
  );
}

function PriceHistory({ history }: { history: ProductDoc["price_history"] }) {
  return (
    <section aria-labelledby="price-history">
      <h2 id="price-history">Price history</h2>
      {!history || history.length === 0 ? (
        <p>No price recorded.</p>
      ) : (
        <table className="price-history">
          <caption className="visually-hidden">Prices, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Since</th>
              <th scope="col">Price</th>
              <th scope="col">Set by</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h, i) => (
              <tr key={i}>
                <td>{formatAt(h.at)}</td>
                <td>{h.amount === null ? "removed" : formatMoney({ amount: h.amount, currency: h.currency ?? "" })}</td>
                <td>{h.run_id ? <Link to={`/runs/${h.run_id}`}>run {h.run_id.slice(0, 8)}</Link> : "by hand (the API)"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function DeleteProduct({ product }: { product: ProductDoc }) {
  const navigate = useNavigate();
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <section aria-labelledby="delete">
      <h2 id="delete">Delete</h2>
      {!asking ? (
        <button type="button" onClick={() => setAsking(true)}>
          Delete product
        </button>
      ) : (
        <div className="actions" role="group" aria-label="Confirm the deletion">
          <span>The product and its price history go for good.</span>
          <button
            type="button"
            className="danger"
            onClick={async () => {
              try {
                await api(`/api/v1/products/${product.product_id}`, { method: "DELETE" });
                navigate("/products");
              } catch (e) {
                setError(e);
              }
            }}
          >
            Delete for good
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            Keep it
          </button>
        </div>
      )}
      <ErrorBox error={error} />
    </section>
  );
}

export function Product() {
  const { id = "" } = useParams();
  const { me } = useSession();
  const [product, setProduct] = useState<ProductDoc | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    setProduct(null);
    setError(null);
    api<ProductDoc>(`/api/v1/products/${encodeURIComponent(id)}`).then(setProduct).catch(setError);
  }, [id]);

  if (error) return <ErrorBox error={error} />;
  if (!product) return <p role="status">Loading…</p>;
  const title = product.title || `Product ${product.product_id}`;
  const operator = atLeast(me?.role, "operator");
  return (
    <>
      <PageHeading>{title}</PageHeading>
      <p>
        <Link to="/products">All products</Link>
      </p>
      <dl className="facts">
        <dt>Price</dt>
        <dd id="product-price">{formatMoney(product.price)}</dd>
        <dt>Category</dt>
        <dd>{product.category?.path ?? "—"}</dd>
        <dt>Tags</dt>
        <dd>{product.tags?.length ? product.tags.join(", ") : "—"}</dd>
        <dt>Author</dt>
        <dd>{product.author ?? "—"}</dd>
        <dt>Version</dt>
        <dd>{product.version}</dd>
        <dt>Added</dt>
        <dd>{formatAt(product.added_at)}</dd>
        {product.whatsapp_link && (
          <>
            <dt>WhatsApp</dt>
            <dd>
              <a href={product.whatsapp_link} rel="noreferrer noopener" target="_blank">
                Buy on WhatsApp
              </a>
            </dd>
          </>
        )}
      </dl>
      {product.description && <p className="description">{product.description}</p>}
      <section aria-labelledby="pictures">
        <h2 id="pictures">Thumbnails</h2>
        {product.thumbnails?.some((t) => t.url) ? (
          <ul className="thumbs">
            {product.thumbnails
              .filter((t) => t.url)
              .map((t, i) => (
                <li key={t.hash}>
                  <img className="thumb" src={t.url} alt={`${title}, picture ${i + 1}`} width={t.width} height={t.height} />
                </li>
              ))}
          </ul>
        ) : (
          <p>No thumbnails.</p>
        )}
      </section>
      <SourceVideo product={product} />
      <PriceHistory history={product.price_history} />
      {operator && (
        <section aria-labelledby="edit">
          <h2 id="edit">Edit</h2>
          {saved && (
            <p role="status" className="saved">
              Saved: version {product.version}.
            </p>
          )}
          <ProductForm
            key={product.product_id}
            product={product}
            submitLabel="Save changes"
            onSaved={() => {
              setSaved(true);
              // The PATCH answer has no price history: read the product again.
              api<ProductDoc>(`/api/v1/products/${product.product_id}`).then(setProduct).catch(setError);
            }}
          />
        </section>
      )}
      {operator && <DeleteProduct product={product} />}
    </>
  );
}

export function ProductNew() {
  const { me } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <PageHeading>New product</PageHeading>
      <p>
        <Link to="/products">All products</Link>
      </p>
      {atLeast(me?.role, "operator") ? (
        <ProductForm product={null} submitLabel="Create product" onSaved={(p) => navigate(`/products/${p.product_id}`)} />
      ) : (
        <p>Only operators and admins create products.</p>
      )}
    </>
  );
}
