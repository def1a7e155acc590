// The issue-6 order and contract resources as the UI uses them (docs/orders.md,
// docs/contracts.md): orders with their items and events, the product catalogue, a service's
// contract items, the disconnect quote, the customer's terms and the connection notice.
// Every amount is an integer number of minor units (`*_minor`); the UI only formats them.

export const orderTypes = ['new_service', 'change', 'transfer', 'renewal', 'disconnect'] as const;
export const orderStates = [
  'draft',
  'quoted',
  'signed',
  'validated',
  'provisioning',
  'completed',
  'cancelled',
  'rejected',
] as const;

export function orderTypeLabel(type: string): string {
  const labels: Record<string, string> = {
    new_service: 'New service',
    change: 'Change',
    transfer: 'Transfer',
    renewal: 'Renewal',
    disconnect: 'Disconnect',
  };
  return labels[type] ?? type;
}

export function orderStateLabel(state: string): string {
  const labels: Record<string, string> = {
    draft: 'Draft',
    quoted: 'Quoted',
    signed: 'Signed',
    validated: 'Validated',
    provisioning: 'Provisioning',
    completed: 'Completed',
    cancelled: 'Cancelled',
    rejected: 'Rejected',
  };
  return labels[state] ?? state;
}

// The button that moves an order to `to` (the API lists the moves this user may make).
export function transitionLabel(from: string, to: string): string {
  const labels: Record<string, string> = {
    quoted: 'Quote',
    signed: 'Sign the order',
    validated: 'Validate',
    provisioning: 'Start provisioning',
    completed: 'Complete',
    cancelled: 'Cancel the order',
    rejected: 'Reject',
  };
  if (to === 'draft') return from === 'quoted' ? 'Revise (back to draft)' : 'Back to draft';
  return labels[to] ?? to;
}

export function itemActionLabel(action: string): string {
  const labels: Record<string, string> = { add: 'Add', replace: 'Replace', end: 'End', keep: 'Keep' };
  return labels[action] ?? action;
}

export type UsagePlan = Record<string, unknown> | null;

export interface Product {
  code: string;
  name: string;
  standard_mrc_minor: number;
  standard_nrc_minor: number;
  usage_plan: UsagePlan;
}

export interface OrderItem {
  line: number;
  action: string;
  item_id: number | null;
  product: string;
  description: string;
  pricing_basis: string;
  mrc_minor: number | null;
  nrc_minor: number | null;
  usage_plan: UsagePlan;
  term_months: number;
  etc_percent: number;
}

export interface QuoteLine {
  item_id: number;
  product: string;
  term_end: string;
  requested_cessation: string;
  cessation: string;
  outcome: string;
  remaining_mrc_minor: number;
  etc_minor: number;
  explanation: string;
}

export interface DisconnectQuote {
  requested_on: string;
  quotes: QuoteLine[];
  etc_total_minor: number;
  currency: string;
}

export interface OrderEvent {
  at: string;
  actor: unknown;
  from: string | null;
  to: string;
  note: string | null;
}

export interface Order {
  order_number: string;
  type: string;
  state: string;
  customer_number: string;
  customer_name?: string;
  access_group_id: number | null;
  scid: string | null;
  customer_commit_date: string | null;
  effective_date: string | null;
  currency: string;
  items: OrderItem[];
  totals: { mrc_minor: number; nrc_minor: number };
  technical?: {
    aliases?: string[];
    origin?: { host?: string; port?: number; scheme?: string };
  } | null;
  target?: { customer_number: string; access_group_id: number } | null;
  disconnect?: { cessation_date: string; item_ids?: number[]; quote?: DisconnectQuote | null } | null;
  renewal?: { term_months: number; mrc_minor: number | null } | null;
  signature: { name: string; title: string; signed_at: string; signed_by: number } | null;
  reason: string | null;
  created_by: unknown;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  allowed_transitions: string[];
  events: OrderEvent[];
}

// A row of the order list (the list may carry the full order or a summary of it).
export type OrderSummary = Pick<Order, 'order_number' | 'type' | 'state' | 'customer_number' | 'scid' | 'created_at'> &
  Partial<Order>;

export interface ServiceItem {
  id: number;
  scid: string;
  customer_number: string;
  product: string;
  description: string;
  pricing_basis: string;
  mrc_minor: number;
  nrc_minor: number;
  usage_plan: UsagePlan;
  term_months: number;
  etc_percent: number;
  start_date: string;
  end_date: string | null;
  term_start: string;
  term_end: string;
  month_to_month: boolean;
  nrc_due: boolean;
  nrc_invoice_number: string | null;
  order_number: string;
  replaces_item_id: number | null;
}

export interface CustomerTerms {
  customer_number: string;
  msa_reference: string;
  currency: string;
  payment_terms_days: number;
  warning_after_days: number;
  final_warning_after_days: number;
  suspend_after_days: number;
}

export interface ConnectionNotice {
  scid: string;
  order_number: string;
  customer_number: string;
  created_at: string;
  body: string;
  details: Record<string, unknown> | null;
}

// An item is current on `today` ("YYYY-MM-DD") unless it ended before.
export function itemCurrent(item: ServiceItem, today: string): boolean {
  return item.end_date === null || item.end_date >= today;
}
