// Users of the caller's access groups: list, create, roles, password, unlock, and mimic.
import { api, ApiError } from '../api/client';
import type { AccessGroup, Grant, User } from '../api/types';
import { customerRoles, isProviderRole, providerRoles, roleLabel } from '../api/types';
import { navigate, refresh, type Params } from '../app/router';
import { isStaff, mayManageUsers, session, startMimic } from '../app/session';
import { invalidateNavigation, navigationData, renderChrome } from '../app/shell';
import { h, replaceChildren } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { button, clearFieldErrors, inputField, selectField, showFieldErrors } from '../ui/forms';
import { errorPage, page, table } from './common';

function grantText(grant: Grant, groups: AccessGroup[]): string {
  if (grant.access_group_id === null || grant.access_group_id === undefined) return roleLabel(grant.role);
  const group = groups.find((g) => g.id === grant.access_group_id);
  return `${roleLabel(grant.role)} in ${group?.name ?? `group ${grant.access_group_id}`}`;
}

export function normaliseUser(data: unknown): User {
  const r = (data ?? {}) as Record<string, unknown>;
  const grants = ((r.roles ?? r.grants ?? []) as unknown[]).map((g) =>
    typeof g === 'string'
      ? { role: g, access_group_id: null }
      : { role: String((g as Grant).role), access_group_id: (g as Grant).access_group_id ?? null },
  );
  return { ...(r as unknown as User), grants };
}

function isLocked(user: User): boolean {
  return Boolean(user.locked_until) && new Date(String(user.locked_until)).getTime() > Date.now();
}

