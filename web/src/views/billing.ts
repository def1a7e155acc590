// The Billing section's first page: the balance and aging of the user's customers and the
// invoices with filters (customer, period, status) kept in the URL. Customers see their own
// organisation's invoices; provider staff see every customer's and pick one for its balance.
import { api, ApiError, listItems } from '../api/client';
import type { Params } from '../app/router';
import { isStaff } from '../app/session';
import { invoiceStatuses, type Balance, type InvoiceSummary } from '../billing/types';
import { h } from '../ui/dom';
import { inputField, selectField } from '../ui/forms';
import {
  balanceCard,
  billingFrame,
  customerOptions,
  invoiceTable,
  loadBalance,
  mayOpenBillingRequests,
  refusedFilters,
  submitFilters,
  visibleCustomers,
} from './billing-common';
import { errorPage } from './common';

const filterKeys = ['customer_number', 'period', 'status'] as const;

// Balances of the customers to show: a customer user's own (at most a few); staff only the
// customer they filtered on. A balance the user may not read (no billing right) is left out.
async function balances(customers: string[]): Promise<Balance[]> {
  const shown: Balance[] = [];
  for (const number of customers) {
    try {
      shown.push(await loadBalance(number));
    } catch (error) {
      if (!(error instanceof ApiError && (error.status === 403 || error.status === 404))) throw error;
    }
  }
  return shown;
}

export async function billingView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const staff = isStaff();
  const filters: Record<string, string> = {};
  for (const key of filterKeys) filters[key] = (query.get(key) ?? '').trim();
  let items: InvoiceSummary[];
  let next: string | null = null;
  let customers: string[];
  let options: Array<{ value: string; label: string }>;
  let shownBalances: Balance[];
  let names = new Map<string, string>();
  try {
    const { data } = await api.get<unknown>('/api/v1/invoices', {
      query: { ...filters, limit: 50, cursor: query.get('cursor') ?? undefined },
    });
    items = listItems<InvoiceSummary>(data);
    const cursor = (data as { next_cursor?: unknown } | null)?.next_cursor;
    next = typeof cursor === 'string' && cursor ? cursor : null;
    const visible = await visibleCustomers();
    names = new Map(visible.map((c) => [c.customer_number, c.name]));
    options = customerOptions(visible);
    customers = staff
      ? filters.customer_number
        ? [filters.customer_number]
        : []
      : visible.map((c) => c.customer_number).filter((n) => !filters.customer_number || n === filters.customer_number);
    shownBalances = await balances(customers);
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      return refusedFilters('Invoices', '/billing', error, 'Show all invoices');
    }
    return errorPage(error);
  }

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card filters',
      role: 'search',
      'aria-label': 'Filter invoices',
      onSubmit: (e: Event) => {
        e.preventDefault();
        submitFilters(form, '/billing', filterKeys, ['customer_number']);
      },
    },
    h(
      'div',
      { class: 'row' },
      staff || options.length > 1
        ? selectField({
            label: 'Customer',
            name: 'customer_number',
            value: filters.customer_number!,
            options: [{ value: '', label: 'Every customer' }, ...options],
          })
        : null,
      inputField({
        label: 'Billing month',
        name: 'period',
        type: 'month',
        value: filters.period,
        placeholder: 'YYYY-MM',
        hint: 'The month the invoice bills (YYYY-MM).',
      }),
      selectField({
        label: 'Status',
        name: 'status',
        value: filters.status!,
        options: [
          { value: '', label: 'Any status' },
          ...invoiceStatuses.map((s) => ({ value: s, label: s.charAt(0).toUpperCase() + s.slice(1) })),
        ],
      }),
    ),
    h('button', { type: 'submit' }, 'Apply filters'),
  );

  const pager = next
    ? (() => {
        const q = new URLSearchParams();
        for (const key of filterKeys) if (filters[key]) q.set(key, filters[key]!);
        q.set('cursor', next);
        return h('p', null, h('a', { href: `/billing?${q.toString()}`, rel: 'next' }, 'Next page'));
      })()
    : null;

  return billingFrame(
    'Invoices',
    '/billing',
    mayOpenBillingRequests()
      ? h(
          'p',
          { class: 'muted' },
          'A question about an invoice or a charge? Open the invoice and choose "Question or dispute this line".',
        )
      : null,
    shownBalances.length > 0
      ? h(
          'div',
          { class: 'balances' },
          shownBalances.map((b) =>
            balanceCard({ ...b, customer_name: b.customer_name ?? names.get(b.customer_number) }),
          ),
        )
      : staff
        ? h('p', { class: 'muted' }, 'Choose a customer to see its balance and aging, or open the aging report.')
        : null,
    form,
    h(
      'section',
      { 'aria-live': 'polite', class: 'invoice-list' },
      invoiceTable(staff ? 'Invoices of every customer' : 'Your invoices', items, { staff }),
      pager,
    ),
  );
}
