// Support: the severities matrix with its targets, the four support centres with the
// follow-the-sun schedule (UTC) and who is on duty, and the escalation levels. Everyone reads
// severities and centres; staff read escalation levels; provider admins edit all three.
import { api, ApiError } from '../api/client';
import { providerRoles, roleLabel } from '../api/types';
import { refresh } from '../app/router';
import { isProviderAdmin, isStaff } from '../app/session';
import { h } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { errorSummary } from '../ui/error-summary';
import { button, clearFieldErrors, inputField, selectField, showFieldErrors, textareaField } from '../ui/forms';
import { formatGmt, formatMinutes } from '../support/gmt';
import type { CentresDocument, EscalationLevel, ScheduleEntry, SeverityLevel, SupportCentre } from '../support/types';
import { parseUtcInput, toApiTime } from '../usage/period';
import { errorPage, page } from './common';
import { forgetSeverities } from './tickets';

const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const dayNames: Record<string, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

function daysText(list: string[]): string {
  if (days.every((d) => list.includes(d))) return 'Every day';
  return days
    .filter((d) => list.includes(d))
    .map((d) => dayNames[d])
    .join(', ');
}

// ---- severities --------------------------------------------------------------------------

function severityMatrix(levels: SeverityLevel[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'severity-matrix' },
      h('caption', null, 'Severities matrix: definitions, examples and targets'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Severity', 'Definition', 'Examples', 'Initial response', 'Update interval', 'Restoration'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        levels.map((l) =>
          h(
            'tr',
            { dataset: { severity: String(l.severity) } },
            h('th', { scope: 'row' }, `${l.severity} · ${l.name}`),
            h('td', null, l.definition),
            h(
              'td',
              null,
              h(
                'ul',
                { class: 'plain' },
                (l.examples ?? []).map((e) => h('li', null, e)),
              ),
            ),
            h('td', { class: 'num' }, formatMinutes(l.initial_response_minutes)),
            h('td', { class: 'num' }, formatMinutes(l.update_interval_minutes)),
            h('td', { class: 'num' }, formatMinutes(l.restoration_minutes)),
          ),
        ),
      ),
    ),
  );
}

