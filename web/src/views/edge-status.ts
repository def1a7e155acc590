// The per-edge status table of a deployment or an invalidation, and its summary counts.
import type { EdgeStatus } from '../api/types';
import { personName } from '../api/types';
import { session } from '../app/session';
import { formatTime, h } from '../ui/dom';
import { statusBadge, table } from './common';

export function normaliseEdges(data: unknown): EdgeStatus[] {
  const r = (data ?? {}) as Record<string, unknown>;
  const list = (r.edges ?? r.edge_status ?? r.acks ?? []) as Array<Record<string, unknown>>;
  return list.map((e) => ({
    edge_id: String(e.edge_id ?? e.id ?? ''),
    status: String(e.status ?? (e.acknowledged_at || e.applied_at ? 'applied' : 'pending')),
    detail: (e.detail as string | undefined) ?? undefined,
    acknowledged_at: (e.acknowledged_at ?? e.applied_at ?? e.acked_at ?? null) as string | null,
    network: (e.network as string | undefined) ?? undefined,
  }));
}

export function edgeSummary(edges: EdgeStatus[]): string {
  const done = edges.filter((e) => e.status === 'applied' || e.status === 'complete').length;
  const failed = edges.filter((e) => e.status === 'failed').length;
  return `${done} of ${edges.length} edges applied${failed ? `, ${failed} failed` : ''}`;
}

export function edgeTable(edges: EdgeStatus[]): HTMLElement {
  return table(
    'Status per edge',
    ['Edge', 'Status', 'Acknowledged', 'Detail'],
    edges.map((e) => [
      h('span', { class: 'mono' }, e.edge_id),
      statusBadge(e.status),
      formatTime(e.acknowledged_at),
      e.detail ?? '',
    ]),
    { empty: 'No active edges are expected to apply this.' },
  );
}

// One word for a deployment or invalidation: `status` when the API sends one, else derived from
// `complete`/`completed_at` and the per-edge summary. `done` is the word for finished.
export function overallStatus(data: unknown, done: 'applied' | 'complete'): string {
  const r = (data ?? {}) as Record<string, unknown>;
  if (typeof r.status === 'string') return r.status;
  if (r.complete === true || (typeof r.completed_at === 'string' && r.completed_at)) return done;
  const summary = (r.summary ?? r) as Record<string, unknown>;
  if (Number(summary.failed ?? 0) > 0) return 'failed';
  return 'pending';
}

// Who asked: the requester's name, user id or API key.
export function requester(data: unknown): string {
  const r = (data ?? {}) as Record<string, unknown>;
  if (typeof r.requested_by_name === 'string' && r.requested_by_name) return r.requested_by_name;
  if ((r.requested_by === null || r.requested_by === undefined) && typeof r.requested_by_key === 'string')
    return `API key ${r.requested_by_key}`;
  const me = session()?.user.id;
  const id =
    typeof r.requested_by === 'number' ? r.requested_by : (r.requested_by as { user_id?: unknown } | null)?.user_id;
  if (me !== undefined && id === me) return 'you';
  return personName(r.requested_by);
}

export function requestedAt(data: unknown): unknown {
  const r = (data ?? {}) as Record<string, unknown>;
  return r.requested_at ?? r.created_at ?? null;
}
