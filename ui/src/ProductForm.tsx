// The product form of /products/new (POST /api/v1/products) and of a
// product's page (PATCH /api/v1/products/{id}). The form checks nothing
// itself: the API does, and its refusal is shown as code and message next to
// the field it names (details.field), or above the form when it names none.
import { useState } from "react";
import { api, ApiError } from "./api";
import { ErrorBox } from "./components";
import { errorField, type Product } from "./shop";

interface Values {
  title: string;
  description: string;
  amount: string;
  currency: string;
  category_id: string;
  category_path: string;
  tags: string;
}

function valuesOf(p: Product | null): Values {
  return {
    title: p?.title ?? "",
    description: p?.description ?? "",
    amount: p?.price ? String(p.price.amount) : "",
    currency: p?.price?.currency ?? "",
    category_id: p?.category?.id ?? "",
    category_path: p?.category?.path ?? "",
    tags: (p?.tags ?? []).join(", "),
  };
}

// The form's fields as the API's body. For an edit, only the fields that
// changed (PATCH replaces each given field whole; null removes it).
function bodyOf(v: Values, before: Values | null): Record<string, unknown> {
  const text = (s: string) => (s.trim() === "" ? null : s.trim());
  const amount = v.amount.trim();
  const fields: Record<string, [unknown, boolean]> = {
    title: [text(v.title), v.title !== before?.title],
    description: [text(v.description), v.description !== before?.description],
    price: [
      amount === "" && v.currency.trim() === ""
        ? null
        : { amount: amount === "" || Number.isNaN(Number(amount)) ? amount : Number(amount), currency: v.currency.trim() },
      v.amount !== before?.amount || v.currency !== before?.currency,
    ],
    category: [
      v.category_id.trim() === "" && v.category_path.trim() === ""
        ? null
        : { id: v.category_id.trim(), path: v.category_path.trim() },
      v.category_id !== before?.category_id || v.category_path !== before?.category_path,
    ],
    tags: [
      v.tags
        .split(",")
        .map((t) => t.trim())
        .filter((t) => t !== ""),
      v.tags !== before?.tags,
    ],
  };
  const body: Record<string, unknown> = {};
  for (const [name, [value, changed]] of Object.entries(fields)) {
    if (before ? changed : value !== null) body[name] = value;
  }
  return body;
}

// Which input an API field lands on.
const inputOf: Record<string, keyof Values> = {
  title: "title",
  description: "description",
  price: "amount",
  "price.amount": "amount",
  "price.currency": "currency",
  category: "category_path",
  "category.id": "category_id",
  "category.path": "category_path",
  tags: "tags",
};

export function ProductForm({
  product,
  submitLabel,
  onSaved,
}: {
  product: Product | null;
  submitLabel: string;
  onSaved: (p: Product) => void;
}) {
  const [values, setValues] = useState<Values>(() => valuesOf(product));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const named = errorField(error);
  const errorInput = named ? inputOf[named] : undefined;
  const idPrefix = product ? `edit-${product.product_id}` : "new";

  const field = (name: keyof Values, label: string, kind: "text" | "number" | "area" = "text", hint?: string) => {
    const id = `${idPrefix}-${name}`;
    const here = errorInput === name;
    const describedBy = [hint ? `${id}-hint` : "", here ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
    const common = {
      id,
      name,
      value: values[name],
      "aria-invalid": here || undefined,
      "aria-describedby": describedBy,
      onChange: (e: { target: { value: string } }) => setValues({ ...values, [name]: e.target.value }),
    };
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        {kind === "area" ? <textarea rows={4} {...common} /> : <input type={kind} step={kind === "number" ? "any" : undefined} {...common} />}
        {hint && (
          <small id={`${id}-hint`} className="muted">
            {hint}
          </small>
        )}
        {here && error instanceof ApiError && (
          <p id={`${id}-error`} className="field-error" role="alert">
            <code>{error.code}</code>: {error.message}
          </p>
        )}
      </div>
    );
  };

  return (
    <form
      className="product-form"
      noValidate
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        const body = bodyOf(values, product ? valuesOf(product) : null);
        setBusy(true);
        try {
          const saved = product
            ? await api<Product>(`/api/v1/products/${product.product_id}`, { method: "PATCH", body })
            : await api<Product>("/api/v1/products", { method: "POST", body });
          onSaved(saved);
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      {error !== null && !errorInput && <ErrorBox error={error} />}
      {field("title", "Title")}
      {field("description", "Description", "area")}
      <div className="field-row">
        {field("amount", "Price", "number")}
        {field("currency", "Currency", "text", "three letters, such as USD, EUR, BRL")}
      </div>
      <div className="field-row">
        {field("category_id", "Category id", "text", "such as sneakers")}
        {field("category_path", "Category path", "text", "such as fashion/shoes/sneakers")}
      </div>
      {field("tags", "Tags", "text", "separated by commas")}
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : submitLabel}
      </button>
    </form>
  );
}