function severityEditor(levels: SeverityLevel[]): HTMLElement {
  let chosen: SeverityLevel | undefined = levels[0];
  const alert = errorBox(null);
  const fields = h('div', { class: 'stack' });
  const draft: Record<string, string> = {};
  const fill = () => {
    if (!chosen) return;
    draft.name = chosen.name;
    draft.definition = chosen.definition;
    draft.examples = (chosen.examples ?? []).join('\n');
    draft.initial_response_minutes = String(chosen.initial_response_minutes);
    draft.update_interval_minutes = String(chosen.update_interval_minutes);
    draft.restoration_minutes = String(chosen.restoration_minutes);
    fields.replaceChildren(
      inputField({ label: 'Name', pointer: '/name', value: draft.name, onInput: (v) => (draft.name = v) }),
      textareaField({
        label: 'Definition',
        pointer: '/definition',
        value: draft.definition,
        rows: 2,
        onInput: (v) => (draft.definition = v),
      }),
      (() => {
        const f = textareaField({
          label: 'Examples',
          pointer: '/examples',
          value: draft.examples!,
          rows: 3,
          hint: 'One per line.',
          onInput: (v) => (draft.examples = v),
        });
        f.querySelector('textarea')!.dataset.lines = 'true';
        return f;
      })(),
      h(
        'div',
        { class: 'row' },
        (
          [
            ['initial_response_minutes', 'Initial response (minutes)'],
            ['update_interval_minutes', 'Update interval (minutes)'],
            ['restoration_minutes', 'Restoration (minutes)'],
          ] as const
        ).map(([key, label]) =>
          inputField({
            label,
            type: 'number',
            min: 1,
            pointer: `/${key}`,
            value: draft[key],
            onInput: (v) => (draft[key] = v),
          }),
        ),
      ),
    );
  };
  fill();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'severity-edit-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        if (!chosen) return;
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        const number = (v: string | undefined) => (v && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
        try {
          await api.put(`/api/v1/support/severities/${chosen.severity}`, {
            name: draft.name,
            definition: draft.definition,
            examples: (draft.examples ?? '')
              .split('\n')
              .map((x) => x.trim())
              .filter(Boolean),
            initial_response_minutes: number(draft.initial_response_minutes),
            update_interval_minutes: number(draft.update_interval_minutes),
            restoration_minutes: number(draft.restoration_minutes),
          });
          forgetSeverities();
          announce(`Severity ${chosen.severity} saved.`);
          refresh();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h3', { id: 'severity-edit-title' }, 'Edit a severity'),
    alert,
    selectField({
      label: 'Severity to edit',
      value: String(chosen?.severity ?? 1),
      options: levels.map((l) => ({ value: String(l.severity), label: `${l.severity} · ${l.name}` })),
      onChange: (v) => {
        chosen = levels.find((l) => String(l.severity) === v);
        clearFieldErrors(form);
        fill();
      },
    }),
    fields,
    h('button', { type: 'submit', class: 'primary' }, 'Save severity'),
  );
  return form;
}

// ---- centres, schedule, on duty ----------------------------------------------------------

function centresTable(doc: CentresDocument): HTMLElement {
  const onDuty = doc.on_duty_now?.code ?? '';
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'centres' },
      h('caption', null, 'Support centres'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Centre', 'Name', 'Location', 'Languages', 'On duty now'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        doc.centres.map((c) =>
          h(
            'tr',
            { dataset: { centre: c.code } },
            h('th', { scope: 'row', class: 'mono' }, c.code),
            h('td', null, c.name),
            h('td', null, `${c.city}, ${c.country}`),
            h('td', null, (c.languages ?? []).join(', ')),
            h('td', null, c.code === onDuty ? h('span', { class: 'badge badge-ok' }, 'On duty') : '—'),
          ),
        ),
      ),
    ),
  );
}

function scheduleTable(schedule: ScheduleEntry[]): HTMLElement {
  const sorted = schedule.slice().sort((a, b) => a.priority - b.priority || a.start.localeCompare(b.start));
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'schedule' },
      h('caption', null, 'Duty schedule (UTC)'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Centre', 'Days', 'From (UTC)', 'To (UTC)', 'Priority'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        sorted.map((s) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row', class: 'mono' }, s.centre),
            h('td', null, daysText(s.days)),
            h('td', null, s.start),
            h('td', null, s.end),
            h('td', { class: 'num' }, String(s.priority)),
          ),
        ),
      ),
    ),
  );
}

// "Who is on duty at …": the same rule as ticket routing, for any UTC time and language.
function onDutyQuestion(): HTMLElement {
  const now = new Date();
  const state = { at: now.toISOString().slice(0, 16), language: 'en' };
  const result = h('p', { class: 'on-duty-answer', 'aria-live': 'polite' });
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'on-duty-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        const at = parseUtcInput(state.at);
        if (!at) {
          showFieldErrors(form, [{ pointer: '/query/at', message: 'Enter a date and time in UTC.' }]);
          return;
        }
        try {
          const { data } = await api.get<{ centre: SupportCentre; language_matched: boolean }>(
            '/api/v1/support/on-duty',
            { query: { at: toApiTime(at), language: state.language.trim() } },
          );
          result.textContent = `${data.centre.name} (${data.centre.code}) is on duty at ${formatGmt(at)}${
            data.language_matched ? ` and offers "${state.language}"` : `; no centre on duty offers "${state.language}"`
          }.`;
          result.dataset.centre = data.centre.code;
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h3', { id: 'on-duty-title' }, 'Who is on duty at…'),
    alert,
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'Time (UTC)',
        type: 'datetime-local',
        pointer: '/query/at',
        value: state.at,
        onInput: (v) => (state.at = v),
      }),
      inputField({
        label: 'Language',
        pointer: '/query/language',
        value: state.language,
        hint: 'ISO 639-1, e.g. en, es, fr.',
        onInput: (v) => (state.language = v),
      }),
    ),
    h('button', { type: 'submit' }, 'Find the centre'),
    result,
  );
  return form;
}

