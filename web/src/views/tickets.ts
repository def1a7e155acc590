// Tickets: the list with filters (kept in the URL, so a filtered list can be bookmarked) and
// the form that opens one. Customers see their own access groups' tickets; staff see all.
import { api, ApiError, listItems } from '../api/client';
import type { Params } from '../app/router';
import { navigate } from '../app/router';
import { isStaff, session } from '../app/session';
import { navigationData } from '../app/shell';
import { h } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { errorSummary } from '../ui/error-summary';
import { clearFieldErrors, inputField, selectField, showFieldErrors, textareaField } from '../ui/forms';
import { formatGmt } from '../support/gmt';
import { parseUtcInput, toApiTime } from '../usage/period';
import {
  centreCode,
  ticketStateLabel,
  ticketStates,
  ticketTypeLabel,
  ticketTypes,
  type SeverityLevel,
  type Ticket,
  type TicketSummary,
} from '../support/types';
import { errorPage, page } from './common';

export function severityBadge(severity: number): HTMLElement {
  return h(
    'span',
    { class: `badge badge-sev badge-sev-${severity}`, dataset: { severity: String(severity) } },
    `S${severity}`,
  );
}

export function ticketStateBadge(state: string): HTMLElement {
  const kind = /resolved|closed/.test(state) ? 'ok' : state === 'new' || state === 'reopened' ? 'bad' : 'pending';
  return h('span', { class: `badge badge-${kind}`, dataset: { state } }, ticketStateLabel(state));
}

export function ticketLink(reference: string): HTMLElement {
  return h('a', { href: `/tickets/${encodeURIComponent(reference)}`, class: 'mono' }, reference);
}

// Severity definitions for labels ("1 · Critical"); any reader may fetch them.
let severityCache: Promise<SeverityLevel[]> | null = null;
export function severities(): Promise<SeverityLevel[]> {
  if (!severityCache) {
    severityCache = api
      .get<{ severities: SeverityLevel[] }>('/api/v1/support/severities')
      .then(({ data }) => data.severities ?? [])
      .catch(() => {
        severityCache = null;
        return [];
      });
  }
  return severityCache;
}

export function forgetSeverities(): void {
  severityCache = null;
}

function severityOptions(levels: SeverityLevel[]): Array<{ value: string; label: string }> {
  return [1, 2, 3, 4].map((n) => {
    const level = levels.find((l) => l.severity === n);
    return { value: String(n), label: level ? `${n} · ${level.name}` : String(n) };
  });
}

// A table of ticket summaries (the list, the NOC dashboard, a NOC event's tickets).
export function ticketTable(caption: string, items: TicketSummary[], options: { staff: boolean }): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted', dataset: { empty: 'tickets' } }, 'No tickets.');
  const headers = [
    'Reference',
    'Subject',
    'Type',
    'Severity',
    'State',
    'SCID',
    ...(options.staff ? ['Customer'] : []),
    'Centre',
    'Escalation',
    'Opened (GMT)',
    'Updated (GMT)',
  ];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'tickets' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        items.map((t) =>
          h(
            'tr',
            { dataset: { reference: t.reference } },
            h('th', { scope: 'row' }, ticketLink(t.reference)),
            h('td', null, t.subject),
            h(
              'td',
              null,
              ticketTypeLabel(t.type),
              t.origin === 'proactive' ? h('span', { class: 'muted small' }, ' (proactive)') : null,
            ),
            h('td', null, severityBadge(t.severity)),
            h('td', null, ticketStateBadge(t.state)),
            h('td', { class: 'mono' }, t.scid ?? '—'),
            options.staff ? h('td', { class: 'mono' }, t.customer_number ?? '—') : null,
            h('td', null, centreCode(t.centre) || '—'),
            h('td', { class: 'num' }, t.escalation_level > 0 ? `Level ${t.escalation_level}` : '—'),
            h('td', null, formatGmt(t.created_at)),
            h('td', null, formatGmt(t.updated_at)),
          ),
        ),
      ),
    ),
  );
}

