// Mail deliveries (provider staff): every email the notification service queued, its status
// (pending, sending, sent, failed), attempts and last error, filtered by status or by what it
// is about; failed mail can be retried by NOC engineers and provider admins.
import { api, listItems } from '../api/client';
import { navigate, refresh, type Params } from '../app/router';
import { hasRole } from '../app/session';
import { h } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { button, inputField, selectField } from '../ui/forms';
import { formatGmt } from '../support/gmt';
import type { MailDelivery } from '../support/types';
import { errorPage, page, statusBadge } from './common';

function entityLink(d: MailDelivery): HTMLElement | string {
  if (!d.entity_id) return '—';
  if (d.entity_type === 'ticket')
    return h('a', { href: `/tickets/${encodeURIComponent(d.entity_id)}`, class: 'mono' }, d.entity_id);
  if (d.entity_type === 'maintenance')
    return h('a', { href: `/maintenance/${encodeURIComponent(d.entity_id)}`, class: 'mono' }, d.entity_id);
  return h('span', { class: 'mono' }, d.entity_id);
}

export async function mailDeliveriesView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  const filters = {
    status: query.get('status') ?? '',
    entity_type: query.get('entity_type') ?? '',
    entity_id: query.get('entity_id') ?? '',
  };
  let items: MailDelivery[];
  let next: string | null = null;
  try {
    const { data } = await api.get<unknown>('/api/v1/mail-deliveries', {
      query: { ...filters, limit: 100, cursor: query.get('cursor') ?? undefined },
    });
    items = listItems<MailDelivery>(data);
    const cursor = (data as { next_cursor?: unknown } | null)?.next_cursor;
    next = typeof cursor === 'string' && cursor ? cursor : null;
  } catch (error) {
    return errorPage(error);
  }
  const mayRetry = hasRole('provider_admin', 'noc_engineer');
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card filters',
      role: 'search',
      'aria-label': 'Filter mail deliveries',
      onSubmit: (e: Event) => {
        e.preventDefault();
        const q = new URLSearchParams();
        for (const key of ['status', 'entity_type', 'entity_id']) {
          const value = (form.elements.namedItem(key) as HTMLInputElement | null)?.value.trim() ?? '';
          if (value) q.set(key, value);
        }
        navigate(`/mail-deliveries?${q.toString()}`);
      },
    },
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'Status',
        name: 'status',
        value: filters.status,
        options: ['', 'pending', 'sending', 'sent', 'failed'].map((s) => ({ value: s, label: s || 'Any status' })),
      }),
      selectField({
        label: 'About',
        name: 'entity_type',
        value: filters.entity_type,
        options: ['', 'ticket', 'maintenance', 'noc_event', 'invalidation'].map((s) => ({
          value: s,
          label: s ? s.replace('_', ' ') : 'Anything',
        })),
      }),
      inputField({ label: 'Reference', name: 'entity_id', value: filters.entity_id, hint: 'e.g. TKT-2026-000001' }),
    ),
    h('button', { type: 'submit' }, 'Apply filters'),
  );
  const rows = items.map((d) =>
    h(
      'tr',
      { dataset: { delivery: String(d.id), status: d.status } },
      h('th', { scope: 'row' }, String(d.id)),
      h('td', null, d.to),
      h('td', null, d.subject, h('br'), h('span', { class: 'muted small mono' }, d.template)),
      h('td', null, entityLink(d)),
      h('td', null, statusBadge(d.status)),
      h('td', { class: 'num' }, String(d.attempts)),
      h('td', null, d.last_error ?? '—'),
      h('td', null, formatGmt(d.created_at)),
      h('td', null, d.status === 'sent' ? formatGmt(d.sent_at) : formatGmt(d.next_attempt_at)),
      h(
        'td',
        null,
        mayRetry && d.status === 'failed'
          ? button(
              'Retry',
              async () => {
                try {
                  await api.post(`/api/v1/mail-deliveries/${d.id}/retry`);
                  announce(`Mail ${d.id} queued again.`);
                  refresh();
                } catch (error) {
                  fillErrorBox(alert, error);
                }
              },
              { class: 'small', 'aria-label': `Retry mail ${d.id} to ${d.to}` },
            )
          : '',
      ),
    ),
  );
  const pagerQuery = new URLSearchParams(query);
  if (next) pagerQuery.set('cursor', next);
  return page(
    'Mail deliveries',
    h('p', null, 'Every email the portal queued, newest first. Times are GMT.'),
    form,
    alert,
    items.length === 0
      ? h('p', { class: 'muted' }, 'No mail matches.')
      : h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { class: 'mail-deliveries' },
            h('caption', null, 'Queued and sent mail'),
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                [
                  'Id',
                  'To',
                  'Subject',
                  'About',
                  'Status',
                  'Attempts',
                  'Last error',
                  'Queued',
                  'Sent / next attempt',
                  '',
                ].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h('tbody', null, rows),
          ),
        ),
    next ? h('p', null, h('a', { href: `/mail-deliveries?${pagerQuery.toString()}`, rel: 'next' }, 'Next page')) : null,
  );
}
