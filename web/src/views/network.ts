// The Network page (provider staff): the topology the router and the shields work from
// (GET /api/v1/network/topology), grouped by cache group — shields and edges with their role,
// addresses, declared capacity, maintenance drain and the health monitor's view — with the CDN
// domain and the services the router answers for. It reads the topology again every 5 seconds
// while it is on screen (the monitor reports at least that often). Customers get the refusal page.
import { api } from '../api/client';
import type { Params } from '../app/router';
import {
  capacityText,
  groupByCacheGroup,
  networkCounts,
  type CacheGroup,
  type Topology,
  type TopologyEdge,
} from '../network/health';
import { h } from '../ui/dom';
import { formatCount } from '../ui/format';
import { autoRefresh } from './auto-refresh';
import { errorPage, page } from './common';
import { loadCells, monitorStateCell, rowClass } from './network-health';

export const networkRefreshMs = 5_000;
const networks = ['production', 'staging'] as const;

function drainCell(e: TopologyEdge): HTMLElement | string {
  if (!e.draining) return 'no';
  return h(
    'span',
    null,
    h('span', { class: 'badge badge-pending' }, 'draining'),
    e.maintenance_reference
      ? [' ', h('a', { href: `/maintenance/${encodeURIComponent(e.maintenance_reference)}` }, e.maintenance_reference)]
      : null,
  );
}

function groupSection(group: CacheGroup): HTMLElement {
  const id = `group-${group.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const members = [...group.shields, ...group.edges];
  return h(
    'section',
    { class: 'network-group', 'aria-labelledby': id, dataset: { cacheGroup: group.name } },
    h('h2', { id }, 'Cache group ', h('span', { class: 'mono' }, group.name)),
    h(
      'p',
      { class: 'muted' },
      `${group.shields.length} ${group.shields.length === 1 ? 'shield' : 'shields'}, `,
      `${group.edges.length} ${group.edges.length === 1 ? 'edge' : 'edges'}`,
    ),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'network-edges' },
        h('caption', null, `Cache group ${group.name}: shields first, then edges`),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            [
              'Edge',
              'Role',
              'Address',
              'Admin address',
              'Capacity',
              'Draining',
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
          members.map((e) =>
            h(
              'tr',
              { class: rowClass(e.health), dataset: { edge: e.edge_id, role: e.role } },
              h(
                'th',
                { scope: 'row' },
                h('a', { href: `/edges/${encodeURIComponent(e.edge_id)}`, class: 'mono' }, e.edge_id),
              ),
              h('td', null, e.role === 'shield' ? h('span', { class: 'badge badge-role' }, 'shield') : 'edge'),
              h('td', { class: 'mono' }, e.address),
              h('td', { class: 'mono' }, e.admin_address ? e.admin_address : h('span', { class: 'muted' }, 'none')),
              h('td', null, capacityText(e.capacity)),
              h('td', null, drainCell(e)),
              h('td', { dataset: { col: 'monitor' } }, monitorStateCell(e.health)),
              ...loadCells(e.health, e.capacity),
            ),
          ),
        ),
      ),
    ),
  );
}

function topologyBody(data: Topology): HTMLElement {
  const counts = networkCounts(data.edges);
  const groups = groupByCacheGroup(data.edges);
  const tiles: Array<[string, string, number]> = [
    ['groups', 'Cache groups', groups.length],
    ['shields', 'Shields', counts.shields],
    ['edges', 'Edges', counts.edges],
    ['up', 'Up', counts.up],
    ['down', 'Down', counts.down],
    ['draining', 'Draining', counts.draining],
    ['unknown', 'Unknown or no report', counts.unknown],
    ['overloaded', 'Overloaded', counts.overloaded],
    ['services', 'Services answered', data.services.length],
  ];
  return h(
    'div',
    { class: 'network-body' },
    h(
      'dl',
      { class: 'tiles', 'aria-label': `Summary of the ${data.network} network` },
      tiles.map(([key, label, value]) =>
        h(
          'div',
          { class: 'tile', dataset: { tile: key } },
          h('dt', null, label),
          h('dd', null, h('span', { class: 'tile-value' }, formatCount(value))),
        ),
      ),
    ),
    groups.length === 0
      ? h('p', { class: 'muted', dataset: { empty: 'edges' } }, `No active edges in the ${data.network} network.`)
      : groups.map(groupSection),
    h(
      'section',
      { 'aria-labelledby': 'network-services-title' },
      h('h2', { id: 'network-services-title' }, 'Services answered'),
      h(
        'p',
        null,
        `The router answers for ${formatCount(data.services.length)} ${data.services.length === 1 ? 'service' : 'services'} `,
        '(active or suspended) as ',
        h('span', { class: 'mono' }, `<SCID>.${data.cdn_domain}`),
        '.',
      ),
      data.services.length > 0
        ? h(
            'ul',
            { class: 'scid-list' },
            data.services.map((scid) =>
              h('li', null, h('a', { href: `/services/${encodeURIComponent(scid)}`, class: 'mono' }, scid)),
            ),
          )
        : null,
    ),
  );
}

export async function networkView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  // Anything but production or staging is the API's to refuse (400 with its words).
  const network = query.get('network') ?? 'production';
  const read = async () => (await api.get<Topology>('/api/v1/network/topology', { query: { network } })).data;
  // The first read decides the page: a refusal (customers) is the error page, not a loop.
  let initial: Topology;
  try {
    initial = await read();
  } catch (error) {
    return errorPage(error);
  }
  const region = autoRefresh({
    intervalMs: networkRefreshMs,
    what: 'the topology',
    initial,
    load: read,
    render: topologyBody,
    generatedAt: (data) => data.generated_at,
  });
  const view = page(
    'Network',
    h(
      'p',
      null,
      'CDN domain ',
      h('strong', { class: 'mono', dataset: { cdnDomain: initial.cdn_domain } }, initial.cdn_domain),
      '. Every active edge by cache group, as the router and the shields see it; "Monitor" is the health ',
      "monitor's latest report (none when no monitor reported the edge in the last 30 seconds). ",
      `Read again every ${networkRefreshMs / 1000} seconds. Times are GMT.`,
    ),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Network' },
      h(
        'ul',
        null,
        networks.map((n) =>
          h(
            'li',
            null,
            h(
              'a',
              { href: `/network?network=${n}`, 'aria-current': n === network ? 'page' : undefined },
              n === 'production' ? 'Production' : 'Staging',
            ),
          ),
        ),
      ),
    ),
    region.toolbar,
    region.alert,
    region.body,
  );
  region.start(view);
  return view;
}
