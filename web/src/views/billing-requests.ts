// Billing requests: the list with filters (state, customer, invoice; kept in the URL) and the
// form that opens one about an invoice or one of its lines — a question (inquiry) or a dispute
// of an amount, which stays out of collections while the request is open.
import { api, ApiError, listItems, type FieldError } from '../api/client';
import { navigate, type Params } from '../app/router';
import { isStaff } from '../app/session';
import { formatAmount, formatMoney, minorDigits, parseAmount } from '../billing/money';
import { requestStateLabel, requestStates, type BillingRequest, type Invoice } from '../billing/types';
import { formatGmt } from '../support/gmt';
import { h } from '../ui/dom';
import { errorSummary } from '../ui/error-summary';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { clearFieldErrors, inputField, radioGroup, selectField, showFieldErrors, textareaField } from '../ui/forms';
import {
  billingFrame,
  customerOptions,
  invoiceLink,
  mayOpenBillingRequests,
  moneyCell,
  requestLink,
  requestStateBadge,
  refusedFilters,
  submitFilters,
  visibleCustomers,
} from './billing-common';
import { errorPage } from './common';

export function requestKindLabel(kind: string): string {
  return kind === 'dispute' ? 'Dispute' : kind === 'inquiry' ? 'Question' : kind;
}

const filterKeys = ['state', 'customer_number', 'invoice_number'] as const;

function requestTable(caption: string, items: BillingRequest[], staff: boolean): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted', dataset: { empty: 'requests' } }, 'No billing requests.');
  const headers = [
    'Reference',
    ...(staff ? ['Customer'] : []),
    'Invoice',
    'Line',
    'Kind',
    'Subject',
    'Disputed',
    'State',
    'Updated (GMT)',
  ];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'billing-requests' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t) => h('th', { scope: 'col', class: t === 'Disputed' ? 'num' : undefined }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((r) =>
          h(
            'tr',
            { dataset: { reference: r.reference } },
            h('th', { scope: 'row' }, requestLink(r.reference)),
            staff ? h('td', { class: 'mono' }, r.customer_number) : null,
            h('td', null, invoiceLink(r.invoice_number)),
            h('td', null, r.line_number === null ? 'Whole invoice' : String(r.line_number)),
            h('td', null, requestKindLabel(r.kind)),
            h('td', null, r.subject),
            moneyCell(r.disputed_amount_minor, r.currency ?? 'USD'),
            h('td', null, requestStateBadge(r.state)),
            h('td', null, formatGmt(r.updated_at)),
          ),
        ),
      ),
    ),
  );
}

export async function billingRequestsView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const staff = isStaff();
  const filters: Record<string, string> = {};
  for (const key of filterKeys) filters[key] = (query.get(key) ?? '').trim();
  let items: BillingRequest[];
  let next: string | null = null;
  let options: Array<{ value: string; label: string }>;
  try {
    const { data } = await api.get<unknown>('/api/v1/billing-requests', {
      query: { ...filters, limit: 50, cursor: query.get('cursor') ?? undefined },
    });
    items = listItems<BillingRequest>(data);
    const cursor = (data as { next_cursor?: unknown } | null)?.next_cursor;
    next = typeof cursor === 'string' && cursor ? cursor : null;
    options = customerOptions(await visibleCustomers());
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      return refusedFilters('Billing requests', '/billing/requests', error, 'Show all billing requests');
    }
    return errorPage(error);
  }
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card filters',
      role: 'search',
      'aria-label': 'Filter billing requests',
      onSubmit: (e: Event) => {
        e.preventDefault();
        submitFilters(form, '/billing/requests', filterKeys, ['customer_number', 'invoice_number']);
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
          ...requestStates.map((s) => ({ value: s, label: requestStateLabel(s) })),
        ],
      }),
      staff || options.length > 1
        ? selectField({
            label: 'Customer',
            name: 'customer_number',
            value: filters.customer_number!,
            options: [{ value: '', label: 'Every customer' }, ...options],
          })
        : null,
      inputField({
        label: 'Invoice number',
        name: 'invoice_number',
        value: filters.invoice_number,
        placeholder: 'INV-…',
        spellcheck: false,
      }),
    ),
    h('button', { type: 'submit' }, 'Apply filters'),
  );
  const pager = next
    ? (() => {
        const q = new URLSearchParams();
        for (const key of filterKeys) if (filters[key]) q.set(key, filters[key]!);
        q.set('cursor', next);
        return h('p', null, h('a', { href: `/billing/requests?${q.toString()}`, rel: 'next' }, 'Next page'));
      })()
    : null;
  return billingFrame(
    'Billing requests',
    '/billing/requests',
    mayOpenBillingRequests()
      ? h(
          'p',
          { class: 'muted' },
          'To ask about or dispute a charge, open the invoice and choose "Question or dispute this line".',
        )
      : null,
    form,
    h(
      'section',
      { 'aria-live': 'polite', class: 'request-list' },
      requestTable(staff ? 'Billing requests of every customer' : 'Your billing requests', items, staff),
      pager,
    ),
  );
}

