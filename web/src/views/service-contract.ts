// The service page's contract section: the service's items (product, pricing basis, MRC/NRC,
// term, early termination rule, month to month after the term), with links to its connection
// notice and to the orders that change, renew, transfer or disconnect it.
import { api, listItems } from '../api/client';
import type { Service } from '../api/types';
import { h, replaceChildren } from '../ui/dom';
import { errorBox } from '../ui/feedback';
import { formatMoney } from '../billing/money';
import type { CustomerTerms, ServiceItem } from '../orders/types';
import { mayPlaceOrders } from './orders';
import { orderLink, pricingLabel, usagePlanText } from './order-parts';

function itemsTable(items: ServiceItem[], currency: string): HTMLElement {
  if (items.length === 0) {
    return h('p', { class: 'muted', dataset: { empty: 'service-items' } }, 'This service has no contract items.');
  }
  const headers = [
    'Item',
    'Product',
    'Pricing',
    'Monthly (MRC)',
    'One-time (NRC)',
    'Usage',
    'Term',
    'Early termination',
    'In service',
    'Order',
  ];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'service-items' },
      h('caption', null, 'Contract items'),
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
        items.map((i) =>
          h(
            'tr',
            { dataset: { item: String(i.id), product: i.product } },
            h('th', { scope: 'row' }, `#${i.id}`),
            h('td', null, i.description || i.product, h('br'), h('span', { class: 'mono small' }, i.product)),
            h('td', null, pricingLabel(i.pricing_basis)),
            h('td', { class: 'num' }, formatMoney(i.mrc_minor, currency)),
            h(
              'td',
              { class: 'num' },
              formatMoney(i.nrc_minor, currency),
              i.nrc_invoice_number ? h('span', { class: 'muted small' }, ` billed on ${i.nrc_invoice_number}`) : '',
            ),
            h('td', null, usagePlanText(i.usage_plan)),
            h(
              'td',
              null,
              `${i.term_months} months, ${i.term_start} to ${i.term_end}`,
              i.month_to_month ? [' ', h('span', { class: 'badge badge-pending' }, 'month to month')] : null,
            ),
            h('td', null, `${i.etc_percent} % of the remaining MRC`),
            h('td', { class: 'nowrap' }, `${i.start_date} – ${i.end_date ?? 'open'}`),
            h('td', { class: 'nowrap' }, orderLink(i.order_number)),
          ),
        ),
      ),
    ),
  );
}

export function serviceContractSection(service: Service): HTMLElement {
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'contract-title' },
    h('h2', { id: 'contract-title' }, 'Contract'),
    h('p', { class: 'muted' }, 'Loading…'),
  );
  const scid = encodeURIComponent(service.scid);
  const links = h(
    'p',
    { class: 'actions' },
    mayPlaceOrders() && service.state !== 'disconnected'
      ? [
          h('a', { class: 'button', href: `/orders/new?type=change&scid=${scid}` }, 'Order a change'),
          h('a', { class: 'button', href: `/orders/new?type=renewal&scid=${scid}` }, 'Renew'),
          h('a', { class: 'button', href: `/orders/new?type=transfer&scid=${scid}` }, 'Transfer'),
          h('a', { class: 'button', href: `/orders/new?type=disconnect&scid=${scid}` }, 'Disconnect'),
        ]
      : null,
  );
  void (async () => {
    const title = h('h2', { id: 'contract-title' }, 'Contract');
    try {
      const { data } = await api.get<unknown>(`/api/v1/services/${scid}/items`);
      let currency = 'USD';
      try {
        const terms = await api.get<CustomerTerms>(
          `/api/v1/customers/${encodeURIComponent(service.customer_number)}/terms`,
        );
        currency = terms.data.currency || 'USD';
      } catch {
        // No terms recorded (or not readable): amounts are in the default currency.
      }
      // Services that came from an order have a connection notice; older ones do not.
      const hasNotice = await api.get(`/api/v1/services/${scid}/connection-notice`).then(
        () => true,
        () => false,
      );
      if (hasNotice) {
        links.prepend(h('a', { href: `/services/${scid}/connection-notice` }, 'Service connection notice'));
      }
      replaceChildren(section, title, itemsTable(listItems<ServiceItem>(data), currency), links);
    } catch (error) {
      replaceChildren(section, title, errorBox(error), links);
    }
  })();
  return section;
}
