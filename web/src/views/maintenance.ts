// Maintenance calendar: a month grid and a list of windows in GMT, the form that schedules one
// (NOC engineers and provider admins), and a window's page with its notices, reschedule,
// cancel and complete. Customers see only the windows that affect their services.
import { api, ApiError, listItems } from '../api/client';
import { navigate, refresh, type Params } from '../app/router';
import { isStaff, mayManageMaintenance } from '../app/session';
import { h, type Child } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { errorSummary } from '../ui/error-summary';
import { button, clearFieldErrors, inputField, selectField, showFieldErrors, textareaField } from '../ui/forms';
import { addMonths, dayKey, formatGmt, gmtClock, monthKey, monthTitle, parseMonthKey, toDate } from '../support/gmt';
import { impactLabel, type MaintenanceWindow } from '../support/types';
import { parseUtcInput, toApiTime, toInputValue } from '../usage/period';
import { errorPage, page, statusBadge } from './common';

const weekdayHeaders = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function windowLink(w: MaintenanceWindow): HTMLElement {
  return h('a', { href: `/maintenance/${encodeURIComponent(w.reference)}`, class: 'mono' }, w.reference);
}

function impactBadge(impact: string): HTMLElement {
  return h(
    'span',
    { class: `badge ${impact === 'service_affecting' ? 'badge-bad' : 'badge-pending'}`, dataset: { impact } },
    impactLabel(impact),
  );
}

// Services a window affects, as the API gives them: SCIDs, objects with a scid, or a count.
function affectedText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return String(value);
  const list = Array.isArray(value)
    ? value
    : typeof value === 'object'
      ? ((value as Record<string, unknown>).items ?? (value as Record<string, unknown>).services ?? [])
      : [];
  const scids = (list as unknown[]).map((s) =>
    typeof s === 'string' ? s : String((s as Record<string, unknown>).scid ?? ''),
  );
  if (scids.length > 0) return scids.join(', ');
  const count = typeof value === 'object' ? (value as Record<string, unknown>).count : undefined;
  return typeof count === 'number' ? `${count} services` : '—';
}

// The month as weeks (Monday first) of UTC days, padded with the neighbouring months' days.
function monthGrid(month: Date, windows: MaintenanceWindow[]): HTMLElement {
  const first = month;
  const next = addMonths(month, 1);
  const lead = (first.getUTCDay() + 6) % 7;
  const start = new Date(first.getTime() - lead * 86_400_000);
  const weeks: Date[][] = [];
  for (let day = start; day < next || weeks.at(-1)?.length !== 7; day = new Date(day.getTime() + 86_400_000)) {
    if (!weeks.length || weeks.at(-1)!.length === 7) weeks.push([]);
    weeks.at(-1)!.push(day);
  }
  const on = (day: Date) => {
    const dayEnd = day.getTime() + 86_400_000;
    return windows.filter((w) => {
      const s = toDate(w.starts_at)?.getTime() ?? 0;
      const e = toDate(w.ends_at)?.getTime() ?? 0;
      return s < dayEnd && e > day.getTime();
    });
  };
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'calendar' },
      h('caption', null, `${monthTitle(month)} (GMT)`),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          weekdayHeaders.map((d) => h('th', { scope: 'col' }, d)),
        ),
      ),
      h(
        'tbody',
        null,
        weeks.map((week) =>
          h(
            'tr',
            null,
            week.map((day) => {
              const inMonth = day.getUTCMonth() === month.getUTCMonth();
              const items = inMonth ? on(day) : [];
              return h(
                'td',
                { class: inMonth ? 'day' : 'day other-month', dataset: { day: dayKey(day) } },
                h(
                  'span',
                  { class: 'day-number', 'aria-hidden': inMonth ? undefined : 'true' },
                  String(day.getUTCDate()),
                ),
                items.length > 0
                  ? h(
                      'ul',
                      { class: 'plain day-windows' },
                      items.map((w) =>
                        h(
                          'li',
                          { class: `window window-${w.impact}`, dataset: { reference: w.reference } },
                          h(
                            'a',
                            { href: `/maintenance/${encodeURIComponent(w.reference)}` },
                            `${gmtClock(w.starts_at)}–${gmtClock(w.ends_at)} GMT ${w.title}`,
                          ),
                          h('span', { class: 'visually-hidden' }, ` (${impactLabel(w.impact)}, ${w.state})`),
                        ),
                      ),
                    )
                  : null,
              );
            }),
          ),
        ),
      ),
    ),
  );
}

