// The NOC dashboard (provider staff): every edge with its status and whether maintenance drains
// it, the open monitoring events, and the open tickets by severity. It reads the dashboard again
// every 10 seconds while it is on screen (and not paused); leaving the page ends the loop.
import { api } from '../api/client';
import type { Params } from '../app/router';
import { h } from '../ui/dom';
import { errorBox, fillErrorBox, loading } from '../ui/feedback';
import { formatCount } from '../ui/format';
import { formatGmt } from '../support/gmt';
import type { NocDashboard, NocEdge, NocEvent, NocEventDetail } from '../support/types';
import { errorPage, page, statusBadge, table } from './common';
import { severityBadge, ticketLink, ticketTable } from './tickets';

export const nocRefreshMs = 10_000;

function edgeStatus(edge: NocEdge): HTMLElement {
  const kind = edge.status === 'up' ? 'ok' : edge.status === 'down' ? 'bad' : 'pending';
  return h('span', { class: `badge badge-${kind}`, dataset: { status: edge.status } }, edge.status);
}

function edgesTable(edges: NocEdge[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'noc-edges' },
      h('caption', null, 'Every edge: status, draining and last contact'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Edge', 'Cache group', 'Address', 'Network', 'Status', 'Draining', 'Last seen (GMT)'].map((t) =>
            h('th', { scope: 'col' }, t),
          ),
        ),
      ),
      h(
        'tbody',
        null,
        edges.map((e) =>
          h(
            'tr',
            { dataset: { edge: e.edge_id } },
            h('th', { scope: 'row', class: 'mono' }, e.edge_id),
            h('td', null, e.cache_group ?? ''),
            h('td', { class: 'mono' }, e.address ?? ''),
            h('td', null, e.network ?? ''),
            h('td', null, edgeStatus(e)),
            h(
              'td',
              null,
              e.draining
                ? h(
                    'span',
                    null,
                    h('span', { class: 'badge badge-pending' }, 'draining'),
                    ' ',
                    e.maintenance_reference
                      ? h(
                          'a',
                          { href: `/maintenance/${encodeURIComponent(e.maintenance_reference)}` },
                          e.maintenance_reference,
                        )
                      : null,
                  )
                : 'no',
            ),
            h('td', null, formatGmt(e.last_seen)),
          ),
        ),
      ),
    ),
  );
}

function eventsTable(events: NocEvent[], caption: string): HTMLElement {
  if (events.length === 0) return h('p', { class: 'muted', dataset: { empty: 'events' } }, 'No open events.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'noc-events' },
      h('caption', null, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [
            'Event',
            'Kind',
            'Severity',
            'Summary',
            'Edge / service',
            'First seen (GMT)',
            'Last seen (GMT)',
            'Occurrences',
          ].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        events.map((e) =>
          h(
            'tr',
            { dataset: { event: e.reference } },
            h(
              'th',
              { scope: 'row' },
              h('a', { href: `/noc/events/${encodeURIComponent(e.reference)}`, class: 'mono' }, e.reference),
            ),
            h('td', null, e.kind.replace(/_/g, ' ')),
            h('td', null, severityBadge(e.severity)),
            h('td', null, e.summary),
            h('td', { class: 'mono' }, [e.edge_id, e.scid, e.property].filter(Boolean).join(' · ') || '—'),
            h('td', null, formatGmt(e.first_seen_at)),
            h('td', null, formatGmt(e.last_seen_at)),
            h('td', { class: 'num' }, formatCount(e.occurrences ?? 1)),
          ),
        ),
      ),
    ),
  );
}

