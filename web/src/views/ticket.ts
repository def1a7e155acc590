// One ticket: its facts and deadlines, the full timeline (internal entries only reach staff),
// notes, attachments, the state changes the user's role allows, severity (staff) and
// escalation. Another customer's ticket answers 404, shown as "Ticket not found".
import { api, ApiError } from '../api/client';
import { personName } from '../api/types';
import type { Params } from '../app/router';
import { isStaff, mayWorkTickets } from '../app/session';
import { h, replaceChildren, type Child } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { button, checkboxField, clearFieldErrors, selectField, showFieldErrors, textareaField } from '../ui/forms';
import { formatBytes } from '../ui/format';
import { formatGmt, formatMinutes } from '../support/gmt';
import { centreName, ticketStateLabel, ticketTypeLabel, type Ticket, type TimelineEntry } from '../support/types';
import { errorPage } from './common';
import { severities, severityBadge, ticketStateBadge } from './tickets';

const openStates = new Set(['new', 'acknowledged', 'in_progress', 'reopened']);

// The state changes offered to the signed-in user (the API decides; this hides dead ends).
function transitionsFor(ticket: Ticket, staff: boolean): Array<{ to: string; label: string }> {
  const out: Array<{ to: string; label: string }> = [];
  if (staff) {
    const next: Record<string, Array<[string, string]>> = {
      new: [['acknowledged', 'Acknowledge']],
      acknowledged: [['in_progress', 'Start work']],
      in_progress: [
        ['pending_customer', 'Wait for the customer'],
        ['resolved', 'Resolve'],
      ],
      pending_customer: [['in_progress', 'Resume work']],
      reopened: [['in_progress', 'Start work']],
    };
    for (const [to, label] of next[ticket.state] ?? []) out.push({ to, label });
  } else {
    if (ticket.state === 'resolved') out.push({ to: 'closed', label: 'Confirm the resolution (close)' });
    if (ticket.state === 'resolved' || ticket.state === 'closed') out.push({ to: 'reopened', label: 'Reopen' });
  }
  return out;
}

function kindText(entry: TimelineEntry): string {
  switch (entry.kind) {
    case 'created':
      return 'Opened';
    case 'routed':
      return 'Routed';
    case 'state_changed':
      return `State: ${entry.from_state ? ticketStateLabel(entry.from_state) : '—'} → ${
        entry.to_state ? ticketStateLabel(entry.to_state) : '—'
      }`;
    case 'note':
      return entry.visibility === 'internal' ? 'Internal note' : 'Note';
    case 'attachment':
      return 'Attachment';
    case 'escalated':
      return 'Escalated';
    case 'assigned':
      return 'Assigned';
    case 'severity_changed':
      return 'Severity changed';
    default:
      return entry.kind;
  }
}

function attachmentHref(reference: string, id: number | string): string {
  return `/api/v1/tickets/${encodeURIComponent(reference)}/attachments/${encodeURIComponent(String(id))}`;
}

function timeline(ticket: Ticket): HTMLElement {
  const entries = ticket.timeline ?? [];
  if (entries.length === 0) return h('p', { class: 'muted' }, 'Nothing has happened yet.');
  return h(
    'ol',
    { class: 'timeline' },
    entries.map((e) =>
      h(
        'li',
        { class: `timeline-entry timeline-${e.visibility}`, dataset: { kind: e.kind, visibility: e.visibility } },
        h(
          'p',
          { class: 'timeline-head' },
          h('time', { datetime: e.at }, formatGmt(e.at)),
          ' · ',
          h('strong', null, kindText(e)),
          ' · ',
          personName(e.actor ?? 'the system'),
          e.visibility === 'internal' ? h('span', { class: 'badge badge-internal' }, 'Internal') : null,
        ),
        e.body ? h('p', { class: 'pre-line timeline-body' }, e.body) : null,
        e.attachment
          ? h(
              'p',
              null,
              h(
                'a',
                { href: attachmentHref(ticket.reference, e.attachment.id), download: e.attachment.filename },
                `Download ${e.attachment.filename}`,
              ),
              ` (${formatBytes(e.attachment.size)})`,
            )
          : null,
      ),
    ),
  );
}

