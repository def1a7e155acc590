// Payments: the list (customers see their own, staff every customer's or one customer's) and the
// billing coordinator's form that records a payment received (EFT with its transfer reference,
// wire, check or card). The portal allocates it to the oldest open invoices unless the form names
// invoices; what is left stays unapplied for the next invoice.
import { api, ApiError, listItems, type FieldError } from '../api/client';
import { navigate, type Params } from '../app/router';
import { isStaff } from '../app/session';
import { formatMoney, parseAmount } from '../billing/money';
import { paymentMethodLabel, paymentMethods, type InvoiceSummary, type Payment } from '../billing/types';
import { h, replaceChildren, uid } from '../ui/dom';
import { errorSummary } from '../ui/error-summary';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { clearFieldErrors, inputField, selectField, showFieldErrors, textareaField } from '../ui/forms';
import {
  billingFrame,
  customerOptions,
  invoiceLink,
  isBillingCoordinator,
  moneyCell,
  visibleCustomers,
} from './billing-common';
import { errorPage } from './common';

function paymentsTable(caption: string, items: Payment[], staff: boolean): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted', dataset: { empty: 'payments' } }, 'No payments.');
  const headers = [
    'Received',
    ...(staff ? ['Customer'] : []),
    'Method',
    'Reference',
    'Amount',
    'Applied to',
    'Unapplied',
  ];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'figures payments' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t) =>
            h('th', { scope: 'col', class: t === 'Amount' || t === 'Unapplied' ? 'num' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((p) => {
          const currency = p.currency ?? 'USD';
          return h(
            'tr',
            { dataset: { payment: String(p.id), reference: p.reference } },
            h('th', { scope: 'row' }, p.received_on),
            staff ? h('td', { class: 'mono' }, p.customer_number) : null,
            h('td', null, paymentMethodLabel(p.method)),
            h('td', { class: 'mono' }, p.reference || '—'),
            moneyCell(p.amount_minor, currency),
            h(
              'td',
              null,
              (p.allocations ?? []).length === 0
                ? '—'
                : h(
                    'ul',
                    { class: 'inline-list' },
                    p.allocations.map((a) =>
                      h('li', null, invoiceLink(a.invoice_number), ` ${formatMoney(a.amount_minor, currency)}`),
                    ),
                  ),
            ),
            moneyCell(p.unapplied_minor ?? null, currency),
          );
        }),
      ),
    ),
  );
}

export async function paymentsView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const staff = isStaff();
  const customer = (query.get('customer_number') ?? '').trim();
  let items: Payment[];
  let next: string | null = null;
  let options: Array<{ value: string; label: string }>;
  try {
    const { data } = await api.get<unknown>('/api/v1/payments', {
      query: { customer_number: customer, limit: 50, cursor: query.get('cursor') ?? undefined },
    });
    items = listItems<Payment>(data);
    const cursor = (data as { next_cursor?: unknown } | null)?.next_cursor;
    next = typeof cursor === 'string' && cursor ? cursor : null;
    options = customerOptions(await visibleCustomers());
  } catch (error) {
    return errorPage(error);
  }
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card filters',
      role: 'search',
      'aria-label': 'Filter payments',
      onSubmit: (e: Event) => {
        e.preventDefault();
        const value = (form.elements.namedItem('customer_number') as HTMLSelectElement | null)?.value ?? '';
        navigate(`/billing/payments${value ? `?customer_number=${encodeURIComponent(value)}` : ''}`);
      },
    },
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'Customer',
        name: 'customer_number',
        value: customer,
        options: [{ value: '', label: 'Every customer' }, ...options],
      }),
    ),
    h('button', { type: 'submit' }, 'Apply filter'),
  );
  const pager = next
    ? (() => {
        const q = new URLSearchParams();
        if (customer) q.set('customer_number', customer);
        q.set('cursor', next);
        return h('p', null, h('a', { href: `/billing/payments?${q.toString()}`, rel: 'next' }, 'Next page'));
      })()
    : null;
  return billingFrame(
    'Payments',
    '/billing/payments',
    isBillingCoordinator()
      ? h('p', null, h('a', { href: '/billing/payments/new', class: 'button primary' }, 'Record a payment'))
      : null,
    staff || options.length > 1 ? form : null,
    h(
      'section',
      { 'aria-live': 'polite', class: 'payment-list' },
      paymentsTable(staff ? 'Payments received' : 'Your payments', items, staff),
      pager,
    ),
  );
}

// ---- recording a payment (billing coordinator) -------------------------------------------

interface Terms {
  currency?: string;
}