const filterKeys = ['state', 'severity', 'type', 'scid', 'customer', 'centre'] as const;

export async function ticketsView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const staff = isStaff();
  const filters: Record<string, string> = {};
  for (const key of filterKeys) filters[key] = query.get(key) ?? '';
  if (!query.has('state')) filters.state = 'open';
  let items: TicketSummary[];
  let next: string | null = null;
  let levels: SeverityLevel[];
  try {
    const { data } = await api.get<unknown>('/api/v1/tickets', {
      query: { ...filters, limit: 50, cursor: query.get('cursor') ?? undefined },
    });
    items = listItems<TicketSummary>(data);
    const cursor = (data as { next_cursor?: unknown } | null)?.next_cursor;
    next = typeof cursor === 'string' && cursor ? cursor : null;
    levels = await severities();
  } catch (error) {
    if (error instanceof ApiError && error.status === 400 && error.problem.errors) {
      return page('Tickets', errorBox(error), h('p', null, h('a', { href: '/tickets' }, 'Show all open tickets')));
    }
    return errorPage(error);
  }

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card filters',
      role: 'search',
      'aria-label': 'Filter tickets',
      onSubmit: (e: Event) => {
        e.preventDefault();
        const q = new URLSearchParams();
        for (const key of filterKeys) {
          const value = (form.elements.namedItem(key) as HTMLInputElement | HTMLSelectElement | null)?.value.trim();
          q.set(key, key === 'scid' || key === 'customer' ? (value ?? '').toUpperCase() : (value ?? ''));
        }
        for (const key of filterKeys) if (!q.get(key) && key !== 'state') q.delete(key);
        navigate(`/tickets?${q.toString()}`);
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
          { value: 'open', label: 'Open (not resolved or closed)' },
          { value: '', label: 'Any state' },
          ...ticketStates.map((s) => ({ value: s, label: ticketStateLabel(s) })),
        ],
      }),
      selectField({
        label: 'Severity',
        name: 'severity',
        value: filters.severity!,
        options: [{ value: '', label: 'Any severity' }, ...severityOptions(levels)],
      }),
      selectField({
        label: 'Type',
        name: 'type',
        value: filters.type!,
        options: [
          { value: '', label: 'Any type' },
          ...ticketTypes.map((t) => ({ value: t, label: ticketTypeLabel(t) })),
        ],
      }),
      inputField({ label: 'SCID', name: 'scid', value: filters.scid, spellcheck: false }),
      staff
        ? inputField({ label: 'Customer number', name: 'customer', value: filters.customer, spellcheck: false })
        : null,
      staff
        ? selectField({
            label: 'Centre',
            name: 'centre',
            value: filters.centre!,
            options: [
              { value: '', label: 'Any centre' },
              ...['BRM', 'TUL', 'DUB', 'LON'].map((c) => ({ value: c, label: c })),
            ],
          })
        : null,
    ),
    h('button', { type: 'submit' }, 'Apply filters'),
  );

  const pager = next
    ? (() => {
        const q = new URLSearchParams(query);
        q.set('cursor', next);
        for (const key of filterKeys) q.set(key, filters[key]!);
        return h('p', null, h('a', { href: `/tickets?${q.toString()}`, rel: 'next' }, 'Next page'));
      })()
    : null;

  return page(
    'Tickets',
    h(
      'div',
      { class: 'toolbar' },
      h('a', { class: 'button primary', href: '/tickets/new?type=service_impairment' }, 'Report an impairment'),
      h('a', { class: 'button', href: '/tickets/new?type=service_change' }, 'Request a change'),
      h('a', { class: 'button', href: '/tickets/new?type=account_inquiry' }, 'Ask about your account'),
    ),
    form,
    h(
      'section',
      { 'aria-live': 'polite', class: 'ticket-list' },
      ticketTable(staff ? 'Tickets of every customer' : 'Your tickets', items, { staff }),
      pager,
    ),
  );
}

// ---- opening a ticket --------------------------------------------------------------------

