// The account team of a customer: who its account director, sales engineer, customer care
// manager, activation engineer, CDN support technician and billing coordinator are.
import { api, listItems } from '../api/client';
import type { Customer, User } from '../api/types';
import { roleLabel } from '../api/types';
import { navigate, refresh, type Params } from '../app/router';
import { isStaff } from '../app/session';
import { announce } from '../ui/feedback';
import { normaliseUser } from './users';
import { h, type Child } from '../ui/dom';
import { errorBox } from '../ui/feedback';
import { selectField } from '../ui/forms';
import { errorPage, page, table } from './common';
import { customerTermsPanel } from './customer-terms';

const teamRoles = [
  'account_director',
  'sales_engineer',
  'customer_care_manager',
  'activation_engineer',
  'cdn_support_technician',
  'billing_coordinator',
];

interface Member {
  role: string;
  name: string;
  email: string;
  phones: string[];
}

function normaliseTeam(data: unknown): Member[] {
  const r = (data ?? {}) as Record<string, unknown>;
  const list = listItems<Record<string, unknown>>(r.items ?? r.members ?? data);
  return list.map((m) => {
    const user = (m.user ?? m) as Record<string, unknown>;
    return {
      role: String(m.role ?? ''),
      name: String(user.name ?? ''),
      email: String(user.email ?? ''),
      phones: [user.phone_office, user.phone_mobile].filter((p): p is string => typeof p === 'string' && p.length > 0),
    };
  });
}

function assignForm(customer: string, role: string, candidates: User[]): HTMLElement {
  if (candidates.length === 0) return h('span', { class: 'muted small' }, `no user has the ${roleLabel(role)} role`);
  const id = `assign-${role}`;
  const select = h(
    'select',
    { id, name: role },
    candidates.map((u) => h('option', { value: String(u.id) }, u.name || u.email)),
  );
  return h(
    'form',
    {
      class: 'inline',
      onSubmit: async (e: Event) => {
        e.preventDefault();
        try {
          await api.put(`/api/v1/customers/${encodeURIComponent(customer)}/account-team/${role}`, {
            user_id: Number(select.value),
          });
          announce(`${roleLabel(role)} assigned.`);
          refresh();
        } catch (error) {
          announce(`Could not assign: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    },
    h('label', { for: id, class: 'visually-hidden' }, `${roleLabel(role)} for this customer`),
    select,
    h('button', { type: 'submit', class: 'small' }, 'Assign'),
  );
}

export async function accountTeamView(params: Params): Promise<HTMLElement> {
  let customers: Customer[];
  try {
    customers = await api.list<Customer>('/api/v1/customers');
  } catch (error) {
    return errorPage(error);
  }
  const selected = params.customer ?? customers[0]?.customer_number;
  const chooser =
    customers.length > 1
      ? h(
          'form',
          {
            class: 'inline-form',
            onSubmit: (e: Event) => {
              e.preventDefault();
              const value = ((e.currentTarget as HTMLFormElement).elements.namedItem('customer') as HTMLSelectElement)
                .value;
              navigate(`/account-team/${encodeURIComponent(value)}`);
            },
          },
          selectField({
            label: 'Customer',
            name: 'customer',
            value: selected ?? '',
            options: customers.map((c) => ({ value: c.customer_number, label: `${c.name} (${c.customer_number})` })),
          }),
          h('button', { type: 'submit' }, 'Show'),
        )
      : null;
  if (!selected) return page('Account team', h('p', null, 'No customer is visible to you.'));

  let body: HTMLElement;
  try {
    const { data } = await api.get<unknown>(`/api/v1/customers/${encodeURIComponent(selected)}/account-team`);
    const members = normaliseTeam(data);
    const byRole = new Map(members.map((m) => [m.role, m]));
    // Provider staff assign the team: each role from the users who hold that provider role.
    const staff = isStaff() ? (await api.list<unknown>('/api/v1/users')).map(normaliseUser) : [];
    const headers = ['Role', 'Name', 'Email', 'Phone'];
    if (isStaff()) headers.push('Assign');
    body = table(
      'Your account team',
      headers,
      teamRoles.map((role) => {
        const m = byRole.get(role);
        const cells: Child[] = [
          roleLabel(role),
          m?.name || h('span', { class: 'muted' }, 'not assigned'),
          m?.email ? h('a', { href: `mailto:${m.email}` }, m.email) : '',
          m?.phones.length
            ? m.phones.map((p, i) => [i ? ', ' : '', h('a', { href: `tel:${p.replace(/\s+/g, '')}` }, p)])
            : '',
        ];
        if (isStaff())
          cells.push(
            assignForm(
              selected,
              role,
              staff.filter((u) => (u.grants ?? []).some((g) => g.role === role)),
            ),
          );
        return cells;
      }),
    );
  } catch (error) {
    body = errorBox(error);
  }
  const customer = customers.find((c) => c.customer_number === selected);
  return page(
    'Account team',
    h(
      'p',
      null,
      `The people at the provider who look after ${customer ? `${customer.name} (${customer.customer_number})` : selected}.`,
    ),
    chooser,
    body,
    customerTermsPanel(selected),
  );
}
