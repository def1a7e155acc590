// Pieces the Billing section's screens share: the section frame with its tabs, who may do what
// (the API decides; the UI only hides dead ends), status badges, the balance and aging card and
// the table of invoices.
import { api, listItems, type ApiError } from '../api/client';
import type { Customer } from '../api/types';
import { navigate } from '../app/router';
import { hasRole, isStaff } from '../app/session';
import { formatMoney } from '../billing/money';
import { requestStateLabel, type Balance, type InvoiceSummary } from '../billing/types';
import { h, type Child } from '../ui/dom';
import { errorBox } from '../ui/feedback';

// Roles are strict for billing (docs/billing.md): only the billing coordinator runs billing,
// records payments and works billing requests; provider admin is not a wildcard here.
export function isBillingCoordinator(): boolean {
  return hasRole('billing_coordinator');
}

// Customer users with the billing right (admin or billing on the organisation) open requests.
export function mayOpenBillingRequests(): boolean {
  return hasRole('admin', 'billing');
}

const tabs: Array<{ href: string; label: string; show: () => boolean }> = [
  { href: '/billing', label: 'Invoices', show: () => true },
  { href: '/billing/payments', label: 'Payments', show: () => true },
  { href: '/billing/requests', label: 'Billing requests', show: () => true },
  { href: '/billing/aging', label: 'Aging report', show: isStaff },
  { href: '/billing/runs', label: 'Billing runs', show: isBillingCoordinator },
  { href: '/billing/payments/new', label: 'Record a payment', show: isBillingCoordinator },
];

// The heading of every Billing page and the tabs between them; `active` is the tab's href.
export function billingFrame(title: string, active: string, ...content: Child[]): HTMLElement {
  document.title = `${title} · Billing · Candela Media portal`;
  return h(
    'div',
    { class: 'page billing-page' },
    h('div', { class: 'page-head' }, h('p', { class: 'eyebrow' }, 'Billing'), h('h1', null, title)),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Billing' },
      h(
        'ul',
        null,
        tabs
          .filter((t) => t.show())
          .map((t) =>
            h('li', null, h('a', { href: t.href, 'aria-current': t.href === active ? 'page' : undefined }, t.label)),
          ),
      ),
    ),
    ...content,
  );
}

// A status in words with a colour (never colour alone).
export function invoiceStatusBadge(status: string): HTMLElement {
  const kind = status === 'paid' ? 'ok' : status === 'overdue' ? 'bad' : 'pending';
  const label: Record<string, string> = { open: 'Open', paid: 'Paid', overdue: 'Overdue' };
  return h('span', { class: `badge badge-${kind}`, dataset: { status } }, label[status] ?? status);
}

export function requestStateBadge(state: string): HTMLElement {
  const kind = state === 'resolved' ? 'ok' : state === 'cancelled' ? 'pending' : 'bad';
  return h('span', { class: `badge badge-${kind}`, dataset: { state } }, requestStateLabel(state));
}

export function invoiceLink(number: string): HTMLElement {
  return h('a', { href: `/billing/invoices/${encodeURIComponent(number)}`, class: 'mono' }, number);
}

export function requestLink(reference: string): HTMLElement {
  return h('a', { href: `/billing/requests/${encodeURIComponent(reference)}`, class: 'mono' }, reference);
}

// The customers the signed-in user can see (a customer user: its own organisation's).
export async function visibleCustomers(): Promise<Customer[]> {
  const { data } = await api.get<unknown>('/api/v1/customers', { query: { limit: 500 } });
  return listItems<Customer>(data);
}

// A customer-number choice: a select when the list is short, else a text box (staff).
export function customerOptions(customers: Customer[]): Array<{ value: string; label: string }> {
  return customers
    .slice()
    .sort((a, b) => a.customer_number.localeCompare(b.customer_number))
    .map((c) => ({ value: c.customer_number, label: `${c.customer_number} · ${c.name}` }));
}

// A table cell for an amount, right-aligned, with the exact minor units for tests and tools.
export function moneyCell(minor: number | null | undefined, currency: string, tag: 'td' | 'th' = 'td'): HTMLElement {
  return h(
    tag,
    { class: 'num', dataset: { minor: minor === null || minor === undefined ? '' : String(minor) } },
    formatMoney(minor, currency),
  );
}