function scheduleEditor(doc: CentresDocument): HTMLElement {
  const rows: ScheduleEntry[] = doc.schedule.map((s) => ({ ...s, days: [...s.days] }));
  const alert = errorBox(null);
  const summary = errorSummary();
  const body = h('tbody');
  const centreOptions = doc.centres.map((c) => ({ value: c.code, label: `${c.code} · ${c.name}` }));

  const renderRows = () => {
    body.replaceChildren(
      ...rows.map((row, i) => {
        const n = i + 1;
        const cellLabel = (what: string) => `${what}, row ${n}`;
        const control = (tag: 'input' | 'select', props: Record<string, unknown>, pointer: string, label: string) => {
          const id = `schedule-${i}-${pointer.split('/').pop()}`;
          const el =
            tag === 'select'
              ? h(
                  'select',
                  { id, 'aria-describedby': `${id}-error`, dataset: { pointer }, ...props },
                  centreOptions.map((o) => h('option', { value: o.value, selected: o.value === row.centre }, o.label)),
                )
              : h('input', { id, 'aria-describedby': `${id}-error`, dataset: { pointer }, ...props });
          return h(
            'td',
            null,
            h('label', { for: id, class: 'visually-hidden' }, label),
            el,
            h('p', { class: 'field-error', id: `${id}-error` }),
          );
        };
        const centreCell = control(
          'select',
          { onChange: (e: Event) => (row.centre = (e.target as HTMLSelectElement).value) },
          `/schedule/${i}/centre`,
          cellLabel('Centre'),
        );
        const daysCell = h(
          'td',
          null,
          h(
            'fieldset',
            {
              class: 'checks days',
              dataset: { pointer: `/schedule/${i}/days` },
              'aria-describedby': `schedule-${i}-days-error`,
            },
            h('legend', { class: 'visually-hidden' }, cellLabel('Days')),
            days.map((d) => {
              const id = `schedule-${i}-day-${d}`;
              return h(
                'span',
                { class: 'check' },
                h('input', {
                  id,
                  type: 'checkbox',
                  checked: row.days.includes(d),
                  onChange: (e: Event) => {
                    const on = (e.target as HTMLInputElement).checked;
                    row.days = on
                      ? days.filter((x) => x === d || row.days.includes(x))
                      : row.days.filter((x) => x !== d);
                  },
                }),
                h('label', { for: id, title: `${dayNames[d]}, row ${n}` }, dayNames[d]),
              );
            }),
            h('p', { class: 'field-error', id: `schedule-${i}-days-error` }),
          ),
        );
        return h(
          'tr',
          null,
          centreCell,
          daysCell,
          control(
            'input',
            {
              type: 'text',
              inputmode: 'numeric',
              maxlength: 5,
              placeholder: 'HH:MM',
              class: 'clock',
              value: row.start,
              onInput: (e: Event) => (row.start = (e.target as HTMLInputElement).value),
            },
            `/schedule/${i}/start`,
            cellLabel('From (UTC)'),
          ),
          control(
            'input',
            {
              type: 'text',
              inputmode: 'numeric',
              maxlength: 5,
              placeholder: 'HH:MM',
              class: 'clock',
              value: row.end,
              onInput: (e: Event) => (row.end = (e.target as HTMLInputElement).value),
            },
            `/schedule/${i}/end`,
            cellLabel('To (UTC)'),
          ),
          control(
            'input',
            {
              type: 'number',
              min: 1,
              value: String(row.priority),
              class: 'narrow',
              onInput: (e: Event) => (row.priority = Number((e.target as HTMLInputElement).value)),
            },
            `/schedule/${i}/priority`,
            cellLabel('Priority'),
          ),
          h(
            'td',
            null,
            button(
              'Remove',
              () => {
                rows.splice(i, 1);
                renderRows();
              },
              { class: 'small', 'aria-label': `Remove row ${n}` },
            ),
          ),
        );
      }),
    );
  };
  renderRows();

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack schedule-editor',
      'aria-labelledby': 'schedule-edit-title',
      novalidate: true,
      dataset: { pointer: '/schedule', label: 'Schedule' },
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        summary.clear();
        fillErrorBox(alert, null);
        try {
          await api.put('/api/v1/support/schedule', { schedule: rows });
          announce('Schedule saved.');
          refresh();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
            showFieldErrors(form, error.problem.errors);
            summary.show(error.problem.errors, 'The schedule was not saved', form);
            summary.element.focus();
          } else {
            fillErrorBox(alert, error);
          }
        }
      },
    },
    h('h3', { id: 'schedule-edit-title' }, 'Edit the schedule'),
    h(
      'p',
      { class: 'hint' },
      'Times are UTC, 24-hour HH:MM; "To" is exclusive and a shift may run past midnight (22:00 to 06:00). The schedule must cover every hour of every day; where shifts overlap the lower priority number wins unless only another centre on duty offers the ticket\'s language.',
    ),
    summary.element,
    alert,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        h('caption', { class: 'visually-hidden' }, 'Schedule rows being edited'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Centre', 'Days', 'From (UTC)', 'To (UTC)', 'Priority', ''].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        body,
      ),
    ),
    h(
      'div',
      { class: 'actions' },
      button('Add a row', () => {
        rows.push({
          centre: doc.centres[0]?.code ?? '',
          days: [...days],
          start: '00:00',
          end: '00:00',
          priority: rows.length + 1,
        });
        renderRows();
      }),
      h('button', { type: 'submit', class: 'primary' }, 'Save schedule'),
    ),
  );
  return form;
}

