// The new-order form's model: what the user typed, kept as text until it is sent (money stays a
// string until parsed into integer minor units), the edited order's values filled into it, and
// the request body built from it for POST /api/v1/orders or PATCH /api/v1/orders/{n}.
import type { FieldError } from '../api/client';
import { formatAmount, parseAmount } from '../billing/money';
import type { Order, OrderItem, Product, ServiceItem, UsagePlan } from './types';

// An amount as an input's text ("1234.56", no grouping); "" for none.
export function amountInput(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '';
  return formatAmount(minor, currency).replace(/,/g, '');
}

// Money typed into a field: minor units, or the field's error at `pointer`.
export function parseMoneyField(text: string, currency: string, pointer: string, errors: FieldError[]): number | null {
  const parsed = parseAmount(text, currency);
  if ('minor' in parsed) return parsed.minor;
  errors.push({ pointer, message: parsed.error });
  return null;
}

export interface ItemDraft {
  product: string;
  description: string;
  pricing_basis: 'standard' | 'icb';
  mrc: string;
  nrc: string;
  term_months: string;
  etc_percent: string;
  // The product's usage plan (or the replaced item's), sent as it is: the UI does not edit it.
  usage_plan: UsagePlan;
}

export function newItemDraft(products: Product[], currency: string): ItemDraft {
  const first = products[0];
  return {
    product: first?.code ?? '',
    description: first?.name ?? '',
    pricing_basis: 'standard',
    mrc: amountInput(first?.standard_mrc_minor, currency),
    nrc: amountInput(first?.standard_nrc_minor, currency),
    term_months: '12',
    etc_percent: '100',
    usage_plan: first?.usage_plan ?? null,
  };
}

// The item as the API takes it; money is parsed to minor units here (errors located at
// `pointer`/mrc_minor or nrc_minor).
export function itemBody(
  draft: ItemDraft,
  pointer: string,
  currency: string,
  errors: FieldError[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    product: draft.product,
    description: draft.description.trim(),
    pricing_basis: draft.pricing_basis,
    term_months: wholeNumber(draft.term_months),
    etc_percent: wholeNumber(draft.etc_percent),
  };
  if (draft.usage_plan) out.usage_plan = draft.usage_plan;
  for (const [key, text] of [
    ['mrc_minor', draft.mrc],
    ['nrc_minor', draft.nrc],
  ] as const) {
    out[key] = parseMoneyField(text, currency, `${pointer}/${key}`, errors);
  }
  return out;
}

// A whole number as typed; anything else goes as text so the server names the field.
function wholeNumber(text: string): number | string {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : text.trim();
}

export interface ExistingChoice {
  item: ServiceItem;
  action: 'keep' | 'replace' | 'end';
  replacement: ItemDraft;
}

export interface OrderDraft {
  type: string;
  customer_number: string;
  access_group_id: string;
  scid: string;
  customer_commit_date: string;
  effective_date: string;
  items: ItemDraft[];
  aliases: string;
  origin_host: string;
  origin_port: string;
  origin_scheme: string;
  existing: ExistingChoice[];
  target_customer: string;
  target_group: string;
  renewal_term: string;
  renewal_mrc: string;
  cessation_date: string;
  disconnect_items: Set<number>;
}

// A replacement starts as a copy of the item it replaces, without a new one-time charge.
export function draftFromItem(item: ServiceItem, currency: string): ItemDraft {
  return {
    product: item.product,
    description: item.description,
    pricing_basis: item.pricing_basis === 'icb' ? 'icb' : 'standard',
    mrc: amountInput(item.mrc_minor, currency),
    nrc: '0',
    term_months: String(item.term_months),
    etc_percent: String(item.etc_percent),
    usage_plan: item.usage_plan,
  };
}

