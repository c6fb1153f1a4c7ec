// The shapes the catalog, conversation and order pages read (docs/api.md:
// Products, Conversations, Orders), and the small helpers they share.
import { ApiError } from "./api";

export interface Money {
  amount: number;
  currency: string;
}
// A stored image or video: `url` is the signed /media link the API adds.
export interface Media {
  hash: string;
  url?: string;
  width?: number;
  height?: number;
  media_type?: string;
}
export interface PricePoint {
  amount: number | null;
  currency: string | null;
  at: string;
  run_id: string | null;
}
export interface Product {
  product_id: number;
  source: string;
  video_id: string;
  url?: string | null;
  title?: string | null;
  description?: string | null;
  author?: string | null;
  price?: Money | null;
  category?: { id: string; path: string } | null;
  tags?: string[];
  hashtags?: string[];
  thumbnails?: Media[];
  cover?: Media | null;
  video?: Media | null;
  whatsapp_link?: string;
  version: number;
  added_at?: string;
  updated_at?: string;
  price_history?: PricePoint[];
}
export interface ProductList {
  products: Product[];
  next_cursor: string | null;
  total?: number;
}

export interface MessageStatus {
  status: string;
  at_ms: number;
  error?: { code?: number; title?: string; message?: string };
}
export interface Message {
  id: string;
  direction: "in" | "out";
  type: string;
  text: string;
  at_ms: number;
  status: string;
  statuses: MessageStatus[];
}
export interface ContactSummary {
  wa_id: string;
  to: string;
  name: string | null;
  opted_out: boolean;
  window_open: boolean;
  messages_in: number;
  messages_out: number;
  last_message: { direction: string; type: string; text: string; at_ms: number; status: string } | null;
}
export interface Contact {
  wa_id: string;
  to: string;
  name: string | null;
  opted_in: boolean;
  opted_out: boolean;
  opted_out_ms: number | null;
  last_inbound_ms: number | null;
  window_open: boolean;
  window_closes_ms: number | null;
}
export interface Thread {
  contact: Contact;
  messages: Message[];
  next_before: string | null;
}

export type OrderStatus = "requested" | "confirmed" | "cancelled" | "fulfilled";
export const orderStatuses: OrderStatus[] = ["requested", "confirmed", "cancelled", "fulfilled"];
// The moves docs/api.md (Orders) allows; the API decides (409 invalid_transition).
export const nextStatuses: Record<string, OrderStatus[]> = {
  requested: ["confirmed", "cancelled"],
  confirmed: ["fulfilled", "cancelled"],
};
export interface Order {
  id: number;
  number: string;
  product_id: number | null;
  product_title: string | null;
  quantity: number;
  variant: string | null;
  unit_price: Money | null;
  total: Money | null;
  customer_wa_id: string;
  customer_name: string | null;
  status: OrderStatus;
  history: { status: string; at_ms: number; note: string | null; by: string | null }[];
  created_ms: number;
  updated_ms: number;
  run_id: string | null;
}

export function formatMoney(m: Money | null | undefined): string {
  if (!m || m.amount === null || m.amount === undefined) return "—";
  return `${m.amount.toFixed(2)} ${m.currency}`;
}

// The picture a card shows: the first thumbnail with a link, else the cover.
export function pictureOf(p: Product): Media | null {
  return p.thumbnails?.find((t) => t.url) ?? (p.cover?.url ? p.cover : null);
}

// Which form field an API error names (details.field: `price.amount`,
// `tags[1]`, `category.path`, ...): the part before the first `[`.
export function errorField(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  const details = error.details as { field?: unknown; parameter?: unknown } | null;
  const field = typeof details?.field === "string" ? details.field : null;
  return field ? field.replace(/\[.*$/, "") : null;
}
