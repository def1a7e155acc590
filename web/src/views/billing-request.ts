// One billing request: what it is about (invoice, line, disputed amount), its state and
// resolution, the timeline of notes and files (internal notes only reach staff), and the actions
// the user's role allows: the customer adds notes and files and cancels; the billing coordinator
// takes it in review, writes public or internal notes and resolves it with a credit on the next
// invoice or an explanation. Another customer's request answers 404 ("Billing request not found").
import { api, ApiError, type FieldError } from '../api/client';
import { personName } from '../api/types';
import type { Params } from '../app/router';
import { formatMoney, parseAmount } from '../billing/money';
import { requestStateLabel, type BillingRequest, type BillingRequestEvent } from '../billing/types';
import { formatGmt } from '../support/gmt';
import { h, replaceChildren, type Child } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import {
  button,
  checkboxField,
  clearFieldErrors,
  inputField,
  radioGroup,
  showFieldErrors,
  textareaField,
} from '../ui/forms';
import { formatBytes } from '../ui/format';
import {
  billingFrame,
  invoiceLink,
  isBillingCoordinator,
  mayOpenBillingRequests,
  requestStateBadge,
} from './billing-common';
import { requestKindLabel } from './billing-requests';
import { errorPage } from './common';

const live = new Set(['open', 'in_review']);

function requestPath(reference: string, suffix = ''): string {
  return `/api/v1/billing-requests/${encodeURIComponent(reference)}${suffix}`;
}

function eventTitle(e: BillingRequestEvent): string {
  switch (e.kind) {
    case 'opened':
      return 'Opened';
    case 'note':
      return e.visibility === 'internal' ? 'Internal note' : 'Note';
    case 'attachment':
      return 'Attachment';
    case 'state':
      return e.from_state && e.to_state
        ? `State: ${requestStateLabel(e.from_state)} → ${requestStateLabel(e.to_state)}`
        : 'State changed';
    default:
      return e.kind;
  }
}

function timeline(request: BillingRequest): HTMLElement {
  const events = request.events ?? [];
  if (events.length === 0) return h('p', { class: 'muted' }, 'Nothing has happened yet.');
  return h(
    'ol',
    { class: 'timeline' },
    events.map((e) =>
      h(
        'li',
        { class: `timeline-entry timeline-${e.visibility}`, dataset: { kind: e.kind, visibility: e.visibility } },
        h(
          'p',
          { class: 'timeline-head' },
          h('time', { datetime: e.at }, formatGmt(e.at)),
          ' · ',
          h('strong', null, eventTitle(e)),
          ' · ',
          personName(e.actor ?? e.actor_name ?? 'the system'),
          e.visibility === 'internal' ? h('span', { class: 'badge badge-internal' }, 'Internal') : null,
        ),
        e.text ? h('p', { class: 'pre-line timeline-body' }, e.text) : null,
      ),
    ),
  );
}

function attachmentsSection(request: BillingRequest): HTMLElement {
  const files = request.attachments ?? [];
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'files-title' },
    h('h2', { id: 'files-title' }, 'Files'),
    files.length === 0
      ? h('p', { class: 'muted' }, 'No files.')
      : h(
          'ul',
          { class: 'attachments' },
          files.map((f) =>
            h(
              'li',
              null,
              h(
                'a',
                {
                  href: requestPath(request.reference, `/attachments/${encodeURIComponent(String(f.id))}`),
                  download: f.filename,
                },
                `Download ${f.filename}`,
              ),
              f.size !== undefined ? ` (${formatBytes(f.size)})` : '',
              f.created_at ? h('span', { class: 'muted small' }, ` · ${formatGmt(f.created_at)}`) : null,
              f.visibility === 'internal' ? h('span', { class: 'badge badge-internal' }, 'Internal') : null,
            ),
          ),
        ),
  );
}

type Reload = (focusId: string) => Promise<void>;