async function currencyOf(customerNumber: string): Promise<string> {
  try {
    const { data } = await api.get<Terms>(`/api/v1/customers/${encodeURIComponent(customerNumber)}/terms`);
    return data.currency ?? 'USD';
  } catch {
    return 'USD';
  }
}

async function unpaidInvoices(customerNumber: string): Promise<InvoiceSummary[]> {
  const all = await api.list<InvoiceSummary>('/api/v1/invoices', { customer_number: customerNumber }, 500);
  return all
    .filter((i) => (i.outstanding_minor ?? 0) > 0)
    .sort((a, b) => a.issue_date.localeCompare(b.issue_date) || a.invoice_number.localeCompare(b.invoice_number));
}

export async function recordPaymentView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  if (!isBillingCoordinator()) {
    return errorPage(
      new ApiError(
        {
          type: 'https://candela.dev/problems/forbidden',
          title: 'Forbidden',
          status: 403,
          detail: 'Only the billing coordinator records payments.',
        },
        null,
        null,
      ),
    );
  }
  let options: Array<{ value: string; label: string }>;
  try {
    options = customerOptions(await visibleCustomers());
  } catch (error) {
    return errorPage(error);
  }
  const draft = {
    customer_number: query.get('customer_number') ?? options[0]?.value ?? '',
    method: 'eft',
    reference: '',
    amount: '',
    received_on: new Date().toISOString().slice(0, 10),
    note: '',
  };
  let currency = 'USD';
  let invoices: InvoiceSummary[] = [];
  const allocationInputs = new Map<string, HTMLInputElement>();
  const summary = errorSummary();
  const alert = errorBox(null);
  const result = h('div', { 'aria-live': 'polite' });
  const amountLabel = h('span', null);
  const allocationSlot = h('div', null);

  const amountField = inputField({
    label: 'Amount',
    pointer: '/amount_minor',
    value: '',
    required: true,
    hint: 'In the customer’s invoice currency, e.g. 1234.56.',
    onInput: (v) => (draft.amount = v),
  });
  // The currency goes inside the label, before the required marker: "Amount (USD) *".
  const amountLabelElement = amountField.querySelector('label');
  amountLabelElement?.insertBefore(amountLabel, amountLabelElement.querySelector('.required'));

  // The customer's unpaid invoices with an amount each; empty amounts leave the allocation to
  // the portal (oldest first).
  const drawAllocations = () => {
    allocationInputs.clear();
    if (invoices.length === 0) {
      replaceChildren(allocationSlot, h('p', { class: 'muted' }, 'The customer has no unpaid invoice.'));
      return;
    }
    replaceChildren(
      allocationSlot,
      h(
        'fieldset',
        { class: 'allocations', dataset: { pointer: '/allocations', label: 'Apply to invoices' } },
        h('legend', null, 'Apply to invoices (optional)'),
        h('p', { class: 'hint' }, 'Leave empty to apply the payment to the oldest invoices first.'),
        invoices.map((invoice, index) => {
          const id = uid('alloc');
          const input = h('input', {
            id,
            name: `allocation-${invoice.invoice_number}`,
            inputmode: 'decimal',
            autocomplete: 'off',
            'aria-describedby': `${id}-error`,
            dataset: { pointer: `/allocations/${index}/amount_minor`, invoice: invoice.invoice_number },
          });
          allocationInputs.set(invoice.invoice_number, input);
          return h(
            'div',
            { class: 'field' },
            h(
              'label',
              { for: id },
              `${invoice.invoice_number} (${invoice.period}, outstanding ${formatMoney(invoice.outstanding_minor, invoice.currency)})`,
            ),
            input,
            h('p', { class: 'field-error', id: `${id}-error` }),
          );
        }),
      ),
    );
  };

  const loadCustomer = async () => {
    amountLabel.textContent = '';
    replaceChildren(allocationSlot, h('p', { class: 'muted' }, 'Loading the customer’s invoices…'));
    if (!draft.customer_number) {
      replaceChildren(allocationSlot);
      return;
    }
    try {
      currency = await currencyOf(draft.customer_number);
      amountLabel.textContent = ` (${currency})`;
      invoices = await unpaidInvoices(draft.customer_number);
      drawAllocations();
    } catch (error) {
      invoices = [];
      replaceChildren(allocationSlot, errorBox(error));
    }
  };

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      novalidate: true,
      'aria-labelledby': 'payment-form-title',
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        summary.clear();
        fillErrorBox(alert, null);
        replaceChildren(result);
        const local: FieldError[] = [];
        const body: Record<string, unknown> = {
          customer_number: draft.customer_number,
          method: draft.method,
          reference: draft.reference.trim(),
          received_on: draft.received_on,
        };
        if (draft.note.trim()) body.note = draft.note.trim();
        const amount = parseAmount(draft.amount, currency);
        if ('error' in amount) local.push({ pointer: '/amount_minor', message: amount.error });
        else body.amount_minor = amount.minor;
        const allocations: Array<{ invoice_number: string; amount_minor: number }> = [];
        invoices.forEach((invoice, index) => {
          const text = allocationInputs.get(invoice.invoice_number)?.value.trim() ?? '';
          if (!text) return;
          const parsed = parseAmount(text, currency);
          if ('error' in parsed) local.push({ pointer: `/allocations/${index}/amount_minor`, message: parsed.error });
          else allocations.push({ invoice_number: invoice.invoice_number, amount_minor: parsed.minor });
        });
        if (allocations.length > 0) body.allocations = allocations;
        if (local.length > 0) {
          showFieldErrors(form, local);
          summary.show(local, 'The payment was not recorded', form);
          summary.element.focus();
          return;
        }
        try {
          const { data } = await api.post<Payment>('/api/v1/payments', body);
          const c = data.currency ?? currency;
          announce(`Payment of ${formatMoney(data.amount_minor, c)} recorded.`);
          replaceChildren(
            result,
            h(
              'section',
              {
                class: 'card notice-success',
                'aria-labelledby': 'payment-result-title',
                dataset: { payment: String(data.id) },
              },
              h('h2', { id: 'payment-result-title', tabindex: '-1' }, 'Payment recorded'),
              h(
                'p',
                null,
                `${formatMoney(data.amount_minor, c)} from ${data.customer_number} (${paymentMethodLabel(data.method)}${
                  data.reference ? ` ${data.reference}` : ''
                }), received ${data.received_on}.`,
              ),
              (data.allocations ?? []).length > 0
                ? h(
                    'ul',
                    null,
                    data.allocations.map((a) =>
                      h(
                        'li',
                        null,
                        'Applied to ',
                        invoiceLink(a.invoice_number),
                        `: ${formatMoney(a.amount_minor, c)}`,
                      ),
                    ),
                  )
                : h('p', null, 'Not applied to any invoice yet.'),
              data.unapplied_minor ? h('p', null, `Unapplied: ${formatMoney(data.unapplied_minor, c)}`) : null,
              h(
                'p',
                null,
                h(
                  'a',
                  { href: `/billing?customer_number=${encodeURIComponent(data.customer_number)}` },
                  `Balance and invoices of ${data.customer_number}`,
                ),
              ),
            ),
          );
          document.getElementById('payment-result-title')?.focus();
          // The customer, method and date stay for the next payment; the rest is cleared.
          for (const pointer of ['/reference', '/amount_minor', '/note']) {
            const control = form.querySelector<HTMLInputElement | HTMLTextAreaElement>(`[data-pointer="${pointer}"]`);
            if (control) control.value = '';
          }
          draft.reference = '';
          draft.amount = '';
          draft.note = '';
          await loadCustomer();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
            const unplaced = showFieldErrors(form, error.problem.errors);
            summary.show(error.problem.errors, 'The payment was not recorded', form);
            summary.element.focus();
            if (unplaced.length > 0) fillErrorBox(alert, error);
          } else {
            fillErrorBox(alert, error);
          }
        }
      },
    },
    h('h2', { id: 'payment-form-title' }, 'Payment received'),
    alert,
    selectField({
      label: 'Customer',
      pointer: '/customer_number',
      value: draft.customer_number,
      options: options.length === 0 ? [{ value: '', label: 'No customers' }] : options,
      onChange: (v) => {
        draft.customer_number = v;
        void loadCustomer();
      },
    }),
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'Method',
        pointer: '/method',
        value: draft.method,
        options: paymentMethods.map((m) => ({ value: m, label: paymentMethodLabel(m) })),
        onChange: (v) => (draft.method = v),
      }),
      inputField({
        label: 'Reference',
        pointer: '/reference',
        value: '',
        hint: 'For EFT the transfer reference (required); else the wire, check or card reference.',
        spellcheck: false,
        onInput: (v) => (draft.reference = v),
      }),
    ),
    h(
      'div',
      { class: 'row' },
      amountField,
      inputField({
        label: 'Received on',
        type: 'date',
        pointer: '/received_on',
        value: draft.received_on,
        required: true,
        onInput: (v) => (draft.received_on = v),
      }),
    ),
    textareaField({ label: 'Note (optional)', pointer: '/note', value: '', rows: 2, onInput: (v) => (draft.note = v) }),
    allocationSlot,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Record payment')),
  );
  void loadCustomer();
  // The last payment's result above the form, where the next one starts.
  return billingFrame('Record a payment', '/billing/payments/new', summary.element, result, form);
}