// The edited order's own values over a fresh draft (once the service's items are loaded).
export function applyOrder(draft: OrderDraft, order: Order, currency: string): void {
  const asDraft = (i: OrderItem): ItemDraft => ({
    product: i.product,
    description: i.description,
    pricing_basis: i.pricing_basis === 'icb' ? 'icb' : 'standard',
    mrc: amountInput(i.mrc_minor, currency),
    nrc: amountInput(i.nrc_minor, currency),
    term_months: String(i.term_months),
    etc_percent: String(i.etc_percent),
    usage_plan: i.usage_plan,
  });
  if (order.access_group_id) draft.access_group_id = String(order.access_group_id);
  draft.items = (order.items ?? []).filter((i) => i.action === 'add').map(asDraft);
  for (const line of order.items ?? []) {
    const choice = draft.existing.find((c) => c.item.id === line.item_id);
    if (!choice || line.action === 'add') continue;
    choice.action = line.action === 'replace' ? 'replace' : line.action === 'end' ? 'end' : 'keep';
    if (line.action === 'replace') choice.replacement = asDraft(line);
  }
  const technical = order.technical;
  if (technical) {
    draft.aliases = (technical.aliases ?? []).join('\n');
    draft.origin_host = technical.origin?.host ?? '';
    draft.origin_port = String(technical.origin?.port ?? '443');
    draft.origin_scheme = technical.origin?.scheme ?? 'https';
  }
  if (order.target) {
    draft.target_customer = order.target.customer_number;
    draft.target_group = String(order.target.access_group_id);
  }
  if (order.renewal) {
    draft.renewal_term = String(order.renewal.term_months);
    draft.renewal_mrc = amountInput(order.renewal.mrc_minor, currency);
  }
  if (order.disconnect) {
    draft.cessation_date = order.disconnect.cessation_date;
    if ((order.disconnect.item_ids ?? []).length > 0) draft.disconnect_items = new Set(order.disconnect.item_ids);
  }
}

// The request body of `draft`: POST for a new order, PATCH (`editing`) for a draft, which keeps
// its type, customer and service. Money is parsed here; problems are added to `errors`.
export function orderBody(
  draft: OrderDraft,
  currency: string,
  editing: boolean,
  errors: FieldError[],
): Record<string, unknown> {
  // An edit keeps the type and customer; an emptied effective date is cleared.
  const out: Record<string, unknown> = editing ? {} : { type: draft.type, customer_number: draft.customer_number };
  if (draft.customer_commit_date) out.customer_commit_date = draft.customer_commit_date;
  if (draft.effective_date) out.effective_date = draft.effective_date;
  else if (editing) out.effective_date = null;
  if (draft.type !== 'new_service' && draft.scid && !editing) out.scid = draft.scid;
  switch (draft.type) {
    case 'new_service': {
      out.access_group_id = Number(draft.access_group_id);
      out.items = draft.items.map((d, i) => ({ action: 'add', ...itemBody(d, `/items/${i}`, currency, errors) }));
      const port = draft.origin_port.trim();
      out.technical = {
        aliases: draft.aliases
          .split('\n')
          .map((a) => a.trim())
          .filter(Boolean),
        origin: {
          host: draft.origin_host.trim(),
          port: /^\d+$/.test(port) ? Number(port) : port,
          scheme: draft.origin_scheme,
        },
      };
      break;
    }
    case 'change': {
      const existing = draft.existing.map((c, i) =>
        c.action === 'replace'
          ? { action: 'replace', item_id: c.item.id, ...itemBody(c.replacement, `/items/${i}`, currency, errors) }
          : { action: c.action, item_id: c.item.id },
      );
      const added = draft.items.map((d, i) => ({
        action: 'add',
        ...itemBody(d, `/items/${draft.existing.length + i}`, currency, errors),
      }));
      out.items = [...existing, ...added];
      break;
    }
    case 'transfer': {
      const group = draft.target_group.trim();
      out.target = {
        customer_number: draft.target_customer.trim().toUpperCase(),
        access_group_id: /^\d+$/.test(group) ? Number(group) : group || null,
      };
      break;
    }
    case 'renewal': {
      const renewal: Record<string, unknown> = {
        term_months: /^\d+$/.test(draft.renewal_term.trim()) ? Number(draft.renewal_term.trim()) : draft.renewal_term,
        mrc_minor: null,
      };
      if (draft.renewal_mrc.trim()) {
        renewal.mrc_minor = parseMoneyField(draft.renewal_mrc, currency, '/renewal/mrc_minor', errors);
      }
      out.renewal = renewal;
      break;
    }
    case 'disconnect':
      out.disconnect = { cessation_date: draft.cessation_date, item_ids: [...draft.disconnect_items] };
      break;
  }
  return out;
}
