// One invoice: its numbered lines, the totals (previous balance, payments, new charges, amount
// due) and what is paid, outstanding and disputed on it, its deliveries, the PDF/CSV/HTML
// downloads, its billing requests, and "Question or dispute this line" per line and for the
// whole invoice. Another customer's invoice answers 404, shown as "Invoice not found".
import { api, listItems } from '../api/client';
import type { Params } from '../app/router';
import { isStaff } from '../app/session';
import { formatMoney } from '../billing/money';
import { channelLabel, lineKindLabel, type BillingRequest, type Invoice, type InvoiceLine } from '../billing/types';
import { formatTime, h, type Child } from '../ui/dom';
import { errorBox } from '../ui/feedback';
import {
  billingFrame,
  invoiceStatusBadge,
  mayOpenBillingRequests,
  moneyCell,
  requestLink,
  requestStateBadge,
} from './billing-common';
import { errorPage, statusBadge } from './common';

function invoicePath(number: string, suffix = ''): string {
  return `/api/v1/invoices/${encodeURIComponent(number)}${suffix}`;
}

export function newRequestHref(invoice: string, line?: number): string {
  const q = new URLSearchParams({ invoice });
  if (line !== undefined) q.set('line', String(line));
  return `/billing/requests/new?${q.toString()}`;
}

function addressText(address: Record<string, unknown> | null): string {
  if (!address) return '—';
  const keys = ['name', 'line1', 'line2', 'line3', 'city', 'region', 'state', 'postal_code', 'country'];
  const parts = keys.map((k) => address[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
  return parts.length > 0 ? parts.join(', ') : '—';
}

function periodText(line: InvoiceLine): string {
  if (!line.period_from && !line.period_to) return '—';
  if (line.period_from === line.period_to) return line.period_from ?? '—';
  return `${line.period_from ?? '…'} to ${line.period_to ?? '…'}`;
}

function linesTable(invoice: Invoice, mayAsk: boolean): HTMLElement {
  const c = invoice.currency;
  const headers = ['Line', 'Kind', 'Service', 'Description', 'Quantity', 'Period', 'Amount', ...(mayAsk ? [''] : [])];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'figures invoice-lines' },
      h('caption', null, `Lines of ${invoice.invoice_number}`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t, i) =>
            t === ''
              ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Questions'))
              : h('th', { scope: 'col', class: i === 0 || t === 'Amount' ? 'num' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        invoice.lines.map((line) =>
          h(
            'tr',
            { dataset: { line: String(line.line_number), kind: line.kind } },
            h('th', { scope: 'row', class: 'num' }, String(line.line_number)),
            h('td', null, lineKindLabel(line.kind)),
            h('td', { class: 'mono' }, line.scid ?? '—'),
            h('td', null, line.description),
            h('td', null, line.quantity ?? '—'),
            h('td', null, periodText(line)),
            moneyCell(line.amount_minor, c),
            mayAsk
              ? h(
                  'td',
                  null,
                  h(
                    'a',
                    { href: newRequestHref(invoice.invoice_number, line.line_number), class: 'question-link' },
                    'Question or dispute this line',
                    h('span', { class: 'visually-hidden' }, ` (line ${line.line_number}: ${line.description})`),
                  ),
                )
              : null,
          ),
        ),
      ),
      h(
        'tfoot',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'row', colspan: 6 }, 'New charges'),
          moneyCell(invoice.new_charges_minor, c),
          mayAsk ? h('td', null) : null,
        ),
      ),
    ),
  );
}

function totals(invoice: Invoice): HTMLElement {
  const c = invoice.currency;
  const row = (label: string, minor: number, key: string, strong = false) =>
    h(
      'tr',
      { dataset: { total: key } },
      h('th', { scope: 'row' }, strong ? h('strong', null, label) : label),
      moneyCell(minor, c),
    );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'totals-title' },
    h('h2', { id: 'totals-title' }, 'Totals'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'figures invoice-totals' },
        h('caption', null, `Account summary of ${invoice.invoice_number} (${c})`),
        h(
          'tbody',
          null,
          row('Previous balance', invoice.previous_balance_minor, 'previous_balance'),
          row('Payments received since the previous invoice', -invoice.payments_minor, 'payments'),
          row('New charges', invoice.new_charges_minor, 'new_charges'),
          row(`Amount due by ${invoice.due_date}`, invoice.amount_due_minor, 'amount_due', true),
        ),
      ),
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'figures invoice-settlement' },
        h('caption', null, `Payments and disputes on this invoice's new charges (${c})`),
        h(
          'tbody',
          null,
          row('Paid', invoice.paid_minor, 'paid'),
          row('Outstanding', invoice.outstanding_minor, 'outstanding', true),
          row('Disputed (open billing requests)', invoice.disputed_minor, 'disputed'),
        ),
      ),
    ),
  );
}

