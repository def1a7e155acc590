// API keys: create (the secret is shown once), regenerate, disable/enable, delete.
import { api, ApiError } from '../api/client';
import type { AccessGroup, ApiKey } from '../api/types';
import { customerRoles, roleLabel } from '../api/types';
import { refresh } from '../app/router';
import { navigationData } from '../app/shell';
import { formatTime, h } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { button, clearFieldErrors, inputField, selectField, showFieldErrors } from '../ui/forms';
import { errorPage, page, table } from './common';

// The one-time display of a key's secret, with a copy button.
function secretBox(key: { key_id: string; secret?: string }, verb: string): HTMLElement {
  const copy = button('Copy secret', async () => {
    try {
      await navigator.clipboard.writeText(key.secret ?? '');
      announce('Secret copied.');
    } catch {
      announce('Copying is not allowed here; select the secret and copy it by hand.');
    }
  });
  return h(
    'div',
    { class: 'secret-box', role: 'alert' },
    h('h2', null, `Key ${key.key_id} ${verb}`),
    h(
      'p',
      null,
      h('strong', null, 'Copy the secret now: it is shown only once.'),
      ' The portal keeps only a derived signing key.',
    ),
    h(
      'dl',
      { class: 'details' },
      h('dt', null, 'Key id'),
      h('dd', { class: 'mono key-id' }, key.key_id),
      h('dt', null, 'Secret'),
      h('dd', { class: 'mono secret' }, key.secret ?? ''),
    ),
    copy,
  );
}

// A secret just issued, shown once by the next render of the list (which then forgets it).
let issued: { key: { key_id: string; secret?: string }; verb: string } | null = null;

function showIssued(key: { key_id: string; secret?: string }, verb: string): void {
  issued = { key, verb };
  refresh();
}

export async function apiKeysView(): Promise<HTMLElement> {
  let keys: ApiKey[];
  let groups: AccessGroup[];
  try {
    keys = await api.list<ApiKey>('/api/v1/api-keys');
    groups = (await navigationData()).groups;
  } catch (error) {
    return errorPage(error);
  }
  const groupName = (id: number) => groups.find((g) => g.id === id)?.name ?? `group ${id}`;
  const secretSlot = h('div', { class: 'secret-slot' });
  if (issued) {
    secretSlot.append(secretBox(issued.key, issued.verb));
    issued = null;
  }
  const alert = errorBox(null);

  const act = async (what: () => Promise<void>) => {
    fillErrorBox(alert, null);
    try {
      await what();
    } catch (error) {
      fillErrorBox(alert, error);
    }
  };

  const rows = keys.map((k) => {
    const deleteSlot = h('span', { class: 'confirm-slot' });
    return [
      h('span', { class: 'mono' }, k.key_id),
      k.description ?? '',
      groupName(k.access_group_id),
      roleLabel(k.role),
      k.disabled
        ? h('span', { class: 'badge badge-pending' }, 'disabled')
        : h('span', { class: 'badge badge-ok' }, 'enabled'),
      formatTime(k.created_at ?? null),
      h(
        'div',
        { class: 'row-actions' },
        button(
          'Regenerate',
          () =>
            act(async () => {
              const { data } = await api.post<ApiKey>(`/api/v1/api-keys/${encodeURIComponent(k.key_id)}/regenerate`);
              showIssued({ key_id: data.key_id ?? k.key_id, secret: data.secret }, 'regenerated');
            }),
          { class: 'small', 'aria-label': `Regenerate key ${k.key_id}` },
        ),
        button(
          k.disabled ? 'Enable' : 'Disable',
          () =>
            act(async () => {
              await api.patch(`/api/v1/api-keys/${encodeURIComponent(k.key_id)}`, { disabled: !k.disabled });
              announce(`Key ${k.key_id} ${k.disabled ? 'enabled' : 'disabled'}.`);
              refresh();
            }),
          { class: 'small', 'aria-label': `${k.disabled ? 'Enable' : 'Disable'} key ${k.key_id}` },
        ),
        button(
          'Delete',
          () => {
            const yes = button(
              `Delete ${k.key_id} for good`,
              () =>
                act(async () => {
                  await api.delete(`/api/v1/api-keys/${encodeURIComponent(k.key_id)}`);
                  announce(`Key ${k.key_id} deleted.`);
                  refresh();
                }),
              { class: 'small danger' },
            );
            const no = button('Cancel', () => deleteSlot.replaceChildren(), { class: 'small' });
            deleteSlot.replaceChildren(yes, ' ', no);
            yes.focus();
          },
          { class: 'small danger', 'aria-label': `Delete key ${k.key_id}` },
        ),
        deleteSlot,
      ),
    ];
  });

  return page(
    'API keys',
    h(
      'p',
      null,
      'API keys let scripts and ',
      h('code', null, 'candela ctl'),
      ' call the API with a signed request. Each key acts with one role in one access group.',
    ),
    alert,
    secretSlot,
    table('API keys', ['Key id', 'Description', 'Access group', 'Role', 'State', 'Created', 'Actions'], rows, {
      captionHidden: true,
      empty: 'No API keys yet.',
    }),
    newKeyForm(groups),
  );
}

function newKeyForm(groups: AccessGroup[]): HTMLElement {
  const state = { description: '', group: String(groups[0]?.id ?? ''), role: 'technical' };
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'new-key-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          const { data } = await api.post<ApiKey>('/api/v1/api-keys', {
            description: state.description.trim(),
            access_group_id: Number(state.group),
            role: state.role,
          });
          announce(`Key ${data.key_id} created. Copy its secret now.`);
          showIssued(data, 'created');
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'new-key-title' }, 'New API key'),
    alert,
    inputField({
      label: 'Description',
      pointer: '/description',
      value: '',
      hint: 'What the key is for, e.g. "deploy pipeline".',
      onInput: (v) => (state.description = v),
    }),
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'Access group',
        pointer: '/access_group_id',
        value: state.group,
        options: groups.map((g) => ({ value: String(g.id), label: g.name })),
        onChange: (v) => (state.group = v),
      }),
      selectField({
        label: 'Role',
        pointer: '/role',
        value: state.role,
        options: customerRoles.map((r) => ({ value: r, label: roleLabel(r) })),
        onChange: (v) => (state.role = v),
      }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Create key'),
  );
  return form;
}