// ---- escalation levels -------------------------------------------------------------------

function levelsTable(levels: EscalationLevel[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'escalation-levels' },
      h('caption', null, 'Escalation levels'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Level', 'Name', 'Notifies role', "Notifies the customer's account team", 'Also notifies users'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        levels.map((l) =>
          h(
            'tr',
            null,
            h('th', { scope: 'row' }, String(l.level)),
            h('td', null, l.name),
            h('td', null, l.notify_role ? roleLabel(l.notify_role) : '—'),
            h('td', null, l.notify_account_team_role ? roleLabel(l.notify_account_team_role) : '—'),
            h(
              'td',
              null,
              (l.notify_user_ids ?? []).length > 0 ? l.notify_user_ids.map((id) => `#${id}`).join(', ') : '—',
            ),
          ),
        ),
      ),
    ),
  );
}

function levelsEditor(levels: EscalationLevel[]): HTMLElement {
  const rows = levels.map((l) => ({ ...l, users: (l.notify_user_ids ?? []).join(', ') }));
  const alert = errorBox(null);
  const list = h('div', { class: 'stack' });
  const roleOptions = [{ value: '', label: 'None' }, ...providerRoles.map((r) => ({ value: r, label: roleLabel(r) }))];
  const render = () => {
    list.replaceChildren(
      ...rows.map((row, i) =>
        h(
          'fieldset',
          { dataset: { pointer: `/levels/${i}` } },
          h('legend', null, `Level ${i + 1}`),
          h(
            'div',
            { class: 'row' },
            inputField({
              label: `Name of level ${i + 1}`,
              pointer: `/levels/${i}/name`,
              value: row.name,
              onInput: (v) => (row.name = v),
            }),
            selectField({
              label: `Role notified at level ${i + 1}`,
              pointer: `/levels/${i}/notify_role`,
              value: row.notify_role ?? '',
              options: roleOptions,
              onChange: (v) => (row.notify_role = v || null),
            }),
            selectField({
              label: `Account-team role notified at level ${i + 1}`,
              pointer: `/levels/${i}/notify_account_team_role`,
              value: row.notify_account_team_role ?? '',
              options: roleOptions,
              onChange: (v) => (row.notify_account_team_role = v || null),
            }),
            inputField({
              label: `User ids notified at level ${i + 1}`,
              pointer: `/levels/${i}/notify_user_ids`,
              value: row.users,
              hint: 'Comma-separated.',
              onInput: (v) => (row.users = v),
            }),
          ),
          button(
            `Remove level ${i + 1}`,
            () => {
              rows.splice(i, 1);
              render();
            },
            { class: 'small' },
          ),
        ),
      ),
    );
  };
  render();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'levels-edit-title',
      novalidate: true,
      dataset: { pointer: '/levels' },
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          await api.put('/api/v1/support/escalation-levels', {
            levels: rows.map((r, i) => ({
              level: i + 1,
              name: r.name,
              notify_role: r.notify_role,
              notify_account_team_role: r.notify_account_team_role,
              notify_user_ids: r.users
                .split(/[\s,]+/)
                .filter(Boolean)
                .map((x) => (/^\d+$/.test(x) ? Number(x) : x)),
            })),
          });
          announce('Escalation levels saved.');
          refresh();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h3', { id: 'levels-edit-title' }, 'Edit the escalation levels'),
    alert,
    list,
    h(
      'div',
      { class: 'actions' },
      button('Add a level', () => {
        rows.push({
          level: rows.length + 1,
          name: '',
          notify_role: null,
          notify_account_team_role: null,
          notify_user_ids: [],
          users: '',
        });
        render();
      }),
      h('button', { type: 'submit', class: 'primary' }, 'Save escalation levels'),
    ),
  );
  return form;
}