// A small form that posts and then re-reads the request; errors stay at its fields and alert.
function actionForm(
  reload: Reload,
  title: string,
  id: string,
  fields: Child[],
  submitLabel: string,
  send: (form: HTMLFormElement) => Promise<string>,
  focusAfter = 'timeline-title',
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
          await reload(focusAfter);
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

function invalid(errors: FieldError[]): ApiError {
  return new ApiError({ type: 'about:blank', title: 'Check the highlighted fields', status: 400, errors }, null, null);
}

function noteForm(request: BillingRequest, coordinator: boolean, reload: Reload): HTMLElement {
  const state = { text: '', internal: false };
  return actionForm(
    reload,
    'Add a note',
    'note-title',
    [
      textareaField({
        label: 'Note',
        pointer: '/text',
        value: '',
        rows: 4,
        hint: coordinator
          ? 'Public notes reach the customer; internal notes stay with staff.'
          : 'The billing coordinator reads it and answers here.',
        onInput: (v) => (state.text = v),
      }),
      coordinator
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
      await api.post(requestPath(request.reference, '/notes'), {
        text: state.text,
        ...(coordinator ? { visibility: state.internal ? 'internal' : 'public' } : {}),
      });
      return state.internal ? 'Internal note added.' : 'Note added.';
    },
  );
}

function attachmentForm(request: BillingRequest, coordinator: boolean, reload: Reload): HTMLElement {
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
          'Up to 10 MiB: statements, remittance advice, screenshots (PDF, PNG, JPEG, text, CSV).',
        ),
        h('p', { class: 'field-error', id: 'attachment-file-error' }),
      ),
      coordinator
        ? checkboxField({ label: 'Internal file (staff only)', checked: false, onChange: (v) => (internal = v) })
        : null,
    ],
    'Upload',
    async () => {
      const file = input.files?.[0];
      if (!file) throw invalid([{ pointer: '/file', message: 'Choose a file to attach.' }]);
      await api.upload(requestPath(request.reference, '/attachments'), file, file.type, {
        query: { filename: file.name, ...(coordinator ? { visibility: internal ? 'internal' : 'public' } : {}) },
      });
      return `Attached ${file.name}.`;
    },
    'files-title',
  );
}

