// One order: its facts, items and totals, the type's details (technical, target, renewal, the
// disconnect's early termination quote), the signature, the state timeline and one button for
// each move the API allows this user (`allowed_transitions`). Signing asks for name and title,
// cancelling and rejecting for a reason. Another customer's order answers 404 ("not found").
import { api } from '../api/client';
import { personName } from '../api/types';
import type { Params } from '../app/router';
import { invalidateNavigation } from '../app/shell';
import { h, replaceChildren, type Child } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { formatGmt } from '../support/gmt';
import { formatMoney } from '../billing/money';
import { orderStateLabel, orderTypeLabel, transitionLabel, type Order } from '../orders/types';
import { errorPage } from './common';
import { reasonDialog, signatureDialog } from './order-dialogs';
import { itemsTable, orderStateBadge, quoteTable } from './order-parts';
import { mayPlaceOrders } from './orders';

type Reload = (focusId: string) => Promise<void>;

function detailRows(order: Order): Array<[string, Child]> {
  const rows: Array<[string, Child]> = [
    ['Type', orderTypeLabel(order.type)],
    ['State', orderStateBadge(order.state)],
    [
      'Customer',
      [order.customer_name ? `${order.customer_name} ` : '', h('span', { class: 'mono' }, order.customer_number)],
    ],
    [
      'Service (SCID)',
      order.scid ? h('a', { href: `/services/${encodeURIComponent(order.scid)}`, class: 'mono' }, order.scid) : '—',
    ],
    ['Customer commit date', order.customer_commit_date ?? '—'],
    ['Effective date', order.effective_date ?? (order.type === 'disconnect' ? 'the cessation date' : 'on completion')],
    ['Currency', order.currency],
    ['Created', `${formatGmt(order.created_at)} by ${personName(order.created_by)}`],
    ['Last change', formatGmt(order.updated_at)],
  ];
  if (order.completed_at) rows.push(['Completed', formatGmt(order.completed_at)]);
  if (order.signature) {
    rows.push([
      'Signed by',
      `${order.signature.name}, ${order.signature.title} (${formatGmt(order.signature.signed_at)})`,
    ]);
  }
  if (order.reason) rows.push(['Reason', order.reason]);
  return rows;
}

function typeDetails(order: Order): HTMLElement | null {
  if (order.type === 'new_service' && order.technical) {
    const origin = order.technical.origin ?? {};
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'technical-title' },
      h('h2', { id: 'technical-title' }, 'Technical details'),
      h(
        'dl',
        { class: 'details' },
        h('dt', null, 'Aliases'),
        h(
          'dd',
          null,
          (order.technical.aliases ?? []).length
            ? h(
                'ul',
                { class: 'plain' },
                (order.technical.aliases ?? []).map((a) => h('li', { class: 'mono' }, a)),
              )
            : '—',
        ),
        h('dt', null, 'Origin'),
        h(
          'dd',
          { class: 'mono' },
          origin.host ? `${origin.scheme ?? 'https'}://${origin.host}${origin.port ? `:${origin.port}` : ''}` : '—',
        ),
      ),
    );
  }
  if (order.type === 'transfer' && order.target) {
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'target-title' },
      h('h2', { id: 'target-title' }, 'Transfer to'),
      h(
        'dl',
        { class: 'details' },
        h('dt', null, 'Customer number'),
        h('dd', { class: 'mono' }, order.target.customer_number),
        h('dt', null, 'Access group'),
        h('dd', null, String(order.target.access_group_id)),
      ),
    );
  }
  if (order.type === 'renewal' && order.renewal) {
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'renewal-title' },
      h('h2', { id: 'renewal-title' }, 'Renewal'),
      h(
        'dl',
        { class: 'details' },
        h('dt', null, 'New term'),
        h('dd', null, `${order.renewal.term_months} months`),
        h('dt', null, 'Monthly charge'),
        h(
          'dd',
          null,
          order.renewal.mrc_minor === null ? 'unchanged' : formatMoney(order.renewal.mrc_minor, order.currency),
        ),
      ),
    );
  }
  if (order.type === 'disconnect' && order.disconnect) {
    const quote = order.disconnect.quote;
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'disconnect-title' },
      h('h2', { id: 'disconnect-title' }, 'Disconnect'),
      h(
        'dl',
        { class: 'details' },
        h('dt', null, 'Requested cessation date'),
        h('dd', null, order.disconnect.cessation_date),
      ),
      quote
        ? quoteTable(quote, 'Early termination charge per item')
        : h('p', { class: 'muted' }, 'The early termination charge is computed and stored when the order is quoted.'),
    );
  }
  return null;
}

// New services and changes list items; the other types act on the service's items as they are.
function hasItems(order: Order): boolean {
  return order.type === 'new_service' || order.type === 'change' || (order.items ?? []).length > 0;
}

// What the customer signs, shown in the signature dialog.
function signingSummary(order: Order): Child[] {
  const quote = order.disconnect?.quote;
  return [
    h(
      'p',
      null,
      `By signing you authorize ${order.order_number} (${orderTypeLabel(order.type).toLowerCase()}) for ${
        order.customer_name ?? order.customer_number
      }.`,
    ),
    h(
      'ul',
      null,
      hasItems(order) ? h('li', null, `Monthly charges: ${formatMoney(order.totals.mrc_minor, order.currency)}`) : null,
      hasItems(order)
        ? h('li', null, `One-time charges: ${formatMoney(order.totals.nrc_minor, order.currency)}`)
        : null,
      quote
        ? h(
            'li',
            { class: 'etc-line' },
            h('strong', null, `Early termination charge: ${formatMoney(quote.etc_total_minor, quote.currency)}`),
            ` (service ends ${[...new Set(quote.quotes.map((q) => q.cessation))].join(', ') || order.disconnect?.cessation_date})`,
          )
        : null,
    ),
  ];
}