export async function supportView(): Promise<HTMLElement> {
  const staff = isStaff();
  const admin = isProviderAdmin();
  let levels: SeverityLevel[];
  let centres: CentresDocument;
  let escalation: EscalationLevel[] | null = null;
  try {
    levels = (await api.get<{ severities: SeverityLevel[] }>('/api/v1/support/severities')).data.severities ?? [];
    centres = (await api.get<CentresDocument>('/api/v1/support/centres')).data;
    if (staff) {
      escalation =
        (await api.get<{ levels: EscalationLevel[] }>('/api/v1/support/escalation-levels')).data.levels ?? [];
    }
  } catch (error) {
    return errorPage(error);
  }
  const onDuty = centres.centres.find((c) => c.code === centres.on_duty_now?.code);
  return page(
    'Support',
    h(
      'p',
      null,
      'One point of contact, 24 hours a day: a new ticket goes to the centre on duty by the schedule below (UTC), ',
      "preferring a centre that speaks the ticket's language. ",
      h('a', { href: '/tickets/new?type=service_impairment' }, 'Report an impairment'),
      '.',
    ),
    h(
      'section',
      { class: 'report-section', 'aria-labelledby': 'severities-title' },
      h('h2', { id: 'severities-title' }, 'Severities'),
      severityMatrix(levels),
      admin ? severityEditor(levels) : null,
    ),
    h(
      'section',
      { class: 'report-section', 'aria-labelledby': 'centres-title' },
      h('h2', { id: 'centres-title' }, 'Support centres'),
      h(
        'p',
        { class: 'on-duty-now', dataset: { centre: centres.on_duty_now?.code ?? '' } },
        'On duty now: ',
        h('strong', null, onDuty ? `${onDuty.name} (${onDuty.code})` : (centres.on_duty_now?.code ?? '—')),
      ),
      centresTable(centres),
      scheduleTable(centres.schedule),
      onDutyQuestion(),
      admin ? scheduleEditor(centres) : null,
    ),
    escalation
      ? h(
          'section',
          { class: 'report-section', 'aria-labelledby': 'escalation-title' },
          h('h2', { id: 'escalation-title' }, 'Escalation levels'),
          h(
            'p',
            null,
            'When a ticket misses a target (first response, update, restoration) it climbs one level and the people of that level are told; customers can also escalate a ticket.',
          ),
          levelsTable(escalation),
          admin ? levelsEditor(escalation) : null,
        )
      : null,
  );
}