function windowList(windows: MaintenanceWindow[], staff: boolean): HTMLElement {
  if (windows.length === 0)
    return h('p', { class: 'muted', dataset: { empty: 'maintenance' } }, 'No maintenance in this month.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'maintenance-list' },
      h('caption', null, 'Maintenance windows (GMT)'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [
            'Reference',
            'Title',
            'Kind',
            'Impact',
            'State',
            'Starts',
            'Ends',
            'Locations and edges',
            staff ? 'Affected services' : 'Your services',
          ].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        windows.map((w) =>
          h(
            'tr',
            { dataset: { reference: w.reference } },
            h('th', { scope: 'row' }, windowLink(w)),
            h('td', null, w.title),
            h('td', null, w.kind),
            h('td', null, impactBadge(w.impact)),
            h('td', null, statusBadge(w.state)),
            h('td', null, formatGmt(w.starts_at)),
            h('td', null, formatGmt(w.ends_at)),
            h('td', null, [...(w.cache_groups ?? []), ...(w.edges ?? [])].join(', ') || '—'),
            h('td', { class: 'mono' }, affectedText(w.affected_services)),
          ),
        ),
      ),
    ),
  );
}

function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);
}

function timeValue(text: string): string | undefined {
  if (!text.trim()) return undefined;
  const at = parseUtcInput(text);
  return at ? toApiTime(at) : text.trim();
}

function createForm(): HTMLElement {
  const state = {
    kind: 'scheduled',
    impact: 'service_affecting',
    title: '',
    description: '',
    starts_at: '',
    ends_at: '',
    cache_groups: '',
    edges: '',
  };
  const summary = errorSummary();
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack maintenance-form',
      'aria-labelledby': 'maintenance-new-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        summary.clear();
        fillErrorBox(alert, null);
        try {
          const { data } = await api.post<MaintenanceWindow>('/api/v1/maintenance', {
            kind: state.kind,
            impact: state.impact,
            title: state.title.trim(),
            description: state.description.trim(),
            starts_at: timeValue(state.starts_at),
            ends_at: timeValue(state.ends_at),
            cache_groups: splitList(state.cache_groups),
            edges: splitList(state.edges),
          });
          announce(`Maintenance ${data.reference} scheduled; the affected customers are being notified.`);
          navigate(`/maintenance/${encodeURIComponent(data.reference)}`);
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
            showFieldErrors(form, error.problem.errors);
            summary.show(error.problem.errors, 'The maintenance was not scheduled', form);
            summary.element.focus();
          } else {
            fillErrorBox(alert, error);
          }
        }
      },
    },
    h('h2', { id: 'maintenance-new-title' }, 'Schedule maintenance'),
    summary.element,
    alert,
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'Kind',
        pointer: '/kind',
        value: state.kind,
        options: [
          { value: 'scheduled', label: 'Scheduled' },
          { value: 'emergency', label: 'Emergency (may start now)' },
        ],
        onChange: (v) => (state.kind = v),
      }),
      selectField({
        label: 'Impact',
        pointer: '/impact',
        value: state.impact,
        options: [
          { value: 'service_affecting', label: 'Service affecting' },
          { value: 'non_service_affecting', label: 'Non-service affecting' },
        ],
        onChange: (v) => (state.impact = v),
      }),
    ),
    inputField({ label: 'Title', pointer: '/title', value: '', onInput: (v) => (state.title = v) }),
    textareaField({
      label: 'Description',
      pointer: '/description',
      value: '',
      rows: 3,
      hint: 'What is done and what customers may notice.',
      onInput: (v) => (state.description = v),
    }),
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'Starts (GMT)',
        type: 'datetime-local',
        pointer: '/starts_at',
        value: '',
        onInput: (v) => (state.starts_at = v),
      }),
      inputField({
        label: 'Ends (GMT)',
        type: 'datetime-local',
        pointer: '/ends_at',
        value: '',
        hint: 'At most 7 days after the start.',
        onInput: (v) => (state.ends_at = v),
      }),
    ),
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'Cache groups (locations)',
        pointer: '/cache_groups',
        value: '',
        hint: 'Comma-separated, e.g. lon-1, fra-2.',
        onInput: (v) => (state.cache_groups = v),
      }),
      inputField({
        label: 'Edges',
        pointer: '/edges',
        value: '',
        hint: 'Comma-separated edge ids.',
        onInput: (v) => (state.edges = v),
      }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Schedule and notify'),
  );
  return form;
}

