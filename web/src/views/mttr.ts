// The MTTR report: mean time to repair of impairment tickets per month, customer and severity,
// by the rule the API states (docs/support.md), with totals per severity and a CSV download.
// The choice is kept in the URL. Customers see their own customers' rows only.
import { api, ApiError } from '../api/client';
import { navigate, type Params } from '../app/router';
import { isStaff } from '../app/session';
import { h, replaceChildren } from '../ui/dom';
import { errorBox, fillErrorBox } from '../ui/feedback';
import { clearFieldErrors, inputField, selectField, showFieldErrors } from '../ui/forms';
import { formatCount } from '../ui/format';
import { addMonths, formatMinutes, monthKey, parseMonthKey } from '../support/gmt';
import type { MttrReport } from '../support/types';
import { page } from './common';
import { severities } from './tickets';

function minutesCell(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return `${(Math.round(value * 10) / 10).toFixed(1)} min (${formatMinutes(value)})`;
}

export async function mttrView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const staff = isStaff();
  const thisMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
  const state = {
    from: parseMonthKey(query.get('from')) ? query.get('from')! : monthKey(addMonths(thisMonth, -2)),
    to: parseMonthKey(query.get('to')) ? query.get('to')! : monthKey(thisMonth),
    customer: query.get('customer') ?? '',
    severity: query.get('severity') ?? '',
  };
  const levels = await severities();
  const alert = errorBox(null);
  const result = h('section', {
    class: 'report-region',
    'aria-live': 'polite',
    'aria-labelledby': 'mttr-result-title',
  });

  const apiQuery = (): Record<string, string> => {
    const q: Record<string, string> = { from: state.from, to: state.to };
    if (state.customer.trim()) q.customer = state.customer.trim().toUpperCase();
    if (state.severity) q.severity = state.severity;
    return q;
  };

  const show = async () => {
    clearFieldErrors(form);
    fillErrorBox(alert, null);
    const q = apiQuery();
    result.setAttribute('aria-busy', 'true');
    try {
      const { data } = await api.get<MttrReport>('/api/v1/support/mttr', { query: { ...q, format: 'json' } });
      const csv = new URLSearchParams({ ...q, format: 'csv' });
      const rows = data.rows ?? [];
      replaceChildren(
        result,
        h('h2', { id: 'mttr-result-title' }, `MTTR ${state.from} to ${state.to}`),
        h('p', { class: 'mttr-rule' }, h('strong', null, 'Rule: '), data.rule),
        h(
          'p',
          null,
          h(
            'a',
            {
              href: `/api/v1/support/mttr?${csv.toString()}`,
              download: `mttr_${state.from}_${state.to}.csv`,
              class: 'button',
            },
            'Download CSV',
          ),
        ),
        rows.length === 0
          ? h('p', { class: 'muted' }, 'No impairment ticket was resolved in these months.')
          : h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'figures mttr' },
                h('caption', null, 'Mean time to repair per month, customer and severity'),
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Month', 'Customer', 'Severity', 'Tickets', 'MTTR', 'Pending-customer time excluded'].map((t, i) =>
                      h('th', { scope: 'col', class: i >= 3 ? 'num' : undefined }, t),
                    ),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  rows.map((r) =>
                    h(
                      'tr',
                      { dataset: { month: r.month, customer: r.customer_number, severity: String(r.severity) } },
                      h('th', { scope: 'row' }, r.month),
                      h('td', null, `${r.customer_name} (${r.customer_number})`),
                      h('td', null, String(r.severity)),
                      h('td', { class: 'num' }, formatCount(r.tickets)),
                      h('td', { class: 'num' }, minutesCell(r.mttr_minutes)),
                      h('td', { class: 'num' }, minutesCell(r.excluded_pending_minutes)),
                    ),
                  ),
                ),
              ),
            ),
        (data.totals ?? []).length === 0
          ? null
          : h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { class: 'figures mttr-totals' },
                h('caption', null, 'Totals per severity'),
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    ['Severity', 'Tickets', 'MTTR'].map((t, i) =>
                      h('th', { scope: 'col', class: i >= 1 ? 'num' : undefined }, t),
                    ),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  data.totals.map((t) =>
                    h(
                      'tr',
                      { dataset: { severity: String(t.severity) } },
                      h(
                        'th',
                        { scope: 'row' },
                        `${t.severity} · ${levels.find((l) => l.severity === t.severity)?.name ?? ''}`,
                      ),
                      h('td', { class: 'num' }, formatCount(t.tickets)),
                      h('td', { class: 'num' }, minutesCell(t.mttr_minutes)),
                    ),
                  ),
                ),
              ),
            ),
      );
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
      fillErrorBox(alert, error);
      result.replaceChildren();
    } finally {
      result.removeAttribute('aria-busy');
    }
  };

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'mttr-form-title',
      novalidate: true,
      onSubmit: (e: Event) => {
        e.preventDefault();
        navigate(`/support/mttr?${new URLSearchParams(apiQuery()).toString()}`);
      },
    },
    h('h2', { id: 'mttr-form-title', class: 'visually-hidden' }, 'What to report'),
    alert,
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'From month',
        type: 'month',
        pointer: '/query/from',
        value: state.from,
        hint: 'YYYY-MM, UTC.',
        onInput: (v) => (state.from = v),
      }),
      inputField({
        label: 'To month',
        type: 'month',
        pointer: '/query/to',
        value: state.to,
        hint: 'Inclusive.',
        onInput: (v) => (state.to = v),
      }),
      staff
        ? inputField({
            label: 'Customer number',
            pointer: '/query/customer',
            value: state.customer,
            hint: 'Empty: every customer.',
            onInput: (v) => (state.customer = v),
          })
        : null,
      selectField({
        label: 'Severity',
        pointer: '/query/severity',
        value: state.severity,
        options: [
          { value: '', label: 'Every severity' },
          ...[1, 2, 3, 4].map((n) => ({
            value: String(n),
            label: `${n} · ${levels.find((l) => l.severity === n)?.name ?? ''}`,
          })),
        ],
        onChange: (v) => (state.severity = v),
      }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Show report'),
  );
  void show();
  return page(
    'MTTR report',
    h('p', null, h('a', { href: '/support' }, '← Support')),
    h('p', null, 'Mean time to repair of service-impairment tickets, by the month they were resolved (UTC).'),
    form,
    result,
  );
}
