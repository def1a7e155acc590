// The live view of a service: the last 15 minutes per property (request rate, hit ratio,
// errors and 5xx answers), read again every 10 seconds while the view is on screen. Updates
// can be paused (moving content must be stoppable), and they are not announced every time; the
// "updated at" line says how fresh the figures are.
import { api } from '../api/client';
import type { Service } from '../api/types';
import type { Params } from '../app/router';
import { formatTime, h } from '../ui/dom';
import { chart } from '../ui/charts';
import { dataTable } from '../ui/data-table';
import { errorBox, fillErrorBox, loading } from '../ui/feedback';
import { formatBytes, formatCount, formatPercent, formatRate } from '../ui/format';
import { bucketLabel } from '../usage/period';
import type { LiveMinute, LiveReport } from '../usage/types';
import { errorPage, loadService, serviceFrame } from './common';

const minutes = 15;
export const liveIntervalMs = 10_000;

// Hit ratio over several minutes, weighted by their requests.
function windowHitRatio(series: LiveMinute[]): number | null {
  let requests = 0;
  let hits = 0;
  for (const m of series) {
    if (m.hit_ratio === null || m.requests === 0) continue;
    requests += m.requests;
    hits += m.hit_ratio * m.requests;
  }
  return requests > 0 ? hits / requests : null;
}

function sum(series: LiveMinute[], key: 'requests' | 'errors' | 'status_5xx' | 'bytes'): number {
  return series.reduce((total, m) => total + (m[key] ?? 0), 0);
}