// The customer's cancel and the coordinator's "start review" as buttons, with an optional
// reason. The portal's `allowed_transitions` decides what is offered; "resolved" has its form.
function stateSection(
  request: BillingRequest,
  coordinator: boolean,
  customer: boolean,
  reload: Reload,
): HTMLElement | null {
  const allowed = request.allowed_transitions ?? [
    ...(coordinator && request.state === 'open' ? ['in_review'] : []),
    ...(customer && live.has(request.state) ? ['cancelled'] : []),
  ];
  const labels: Record<string, string> = { in_review: 'Start review', cancelled: 'Cancel this request' };
  const offered = allowed.filter((to) => to in labels).map((to) => ({ to, label: labels[to]! }));
  if (offered.length === 0) return null;
  const alert = errorBox(null);
  let reason = '';
  return h(
    'section',
    { class: 'card stack', 'aria-labelledby': 'state-title' },
    h('h2', { id: 'state-title' }, 'Change the state'),
    alert,
    allowed.includes('cancelled')
      ? h('p', { class: 'muted' }, 'Cancel when the question is answered or the dispute is no longer needed.')
      : null,
    textareaField({
      label: 'Reason or message (optional)',
      pointer: '/reason',
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
              await api.post(requestPath(request.reference, '/transitions'), {
                to: t.to,
                ...(reason.trim() ? { reason: reason.trim() } : {}),
              });
              announce(`Billing request ${request.reference} is now ${requestStateLabel(t.to).toLowerCase()}.`);
              await reload('facts-title');
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

// The coordinator's resolution: a credit (an amount credited on the customer's next invoice)
// with an explanation, or an explanation alone.
function resolveForm(request: BillingRequest, currency: string, reload: Reload): HTMLElement {
  const state = { resolution: request.kind === 'dispute' ? 'credit' : 'explanation', amount: '', explanation: '' };
  const amountField = inputField({
    label: `Credit (${currency})`,
    pointer: '/credit_minor',
    value: '',
    hint:
      request.disputed_amount_minor !== null
        ? `Credited on the next invoice. Disputed: ${formatMoney(request.disputed_amount_minor, currency)}.`
        : 'Credited on the next invoice.',
    onInput: (v) => (state.amount = v),
  });
  amountField.hidden = state.resolution !== 'credit';
  return actionForm(
    reload,
    'Resolve',
    'resolve-title',
    [
      radioGroup({
        legend: 'Resolution',
        name: 'resolution',
        value: state.resolution,
        pointer: '/resolution',
        options: [
          { value: 'credit', label: 'Credit on the next invoice' },
          { value: 'explanation', label: 'Explanation only (the charge stands)' },
        ],
        onChange: (v) => {
          state.resolution = v;
          amountField.hidden = v !== 'credit';
        },
      }),
      amountField,
      textareaField({
        label: 'Explanation for the customer',
        pointer: '/explanation',
        value: '',
        rows: 4,
        required: true,
        onInput: (v) => (state.explanation = v),
      }),
    ],
    'Resolve request',
    async () => {
      const body: Record<string, unknown> = {
        to: 'resolved',
        resolution: state.resolution,
        explanation: state.explanation.trim(),
      };
      if (state.resolution === 'credit') {
        const parsed = parseAmount(state.amount, currency);
        if ('error' in parsed) throw invalid([{ pointer: '/credit_minor', message: parsed.error }]);
        body.credit_minor = parsed.minor;
      }
      await api.post(requestPath(request.reference, '/transitions'), body);
      return state.resolution === 'credit'
        ? `Resolved with a credit of ${formatMoney(body.credit_minor as number, currency)} on the next invoice.`
        : 'Resolved with an explanation.';
    },
    'facts-title',
  );
}

function facts(request: BillingRequest, currency: string): Array<[string, Child]> {
  const rows: Array<[string, Child]> = [
    ['Kind', requestKindLabel(request.kind)],
    ['Invoice', invoiceLink(request.invoice_number)],
    ['Line', request.line_number === null ? 'The whole invoice' : String(request.line_number)],
    ['Customer', h('span', { class: 'mono' }, request.customer_number)],
  ];
  if (request.disputed_amount_minor !== null) {
    rows.push(['Disputed amount', formatMoney(request.disputed_amount_minor, currency)]);
  }
  rows.push(
    ['Opened by', personName(request.opened_by ?? null)],
    ['Billing coordinator', personName(request.assigned_to ?? null)],
    ['Opened', formatGmt(request.created_at)],
    ['Updated', formatGmt(request.updated_at)],
  );
  if (request.resolved_at) rows.push(['Resolved', formatGmt(request.resolved_at)]);
  if (request.resolution) {
    rows.push([
      'Resolution',
      request.resolution === 'credit'
        ? `Credit of ${formatMoney(request.credit_minor, currency)} on the next invoice`
        : 'Explanation',
    ]);
  }
  return rows;
}

async function requestBody(request: BillingRequest, currency: string, reload: Reload): Promise<Child[]> {
  const coordinator = isBillingCoordinator();
  const customer = mayOpenBillingRequests();
  const open = live.has(request.state);
  return [
    h('p', null, h('a', { href: '/billing/requests' }, '← Billing requests')),
    h(
      'p',
      { class: 'request-badges' },
      requestStateBadge(request.state),
      ' ',
      h('span', { class: 'badge' }, requestKindLabel(request.kind)),
    ),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'facts-title' },
      h('h2', { id: 'facts-title' }, 'Details (times in GMT)'),
      h(
        'dl',
        { class: 'details request-facts' },
        facts(request, currency).map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
      ),
      h('h3', null, 'Description'),
      h('p', { class: 'pre-line' }, request.description),
      request.explanation ? h('h3', null, 'Answer') : null,
      request.explanation ? h('p', { class: 'pre-line request-explanation' }, request.explanation) : null,
    ),
    stateSection(request, coordinator, customer, reload),
    (request.allowed_transitions ? request.allowed_transitions.includes('resolved') : coordinator && open)
      ? resolveForm(request, currency, reload)
      : null,
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'timeline-title' },
      h('h2', { id: 'timeline-title' }, 'Timeline'),
      timeline(request),
    ),
    attachmentsSection(request),
    open && (coordinator || customer) ? noteForm(request, coordinator, reload) : null,
    open && (coordinator || customer) ? attachmentForm(request, coordinator, reload) : null,
  ];
}

// The invoice's currency for the amounts (the request itself may not name it).
async function currencyOf(request: BillingRequest): Promise<string> {
  if (request.currency) return request.currency;
  try {
    const { data } = await api.get<{ currency: string }>(
      `/api/v1/invoices/${encodeURIComponent(request.invoice_number)}`,
    );
    return data.currency;
  } catch {
    return 'USD';
  }
}

export async function billingRequestView(params: Params): Promise<HTMLElement> {
  const path = requestPath(params.reference!);
  let request: BillingRequest;
  try {
    request = (await api.get<BillingRequest>(path)).data;
  } catch (error) {
    return errorPage(error, 'billing request');
  }
  const currency = await currencyOf(request);
  const content = h('div', { class: 'request-content' });
  const view = billingFrame(`${request.reference}: ${request.subject}`, '/billing/requests', content);
  const reload: Reload = async (focusId) => {
    try {
      request = (await api.get<BillingRequest>(path)).data;
    } catch (error) {
      replaceChildren(content, errorPage(error, 'billing request'));
      return;
    }
    replaceChildren(content, ...(await requestBody(request, currency, reload)));
    const target = document.getElementById(focusId) ?? document.getElementById('facts-title');
    if (target) {
      target.tabIndex = -1;
      target.focus();
    }
  };
  replaceChildren(content, ...(await requestBody(request, currency, reload)));
  return view;
}