function detailRows(ticket: Ticket, staff: boolean): Array<[string, Child]> {
  const contact = ticket.contact;
  const targets = ticket.severity_targets;
  const rows: Array<[string, Child]> = [
    ['Type', `${ticketTypeLabel(ticket.type)}${ticket.origin === 'proactive' ? ' (opened by the NOC)' : ''}`],
    ['Service', ticket.scid ? h('a', { href: `/services/${ticket.scid}`, class: 'mono' }, ticket.scid) : '—'],
    [
      'Customer',
      ticket.customer_name
        ? `${ticket.customer_name} (${ticket.customer_number ?? ''})`
        : (ticket.customer_number ?? '—'),
    ],
    ['Support centre', centreName(ticket.centre)],
    ['Language', ticket.language ?? '—'],
    ['Opened', formatGmt(ticket.created_at)],
    ['Problem first occurred', formatGmt(ticket.problem_started_at)],
    ['First response due', formatGmt(ticket.response_due_at)],
    ['Acknowledged', formatGmt(ticket.acknowledged_at)],
    ['Next update due', formatGmt(ticket.update_due_at)],
    ['Restoration due', formatGmt(ticket.restore_due_at)],
    ['Resolved', formatGmt(ticket.resolved_at)],
    ['Closed', formatGmt(ticket.closed_at)],
    ['Escalation level', ticket.escalation_level > 0 ? `Level ${ticket.escalation_level}` : 'Not escalated'],
  ];
  if (targets) {
    rows.push([
      'Severity targets',
      `initial response ${formatMinutes(targets.initial_response_minutes)}, updates every ${formatMinutes(
        targets.update_interval_minutes,
      )}, restoration within ${formatMinutes(targets.restoration_minutes)}`,
    ]);
  }
  if (staff) rows.push(['Assignee', personName(ticket.assignee ?? null)]);
  if (ticket.noc_event) rows.push(['NOC event', h('span', { class: 'mono' }, ticket.noc_event)]);
  if (ticket.maintenance_reference) {
    rows.push([
      'Maintenance',
      h(
        'a',
        { href: `/maintenance/${encodeURIComponent(ticket.maintenance_reference)}` },
        ticket.maintenance_reference,
      ),
    ]);
  }
  if (contact) {
    rows.push([
      'Contact',
      h(
        'span',
        null,
        `${contact.name} <${contact.email}>`,
        (contact.phones ?? []).length > 0 ? ` · ${contact.phones.join(', ')}` : '',
        contact.alternate_contact ? ` · alternate: ${contact.alternate_contact}` : '',
      ),
    ]);
  }
  return rows;
}

// A small form that posts and then re-reads the ticket; errors stay in its own alert box.
function actionForm(
  reload: Reload,
  title: string,
  id: string,
  fields: Child[],
  submitLabel: string,
  send: (form: HTMLFormElement) => Promise<string>,
): HTMLElement {
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': id,
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          const message = await send(form);
          announce(message);
          await reload('timeline-title');
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id }, title),
    alert,
    ...fields,
    h('button', { type: 'submit' }, submitLabel),
  );
  return form;
}

function stateSection(ticket: Ticket, staff: boolean, reload: Reload): HTMLElement | null {
  const offered = transitionsFor(ticket, staff);
  if (offered.length === 0) return null;
  const alert = errorBox(null);
  let reason = '';
  return h(
    'section',
    { class: 'card stack', 'aria-labelledby': 'state-title' },
    h('h2', { id: 'state-title' }, 'Change the state'),
    alert,
    textareaField({
      label: 'Reason or message (optional)',
      value: '',
      rows: 2,
      onInput: (v) => (reason = v),
    }),
    h(
      'div',
      { class: 'actions' },
      offered.map((t) =>
        button(
          t.label,
          async () => {
            fillErrorBox(alert, null);
            try {
              await api.post(`/api/v1/tickets/${encodeURIComponent(ticket.reference)}/transitions`, {
                to: t.to,
                ...(reason.trim() ? { reason: reason.trim() } : {}),
              });
              announce(`Ticket ${ticket.reference} is now ${ticketStateLabel(t.to).toLowerCase()}.`);
              await reload('state-title');
            } catch (error) {
              fillErrorBox(alert, error);
            }
          },
          { dataset: { transition: t.to } },
        ),
      ),
    ),
  );
}

function noteForm(ticket: Ticket, staff: boolean, reload: Reload): HTMLElement {
  const state = { body: '', internal: false };
  return actionForm(
    reload,
    'Add a note',
    'note-title',
    [
      textareaField({
        label: 'Note',
        pointer: '/body',
        value: '',
        rows: 4,
        hint: staff
          ? 'Public notes reach the customer; internal notes stay with staff.'
          : 'Support reads it and answers here.',
        onInput: (v) => (state.body = v),
      }),
      staff
        ? checkboxField({
            label: 'Internal note (staff only)',
            pointer: '/visibility',
            checked: false,
            onChange: (v) => (state.internal = v),
          })
        : null,
    ],
    'Add note',
    async () => {
      await api.post(`/api/v1/tickets/${encodeURIComponent(ticket.reference)}/notes`, {
        body: state.body,
        visibility: state.internal ? 'internal' : 'public',
      });
      return state.internal ? 'Internal note added.' : 'Note added.';
    },
  );
}

function attachmentForm(ticket: Ticket, staff: boolean, reload: Reload): HTMLElement {
  let internal = false;
  const input = h('input', {
    id: 'attachment-file',
    type: 'file',
    name: 'file',
    'aria-describedby': 'attachment-hint attachment-file-error',
    dataset: { pointer: '/file' },
  });
  return actionForm(
    reload,
    'Attach a file',
    'attachment-title',
    [
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'attachment-file' }, 'File'),
        input,
        h(
          'p',
          { class: 'hint', id: 'attachment-hint' },
          'Up to 10 MiB: screenshots, logs, captures (PNG, JPEG, PDF, text, HAR, pcap, zip).',
        ),
        h('p', { class: 'field-error', id: 'attachment-file-error' }),
      ),
      staff
        ? checkboxField({ label: 'Internal attachment (staff only)', checked: false, onChange: (v) => (internal = v) })
        : null,
    ],
    'Upload',
    async () => {
      const file = input.files?.[0];
      if (!file) {
        throw new ApiError(
          {
            type: 'about:blank',
            title: 'Choose a file',
            status: 400,
            errors: [{ pointer: '/file', message: 'Choose a file to attach.' }],
          },
          null,
          null,
        );
      }
      await api.upload(`/api/v1/tickets/${encodeURIComponent(ticket.reference)}/attachments`, file, file.type, {
        query: { filename: file.name, visibility: internal ? 'internal' : 'public' },
      });
      return `Attached ${file.name}.`;
    },
  );
}

