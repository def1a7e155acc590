// The signed-in user's notifications (an invalidation still open after 12 hours, a ticket's
// update, a maintenance notice, …), with a link to what each is about and "mark as read".
import { api } from '../api/client';
import { refresh } from '../app/router';
import { formatTime, h } from '../ui/dom';
import { announce } from '../ui/feedback';
import { button } from '../ui/forms';
import { errorPage, page, table } from './common';
import { categoryLabel } from './notification-preferences';

interface Notification {
  id: number;
  subject: string;
  body: string;
  category?: string;
  entity_type?: string;
  entity_id?: string;
  created_at?: string;
  read_at?: string | null;
}

const pages: Record<string, string> = {
  invalidation: '/invalidations/',
  ticket: '/tickets/',
  maintenance: '/maintenance/',
  noc_event: '/noc/events/',
  order: '/orders/',
  invoice: '/billing/invoices/',
  billing_request: '/billing/requests/',
};

// A link to what the notification is about, when the UI has a page for it.
function subjectLink(n: Notification): HTMLElement | string {
  const base = n.entity_type ? pages[n.entity_type] : undefined;
  if (base && n.entity_id) return h('a', { href: `${base}${encodeURIComponent(n.entity_id)}` }, n.subject);
  return n.subject;
}

export async function notificationsView(): Promise<HTMLElement> {
  let items: Notification[];
  try {
    items = await api.list<Notification>('/api/v1/notifications', {}, 200);
  } catch (error) {
    return errorPage(error);
  }
  return page(
    'Notifications',
    h('p', null, h('a', { href: '/notifications/preferences' }, 'Choose how you are notified')),
    table(
      'Your notifications, newest first',
      ['Received', 'Category', 'Subject', 'Message', ''],
      items.map((n) => [
        formatTime(n.created_at),
        n.category ? categoryLabel(n.category) : '—',
        subjectLink(n),
        h('span', { class: 'pre-line' }, n.body),
        n.read_at
          ? h('span', { class: 'muted small' }, 'read')
          : button(
              'Mark as read',
              async () => {
                try {
                  await api.post(`/api/v1/notifications/${n.id}/read`);
                  announce('Marked as read.');
                  refresh();
                } catch (error) {
                  announce(`Could not mark as read: ${error instanceof Error ? error.message : String(error)}`);
                }
              },
              { class: 'small', 'aria-label': `Mark "${n.subject}" as read` },
            ),
      ]),
      { captionHidden: true, empty: 'No notifications.' },
    ),
  );
}
