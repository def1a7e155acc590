// Provider staff's billing screens: the aging report (every customer with a balance, by days
// past due) and the billing coordinator's billing runs (run a month that has ended for every
// customer or one; a run again leaves issued invoices exactly as they are).
import { api, ApiError, listItems } from '../api/client';
import type { Params } from '../app/router';
import { formatGmt, monthKey } from '../support/gmt';
import { invoiceNumbers, type Balance, type BillingRun } from '../billing/types';
import { h, replaceChildren, type Child } from '../ui/dom';
import { errorSummary } from '../ui/error-summary';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { clearFieldErrors, inputField, selectField, showFieldErrors } from '../ui/forms';
import { formatCount } from '../ui/format';
import {
  billingFrame,
  customerOptions,
  invoiceLink,
  isBillingCoordinator,
  moneyCell,
  visibleCustomers,
} from './billing-common';
import { errorPage } from './common';

const collectionLabels: Record<string, string> = { good: 'Good', warned: 'Warned', suspended: 'Suspended' };

export async function agingView(): Promise<HTMLElement> {
  let rows: Balance[];
  try {
    const { data } = await api.get<unknown>('/api/v1/billing/aging');
    rows = listItems<Balance>(data);
  } catch (error) {
    return errorPage(error);
  }
  rows.sort((a, b) => a.customer_number.localeCompare(b.customer_number));
  const headers = [
    'Customer',
    'Current',
    '1–30 days',
    '31–60 days',
    '61–90 days',
    'Over 90 days',
    'Outstanding',
    'Overdue',
    'Disputed',
    'Unapplied',
    'Collection',
  ];
  // Totals per currency (integer sums of minor units).
  const currencies = Array.from(new Set(rows.map((r) => r.currency))).sort();
  const sum = (currency: string, pick: (b: Balance) => number) =>
    rows.filter((r) => r.currency === currency).reduce((total, r) => total + pick(r), 0);
  const moneyRow = (b: Balance): Child[] => [
    moneyCell(b.aging.current_minor, b.currency),
    moneyCell(b.aging.days_1_30_minor, b.currency),
    moneyCell(b.aging.days_31_60_minor, b.currency),
    moneyCell(b.aging.days_61_90_minor, b.currency),
    moneyCell(b.aging.days_over_90_minor, b.currency),
    moneyCell(b.outstanding_minor, b.currency),
    moneyCell(b.overdue_minor, b.currency),
    moneyCell(b.disputed_minor, b.currency),
    moneyCell(b.unapplied_minor, b.currency),
  ];
  return billingFrame(
    'Aging report',
    '/billing/aging',
    h(
      'p',
      { class: 'muted' },
      'Every customer with a balance: open amounts by days past the due date, in each customer’s invoice currency.',
    ),
    rows.length === 0
      ? h('p', { class: 'muted', dataset: { empty: 'aging' } }, 'No customer has a balance.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'figures aging-report' },
            h('caption', null, 'Aging of every customer with a balance'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                headers.map((t, i) =>
                  h('th', { scope: 'col', class: i > 0 && i < headers.length - 1 ? 'num' : undefined }, t),
                ),
              ),
            ),
            h(
              'tbody',
              null,
              rows.map((b) =>
                h(
                  'tr',
                  { dataset: { customer: b.customer_number } },
                  h(
                    'th',
                    { scope: 'row' },
                    h(
                      'a',
                      { href: `/billing?customer_number=${encodeURIComponent(b.customer_number)}`, class: 'mono' },
                      b.customer_number,
                    ),
                    b.customer_name ? ` ${b.customer_name}` : '',
                  ),
                  ...moneyRow(b),
                  h('td', null, collectionLabels[b.collection_state] ?? b.collection_state),
                ),
              ),
            ),
            h(
              'tfoot',
              null,
              currencies.map((c) =>
                h(
                  'tr',
                  { dataset: { currency: c } },
                  h('th', { scope: 'row' }, `Total ${c}`),
                  moneyCell(
                    sum(c, (r) => r.aging.current_minor),
                    c,
                  ),
                  moneyCell(
                    sum(c, (r) => r.aging.days_1_30_minor),
                    c,
                  ),
                  moneyCell(
                    sum(c, (r) => r.aging.days_31_60_minor),
                    c,
                  ),
                  moneyCell(
                    sum(c, (r) => r.aging.days_61_90_minor),
                    c,
                  ),
                  moneyCell(
                    sum(c, (r) => r.aging.days_over_90_minor),
                    c,
                  ),
                  moneyCell(
                    sum(c, (r) => r.outstanding_minor),
                    c,
                  ),
                  moneyCell(
                    sum(c, (r) => r.overdue_minor),
                    c,
                  ),
                  moneyCell(
                    sum(c, (r) => r.disputed_minor),
                    c,
                  ),
                  moneyCell(
                    sum(c, (r) => r.unapplied_minor),
                    c,
                  ),
                  h('td', null),
                ),
              ),
            ),
          ),
        ),
  );
}

