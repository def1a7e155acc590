// Pieces the order screens share: state badges, the items table with its totals, the
// disconnect quote table, and the item editor of the new-order form.
import { h, type Child } from '../ui/dom';
import { inputField, selectField } from '../ui/forms';
import { formatMoney } from '../billing/money';
import { amountInput, type ItemDraft } from '../orders/order-draft';
import { itemActionLabel, orderStateLabel, type DisconnectQuote, type OrderItem, type Product } from '../orders/types';

export function orderStateBadge(state: string): HTMLElement {
  const kind = state === 'completed' ? 'ok' : state === 'cancelled' || state === 'rejected' ? 'bad' : 'pending';
  return h('span', { class: `badge badge-${kind}`, dataset: { state } }, orderStateLabel(state));
}

export function orderLink(orderNumber: string): HTMLElement {
  return h('a', { href: `/orders/${encodeURIComponent(orderNumber)}`, class: 'mono' }, orderNumber);
}

export function pricingLabel(basis: string): string {
  return basis === 'icb' ? 'Individual case (ICB)' : basis === 'standard' ? 'Standard' : basis;
}

// A short description of an item's usage plan ("per GB, 3 tiers", "95th percentile").
export function usagePlanText(plan: unknown): string {
  if (!plan || typeof plan !== 'object') return 'none';
  const r = plan as Record<string, unknown>;
  const kind = String(r.kind ?? r.type ?? '');
  if (/p95|percentile/.test(kind)) return '95th percentile, commit and overage';
  if (/gb|tier/.test(kind) || Array.isArray(r.tiers)) {
    const tiers = Array.isArray(r.tiers) ? r.tiers.length : 0;
    return tiers > 0 ? `per GB, ${tiers} tier${tiers === 1 ? '' : 's'}` : 'per GB';
  }
  return kind || 'none';
}

// The order's items with the monthly and one-time totals in the footer.
export function itemsTable(
  caption: string,
  items: OrderItem[],
  totals: { mrc_minor: number; nrc_minor: number },
  currency: string,
): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted', dataset: { empty: 'items' } }, 'This order has no items.');
  const num = (content: Child) => h('td', { class: 'num' }, content);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'order-items' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Line', 'Action', 'Product', 'Description', 'Pricing', 'Monthly (MRC)', 'One-time (NRC)', 'Term', 'ETC'].map(
            (t, i) => h('th', { scope: 'col', class: i >= 5 ? 'num' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((item) =>
          h(
            'tr',
            { dataset: { line: String(item.line), product: item.product } },
            h('th', { scope: 'row' }, String(item.line)),
            h('td', null, itemActionLabel(item.action), item.item_id ? ` item #${item.item_id}` : ''),
            h('td', { class: 'mono' }, item.product),
            h('td', null, item.description),
            h('td', null, pricingLabel(item.pricing_basis)),
            num(item.action === 'end' ? '—' : formatMoney(item.mrc_minor, currency)),
            num(item.action === 'end' ? '—' : formatMoney(item.nrc_minor, currency)),
            num(item.term_months ? `${item.term_months} months` : '—'),
            num(item.etc_percent !== undefined && item.etc_percent !== null ? `${item.etc_percent} %` : '—'),
          ),
        ),
      ),
      h(
        'tfoot',
        null,
        h(
          'tr',
          { class: 'totals' },
          h('th', { scope: 'row', colspan: '5' }, 'Totals'),
          h('td', { class: 'num', dataset: { total: 'mrc' } }, `${formatMoney(totals.mrc_minor, currency)} per month`),
          h('td', { class: 'num', dataset: { total: 'nrc' } }, formatMoney(totals.nrc_minor, currency)),
          h('td', null),
          h('td', null),
        ),
      ),
    ),
  );
}

function outcomeLabel(outcome: string): string {
  const labels: Record<string, string> = {
    early_termination: 'Early termination',
    at_term: 'At the end of the term',
    late_notice: 'Less than 30 days notice',
    month_to_month: 'Month to month',
  };
  return labels[outcome] ?? outcome.replace(/_/g, ' ');
}