async function mimic(user: User): Promise<void> {
  try {
    await startMimic(user.id);
    invalidateNavigation();
    renderChrome();
    announce(`You are now acting as ${user.name}.`);
    navigate('/');
  } catch (error) {
    announce(`Could not act as ${user.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function usersView(): Promise<HTMLElement> {
  let users: User[];
  let groups: AccessGroup[];
  try {
    users = (await api.list<unknown>('/api/v1/users')).map(normaliseUser);
    groups = (await navigationData()).groups;
  } catch (error) {
    return errorPage(error);
  }
  const me = session();
  const canManage = mayManageUsers();
  const rows = users.map((u) => [
    h('a', { href: `/users/${u.id}` }, u.name || u.email),
    u.email,
    h(
      'ul',
      { class: 'plain' },
      (u.grants ?? []).map((g) => h('li', null, grantText(g, groups))),
    ),
    isLocked(u)
      ? h('span', { class: 'badge badge-bad' }, 'locked')
      : u.disabled
        ? h('span', { class: 'badge badge-pending' }, 'disabled')
        : 'active',
    canManage && me && u.id !== me.user.id && !me.mimicked_by
      ? button(`Act as ${u.name || u.email}`, () => void mimic(u), { class: 'small', dataset: { mimic: String(u.id) } })
      : '',
  ]);
  return page(
    'Users',
    table('Users you can see', ['Name', 'Email', 'Roles', 'Status', 'Mimic'], rows, {
      captionHidden: true,
      empty: 'No users.',
    }),
    canManage ? newUserForm(groups) : null,
  );
}

function roleOptions(): Array<{ value: string; label: string }> {
  const roles: string[] = [...customerRoles];
  if (isStaff()) roles.push(...providerRoles);
  return roles.map((r) => ({ value: r, label: roleLabel(r) }));
}

function newUserForm(groups: AccessGroup[]): HTMLElement {
  const state = {
    name: '',
    email: '',
    password: '',
    language: 'en',
    role: 'read_only',
    group: String(groups[0]?.id ?? ''),
  };
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'new-user-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        const grant: Grant = {
          role: state.role,
          access_group_id: isProviderRole(state.role) ? null : Number(state.group),
        };
        try {
          const { data } = await api.post<unknown>('/api/v1/users', {
            name: state.name.trim(),
            email: state.email.trim(),
            password: state.password,
            language: state.language,
            roles: [grant],
          });
          const user = normaliseUser(data);
          announce(`Created user ${user.name || user.email}.`);
          navigate(`/users/${user.id}`);
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'new-user-title' }, 'New user'),
    alert,
    h(
      'div',
      { class: 'row' },
      inputField({ label: 'Name', pointer: '/name', value: '', required: true, onInput: (v) => (state.name = v) }),
      inputField({
        label: 'Email',
        type: 'email',
        pointer: '/email',
        value: '',
        required: true,
        onInput: (v) => (state.email = v),
      }),
    ),
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'Initial password',
        type: 'password',
        pointer: '/password',
        value: '',
        required: true,
        autocomplete: 'new-password',
        hint: 'At least 12 characters; share it safely.',
        onInput: (v) => (state.password = v),
      }),
      inputField({
        label: 'Language',
        pointer: '/language',
        value: 'en',
        hint: 'e.g. en, fr, de.',
        onInput: (v) => (state.language = v),
      }),
    ),
    h(
      'div',
      { class: 'row', dataset: { pointer: '/roles' } },
      selectField({
        label: 'Role',
        pointer: '/roles/0/role',
        value: state.role,
        options: roleOptions(),
        onChange: (v) => (state.role = v),
      }),
      selectField({
        label: 'In access group',
        pointer: '/roles/0/access_group_id',
        value: state.group,
        options: groups.map((g) => ({ value: String(g.id), label: g.name })),
        hint: 'Customer roles apply to the group and its children.',
        onChange: (v) => (state.group = v),
      }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Create user'),
  );
  return form;
}

export async function userView(params: Params): Promise<HTMLElement> {
  let user: User;
  let groups: AccessGroup[];
  try {
    user = normaliseUser((await api.get<unknown>(`/api/v1/users/${encodeURIComponent(params.id!)}`)).data);
    groups = (await navigationData()).groups;
  } catch (error) {
    return errorPage(error, 'user');
  }
  const canManage = mayManageUsers();
  return page(
    user.name || user.email,
    h('p', { class: 'eyebrow' }, 'User · ', user.email),
    h('p', null, h('a', { href: '/users' }, '← All users')),
    profileForm(user, canManage),
    rolesEditor(user, groups, canManage),
    canManage || session()?.user.id === user.id ? passwordForm(user) : null,
    canManage && isLocked(user)
      ? h(
          'section',
          { class: 'card', 'aria-labelledby': 'unlock-title' },
          h('h2', { id: 'unlock-title' }, 'Locked'),
          h('p', null, 'Too many failed sign-ins locked this account.'),
          button('Unlock now', async () => {
            await api.post(`/api/v1/users/${user.id}/unlock`);
            announce('Unlocked.');
            refresh();
          }),
        )
      : null,
  );
}

function profileForm(user: User, canManage: boolean): HTMLElement {
  const state = {
    name: user.name ?? '',
    phone_office: user.phone_office ?? '',
    phone_mobile: user.phone_mobile ?? '',
    after_hours_contact: user.after_hours_contact ?? '',
    language: user.language ?? '',
  };
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'profile-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          await api.patch(`/api/v1/users/${user.id}`, {
            name: state.name.trim(),
            phone_office: state.phone_office.trim(),
            phone_mobile: state.phone_mobile.trim(),
            after_hours_contact: state.after_hours_contact.trim(),
            language: state.language.trim(),
          });
          announce('Profile saved.');
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'profile-title' }, 'Profile'),
    alert,
    h(
      'div',
      { class: 'row' },
      inputField({ label: 'Name', pointer: '/name', value: state.name, onInput: (v) => (state.name = v) }),
      inputField({
        label: 'Language',
        pointer: '/language',
        value: state.language,
        onInput: (v) => (state.language = v),
      }),
    ),
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'Office phone',
        pointer: '/phone_office',
        value: state.phone_office,
        onInput: (v) => (state.phone_office = v),
      }),
      inputField({
        label: 'Mobile phone',
        pointer: '/phone_mobile',
        value: state.phone_mobile,
        onInput: (v) => (state.phone_mobile = v),
      }),
    ),
    inputField({
      label: 'After-hours contact',
      pointer: '/after_hours_contact',
      value: state.after_hours_contact,
      hint: 'Who to call outside office hours, and how.',
      onInput: (v) => (state.after_hours_contact = v),
    }),
    canManage || session()?.user.id === user.id ? h('button', { type: 'submit' }, 'Save profile') : null,
  );
  return form;
}

function rolesEditor(user: User, groups: AccessGroup[], canManage: boolean): HTMLElement {
  const grants: Grant[] = (user.grants ?? []).map((g) => ({ ...g }));
  const alert = errorBox(null);
  const list = h('div', { class: 'stack' });
  const section = h(
    'section',
    { class: 'card', 'aria-labelledby': 'roles-title' },
    h('h2', { id: 'roles-title' }, 'Roles'),
    alert,
    list,
  );

  const render = (focusIndex?: number) => {
    replaceChildren(
      list,
      grants.length === 0 ? h('p', { class: 'muted' }, 'No roles: this user can reach nothing.') : null,
      grants.map((g, i) =>
        h(
          'div',
          { class: 'row grant', dataset: { pointer: `/roles/${i}` } },
          selectField({
            label: `Role ${i + 1}`,
            pointer: `/roles/${i}/role`,
            value: g.role,
            options: roleOptions(),
            onChange: (v) => {
              g.role = v;
              if (isProviderRole(v)) g.access_group_id = null;
              else if (g.access_group_id === null) g.access_group_id = groups[0]?.id ?? null;
              render(i);
            },
          }),
          isProviderRole(g.role)
            ? h('p', { class: 'muted small' }, 'Provider role: reaches every customer.')
            : selectField({
                label: `Access group of role ${i + 1}`,
                pointer: `/roles/${i}/access_group_id`,
                value: String(g.access_group_id ?? ''),
                options: groups.map((x) => ({ value: String(x.id), label: x.name })),
                onChange: (v) => (g.access_group_id = Number(v)),
              }),
          canManage
            ? button(
                `Remove role ${i + 1}`,
                () => {
                  grants.splice(i, 1);
                  render();
                },
                { class: 'small danger' },
              )
            : null,
        ),
      ),
      canManage
        ? h(
            'div',
            { class: 'actions' },
            button('Add role', () => {
              grants.push({ role: 'read_only', access_group_id: groups[0]?.id ?? null });
              render(grants.length - 1);
            }),
            button(
              'Save roles',
              async () => {
                clearFieldErrors(section);
                fillErrorBox(alert, null);
                try {
                  await api.put(`/api/v1/users/${user.id}/roles`, { roles: grants });
                  announce('Roles saved.');
                } catch (error) {
                  if (error instanceof ApiError && error.problem.errors) showFieldErrors(section, error.problem.errors);
                  fillErrorBox(alert, error);
                }
              },
              { class: 'primary' },
            ),
          )
        : null,
    );
    if (focusIndex !== undefined) list.querySelectorAll<HTMLSelectElement>('select')[focusIndex * 2]?.focus();
  };
  render();
  return section;
}

// An admin sets another user's password; changing your own needs the current one.
function passwordForm(user: User): HTMLElement {
  const own = session()?.user.id === user.id && !session()?.mimicked_by;
  const state = { current: '', next: '' };
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'password-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          await api.put(
            `/api/v1/users/${user.id}/password`,
            own ? { current_password: state.current, new_password: state.next } : { new_password: state.next },
          );
          announce('Password changed.');
          form.reset();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'password-title' }, own ? 'Change your password' : 'Set a new password'),
    alert,
    own
      ? inputField({
          label: 'Current password',
          type: 'password',
          pointer: '/current_password',
          value: '',
          autocomplete: 'current-password',
          onInput: (v) => (state.current = v),
        })
      : null,
    inputField({
      label: 'New password',
      type: 'password',
      pointer: '/new_password',
      value: '',
      autocomplete: 'new-password',
      onInput: (v) => (state.next = v),
    }),
    h('button', { type: 'submit' }, own ? 'Change password' : 'Set password'),
  );
  return form;
}
