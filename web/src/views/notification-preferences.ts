// The signed-in user's notification preferences: for each category (tickets, maintenance, …)
// whether notices appear in the portal and whether they come by email.
import { api, ApiError } from '../api/client';
import { h } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import type { NotificationPreference } from '../support/types';
import { errorPage, page } from './common';

const categoryLabels: Record<string, string> = {
  tickets: 'Tickets',
  maintenance: 'Maintenance',
  noc: 'NOC events',
  invalidations: 'Invalidations',
  orders: 'Orders',
  billing: 'Billing',
  account: 'Account',
};

export function categoryLabel(category: string): string {
  return categoryLabels[category] ?? category;
}

export async function notificationPreferencesView(): Promise<HTMLElement> {
  let prefs: NotificationPreference[];
  try {
    prefs = (await api.get<{ preferences: NotificationPreference[] }>('/api/v1/notification-preferences')).data
      .preferences;
  } catch (error) {
    return errorPage(error);
  }
  const state = prefs.map((p) => ({ ...p }));
  const alert = errorBox(null);
  const box = (p: NotificationPreference, channel: 'email' | 'portal', i: number) => {
    const id = `pref-${p.category}-${channel}`;
    return h(
      'td',
      { class: 'check-cell' },
      h('input', {
        id,
        type: 'checkbox',
        checked: p[channel],
        dataset: { pointer: `/preferences/${i}/${channel}` },
        onChange: (e: Event) => (p[channel] = (e.target as HTMLInputElement).checked),
      }),
      h(
        'label',
        { for: id, class: 'visually-hidden' },
        `${categoryLabel(p.category)} by ${channel === 'email' ? 'email' : 'portal'}`,
      ),
    );
  };
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'prefs-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        fillErrorBox(alert, null);
        try {
          await api.put('/api/v1/notification-preferences', { preferences: state });
          announce('Notification preferences saved.');
        } catch (error) {
          fillErrorBox(alert, error instanceof ApiError ? error : error);
        }
      },
    },
    h('h2', { id: 'prefs-title' }, 'How you are told'),
    alert,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'preferences' },
        h('caption', null, 'Notification channels per category'),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, 'Category'),
            h('th', { scope: 'col' }, 'In the portal'),
            h('th', { scope: 'col' }, 'By email'),
          ),
        ),
        h(
          'tbody',
          null,
          state.map((p, i) =>
            h(
              'tr',
              { dataset: { category: p.category } },
              h('th', { scope: 'row' }, categoryLabel(p.category)),
              box(p, 'portal', i),
              box(p, 'email', i),
            ),
          ),
        ),
      ),
    ),
    h('p', { class: 'hint' }, "Notices to a ticket's contact address are always emailed."),
    h('button', { type: 'submit', class: 'primary' }, 'Save preferences'),
  );
  return page('Notification preferences', h('p', null, h('a', { href: '/notifications' }, '← Notifications')), form);
}