interface Draft {
  type: string;
  severity: string;
  subject: string;
  scid: string;
  description: string;
  alarm_info: string;
  problem_started_at: string;
  contact_name: string;
  contact_email: string;
  phones: string;
  alternate_contact: string;
  language: string;
  customer_number: string;
}

function defaultSeverity(type: string): string {
  return type === 'service_impairment' ? '3' : '4';
}

// The request body: empty fields are left out, so the server names each missing one.
function body(draft: Draft, staff: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { type: draft.type, severity: Number(draft.severity) };
  const text = (key: string, value: string) => {
    if (value.trim()) out[key] = value.trim();
  };
  text('subject', draft.subject);
  text('scid', draft.scid.toUpperCase());
  text('description', draft.description);
  text('alarm_info', draft.alarm_info);
  text('language', draft.language);
  if (staff) text('customer_number', draft.customer_number.toUpperCase());
  if (draft.problem_started_at.trim()) {
    const at = parseUtcInput(draft.problem_started_at);
    // Unreadable input goes as typed: the server's error names the field.
    out.problem_started_at = at ? toApiTime(at) : draft.problem_started_at.trim();
  }
  const contact: Record<string, unknown> = {};
  if (draft.contact_name.trim()) contact.name = draft.contact_name.trim();
  if (draft.contact_email.trim()) contact.email = draft.contact_email.trim();
  const phones = draft.phones
    .split('\n')
    .map((p) => p.trim())
    .filter(Boolean);
  if (phones.length > 0) contact.phones = phones;
  if (draft.alternate_contact.trim()) contact.alternate_contact = draft.alternate_contact.trim();
  out.contact = contact;
  return out;
}

