// Orders: the list with filters (kept in the URL, so a filtered list can be bookmarked).
// Customers see their own organisation's orders; provider staff see every customer's.
import { api, ApiError, listItems } from '../api/client';
import type { Params } from '../app/router';
import { navigate } from '../app/router';
import { hasRole, isStaff } from '../app/session';
import { h } from '../ui/dom';
import { errorBox } from '../ui/feedback';
import { inputField, selectField } from '../ui/forms';
import { formatGmt } from '../support/gmt';
import { formatMoney } from '../billing/money';
import { orderStateLabel, orderStates, orderTypeLabel, orderTypes, type OrderSummary } from '../orders/types';
import { errorPage, page } from './common';
import { orderLink, orderStateBadge } from './order-parts';

// Who may place an order: the account director, a sales engineer or a customer admin.
export function mayPlaceOrders(): boolean {
  return hasRole('account_director', 'sales_engineer', 'admin');
}

const filterKeys = ['state', 'type', 'customer_number'] as const;

function ordersTable(caption: string, items: OrderSummary[], staff: boolean): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted', dataset: { empty: 'orders' } }, 'No orders.');
  const headers = [
    'Order',
    'Type',
    'State',
    ...(staff ? ['Customer'] : []),
    'Service',
    'Commit date',
    'Monthly (MRC)',
    'One-time (NRC)',
    'Created (GMT)',
  ];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'orders' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t) => h('th', { scope: 'col', class: /MRC|NRC/.test(t) ? 'num' : undefined }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((o) =>
          h(
            'tr',
            { dataset: { order: o.order_number } },
            h('th', { scope: 'row' }, orderLink(o.order_number)),
            h('td', null, orderTypeLabel(o.type)),
            h('td', null, orderStateBadge(o.state)),
            staff
              ? h(
                  'td',
                  null,
                  o.customer_name ? `${o.customer_name} ` : '',
                  h('span', { class: 'mono' }, o.customer_number),
                )
              : null,
            h(
              'td',
              { class: 'mono' },
              o.scid ? h('a', { href: `/services/${encodeURIComponent(o.scid)}` }, o.scid) : '—',
            ),
            h('td', null, o.customer_commit_date ?? '—'),
            h('td', { class: 'num' }, o.totals ? formatMoney(o.totals.mrc_minor, o.currency ?? 'USD') : '—'),
            h('td', { class: 'num' }, o.totals ? formatMoney(o.totals.nrc_minor, o.currency ?? 'USD') : '—'),
            h('td', null, formatGmt(o.created_at)),
          ),
        ),
      ),
    ),
  );
}

export async function ordersView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const staff = isStaff();
  const filters: Record<string, string> = {};
  for (const key of filterKeys) filters[key] = query.get(key) ?? '';
  let items: OrderSummary[];
  let next: string | null = null;
  try {
    const { data } = await api.get<unknown>('/api/v1/orders', {
      query: { ...filters, limit: 50, cursor: query.get('cursor') ?? undefined },
    });
    items = listItems<OrderSummary>(data);
    const cursor = (data as { next_cursor?: unknown } | null)?.next_cursor;
    next = typeof cursor === 'string' && cursor ? cursor : null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      return page('Orders', errorBox(error), h('p', null, h('a', { href: '/orders' }, 'Show every order')));
    }
    return errorPage(error);
  }

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card filters',
      role: 'search',
      'aria-label': 'Filter orders',
      onSubmit: (e: Event) => {
        e.preventDefault();
        const q = new URLSearchParams();
        for (const key of filterKeys) {
          const value = (form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement | null)?.value.trim();
          if (value) q.set(key, key === 'customer_number' ? value.toUpperCase() : value);
        }
        navigate(`/orders${q.toString() ? `?${q.toString()}` : ''}`);
      },
    },
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'State',
        name: 'state',
        value: filters.state!,
        options: [
          { value: '', label: 'Any state' },
          ...orderStates.map((s) => ({ value: s, label: orderStateLabel(s) })),
        ],
      }),
      selectField({
        label: 'Type',
        name: 'type',
        value: filters.type!,
        options: [{ value: '', label: 'Any type' }, ...orderTypes.map((t) => ({ value: t, label: orderTypeLabel(t) }))],
      }),
      staff
        ? inputField({
            label: 'Customer number',
            name: 'customer_number',
            value: filters.customer_number,
            spellcheck: false,
          })
        : null,
    ),
    h('button', { type: 'submit' }, 'Apply filters'),
  );

  const pager = next
    ? (() => {
        const q = new URLSearchParams(query);
        q.set('cursor', next);
        return h('p', null, h('a', { href: `/orders?${q.toString()}`, rel: 'next' }, 'Next page'));
      })()
    : null;

  return page(
    'Orders',
    h(
      'p',
      null,
      'New services, changes, transfers, renewals and disconnects. An order is quoted by the account director, ' +
        'signed by the customer, validated by customer care and provisioned by the activation engineer.',
    ),
    mayPlaceOrders()
      ? h(
          'div',
          { class: 'toolbar' },
          h('a', { class: 'button primary', href: '/orders/new?type=new_service' }, 'New service order'),
          h('a', { class: 'button', href: '/orders/new?type=change' }, 'Change a service'),
          h('a', { class: 'button', href: '/orders/new?type=disconnect' }, 'Disconnect a service'),
        )
      : null,
    form,
    h(
      'section',
      { 'aria-live': 'polite', class: 'order-list' },
      ordersTable(staff ? 'Orders of every customer' : 'Your orders', items, staff),
      pager,
    ),
  );
}