function runsTable(runs: BillingRun[]): HTMLElement {
  if (runs.length === 0) return h('p', { class: 'muted', dataset: { empty: 'runs' } }, 'No billing run yet.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'figures billing-runs' },
      h('caption', null, 'Billing runs, latest first'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Month', 'Customer', 'Started (GMT)', 'Finished (GMT)', 'Invoices created', 'Already issued'].map((t, i) =>
            h('th', { scope: 'col', class: i >= 4 ? 'num' : undefined }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        runs.map((r) =>
          h(
            'tr',
            { dataset: { period: r.period } },
            h('th', { scope: 'row' }, r.period),
            h('td', { class: 'mono' }, r.customer_number ?? 'Every customer'),
            h('td', null, formatGmt(r.started_at)),
            h('td', null, formatGmt(r.finished_at)),
            h('td', { class: 'num' }, countOf(r.invoices_created)),
            h('td', { class: 'num' }, countOf(r.invoices_existing)),
          ),
        ),
      ),
    ),
  );
}

function countOf(value: unknown): string {
  if (typeof value === 'number') return formatCount(value);
  if (Array.isArray(value)) return formatCount(value.length);
  return '—';
}

// The month before the current one (UTC) as "YYYY-MM": the month a run normally bills.
function previousMonth(): string {
  const now = new Date();
  return monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)));
}

function runResult(run: BillingRun): HTMLElement {
  const created = invoiceNumbers(run.created ?? run.invoices_created);
  const existing = invoiceNumbers(run.existing ?? run.invoices_existing);
  const list = (numbers: string[]) =>
    h(
      'ul',
      { class: 'inline-list' },
      numbers.map((n) => h('li', null, invoiceLink(n))),
    );
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'run-result-title', dataset: { period: run.period } },
    h('h2', { id: 'run-result-title', tabindex: '-1' }, `Billing run for ${run.period}`),
    h('h3', null, `Invoices created (${countOf(run.invoices_created)})`),
    created.length > 0 ? list(created) : h('p', { class: 'muted', dataset: { empty: 'created' } }, 'None.'),
    h('h3', null, `Already issued, left as they are (${countOf(run.invoices_existing)})`),
    existing.length > 0 ? list(existing) : h('p', { class: 'muted', dataset: { empty: 'existing' } }, 'None.'),
  );
}

export async function billingRunsView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  if (!isBillingCoordinator()) {
    return errorPage(
      new ApiError(
        {
          type: 'https://candela.dev/problems/forbidden',
          title: 'Forbidden',
          status: 403,
          detail: 'Only the billing coordinator runs billing.',
        },
        null,
        null,
      ),
    );
  }
  let runs: BillingRun[];
  let options: Array<{ value: string; label: string }>;
  try {
    const { data } = await api.get<unknown>('/api/v1/billing/runs', { query: { limit: 50 } });
    runs = listItems<BillingRun>(data);
    options = customerOptions(await visibleCustomers());
  } catch (error) {
    return errorPage(error);
  }
  const draft = { period: query.get('period') ?? previousMonth(), customer_number: query.get('customer_number') ?? '' };
  const summary = errorSummary();
  const alert = errorBox(null);
  const result = h('div', { 'aria-live': 'polite' });
  const history = h('section', { class: 'card', 'aria-labelledby': 'runs-title' });
  const drawHistory = () => replaceChildren(history, h('h2', { id: 'runs-title' }, 'Earlier runs'), runsTable(runs));
  drawHistory();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      novalidate: true,
      'aria-labelledby': 'run-form-title',
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        summary.clear();
        fillErrorBox(alert, null);
        const body: Record<string, unknown> = { period: draft.period.trim() };
        if (draft.customer_number) body.customer_number = draft.customer_number;
        try {
          const { data } = await api.post<BillingRun>('/api/v1/billing/runs', body);
          announce(
            `Billing run for ${data.period}: ${countOf(data.invoices_created)} created, ${countOf(
              data.invoices_existing,
            )} already issued.`,
          );
          replaceChildren(result, runResult(data));
          document.getElementById('run-result-title')?.focus();
          try {
            runs = listItems<BillingRun>(
              (await api.get<unknown>('/api/v1/billing/runs', { query: { limit: 50 } })).data,
            );
            drawHistory();
          } catch {
            // The run itself succeeded; the list is refreshed on the next visit.
          }
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
            const unplaced = showFieldErrors(form, error.problem.errors);
            summary.show(error.problem.errors, 'Billing did not run', form);
            summary.element.focus();
            if (unplaced.length > 0) fillErrorBox(alert, error);
          } else {
            fillErrorBox(alert, error);
          }
        }
      },
    },
    h('h2', { id: 'run-form-title' }, 'Run billing'),
    h(
      'p',
      { class: 'muted' },
      'Issues one invoice per customer for a month that has ended. Invoices already issued for that month are left exactly as they are.',
    ),
    alert,
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'Billing month',
        type: 'month',
        pointer: '/period',
        value: draft.period,
        required: true,
        placeholder: 'YYYY-MM',
        onInput: (v) => (draft.period = v),
      }),
      selectField({
        label: 'Customer',
        pointer: '/customer_number',
        value: draft.customer_number,
        options: [{ value: '', label: 'Every customer' }, ...options],
        onChange: (v) => (draft.customer_number = v),
      }),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Run billing')),
  );
  return billingFrame('Billing runs', '/billing/runs', summary.element, form, result, history);
}
