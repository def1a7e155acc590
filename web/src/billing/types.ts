// Issue 6's billing resources as the UI uses them (docs/billing.md, docs/payments.md,
// docs/billing-requests.md): invoices, payments, balances and aging, billing runs and billing
// requests. Every amount is integer minor units (`*_minor`); see ./money.ts.

export type InvoiceStatus = 'open' | 'paid' | 'overdue';

export interface InvoiceLine {
  line_number: number;
  kind: string; // mrc | nrc | usage | etc | credit | charge
  scid: string | null;
  description: string;
  quantity: string | null;
  period_from: string | null;
  period_to: string | null;
  amount_minor: number;
}

export interface InvoiceDelivery {
  channel: string; // paper | email | portal | depository
  destination: string;
  status: string; // queued | sent | failed
  created_at: string;
}

export interface InvoiceSummary {
  invoice_number: string;
  customer_number: string;
  customer_name?: string;
  period: string;
  issue_date: string;
  due_date: string;
  currency: string;
  new_charges_minor: number;
  amount_due_minor: number;
  paid_minor?: number;
  outstanding_minor?: number;
  disputed_minor?: number;
  status: InvoiceStatus | string;
}

export interface Invoice extends InvoiceSummary {
  previous_balance_minor: number;
  payments_minor: number;
  paid_minor: number;
  outstanding_minor: number;
  disputed_minor: number;
  lines: InvoiceLine[];
  deliveries: InvoiceDelivery[];
  billing_address: Record<string, unknown> | null;
}

export interface PaymentAllocation {
  invoice_number: string;
  amount_minor: number;
}

export interface Payment {
  id: number;
  customer_number: string;
  method: string; // eft | wire | check | card
  reference: string;
  amount_minor: number;
  currency?: string;
  received_on: string;
  note?: string | null;
  allocations: PaymentAllocation[];
  unapplied_minor?: number;
  recorded_by?: unknown;
  created_at?: string;
}

export interface Aging {
  current_minor: number;
  days_1_30_minor: number;
  days_31_60_minor: number;
  days_61_90_minor: number;
  days_over_90_minor: number;
}

export interface Balance {
  customer_number: string;
  customer_name?: string;
  currency: string;
  outstanding_minor: number;
  overdue_minor: number;
  disputed_minor: number;
  unapplied_minor: number;
  aging: Aging;
  collection_state: string; // good | warned | suspended
}

export interface BillingRun {
  id?: number;
  period: string;
  customer_number?: string | null;
  started_at?: string;
  finished_at?: string;
  invoices_created: unknown; // a count (or, from older portals, the numbers)
  invoices_existing: unknown;
  // The invoice numbers, in the answer to a run.
  created?: unknown;
  existing?: unknown;
}

export interface BillingRequestEvent {
  at: string;
  actor?: unknown;
  actor_name?: string;
  kind: string; // opened | note | attachment | state
  visibility: string; // public | internal
  from_state?: string | null;
  to_state?: string | null;
  text?: string | null;
  attachment_id?: number | null;
}

export interface BillingRequestAttachment {
  id: number | string;
  filename: string;
  content_type?: string;
  size?: number;
  visibility?: string; // public | internal
  created_at?: string;
}

export interface BillingRequest {
  reference: string;
  customer_number: string;
  invoice_number: string;
  line_number: number | null;
  kind: string; // inquiry | dispute
  subject: string;
  description: string;
  disputed_amount_minor: number | null;
  state: string; // open | in_review | resolved | cancelled
  resolution: string | null; // credit | explanation
  credit_minor: number | null;
  explanation: string | null;
  assigned_to?: unknown;
  opened_by?: unknown;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  currency?: string;
  events?: BillingRequestEvent[];
  attachments?: BillingRequestAttachment[];
  // The transitions this user may make now (the detail answer only).
  allowed_transitions?: string[];
}

export const invoiceStatuses = ['open', 'paid', 'overdue'] as const;
export const paymentMethods = ['eft', 'wire', 'check', 'card'] as const;
export const requestStates = ['open', 'in_review', 'resolved', 'cancelled'] as const;

export function paymentMethodLabel(method: string): string {
  const labels: Record<string, string> = {
    eft: 'EFT (electronic funds transfer)',
    wire: 'Wire transfer',
    check: 'Check',
    card: 'Card',
  };
  return labels[method] ?? method;
}

export function lineKindLabel(kind: string): string {
  const labels: Record<string, string> = {
    mrc: 'Monthly recurring charge',
    nrc: 'Non-recurring charge',
    usage: 'Usage',
    etc: 'Early termination charge',
    credit: 'Credit',
    charge: 'Charge',
  };
  return labels[kind] ?? kind;
}

export function requestStateLabel(state: string): string {
  const labels: Record<string, string> = {
    open: 'Open',
    in_review: 'In review',
    resolved: 'Resolved',
    cancelled: 'Cancelled',
  };
  return labels[state] ?? state;
}

export function channelLabel(channel: string): string {
  const labels: Record<string, string> = {
    paper: 'Paper (post)',
    email: 'Email',
    portal: 'Portal',
    depository: 'Central depository (London)',
  };
  return labels[channel] ?? channel;
}

// Invoice numbers of a run's `invoices_created` / `invoices_existing` (numbers or objects).
export function invoiceNumbers(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value
    .map((v) =>
      typeof v === 'string'
        ? v
        : v && typeof v === 'object'
          ? String((v as Record<string, unknown>).invoice_number ?? '')
          : '',
    )
    .filter((n) => n.length > 0);
}