function downloads(invoice: Invoice): HTMLElement {
  const n = invoice.invoice_number;
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'downloads-title' },
    h('h2', { id: 'downloads-title' }, 'Download'),
    h(
      'ul',
      { class: 'inline-list downloads' },
      h('li', null, h('a', { href: invoicePath(n, '/pdf'), download: `${n}.pdf`, class: 'button' }, 'Download PDF')),
      h(
        'li',
        null,
        h('a', { href: invoicePath(n, '/csv'), download: `${n}.csv`, class: 'button' }, 'Download lines as CSV'),
      ),
      h(
        'li',
        null,
        h(
          'a',
          { href: invoicePath(n, '/html'), target: '_blank', rel: 'noopener', class: 'button' },
          'Open the printable page (HTML)',
          h('span', { class: 'visually-hidden' }, ' in a new tab'),
        ),
      ),
    ),
  );
}

function deliveries(invoice: Invoice): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'deliveries-title' },
    h('h2', { id: 'deliveries-title' }, 'Deliveries'),
    invoice.deliveries.length === 0
      ? h('p', { class: 'muted' }, 'No delivery was recorded.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'deliveries' },
            h('caption', null, `How ${invoice.invoice_number} was delivered`),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                ['Channel', 'Destination', 'Status', 'Recorded'].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              null,
              invoice.deliveries.map((d) =>
                h(
                  'tr',
                  { dataset: { channel: d.channel } },
                  h('th', { scope: 'row' }, channelLabel(d.channel)),
                  h('td', null, d.destination),
                  h('td', null, statusBadge(d.status)),
                  h('td', null, formatTime(d.created_at)),
                ),
              ),
            ),
          ),
        ),
  );
}

function requestsSection(invoice: Invoice, requests: BillingRequest[] | unknown, mayAsk: boolean): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'requests-title' },
    h('h2', { id: 'requests-title' }, 'Billing requests about this invoice'),
    !Array.isArray(requests)
      ? errorBox(requests)
      : requests.length === 0
        ? h('p', { class: 'muted', dataset: { empty: 'requests' } }, 'None.')
        : h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'billing-requests' },
              h('caption', { class: 'visually-hidden' }, `Billing requests about ${invoice.invoice_number}`),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Reference', 'Line', 'Kind', 'Subject', 'Disputed', 'State'].map((t) =>
                    h('th', { scope: 'col' }, t),
                  ),
                ),
              ),
              h(
                'tbody',
                null,
                requests.map((r) =>
                  h(
                    'tr',
                    { dataset: { reference: r.reference } },
                    h('th', { scope: 'row' }, requestLink(r.reference)),
                    h('td', null, r.line_number === null ? 'Whole invoice' : String(r.line_number)),
                    h('td', null, r.kind === 'dispute' ? 'Dispute' : 'Question'),
                    h('td', null, r.subject),
                    moneyCell(r.disputed_amount_minor, invoice.currency),
                    h('td', null, requestStateBadge(r.state)),
                  ),
                ),
              ),
            ),
          ),
    mayAsk
      ? h(
          'p',
          null,
          h('a', { href: newRequestHref(invoice.invoice_number), class: 'button' }, 'Question or dispute this invoice'),
        )
      : null,
  );
}

export async function invoiceView(params: Params): Promise<HTMLElement> {
  const number = params.number!;
  let invoice: Invoice;
  try {
    invoice = (await api.get<Invoice>(invoicePath(number))).data;
  } catch (error) {
    return errorPage(error, 'invoice');
  }
  // The invoice is shown even when its requests cannot be read; the section says why.
  let requests: BillingRequest[] | unknown;
  try {
    const { data } = await api.get<unknown>('/api/v1/billing-requests', {
      query: { invoice_number: invoice.invoice_number, limit: 100 },
    });
    requests = listItems<BillingRequest>(data);
  } catch (error) {
    requests = error;
  }
  const mayAsk = mayOpenBillingRequests();
  const facts: Array<[string, Child]> = [
    [
      'Customer',
      invoice.customer_name ? `${invoice.customer_name} (${invoice.customer_number})` : invoice.customer_number,
    ],
    ['Billing month', invoice.period],
    ['Issued', invoice.issue_date],
    ['Due', invoice.due_date],
    ['Currency', invoice.currency],
    ['Billing address', addressText(invoice.billing_address)],
  ];
  if (invoice.status === 'overdue')
    facts.push(['Overdue amount', formatMoney(invoice.outstanding_minor, invoice.currency)]);
  const view = billingFrame(
    `Invoice ${invoice.invoice_number}`,
    '/billing',
    h(
      'p',
      null,
      h('a', { href: isStaff() ? `/billing?customer_number=${invoice.customer_number}` : '/billing' }, '← Invoices'),
    ),
    h('p', null, invoiceStatusBadge(invoice.status)),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'facts-title' },
      h('h2', { id: 'facts-title' }, 'Details'),
      h(
        'dl',
        { class: 'details invoice-facts' },
        facts.map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
      ),
    ),
    totals(invoice),
    downloads(invoice),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'lines-title' },
      h('h2', { id: 'lines-title' }, 'Lines'),
      invoice.lines.length === 0
        ? h('p', { class: 'muted' }, 'No new charges this month.')
        : linesTable(invoice, mayAsk),
    ),
    requestsSection(invoice, requests, mayAsk),
    deliveries(invoice),
  );
  document.title = `${invoice.invoice_number} · Billing · Candela Media portal`;
  return view;
}
