// Provider staff: the registered edges (where each serves, its admin listener, its declared
// capacity, when it was last seen and the health monitor's view of it), and one edge's page.
import { api } from '../api/client';
import type { Params } from '../app/router';
import { capacityText, type EdgeCapacity, type MonitorHealth } from '../network/health';
import { formatTime, h } from '../ui/dom';
import { errorPage, page, statusBadge, table } from './common';
import { healthDetails, monitorStateCell } from './network-health';

interface Edge {
  edge_id: string;
  cache_group?: string;
  address?: string;
  admin_address?: string | null;
  capacity?: EdgeCapacity | null;
  role?: string;
  network?: string;
  active?: boolean;
  registered_at?: string | null;
  last_seen?: string | null;
  last_sequence?: number;
  draining?: boolean;
  maintenance_reference?: string | null;
  health?: MonitorHealth | null;
}

function edgeLink(edgeId: string): HTMLElement {
  return h('a', { href: `/edges/${encodeURIComponent(edgeId)}`, class: 'mono' }, edgeId);
}

export async function edgesView(): Promise<HTMLElement> {
  let edges: Edge[];
  try {
    edges = await api.list<Edge>('/api/v1/edges');
  } catch (error) {
    return errorPage(error);
  }
  return page(
    'Edges',
    h(
      'p',
      null,
      'Every registered edge. "Health" is the monitor\'s latest report (none when no monitor reported the edge ',
      'in the last 30 seconds); the ',
      h('a', { href: '/network' }, 'Network'),
      ' page shows the load against capacity.',
    ),
    table(
      'Registered edges',
      [
        'Edge',
        'Cache group',
        'Address',
        'Admin address',
        'Role',
        'Network',
        'Capacity',
        'State',
        'Health',
        'Last seen',
      ],
      edges.map((e) => [
        edgeLink(e.edge_id),
        e.cache_group ?? '',
        h('span', { class: 'mono' }, e.address ?? ''),
        e.admin_address ? h('span', { class: 'mono' }, e.admin_address) : h('span', { class: 'muted' }, 'none'),
        e.role ?? '',
        e.network ?? '',
        capacityText(e.capacity),
        statusBadge(e.active === false ? 'inactive' : 'active'),
        monitorStateCell(e.health),
        formatTime(e.last_seen ?? null),
      ]),
      { captionHidden: true, empty: 'No edges are registered.' },
    ),
  );
}

export async function edgeView(params: Params): Promise<HTMLElement> {
  let edge: Edge;
  try {
    edge = (await api.get<Edge>(`/api/v1/edges/${encodeURIComponent(params.edge_id!)}`)).data;
  } catch (error) {
    return errorPage(error, 'edge');
  }
  const rows: Array<[string, string | HTMLElement]> = [
    ['Cache group', edge.cache_group ?? '—'],
    ['Role', edge.role ?? '—'],
    ['Network', edge.network ?? '—'],
    ['Address', h('span', { class: 'mono' }, edge.address ?? '—')],
    [
      'Admin address',
      edge.admin_address
        ? h('span', { class: 'mono' }, edge.admin_address)
        : 'none (the monitor cannot check this edge)',
    ],
    ['Declared capacity', capacityText(edge.capacity)],
    ['State', statusBadge(edge.active === false ? 'inactive' : 'active')],
    [
      'Draining',
      edge.draining
        ? h(
            'span',
            null,
            'yes, for maintenance ',
            edge.maintenance_reference
              ? h(
                  'a',
                  { href: `/maintenance/${encodeURIComponent(edge.maintenance_reference)}` },
                  edge.maintenance_reference,
                )
              : null,
          )
        : 'no',
    ],
    ['Registered', formatTime(edge.registered_at ?? null)],
    ['Last seen', formatTime(edge.last_seen ?? null)],
  ];
  return page(
    `Edge ${edge.edge_id}`,
    h('p', null, h('a', { href: '/edges' }, '← Edges')),
    h(
      'dl',
      { class: 'details card', dataset: { section: 'edge' } },
      rows.map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
    ),
    h('h2', null, 'Monitor health'),
    healthDetails(edge.health, edge.capacity),
  );
}
