// Provider staff: the registered edges and when each was last seen.
import { api } from '../api/client';
import { formatTime, h } from '../ui/dom';
import { errorPage, page, statusBadge, table } from './common';

interface Edge {
  edge_id: string;
  cache_group?: string;
  address?: string;
  role?: string;
  network?: string;
  active?: boolean;
  last_seen?: string | null;
  last_sequence?: number;
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
    table(
      'Registered edges',
      ['Edge', 'Cache group', 'Address', 'Role', 'Network', 'State', 'Last seen'],
      edges.map((e) => [
        h('span', { class: 'mono' }, e.edge_id),
        e.cache_group ?? '',
        h('span', { class: 'mono' }, e.address ?? ''),
        e.role ?? '',
        e.network ?? '',
        statusBadge(e.active === false ? 'inactive' : 'active'),
        formatTime(e.last_seen ?? null),
      ]),
      { captionHidden: true, empty: 'No edges are registered.' },
    ),
  );
}