export async function maintenanceView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const staff = isStaff();
  const now = new Date();
  const month = parseMonthKey(query.get('month')) ?? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const next = addMonths(month, 1);
  let windows: MaintenanceWindow[];
  try {
    const { data } = await api.get<unknown>('/api/v1/maintenance', {
      query: { from: toApiTime(month), to: toApiTime(next) },
    });
    windows = listItems<MaintenanceWindow>(data).sort((a, b) => String(a.starts_at).localeCompare(String(b.starts_at)));
  } catch (error) {
    return errorPage(error);
  }
  return page(
    'Maintenance',
    h(
      'p',
      null,
      staff
        ? 'Scheduled and emergency maintenance on the platform. All times are GMT.'
        : 'Maintenance that affects your services. All times are GMT; every notice also comes by email with a calendar file.',
    ),
    h(
      'nav',
      { class: 'toolbar month-nav', 'aria-label': 'Months' },
      h(
        'a',
        { href: `/maintenance?month=${monthKey(addMonths(month, -1))}`, rel: 'prev' },
        `← ${monthTitle(addMonths(month, -1))}`,
      ),
      h('strong', { 'aria-current': 'page' }, monthTitle(month)),
      h('a', { href: `/maintenance?month=${monthKey(next)}`, rel: 'next' }, `${monthTitle(next)} →`),
    ),
    monthGrid(month, windows),
    h('h2', null, `Windows in ${monthTitle(month)}`),
    windowList(windows, staff),
    mayManageMaintenance() ? createForm() : null,
  );
}

// ---- one window ----------------------------------------------------------------------------

function rescheduleForm(w: MaintenanceWindow): HTMLElement {
  const state = {
    starts_at: toDate(w.starts_at) ? toInputValue(toDate(w.starts_at)!) : '',
    ends_at: toDate(w.ends_at) ? toInputValue(toDate(w.ends_at)!) : '',
    title: w.title,
    description: w.description ?? '',
  };
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'reschedule-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          await api.patch(`/api/v1/maintenance/${encodeURIComponent(w.reference)}`, {
            starts_at: timeValue(state.starts_at),
            ends_at: timeValue(state.ends_at),
            title: state.title.trim(),
            description: state.description.trim(),
          });
          announce(`${w.reference} changed; the affected customers are told.`);
          refresh();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'reschedule-title' }, 'Reschedule or edit'),
    alert,
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'New start (GMT)',
        type: 'datetime-local',
        pointer: '/starts_at',
        value: state.starts_at,
        onInput: (v) => (state.starts_at = v),
      }),
      inputField({
        label: 'New end (GMT)',
        type: 'datetime-local',
        pointer: '/ends_at',
        value: state.ends_at,
        onInput: (v) => (state.ends_at = v),
      }),
    ),
    inputField({ label: 'Title', pointer: '/title', value: state.title, onInput: (v) => (state.title = v) }),
    textareaField({
      label: 'Description',
      pointer: '/description',
      value: state.description,
      rows: 3,
      onInput: (v) => (state.description = v),
    }),
    h('button', { type: 'submit', class: 'primary' }, 'Save and notify'),
  );
  return form;
}