function propertyCard(property: string, series: LiveMinute[]): HTMLElement {
  const labels = series.map((m) => bucketLabel(m.minute, 'minute').slice(11));
  // The last minute is still counting; the one before it is the latest complete rate.
  const lastFull = series.length > 1 ? series[series.length - 2]! : null;
  const headingId = `live-${property.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return h(
    'section',
    { class: 'card live-property', 'aria-labelledby': headingId, dataset: { property } },
    h('h2', { id: headingId }, 'Property ', h('span', { class: 'mono' }, property)),
    h(
      'dl',
      { class: 'tiles', 'aria-label': `Last ${minutes} minutes of ${property}` },
      h(
        'div',
        { class: 'tile', dataset: { tile: 'rps' } },
        h('dt', null, 'Requests/s'),
        h(
          'dd',
          null,
          h('span', { class: 'tile-value' }, formatRate(lastFull?.rps ?? 0)),
          h(
            'span',
            { class: 'tile-detail' },
            lastFull ? `minute ${bucketLabel(lastFull.minute, 'minute').slice(11)} UTC` : '',
          ),
        ),
      ),
      h(
        'div',
        { class: 'tile', dataset: { tile: 'requests' } },
        h('dt', null, `Requests (${minutes} min)`),
        h('dd', null, h('span', { class: 'tile-value' }, formatCount(sum(series, 'requests')))),
      ),
      h(
        'div',
        { class: 'tile', dataset: { tile: 'hit-ratio' } },
        h('dt', null, `Hit ratio (${minutes} min)`),
        h('dd', null, h('span', { class: 'tile-value' }, formatPercent(windowHitRatio(series)))),
      ),
      h(
        'div',
        { class: 'tile', dataset: { tile: 'errors' } },
        h('dt', null, `Errors (${minutes} min)`),
        h('dd', null, h('span', { class: 'tile-value' }, formatCount(sum(series, 'errors')))),
      ),
      h(
        'div',
        { class: 'tile', dataset: { tile: '5xx' } },
        h('dt', null, `5xx answers (${minutes} min)`),
        h('dd', null, h('span', { class: 'tile-value' }, formatCount(sum(series, 'status_5xx')))),
      ),
    ),
    h(
      'div',
      { class: 'chart-pair' },
      chart({
        label: `Request rate of ${property}, last ${minutes} minutes`,
        description:
          `Requests per second, averaged per minute (bars) and hit ratio (line, right axis) for each of the last ` +
          `${minutes} minutes; the table lists the same figures.`,
        labels,
        bars: [{ name: 'Requests/s', values: series.map((m) => m.rps), className: 'chart-1' }],
        line: { name: 'Hit ratio', values: series.map((m) => m.hit_ratio), className: 'chart-line-3', axis: 'right' },
        leftFormat: formatRate,
        right: { format: (v) => `${Math.round(v * 100)} %`, max: 1 },
        hover: (i) => {
          const m = series[i]!;
          return `${labels[i]} UTC: ${formatRate(m.rps)} req/s, hit ratio ${formatPercent(m.hit_ratio)}, ${formatCount(m.errors)} errors, ${formatCount(m.status_5xx)} 5xx`;
        },
      }),
      dataTable(
        `${property}: last ${minutes} minutes (UTC)`,
        [
          { header: 'Minute (UTC)' },
          { header: 'Requests', numeric: true },
          { header: 'Req/s', numeric: true },
          { header: 'Hit ratio', numeric: true },
          { header: 'Errors', numeric: true },
          { header: '5xx', numeric: true },
          { header: 'Volume', numeric: true },
        ],
        series
          .slice()
          .reverse()
          .map((m, i) => [
            labels[series.length - 1 - i] ?? '',
            formatCount(m.requests),
            formatRate(m.rps),
            formatPercent(m.hit_ratio),
            formatCount(m.errors),
            formatCount(m.status_5xx),
            formatBytes(m.bytes),
          ]),
        { scroll: true },
      ),
    ),
  );
}

export async function liveView(params: Params): Promise<HTMLElement> {
  let service: Service;
  try {
    service = await loadService(params.scid!);
  } catch (error) {
    return errorPage(error, 'service');
  }
  const scid = service.scid;
  const alert = errorBox(null);
  const updated = h('p', { class: 'muted live-updated' }, 'Loading…');
  const body = h('div', { class: 'live-body' }, loading('the live figures'));
  let paused = false;
  let timer = 0;
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

  const render = (report: LiveReport) => {
    const properties = report.properties.slice().sort((a, b) => a.property.localeCompare(b.property));
    body.replaceChildren(
      ...(properties.length > 0
        ? properties.map((p) => propertyCard(p.property, p.series))
        : [h('p', { class: 'muted' }, `No traffic in the last ${minutes} minutes.`)]),
    );
  };

  // One read, then the next after the interval, for as long as the view is on screen: leaving
  // the view detaches it from the document, which ends the loop. The first read starts before
  // the view is attached.
  let first = true;
  let inFlight = false;
  let last = '';
  const tick = async () => {
    window.clearTimeout(timer);
    if (inFlight || (!first && !view.isConnected)) return;
    first = false;
    inFlight = true;
    try {
      const { data } = await api.get<LiveReport>('/api/v1/usage/live', { query: { scid, minutes } });
      fillErrorBox(alert, null);
      render(data);
      last = `Updated at ${formatTime(data.generated_at)}.`;
    } catch (error) {
      fillErrorBox(alert, error);
      last = 'The last update failed.';
    } finally {
      inFlight = false;
    }
    if (paused) {
      updated.textContent = `${last} Updates paused.`;
    } else if (view.isConnected) {
      updated.textContent = `${last} Next update in ${liveIntervalMs / 1000} s.`;
      timer = window.setTimeout(() => void tick(), liveIntervalMs);
    }
  };

  const view = serviceFrame(
    service,
    '/live',
    'Live',
    h(
      'p',
      null,
      `Each property's last ${minutes} minutes, the current minute included (it is still counting). `,
      `The figures are read again every ${liveIntervalMs / 1000} seconds. Times are UTC.`,
    ),
    h('div', { class: 'toolbar live-toolbar' }, updated, pauseButton),
    alert,
    body,
  );
  void tick();
  return view;
}