// ---- opening a request -------------------------------------------------------------------

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export async function newBillingRequestView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const number = (query.get('invoice') ?? '').trim();
  const lineText = query.get('line');
  if (!number) {
    return billingFrame(
      'Question or dispute',
      '/billing/requests',
      h('p', null, 'Open the invoice you have a question about and choose "Question or dispute this line".'),
      h('p', null, h('a', { href: '/billing' }, 'Your invoices')),
    );
  }
  let invoice: Invoice;
  try {
    invoice = (await api.get<Invoice>(`/api/v1/invoices/${encodeURIComponent(number)}`)).data;
  } catch (error) {
    return errorPage(error, 'invoice');
  }
  const lineNumber = lineText !== null && /^\d+$/.test(lineText) ? Number(lineText) : null;
  const line = lineNumber === null ? null : (invoice.lines.find((l) => l.line_number === lineNumber) ?? null);
  if (lineNumber !== null && !line) {
    return errorPage(
      new ApiError({ type: 'https://candela.dev/problems/not-found', title: 'Not found', status: 404 }, null, null),
      'invoice line',
    );
  }
  const currency = invoice.currency;
  const ceiling = line ? line.amount_minor : invoice.new_charges_minor;
  const draft = {
    kind: 'inquiry',
    // Subjects are short (the portal allows 200 characters); the line itself is in the request.
    subject: line ? `Line ${line.line_number}: ${shorten(line.description, 80)}` : `Invoice ${invoice.invoice_number}`,
    description: '',
    amount: '',
  };
  const summary = errorSummary();
  const alert = errorBox(null);
  const amountField = inputField({
    label: `Disputed amount (${currency})`,
    pointer: '/disputed_amount_minor',
    value: '',
    placeholder: formatAmount(ceiling, currency).replace(/,/g, ''),
    hint: `The part you do not agree with, at most ${formatMoney(ceiling, currency)}${
      minorDigits(currency) > 0 ? `, e.g. ${formatAmount(ceiling, currency).replace(/,/g, '')}` : ''
    }.`,
    onInput: (v) => (draft.amount = v),
  });
  amountField.hidden = true;
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      novalidate: true,
      'aria-labelledby': 'request-form-title',
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        summary.clear();
        fillErrorBox(alert, null);
        const local: FieldError[] = [];
        const body: Record<string, unknown> = {
          invoice_number: invoice.invoice_number,
          kind: draft.kind,
          subject: draft.subject.trim(),
          description: draft.description.trim(),
        };
        if (line) body.line_number = line.line_number;
        if (draft.kind === 'dispute') {
          const parsed = parseAmount(draft.amount, currency);
          if ('error' in parsed) local.push({ pointer: '/disputed_amount_minor', message: parsed.error });
          else body.disputed_amount_minor = parsed.minor;
        }
        if (local.length > 0) {
          showFieldErrors(form, local);
          summary.show(local, 'The request was not sent', form);
          summary.element.focus();
          return;
        }
        try {
          const { data } = await api.post<BillingRequest>('/api/v1/billing-requests', body);
          announce(`Billing request ${data.reference} opened.`);
          navigate(`/billing/requests/${encodeURIComponent(data.reference)}`);
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
            const unplaced = showFieldErrors(form, error.problem.errors);
            summary.show(error.problem.errors, 'The request was not opened', form);
            summary.element.focus();
            if (unplaced.length > 0) fillErrorBox(alert, error);
          } else {
            fillErrorBox(alert, error);
          }
        }
      },
    },
    h('h2', { id: 'request-form-title' }, line ? `About line ${line.line_number}` : 'About the whole invoice'),
    h(
      'dl',
      { class: 'details' },
      h('dt', null, 'Invoice'),
      h('dd', null, invoiceLink(invoice.invoice_number), ` (${invoice.period})`),
      line ? [h('dt', null, 'Line'), h('dd', null, `${line.line_number}: ${line.description}`)] : null,
      h('dt', null, 'Amount'),
      h('dd', null, formatMoney(ceiling, currency)),
    ),
    alert,
    radioGroup({
      legend: 'What is it?',
      name: 'kind',
      value: draft.kind,
      pointer: '/kind',
      options: [
        { value: 'inquiry', label: 'A question about this charge' },
        { value: 'dispute', label: 'A dispute: I do not agree with the amount' },
      ],
      onChange: (v) => {
        draft.kind = v;
        amountField.hidden = v !== 'dispute';
      },
    }),
    amountField,
    inputField({
      label: 'Subject',
      pointer: '/subject',
      value: draft.subject,
      required: true,
      onInput: (v) => (draft.subject = v),
    }),
    textareaField({
      label: 'Description',
      pointer: '/description',
      value: '',
      rows: 5,
      required: true,
      hint: 'What is wrong or unclear; the billing coordinator answers in the request.',
      onInput: (v) => (draft.description = v),
    }),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Open billing request')),
  );
  return billingFrame(
    line ? 'Question or dispute this line' : 'Question or dispute this invoice',
    '/billing/requests',
    h('p', null, h('a', { href: `/billing/invoices/${encodeURIComponent(invoice.invoice_number)}` }, '← Invoice')),
    summary.element,
    form,
    h(
      'p',
      { class: 'muted small' },
      'The billing coordinator of your account team is told and answers in the request.',
    ),
  );
}