function cancelForm(w: MaintenanceWindow): HTMLElement {
  let reason = '';
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'cancel-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          await api.post(`/api/v1/maintenance/${encodeURIComponent(w.reference)}/cancel`, { reason });
          announce(`${w.reference} cancelled; the affected customers are told.`);
          refresh();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'cancel-title' }, 'Cancel'),
    alert,
    textareaField({
      label: 'Reason for cancelling',
      pointer: '/reason',
      value: '',
      rows: 2,
      onInput: (v) => (reason = v),
    }),
    h('button', { type: 'submit', class: 'danger' }, 'Cancel the maintenance'),
  );
  return form;
}

export async function maintenanceWindowView(params: Params): Promise<HTMLElement> {
  let w: MaintenanceWindow;
  try {
    w = (await api.get<MaintenanceWindow>(`/api/v1/maintenance/${encodeURIComponent(params.reference!)}`)).data;
  } catch (error) {
    return errorPage(error, 'maintenance window');
  }
  const manage = mayManageMaintenance();
  const open = w.state === 'scheduled' || w.state === 'in_progress';
  const facts: Array<[string, Child]> = [
    ['Kind', w.kind],
    ['Impact', impactBadge(w.impact)],
    ['State', statusBadge(w.state)],
    ['Starts', formatGmt(w.starts_at)],
    ['Ends', formatGmt(w.ends_at)],
    ['Cache groups', (w.cache_groups ?? []).join(', ') || '—'],
    ['Edges', (w.edges ?? []).join(', ') || '—'],
    [
      isStaff() ? 'Affected services' : 'Your affected services',
      h('span', { class: 'mono' }, affectedText(w.affected_services)),
    ],
  ];
  if (w.sequence !== undefined) facts.push(['Revision', String(w.sequence)]);
  const start = toDate(w.starts_at);
  return page(
    `${w.reference}: ${w.title}`,
    h('p', null, h('a', { href: `/maintenance${start ? `?month=${monthKey(start)}` : ''}` }, '← Maintenance calendar')),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'window-facts' },
      h('h2', { id: 'window-facts' }, 'Window (GMT)'),
      h(
        'dl',
        { class: 'details' },
        facts.map(([t, v]) => [h('dt', null, t), h('dd', null, v)]),
      ),
      w.description ? h('p', { class: 'pre-line' }, w.description) : null,
      h(
        'p',
        null,
        h(
          'a',
          {
            href: `/api/v1/maintenance/${encodeURIComponent(w.reference)}/calendar.ics`,
            download: `${w.reference}.ics`,
          },
          'Add to calendar (.ics)',
        ),
      ),
    ),
    w.notices && w.notices.length > 0
      ? h(
          'section',
          { 'aria-labelledby': 'notices-title' },
          h('h2', { id: 'notices-title' }, 'Notices sent'),
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              null,
              h('caption', { class: 'visually-hidden' }, 'Notices sent for this window'),
              h(
                'thead',
                null,
                h(
                  'tr',
                  null,
                  ['Notice', 'Sent (GMT)', 'Recipients'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                null,
                w.notices.map((n) =>
                  h(
                    'tr',
                    null,
                    h('th', { scope: 'row' }, n.template),
                    h('td', null, formatGmt(n.at)),
                    h('td', { class: 'num' }, n.recipients === undefined ? '—' : String(n.recipients)),
                  ),
                ),
              ),
            ),
          ),
        )
      : null,
    manage && open ? rescheduleForm(w) : null,
    manage && w.state === 'in_progress'
      ? h(
          'section',
          { class: 'card stack', 'aria-labelledby': 'complete-title' },
          h('h2', { id: 'complete-title' }, 'Complete'),
          (() => {
            const alert = errorBox(null);
            return h(
              'div',
              { class: 'stack' },
              alert,
              button('Mark as completed', async () => {
                try {
                  await api.post(`/api/v1/maintenance/${encodeURIComponent(w.reference)}/complete`);
                  announce(`${w.reference} completed.`);
                  refresh();
                } catch (error) {
                  fillErrorBox(alert, error);
                }
              }),
            );
          })(),
        )
      : null,
    manage && open ? cancelForm(w) : null,
  );
}