function actionsSection(order: Order, reload: Reload): HTMLElement | null {
  const moves = order.allowed_transitions ?? [];
  if (moves.length === 0) return null;
  const alert = errorBox(null);
  const path = `/api/v1/orders/${encodeURIComponent(order.order_number)}/transitions`;
  const done = async (to: string) => {
    announce(`Order ${order.order_number} is now ${orderStateLabel(to).toLowerCase()}.`);
    // Completing a new service creates it: the side bar's service list changes.
    if (to === 'completed') invalidateNavigation();
    await reload('actions-title');
  };
  const direct = async (to: string) => {
    fillErrorBox(alert, null);
    try {
      await api.post(path, { to });
      await done(to);
    } catch (error) {
      fillErrorBox(alert, error);
    }
  };
  return h(
    'section',
    { class: 'card stack', 'aria-labelledby': 'actions-title' },
    h('h2', { id: 'actions-title' }, 'Next steps'),
    alert,
    h(
      'div',
      { class: 'actions' },
      moves.map((to) =>
        h(
          'button',
          {
            type: 'button',
            class: to === 'cancelled' || to === 'rejected' ? undefined : 'primary',
            dataset: { transition: to },
            onClick: () => {
              fillErrorBox(alert, null);
              if (to === 'signed') {
                signatureDialog(
                  signingSummary(order),
                  async (name, title) => {
                    await api.post(path, { to, signature: { name, title } });
                  },
                  () => done(to),
                );
              } else if (to === 'cancelled' || to === 'rejected') {
                reasonDialog(
                  to === 'cancelled' ? `Cancel ${order.order_number}` : `Reject ${order.order_number}`,
                  [h('p', null, to === 'cancelled' ? 'The order stops here.' : 'The order goes back to its creator.')],
                  to === 'cancelled' ? 'Cancel the order' : 'Reject the order',
                  async (reason) => {
                    await api.post(path, { to, reason });
                  },
                  () => done(to),
                );
              } else {
                void direct(to);
              }
            },
          },
          transitionLabel(order.state, to),
        ),
      ),
    ),
  );
}

function timeline(order: Order): HTMLElement {
  const events = order.events ?? [];
  if (events.length === 0) return h('p', { class: 'muted' }, 'Nothing has happened yet.');
  return h(
    'ol',
    { class: 'timeline order-timeline' },
    events.map((e) =>
      h(
        'li',
        { class: 'timeline-entry', dataset: { to: e.to } },
        h(
          'p',
          { class: 'timeline-head' },
          h('time', { datetime: e.at }, formatGmt(e.at)),
          ' · ',
          h('strong', null, e.from ? `${orderStateLabel(e.from)} → ${orderStateLabel(e.to)}` : orderStateLabel(e.to)),
          ' · ',
          personName(e.actor ?? 'the system'),
        ),
        e.note ? h('p', { class: 'pre-line timeline-body' }, e.note) : null,
      ),
    ),
  );
}

function orderBody(order: Order, reload: Reload): Child[] {
  document.title = `${order.order_number} · Candela Media portal`;
  const noticeLink =
    order.state === 'completed' && order.scid && order.type === 'new_service'
      ? h(
          'p',
          { class: 'notice notice-success' },
          `Service ${order.scid} is active. `,
          h(
            'a',
            { href: `/services/${encodeURIComponent(order.scid)}/connection-notice` },
            'Read the service connection notice',
          ),
        )
      : null;
  return [
    h('h1', null, `${order.order_number}: ${orderTypeLabel(order.type)}`),
    h('p', null, h('a', { href: '/orders' }, '← All orders')),
    noticeLink,
    order.state === 'draft' && mayPlaceOrders()
      ? h(
          'p',
          null,
          h('a', { class: 'button', href: `/orders/${encodeURIComponent(order.order_number)}/edit` }, 'Edit the draft'),
        )
      : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'facts-title' },
      h('h2', { id: 'facts-title' }, 'Details (times in GMT)'),
      h(
        'dl',
        { class: 'details order-facts' },
        detailRows(order).map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
      ),
    ),
    actionsSection(order, reload),
    hasItems(order)
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'items-title' },
          h('h2', { id: 'items-title' }, 'Items'),
          itemsTable(`Items of ${order.order_number}`, order.items ?? [], order.totals, order.currency),
        )
      : null,
    typeDetails(order),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'Timeline'),
      timeline(order),
    ),
  ];
}

export async function orderView(params: Params): Promise<HTMLElement> {
  const path = `/api/v1/orders/${encodeURIComponent(params.number!)}`;
  let order: Order;
  try {
    order = (await api.get<Order>(path)).data;
  } catch (error) {
    return errorPage(error, 'order');
  }
  const view = h('div', { class: 'page order-page', dataset: { state: order.state } });
  // Re-reads the order after a change and draws it in place, focus on the section acted in.
  const reload: Reload = async (focusId) => {
    try {
      order = (await api.get<Order>(path)).data;
    } catch (error) {
      replaceChildren(view, errorPage(error, 'order'));
      return;
    }
    view.dataset.state = order.state;
    replaceChildren(view, ...orderBody(order, reload));
    const target = document.getElementById(focusId) ?? document.getElementById('facts-title');
    if (target) {
      target.tabIndex = -1;
      target.focus();
    }
  };
  replaceChildren(view, ...orderBody(order, reload));
  return view;
}