export async function newTicketView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const staff = isStaff();
  const me = session();
  let levels: SeverityLevel[];
  let scids: string[] = [];
  try {
    levels = await severities();
    if (!staff) scids = (await navigationData()).services.map((s) => s.scid).sort();
  } catch (error) {
    return errorPage(error);
  }
  const askedType = query.get('type') ?? 'service_impairment';
  const type = (ticketTypes as readonly string[]).includes(askedType) ? askedType : 'service_impairment';
  const draft: Draft = {
    type,
    severity: defaultSeverity(type),
    subject: '',
    scid: query.get('scid') ?? '',
    description: '',
    alarm_info: '',
    problem_started_at: '',
    contact_name: staff ? '' : (me?.user.name ?? ''),
    contact_email: staff ? '' : (me?.user.email ?? ''),
    phones: '',
    alternate_contact: '',
    language: '',
    customer_number: '',
  };
  const summary = errorSummary();
  const alert = errorBox(null);
  const impairmentOnly: HTMLElement[] = [];
  const needsService: HTMLElement[] = [];

  const scidControl = staff
    ? inputField({
        label: 'Service (SCID)',
        pointer: '/scid',
        value: draft.scid,
        spellcheck: false,
        hint: 'The SCID of the service concerned.',
        onInput: (v) => (draft.scid = v),
      })
    : selectField({
        label: 'Service (SCID)',
        pointer: '/scid',
        value: draft.scid,
        options: [{ value: '', label: 'Choose a service' }, ...scids.map((s) => ({ value: s, label: s }))],
        onChange: (v) => (draft.scid = v),
      });
  needsService.push(scidControl);
  const severityControl = selectField({
    label: 'Severity',
    pointer: '/severity',
    value: draft.severity,
    options: severityOptions(levels),
    hint: 'Your assessment; support may change it. See the severities matrix on the Support page.',
    onChange: (v) => (draft.severity = v),
  });
  const alarm = textareaField({
    label: 'Alarm information',
    pointer: '/alarm_info',
    value: '',
    rows: 3,
    hint: 'Error messages, status codes, affected URLs, what your monitoring reports.',
    onInput: (v) => (draft.alarm_info = v),
  });
  const started = inputField({
    label: 'Problem first occurred (UTC)',
    type: 'datetime-local',
    pointer: '/problem_started_at',
    value: '',
    hint: 'Date and time in UTC (GMT).',
    onInput: (v) => (draft.problem_started_at = v),
  });
  impairmentOnly.push(alarm, started);

  const contact = h(
    'fieldset',
    { class: 'contact', dataset: { pointer: '/contact' } },
    h('legend', null, 'Contact for this ticket'),
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'Contact name',
        pointer: '/contact/name',
        value: draft.contact_name,
        autocomplete: 'name',
        onInput: (v) => (draft.contact_name = v),
      }),
      inputField({
        label: 'Contact email',
        type: 'email',
        pointer: '/contact/email',
        value: draft.contact_email,
        autocomplete: 'email',
        onInput: (v) => (draft.contact_email = v),
      }),
    ),
    h(
      'div',
      { class: 'row' },
      (() => {
        const field = textareaField({
          label: 'Phone numbers',
          pointer: '/contact/phones',
          value: '',
          rows: 2,
          hint: 'One per line, international form, e.g. +44 20 7946 0000.',
          onInput: (v) => (draft.phones = v),
        });
        field.querySelector('textarea')!.dataset.lines = 'true';
        return field;
      })(),
      textareaField({
        label: 'Alternate or after-hours contact',
        pointer: '/contact/alternate_contact',
        value: '',
        rows: 2,
        hint: 'Who to call when the contact cannot be reached.',
        onInput: (v) => (draft.alternate_contact = v),
      }),
    ),
  );

  const showFor = (t: string) => {
    for (const el of impairmentOnly) el.hidden = t !== 'service_impairment';
    for (const el of needsService) el.hidden = t === 'account_inquiry';
  };

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack ticket-form',
      'aria-labelledby': 'ticket-form-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        summary.clear();
        fillErrorBox(alert, null);
        const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
        submit.disabled = true;
        try {
          const { data } = await api.post<Ticket>('/api/v1/tickets', body(draft, staff));
          announce(`Ticket ${data.reference} opened.`);
          navigate(`/tickets/${encodeURIComponent(data.reference)}`, { force: true });
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
            showFieldErrors(form, error.problem.errors);
            summary.show(error.problem.errors, 'The ticket was not opened: please correct these fields', form);
            summary.element.focus();
          } else {
            fillErrorBox(alert, error);
          }
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'ticket-form-title' }, 'Your ticket'),
    summary.element,
    alert,
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'Type',
        pointer: '/type',
        value: draft.type,
        options: ticketTypes.map((t) => ({ value: t, label: ticketTypeLabel(t) })),
        onChange: (v) => {
          draft.type = v;
          showFor(v);
        },
      }),
      severityControl,
      staff
        ? inputField({
            label: 'Customer number',
            pointer: '/customer_number',
            value: '',
            spellcheck: false,
            hint: 'The customer this ticket is for.',
            onInput: (v) => (draft.customer_number = v),
          })
        : null,
    ),
    h(
      'div',
      { class: 'row' },
      scidControl,
      inputField({
        label: 'Subject',
        pointer: '/subject',
        value: '',
        hint: 'One line, e.g. "Video segments time out in Europe".',
        onInput: (v) => (draft.subject = v),
      }),
    ),
    textareaField({
      label: 'Description',
      pointer: '/description',
      value: '',
      rows: 5,
      hint: 'What happens, since when, who is affected.',
      onInput: (v) => (draft.description = v),
    }),
    h('div', { class: 'row' }, alarm, started),
    contact,
    inputField({
      label: 'Language',
      pointer: '/language',
      value: '',
      hint: 'The language support should use (e.g. en, es, fr, de); empty means your profile language.',
      onInput: (v) => (draft.language = v),
    }),
    h('button', { type: 'submit', class: 'primary' }, 'Open ticket'),
  );
  showFor(draft.type);
  return page(
    draft.type === 'service_impairment' ? 'Report an impairment' : 'Open a ticket',
    h('p', null, h('a', { href: '/tickets' }, '← All tickets')),
    h('p', null, 'A ticket goes to the support centre on duty (follow-the-sun). Every time on this page is UTC (GMT).'),
    form,
  );
}
