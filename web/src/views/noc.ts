// The NOC dashboard (provider staff): every edge with its control-plane status (last contact),
// the monitor's view of it (state, load against declared capacity, error rate) and whether
// maintenance drains it, the open monitoring events, and the open tickets by severity. It reads the
// dashboard again every 10 seconds while it is on screen (and not paused); leaving the page ends
// the loop.
import { api } from '../api/client';
import type { Params } from '../app/router';
import { monitorState } from '../network/health';
import { h } from '../ui/dom';
import { formatCount } from '../ui/format';
import { formatGmt } from '../support/gmt';
import type { NocDashboard, NocEdge, NocEvent, NocEventDetail } from '../support/types';
import { autoRefresh } from './auto-refresh';
import { errorPage, page, statusBadge, table } from './common';
import { loadCells, monitorStateCell, rowClass } from './network-health';
import { severityBadge, ticketLink, ticketTable } from './tickets';

export const nocRefreshMs = 10_000;

function edgeStatus(edge: NocEdge): HTMLElement {
  const kind = edge.status === 'up' ? 'ok' : edge.status === 'down' ? 'bad' : 'pending';
  return h('span', { class: `badge badge-${kind}`, dataset: { status: edge.status } }, edge.status);
}

function drainCell(e: NocEdge): HTMLElement | string {
  if (!e.draining) return 'no';
  return h(
    'span',
    null,
    h('span', { class: 'badge badge-pending' }, 'draining'),
    ' ',
    e.maintenance_reference
      ? h('a', { href: `/maintenance/${encodeURIComponent(e.maintenance_reference)}` }, e.maintenance_reference)
      : null,
  );
}

function edgesTable(edges: NocEdge[]): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'noc-edges' },
      h('caption', null, "Every edge: last contact, draining, and the monitor's view"),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          [
            'Edge',
            'Cache group',
            'Address',
            'Network',
            'Status',
            'Draining',
            'Last seen (GMT)',
            'Monitor',
            'Requests/s',
            'Bandwidth',
            'Error rate',
          ].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        edges.map((e) =>
          h(
            'tr',
            { class: rowClass(e.monitor_health), dataset: { edge: e.edge_id } },
            h(
              'th',
              { scope: 'row', class: 'mono' },
              h('a', { href: `/edges/${encodeURIComponent(e.edge_id)}` }, e.edge_id),
            ),
            h('td', null, e.cache_group ?? ''),
            h('td', { class: 'mono' }, e.address ?? ''),
            h('td', null, e.network ?? ''),
            h('td', null, edgeStatus(e)),
            h('td', null, drainCell(e)),
            h('td', null, formatGmt(e.last_seen)),
            h('td', { dataset: { col: 'monitor' } }, monitorStateCell(e.monitor_health)),
            ...loadCells(e.monitor_health, e.capacity),
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
  const monitored = (state: string) => data.edges.filter((e) => monitorState(e.monitor_health) === state).length;
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
          ['monitor-down', 'Monitor: down', monitored('down')],
          ['monitor-overloaded', 'Monitor: overloaded', data.edges.filter((e) => e.monitor_health?.overloaded).length],
          ['monitor-none', 'No monitor report', monitored('no report')],
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
  const region = autoRefresh({
    intervalMs: nocRefreshMs,
    what: 'the dashboard',
    initial,
    load: async () => (await api.get<NocDashboard>('/api/v1/noc/dashboard')).data,
    render: dashboardBody,
    generatedAt: (data) => data.generated_at,
  });
  const view = page(
    'NOC dashboard',
    h(
      'p',
      null,
      'Edges, open monitoring events and open tickets, read again every 10 seconds. Times are GMT. ',
      '"Status" is the control plane\'s view (when the edge last polled the portal); "Monitor" is the health ',
      "monitor's (its checks of the edge and the load it measured).",
    ),
    region.toolbar,
    region.alert,
    region.body,
  );
  region.start(view);
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