function dashboardBody(data: NocDashboard): HTMLElement {
  const count = (status: string) => data.edges.filter((e) => e.status === status).length;
  const bySeverity = data.open_tickets?.by_severity ?? {};
  return h(
    'div',
    { class: 'noc-body' },
    h(
      'dl',
      { class: 'tiles' },
      (
        [
          ['edges-up', 'Edges up', count('up')],
          ['edges-stale', 'Edges stale', count('stale')],
          ['edges-down', 'Edges down', count('down')],
          ['edges-draining', 'Edges draining', data.edges.filter((e) => e.draining).length],
          ['open-events', 'Open events', data.open_events.length],
          ...[1, 2, 3, 4].map((n) => [`tickets-s${n}`, `Open S${n} tickets`, Number(bySeverity[String(n)] ?? 0)]),
        ] as Array<[string, string, number]>
      ).map(([key, label, value]) =>
        h(
          'div',
          { class: 'tile', dataset: { tile: key } },
          h('dt', null, label),
          h('dd', null, h('span', { class: 'tile-value' }, formatCount(value))),
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'noc-edges-title' },
      h('h2', { id: 'noc-edges-title' }, 'Edges'),
      edgesTable(data.edges),
    ),
    h(
      'section',
      { 'aria-labelledby': 'noc-events-title' },
      h('h2', { id: 'noc-events-title' }, 'Open events'),
      eventsTable(data.open_events, 'Open monitoring events'),
    ),
    h(
      'section',
      { 'aria-labelledby': 'noc-tickets-title' },
      h('h2', { id: 'noc-tickets-title' }, 'Open tickets'),
      ticketTable('Open tickets, most urgent first', data.open_tickets?.items ?? [], { staff: true }),
    ),
  );
}

export async function nocView(): Promise<HTMLElement> {
  // The first read decides the page: a refusal (customers) is the error page, not a loop.
  let initial: NocDashboard;
  try {
    initial = (await api.get<NocDashboard>('/api/v1/noc/dashboard')).data;
  } catch (error) {
    return errorPage(error);
  }
  const alert = errorBox(null);
  const updated = h('p', { class: 'muted live-updated', 'aria-live': 'polite' }, 'Loading…');
  const body = h('div', { class: 'noc-region' }, loading('the dashboard'));
  let paused = false;
  let timer = 0;
  let last = '';
  let inFlight = false;
  let first = true;
  const pauseButton: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      'aria-pressed': 'false',
      onClick: () => {
        paused = !paused;
        pauseButton.setAttribute('aria-pressed', String(paused));
        pauseButton.textContent = paused ? 'Resume updates' : 'Pause updates';
        if (paused) {
          window.clearTimeout(timer);
          updated.textContent = `${last} Updates paused.`;
        } else {
          void tick();
        }
      },
    },
    'Pause updates',
  );
  // One read, then the next after the interval, for as long as the view is in the document.
  const tick = async () => {
    window.clearTimeout(timer);
    if (inFlight || (!first && !view.isConnected)) return;
    inFlight = true;
    try {
      const data = first ? initial : (await api.get<NocDashboard>('/api/v1/noc/dashboard')).data;
      first = false;
      fillErrorBox(alert, null);
      body.replaceChildren(dashboardBody(data));
      last = `Updated at ${formatGmt(data.generated_at)}.`;
    } catch (error) {
      fillErrorBox(alert, error);
      last = 'The last update failed.';
    } finally {
      inFlight = false;
    }
    if (paused) {
      updated.textContent = `${last} Updates paused.`;
    } else if (view.isConnected || !viewShown) {
      updated.textContent = `${last} Next update in ${nocRefreshMs / 1000} s.`;
      timer = window.setTimeout(() => void tick(), nocRefreshMs);
    }
  };
  let viewShown = false;
  const view = page(
    'NOC dashboard',
    h('p', null, 'Edges, open monitoring events and open tickets, read again every 10 seconds. Times are GMT.'),
    h('div', { class: 'toolbar live-toolbar' }, updated, pauseButton),
    alert,
    body,
  );
  await tick();
  viewShown = true;
  return view;
}

export async function nocEventView(params: Params): Promise<HTMLElement> {
  let event: NocEventDetail;
  try {
    event = (
      await api.get<NocEvent & { details?: unknown }>(`/api/v1/noc/events/${encodeURIComponent(params.reference!)}`)
    ).data;
  } catch (error) {
    return errorPage(error, 'event');
  }
  // One ticket per affected service (docs/noc.md).
  const linked = (event.linked_tickets ?? []).filter((t) => t.reference);
  return page(
    `${event.reference}: ${event.summary}`,
    h('p', null, h('a', { href: '/noc' }, '← NOC dashboard')),
    h(
      'dl',
      { class: 'details card' },
      (
        [
          ['Kind', event.kind.replace(/_/g, ' ')],
          ['State', statusBadge(event.state)],
          ['Severity', severityBadge(event.severity)],
          ['Edge', event.edge_id ?? '—'],
          ['Service', event.scid ?? '—'],
          ['Property', event.property ?? '—'],
          ['First seen', formatGmt(event.first_seen_at)],
          ['Last seen', formatGmt(event.last_seen_at)],
          ['Resolved', formatGmt(event.resolved_at)],
          ['Occurrences', formatCount(event.occurrences ?? 1)],
        ] as Array<[string, string | HTMLElement]>
      ).map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
    ),
    h('h2', null, 'Linked tickets'),
    linked.length === 0
      ? h('p', { class: 'muted' }, 'No tickets were opened for this event.')
      : table(
          'Tickets opened for this event',
          ['Ticket', 'State', 'Severity', 'Service', 'Customer', 'Linked (GMT)'],
          linked.map((t) => [
            ticketLink(t.reference),
            t.state ?? '—',
            t.severity ? severityBadge(t.severity) : '—',
            h('span', { class: 'mono' }, t.scid),
            `${t.customer_name ?? ''} (${t.customer_number})`,
            formatGmt(t.linked_at),
          ]),
        ),
    event.details ? h('h2', null, 'Details') : null,
    event.details ? h('pre', { class: 'mono' }, JSON.stringify(event.details, null, 2)) : null,
  );
}
