// The edge network as the portal shows it (docs/noc.md, issue 7): each edge's declared capacity
// and the monitor's last report on it, and the words and numbers the NOC reads from them. Pure
// functions, no DOM, so they are tested without a browser (tests/network-health.test.mjs).

export type MonitorState = 'up' | 'down' | 'draining' | 'unknown';

// What the edge declared it can serve; 0 means "not declared".
export interface EdgeCapacity {
  requests_per_second: number;
  bytes_per_second: number;
}

// The freshest monitor report on an edge (at most 30 s old by the portal's clock); null when no
// monitor reported it in that time.
export interface MonitorHealth {
  state: MonitorState | string;
  since?: string | null;
  checked_at?: string | null;
  monitor_id?: string | null;
  requests_per_second?: number | null;
  bytes_per_second?: number | null;
  error_rate?: number | null;
  overloaded?: boolean;
  detail?: string | null;
}

// One edge of GET /api/v1/network/topology.
export interface TopologyEdge {
  edge_id: string;
  cache_group: string;
  role: 'edge' | 'shield' | string;
  address: string;
  admin_address?: string | null;
  capacity?: EdgeCapacity | null;
  draining?: boolean;
  maintenance_reference?: string | null;
  health?: MonitorHealth | null;
}

export interface Topology {
  generated_at: string;
  network: string;
  cdn_domain: string;
  edges: TopologyEdge[];
  services: string[];
}

export interface CacheGroup {
  name: string;
  shields: TopologyEdge[];
  edges: TopologyEdge[];
}

// Cache groups by name; in each, shields before edges, each by edge id.
export function groupByCacheGroup(edges: TopologyEdge[]): CacheGroup[] {
  const groups = new Map<string, CacheGroup>();
  for (const edge of edges) {
    const name = edge.cache_group || '(none)';
    if (!groups.has(name)) groups.set(name, { name, shields: [], edges: [] });
    const group = groups.get(name)!;
    (edge.role === 'shield' ? group.shields : group.edges).push(edge);
  }
  const byId = (a: TopologyEdge, b: TopologyEdge) => a.edge_id.localeCompare(b.edge_id);
  return [...groups.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((g) => ({ ...g, shields: g.shields.sort(byId), edges: g.edges.sort(byId) }));
}

// The monitor's state word, "no report" when no monitor reported the edge recently.
export function monitorState(health: MonitorHealth | null | undefined): MonitorState | 'no report' {
  if (!health) return 'no report';
  return health.state === 'up' || health.state === 'down' || health.state === 'draining' ? health.state : 'unknown';
}

// How the state looks: up is good, down is bad, draining and unknown need attention.
export function stateKind(state: string): 'ok' | 'bad' | 'pending' | 'none' {
  if (state === 'up') return 'ok';
  if (state === 'down') return 'bad';
  if (state === 'no report') return 'none';
  return 'pending';
}

const grouped = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

// Requests per second as an operator reads them: two decimals below 100, whole numbers above.
export function formatRequestRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '—';
  return perSecond >= 100 ? grouped.format(perSecond) : (Math.round(perSecond * 100) / 100).toString();
}

const bitUnits = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];

// Bandwidth from bytes per second, in decimal bit units (how links and capacity are quoted):
// 125000000 B/s → "1 Gbit/s", 10240 B/s → "81.9 kbit/s".
export function formatBandwidth(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond)) return '—';
  let value = bytesPerSecond * 8;
  let unit = 0;
  while (value >= 1000 && unit < bitUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const text = value.toFixed(digits).replace(/\.0$/, '');
  return `${text} ${bitUnits[unit]}`;
}

// The share of a declared capacity in use; null when no capacity is declared or no figure known.
export function utilisation(value: number | null | undefined, capacity: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  if (!capacity || capacity <= 0) return null;
  return value / capacity;
}

export function formatShare(share: number | null): string {
  if (share === null) return '';
  return share < 0.001 && share > 0 ? '<0.1 %' : `${(share * 100).toFixed(1)} %`;
}

// "12.5 of 20,000 req/s (0.1 %)", "12.5 req/s (no capacity declared)", "—" without a report.
export function loadText(
  value: number | null | undefined,
  capacity: number | null | undefined,
  format: (n: number) => string,
  unit: string,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const shown = `${format(value)}${unit}`;
  if (!capacity || capacity <= 0) return `${shown} (no capacity declared)`;
  return `${format(value)} of ${format(capacity)}${unit} (${formatShare(utilisation(value, capacity))})`;
}

export function requestLoad(health: MonitorHealth | null | undefined, capacity: EdgeCapacity | null | undefined) {
  return loadText(health?.requests_per_second, capacity?.requests_per_second, formatRequestRate, ' req/s');
}

export function bandwidthLoad(health: MonitorHealth | null | undefined, capacity: EdgeCapacity | null | undefined) {
  return loadText(health?.bytes_per_second, capacity?.bytes_per_second, formatBandwidth, '');
}

// Declared capacity in one line: "20,000 req/s · 1 Gbit/s", "not declared".
export function capacityText(capacity: EdgeCapacity | null | undefined): string {
  const parts: string[] = [];
  if (capacity?.requests_per_second) parts.push(`${formatRequestRate(capacity.requests_per_second)} req/s`);
  if (capacity?.bytes_per_second) parts.push(formatBandwidth(capacity.bytes_per_second));
  return parts.length > 0 ? parts.join(' · ') : 'not declared';
}

// Error rate (0..1) as a percentage with two decimals: small rates matter on a CDN.
export function formatErrorRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(2)} %`;
}

// Counts over a topology for the summary tiles.
export function networkCounts(edges: TopologyEdge[]) {
  const state = (s: string) => edges.filter((e) => monitorState(e.health) === s).length;
  return {
    shields: edges.filter((e) => e.role === 'shield').length,
    edges: edges.filter((e) => e.role !== 'shield').length,
    up: state('up'),
    down: state('down'),
    draining: edges.filter((e) => e.draining || monitorState(e.health) === 'draining').length,
    unknown: state('unknown') + state('no report'),
    overloaded: edges.filter((e) => e.health?.overloaded).length,
  };
}