// The early termination quote: per item, what ends when and what it costs, and the total.
export function quoteTable(quote: DisconnectQuote, caption = 'Early termination charge'): HTMLElement {
  const currency = quote.currency || 'USD';
  return h(
    'div',
    { class: 'etc-quote', dataset: { etcTotal: String(quote.etc_total_minor) } },
    h(
      'p',
      { class: 'etc-total' },
      h('strong', null, 'Early termination charge: '),
      h('span', { dataset: { amount: 'etc' } }, formatMoney(quote.etc_total_minor, currency)),
      quote.requested_on ? ` (requested on ${quote.requested_on})` : '',
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        h('caption', null, caption),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Item', 'Product', 'Term ends', 'Requested', 'Service ends', 'Outcome', 'Remaining MRC', 'Charge'].map(
              (t, i) => h('th', { scope: 'col', class: i >= 6 ? 'num' : undefined }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          quote.quotes.map((q) => [
            h(
              'tr',
              { dataset: { item: String(q.item_id) } },
              h('th', { scope: 'row' }, `#${q.item_id}`),
              h('td', { class: 'mono' }, q.product),
              h('td', null, q.term_end),
              h('td', null, q.requested_cessation),
              h('td', null, q.cessation),
              h('td', null, outcomeLabel(q.outcome)),
              h('td', { class: 'num' }, formatMoney(q.remaining_mrc_minor, currency)),
              h('td', { class: 'num' }, formatMoney(q.etc_minor, currency)),
            ),
            q.explanation
              ? h('tr', { class: 'explanation' }, h('td', { colspan: '8', class: 'muted small' }, q.explanation))
              : null,
          ]),
        ),
      ),
    ),
  );
}

// ---- the item editor --------------------------------------------------------------------

// One item's controls. Standard pricing shows the catalogue's prices read-only; ICB opens
// them for the account director's individual-case prices.
export function itemEditor(options: {
  draft: ItemDraft;
  pointer: string;
  title: string;
  products: Product[];
  currency: string;
  onRemove?: () => void;
}): HTMLElement {
  const { draft, pointer, products, currency } = options;
  const productOf = (code: string) => products.find((p) => p.code === code);
  const mrc = inputField({
    label: `Monthly charge, MRC (${currency})`,
    pointer: `${pointer}/mrc_minor`,
    value: draft.mrc,
    hint: 'Per month, e.g. 450.00.',
    onInput: (v) => (draft.mrc = v),
  });
  const nrc = inputField({
    label: `One-time charge, NRC (${currency})`,
    pointer: `${pointer}/nrc_minor`,
    value: draft.nrc,
    hint: 'Charged once, e.g. an activation fee.',
    onInput: (v) => (draft.nrc = v),
  });
  const mrcInput = mrc.querySelector('input')!;
  const nrcInput = nrc.querySelector('input')!;
  const description = inputField({
    label: 'Description',
    pointer: `${pointer}/description`,
    value: draft.description,
    onInput: (v) => (draft.description = v),
  });
  const descriptionInput = description.querySelector('input')!;
  // Standard prices come from the catalogue and cannot be typed over.
  const applyBasis = () => {
    const standard = draft.pricing_basis === 'standard';
    const product = productOf(draft.product);
    if (standard && product) {
      draft.mrc = amountInput(product.standard_mrc_minor, currency);
      draft.nrc = amountInput(product.standard_nrc_minor, currency);
    }
    mrcInput.value = draft.mrc;
    nrcInput.value = draft.nrc;
    mrcInput.readOnly = standard;
    nrcInput.readOnly = standard;
  };
  applyBasis();
  return h(
    'fieldset',
    { class: 'order-item', dataset: { pointer, label: options.title } },
    h('legend', null, options.title),
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'Product',
        pointer: `${pointer}/product`,
        value: draft.product,
        options: products.map((p) => ({ value: p.code, label: `${p.name} (${p.code})` })),
        onChange: (v) => {
          const before = productOf(draft.product);
          draft.product = v;
          draft.usage_plan = productOf(v)?.usage_plan ?? null;
          // The description follows the product unless someone wrote their own.
          if (!draft.description || draft.description === before?.name) {
            draft.description = productOf(v)?.name ?? '';
            descriptionInput.value = draft.description;
          }
          applyBasis();
        },
      }),
      description,
      selectField({
        label: 'Pricing',
        pointer: `${pointer}/pricing_basis`,
        value: draft.pricing_basis,
        options: [
          { value: 'standard', label: 'Standard (catalogue price)' },
          { value: 'icb', label: 'Individual case basis (ICB)' },
        ],
        onChange: (v) => {
          draft.pricing_basis = v === 'icb' ? 'icb' : 'standard';
          applyBasis();
        },
      }),
    ),
    h(
      'div',
      { class: 'row' },
      mrc,
      nrc,
      inputField({
        label: 'Term (months)',
        type: 'number',
        min: 1,
        pointer: `${pointer}/term_months`,
        value: draft.term_months,
        onInput: (v) => (draft.term_months = v),
      }),
      inputField({
        label: 'Early termination (% of remaining MRC)',
        type: 'number',
        min: 0,
        max: 100,
        pointer: `${pointer}/etc_percent`,
        value: draft.etc_percent,
        onInput: (v) => (draft.etc_percent = v),
      }),
    ),
    options.onRemove
      ? h(
          'p',
          null,
          h(
            'button',
            { type: 'button', class: 'small', onClick: options.onRemove, 'aria-label': `Remove ${options.title}` },
            'Remove',
          ),
        )
      : null,
  );
}
