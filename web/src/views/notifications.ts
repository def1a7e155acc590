// The signed-in user's notifications (e.g. an invalidation still open after 12 hours).
import { api } from '../api/client';
import { formatTime, h } from '../ui/dom';
import { errorPage, page, table } from './common';

interface Notification {
  id: number;
  subject: string;
  body: string;
  entity_type?: string;
  entity_id?: string;
  created_at?: string;
  read_at?: string | null;
}

// A link to what the notification is about, when the UI has a page for it.
function subjectLink(n: Notification): HTMLElement | string {
  if (n.entity_type === 'invalidation' && n.entity_id) {
    return h('a', { href: `/invalidations/${encodeURIComponent(n.entity_id)}` }, n.subject);
  }
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
    table(
      'Your notifications, newest first',
      ['Received', 'Subject', 'Message'],
      items.map((n) => [formatTime(n.created_at), subjectLink(n), h('span', { class: 'pre-line' }, n.body)]),
      { captionHidden: true, empty: 'No notifications.' },
    ),
  );
}