export function invoiceTable(caption: string, items: InvoiceSummary[], options: { staff: boolean }): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted', dataset: { empty: 'invoices' } }, 'No invoices.');
  const headers = [
    'Invoice',
    ...(options.staff ? ['Customer'] : []),
    'Period',
    'Issued',
    'Due',
    'New charges',
    'Amount due',
    'Outstanding',
    'Status',
  ];
  const numeric = new Set(['New charges', 'Amount due', 'Outstanding']);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'figures invoices' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t) => h('th', { scope: 'col', class: numeric.has(t) ? 'num' : undefined }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((i) =>
          h(
            'tr',
            { dataset: { invoice: i.invoice_number } },
            h('th', { scope: 'row' }, invoiceLink(i.invoice_number)),
            options.staff
              ? h(
                  'td',
                  null,
                  h('span', { class: 'mono' }, i.customer_number),
                  i.customer_name ? ` ${i.customer_name}` : '',
                )
              : null,
            h('td', null, i.period),
            h('td', null, i.issue_date),
            h('td', null, i.due_date),
            moneyCell(i.new_charges_minor, i.currency),
            moneyCell(i.amount_due_minor, i.currency),
            moneyCell(i.outstanding_minor, i.currency),
            h('td', null, invoiceStatusBadge(i.status)),
          ),
        ),
      ),
    ),
  );
}

const collectionLabels: Record<string, string> = {
  good: 'In good standing',
  warned: 'Payment reminder sent',
  suspended: 'Services suspended for non-payment',
};

// The balance and aging card of one customer: outstanding, overdue, disputed, unapplied
// payments and the aging buckets, plus the collection state.
export function balanceCard(balance: Balance, headingLevel: 'h2' | 'h3' = 'h2'): HTMLElement {
  const id = `balance-${balance.customer_number}`;
  const c = balance.currency;
  const aging = balance.aging;
  const state = balance.collection_state;
  const tile = (term: string, minor: number, key: string) =>
    h(
      'div',
      { class: 'tile', dataset: { balance: key } },
      h('dt', null, term),
      h('dd', { class: 'tile-value', dataset: { minor: String(minor) } }, formatMoney(minor, c)),
    );
  return h(
    'section',
    { class: 'card balance-card', 'aria-labelledby': id, dataset: { customer: balance.customer_number } },
    h(
      headingLevel,
      { id },
      `Balance of ${balance.customer_number}`,
      balance.customer_name ? ` · ${balance.customer_name}` : '',
    ),
    h(
      'p',
      null,
      h(
        'span',
        { class: `badge badge-${state === 'good' ? 'ok' : 'bad'}`, dataset: { collection: state } },
        collectionLabels[state] ?? state,
      ),
    ),
    h(
      'dl',
      { class: 'tiles' },
      tile('Outstanding', balance.outstanding_minor, 'outstanding'),
      tile('Overdue', balance.overdue_minor, 'overdue'),
      tile('Disputed', balance.disputed_minor, 'disputed'),
      tile('Unapplied payments', balance.unapplied_minor, 'unapplied'),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'figures aging' },
        h('caption', null, `Aging of ${balance.customer_number} (days past the due date)`),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Current', '1–30 days', '31–60 days', '61–90 days', 'Over 90 days'].map((t) =>
              h('th', { scope: 'col', class: 'num' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          h(
            'tr',
            null,
            moneyCell(aging.current_minor, c),
            moneyCell(aging.days_1_30_minor, c),
            moneyCell(aging.days_31_60_minor, c),
            moneyCell(aging.days_61_90_minor, c),
            moneyCell(aging.days_over_90_minor, c),
          ),
        ),
      ),
    ),
  );
}

export async function loadBalance(customerNumber: string): Promise<Balance> {
  const { data } = await api.get<Balance>(`/api/v1/customers/${encodeURIComponent(customerNumber)}/balance`);
  return data;
}

// A list's filter form was submitted: its non-empty fields become the list's query (the named
// reference fields upper-cased, as the references are) and the browser goes there.
export function submitFilters(
  form: HTMLFormElement,
  path: string,
  keys: readonly string[],
  upperCased: readonly string[],
): void {
  const q = new URLSearchParams();
  for (const key of keys) {
    const value = (form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement | null)?.value.trim();
    if (value) q.set(key, upperCased.includes(key) ? value.toUpperCase() : value);
  }
  navigate(`${path}${q.toString() ? `?${q.toString()}` : ''}`);
}

// The page for a list whose filters the portal refused (400): the problem, and a way back.
export function refusedFilters(title: string, path: string, error: ApiError, showAll: string): HTMLElement {
  return billingFrame(title, path, errorBox(error), h('p', null, h('a', { href: path }, showAll)));
}