function escalateForm(ticket: Ticket, reload: Reload): HTMLElement | null {
  if (!openStates.has(ticket.state)) return null;
  let reason = '';
  return actionForm(
    reload,
    'Escalate',
    'escalate-title',
    [
      h(
        'p',
        null,
        `Escalating moves the ticket one level up the escalation chain (now: ${
          ticket.escalation_level > 0 ? `level ${ticket.escalation_level}` : 'not escalated'
        }) and tells the people at that level.`,
      ),
      textareaField({ label: 'Why escalate?', pointer: '/reason', value: '', rows: 2, onInput: (v) => (reason = v) }),
    ],
    'Escalate',
    async () => {
      await api.post(`/api/v1/tickets/${encodeURIComponent(ticket.reference)}/escalate`, { reason });
      return `Ticket ${ticket.reference} escalated.`;
    },
  );
}

async function severityForm(ticket: Ticket, reload: Reload): Promise<HTMLElement> {
  const levels = await severities();
  let value = String(ticket.severity);
  return actionForm(
    reload,
    'Severity',
    'severity-title',
    [
      selectField({
        label: 'Change the severity to',
        pointer: '/severity',
        value,
        options: [1, 2, 3, 4].map((n) => ({
          value: String(n),
          label: `${n} · ${levels.find((l) => l.severity === n)?.name ?? ''}`,
        })),
        onChange: (v) => (value = v),
      }),
    ],
    'Change severity',
    async () => {
      await api.patch(`/api/v1/tickets/${encodeURIComponent(ticket.reference)}`, { severity: Number(value) });
      return `Severity changed to ${value}.`;
    },
  );
}

// Re-reads the ticket after a change and draws it again in place, then moves focus to the
// heading `focusId` (the section the user acted in), so nobody is thrown back to the top.
type Reload = (focusId: string) => Promise<void>;

async function ticketBody(ticket: Ticket, reload: Reload): Promise<Child[]> {
  const staff = isStaff();
  const worker = mayWorkTickets();
  document.title = `${ticket.reference} · Candela Media portal`;
  return [
    h('h1', null, `${ticket.reference}: ${ticket.subject}`),
    h('p', null, h('a', { href: '/tickets' }, '← All tickets')),
    h(
      'p',
      { class: 'ticket-badges' },
      ticketStateBadge(ticket.state),
      ' ',
      severityBadge(ticket.severity),
      ticket.escalation_level > 0
        ? h(
            'span',
            { class: 'badge badge-bad', dataset: { escalation: String(ticket.escalation_level) } },
            `Escalation level ${ticket.escalation_level}`,
          )
        : null,
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'facts-title' },
      h('h2', { id: 'facts-title' }, 'Details (times in GMT)'),
      h(
        'dl',
        { class: 'details ticket-facts' },
        detailRows(ticket, staff).map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
      ),
      ticket.description ? h('h3', null, 'Description') : null,
      ticket.description ? h('p', { class: 'pre-line' }, ticket.description) : null,
      ticket.alarm_info ? h('h3', null, 'Alarm information') : null,
      ticket.alarm_info ? h('p', { class: 'pre-line' }, ticket.alarm_info) : null,
    ),
    stateSection(ticket, worker, reload),
    worker ? await severityForm(ticket, reload) : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'Timeline'),
      timeline(ticket),
    ),
    noteForm(ticket, worker, reload),
    attachmentForm(ticket, worker, reload),
    escalateForm(ticket, reload),
  ];
}

export async function ticketView(params: Params): Promise<HTMLElement> {
  const path = `/api/v1/tickets/${encodeURIComponent(params.reference!)}`;
  let ticket: Ticket;
  try {
    ticket = (await api.get<Ticket>(path)).data;
  } catch (error) {
    return errorPage(error, 'ticket');
  }
  const view = h('div', { class: 'page ticket-page' });
  const reload: Reload = async (focusId) => {
    try {
      ticket = (await api.get<Ticket>(path)).data;
    } catch (error) {
      replaceChildren(view, errorPage(error, 'ticket'));
      return;
    }
    replaceChildren(view, ...(await ticketBody(ticket, reload)));
    const target = document.getElementById(focusId) ?? document.getElementById('facts-title');
    if (target) {
      target.tabIndex = -1;
      target.focus();
    }
  };
  replaceChildren(view, ...(await ticketBody(ticket, reload)));
  return view;
}
