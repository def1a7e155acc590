// The monitor's view of one edge as table cells and badges, shared by the NOC dashboard, the
// Network page and the edge pages. State is always a word (never colour alone); a down edge's
// row carries the class `edge-down` so it stands out in a long table.
import {
  bandwidthLoad,
  capacityText,
  formatErrorRate,
  monitorState,
  requestLoad,
  stateKind,
  type EdgeCapacity,
  type MonitorHealth,
} from '../network/health';
import { formatGmt } from '../support/gmt';
import { h } from '../ui/dom';

// "up since Tue 25 Nov 2026 11:59 GMT"; "no monitor report" when none is fresh.
export function monitorStateCell(health: MonitorHealth | null | undefined): HTMLElement {
  const state = monitorState(health);
  if (state === 'no report') {
    return h('span', { class: 'muted', dataset: { monitorState: 'none' } }, 'no monitor report');
  }
  return h(
    'span',
    { class: 'monitor-state', dataset: { monitorState: state } },
    h('span', { class: `badge badge-${stateKind(state)}` }, state),
    health?.overloaded
      ? [' ', h('span', { class: 'badge badge-bad', dataset: { overloaded: 'true' } }, 'overloaded')]
      : null,
    health?.since ? h('span', { class: 'small muted block' }, `since ${formatGmt(health.since)}`) : null,
    // Why it is not up (the monitor's words); "ok" on every healthy edge would be noise.
    health?.detail && state !== 'up' ? h('span', { class: 'small muted block' }, health.detail) : null,
  );
}

// Requests/s and bandwidth against the declared capacity, and the error rate.
export function loadCells(
  health: MonitorHealth | null | undefined,
  capacity: EdgeCapacity | null | undefined,
): HTMLElement[] {
  return [
    h('td', { class: 'num', dataset: { col: 'rps' } }, requestLoad(health, capacity)),
    h('td', { class: 'num', dataset: { col: 'bandwidth' } }, bandwidthLoad(health, capacity)),
    h('td', { class: 'num', dataset: { col: 'error-rate' } }, health ? formatErrorRate(health.error_rate) : '—'),
  ];
}

export function rowClass(health: MonitorHealth | null | undefined): string | undefined {
  return monitorState(health) === 'down' ? 'edge-down' : undefined;
}

// The monitor's report as a details list (the edge page).
export function healthDetails(
  health: MonitorHealth | null | undefined,
  capacity: EdgeCapacity | null | undefined,
): HTMLElement {
  if (!health) {
    return h(
      'p',
      { class: 'muted', dataset: { monitorState: 'none' } },
      'No monitor report: no monitor has reported on this edge in the last 30 seconds.',
    );
  }
  const rows: Array<[string, string | HTMLElement]> = [
    ['State', monitorStateCell(health)],
    ['Since', formatGmt(health.since)],
    ['Checked', formatGmt(health.checked_at)],
    ['Monitor', health.monitor_id ?? '—'],
    ['Requests/s', requestLoad(health, capacity)],
    ['Bandwidth', bandwidthLoad(health, capacity)],
    ['Error rate', formatErrorRate(health.error_rate)],
    ['Overloaded', health.overloaded ? 'yes' : 'no'],
    ['Declared capacity', capacityText(capacity)],
  ];
  return h(
    'dl',
    { class: 'details card', dataset: { section: 'monitor-health' } },
    rows.map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
  );
}
