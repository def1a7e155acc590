// One usage report on screen: how complete the data is, the totals as tiles, and three charts
// (volume, requests with hit ratio, status mix), each with the table of the same figures beside
// it, plus the CSV export of the same query.
import { formatTime, h } from '../ui/dom';
import { chart } from '../ui/charts';
import { dataTable } from '../ui/data-table';
import { formatBytes, formatCount, formatMbps, formatPercent } from '../ui/format';
import { bucketLabel, bucketSeconds, type Granularity } from '../usage/period';
import type { UsageBucket, UsageReport } from '../usage/types';

export interface ReportContext {
  title: string; // e.g. "Service SC0000001, property www"
  granularity: Granularity;
  csvHref: string;
  csvName: string;
}

function tile(key: string, label: string, value: string, detail?: string): HTMLElement {
  return h(
    'div',
    { class: 'tile', dataset: { tile: key } },
    h('dt', null, label),
    h(
      'dd',
      null,
      h('span', { class: 'tile-value' }, value),
      detail ? h('span', { class: 'tile-detail' }, detail) : null,
    ),
  );
}

// "complete up to" in words, and whether the period reaches past it.
function completeness(report: UsageReport): HTMLElement {
  if (!report.complete_until) {
    return h(
      'p',
      { class: 'notice notice-warning complete-until' },
      'No edge has reported final figures yet: everything shown may still grow.',
    );
  }
  const until = new Date(report.complete_until).getTime();
  const open = until < new Date(report.to).getTime();
  return h(
    'p',
    { class: `notice ${open ? 'notice-warning' : 'notice-success'} complete-until` },
    `Data complete up to ${formatTime(report.complete_until)}.`,
    open ? ' Figures after that time are still arriving from the edges and may grow.' : '',
  );
}

function hitRatioOf(b: UsageBucket): number | null {
  if (b.hit_ratio !== null && b.hit_ratio !== undefined) return b.hit_ratio;
  return b.requests > 0 ? (b.hits + b.stale + b.revalidated) / b.requests : null;
}

function peakIndex(values: number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > (values[best] ?? 0)) best = i;
  });
  return best;
}

// Axis labels: the time of day when the period is one day or less, else the date as well.
function tickLabels(report: UsageReport, granularity: Granularity): string[] {
  const span = new Date(report.to).getTime() - new Date(report.from).getTime();
  return report.series.map((b) => {
    const iso = new Date(b.start).toISOString();
    if (granularity === 'day') return iso.slice(0, 10);
    return span <= 86_400_000 ? iso.slice(11, 16) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  });
}

function volumeSection(report: UsageReport, ctx: ReportContext, labels: string[]): HTMLElement {
  const seconds = bucketSeconds(ctx.granularity);
  const bytes = report.series.map((b) => b.bytes);
  const fill = report.series.map((b) => b.fill_bytes);
  const peak = peakIndex(bytes);
  const mbps = (value: number) => (value * 8) / seconds;
  return h(
    'section',
    { class: 'report-section', 'aria-labelledby': 'volume-title' },
    h('h3', { id: 'volume-title' }, 'Volume and bandwidth'),
    h(
      'div',
      { class: 'chart-pair' },
      chart({
        label: 'Volume and bandwidth over time',
        description:
          `Volume sent to clients per ${ctx.granularity} (bars, left axis in bytes; right axis the average ` +
          `bandwidth in Mbit/s) and cache-fill volume from origins (line). Total ${formatBytes(report.totals.bytes)}, ` +
          `highest ${formatBytes(bytes[peak] ?? 0)} at ${labels[peak] ?? '—'} UTC. The table lists every ${ctx.granularity}.`,
        labels,
        tickLabels: tickLabels(report, ctx.granularity),
        bars: [{ name: 'Volume to clients', values: bytes, className: 'chart-1' }],
        line: { name: 'Cache fill from origin', values: fill, className: 'chart-line-2', axis: 'left' },
        leftFormat: formatBytes,
        right: { format: (v) => `${(v / 1e6).toFixed(v >= 1e7 ? 0 : 2)} Mbit/s`, fromLeft: mbps },
        hover: (i) =>
          `${labels[i]} UTC: ${formatBytes(bytes[i] ?? 0)} (${formatMbps(mbps(bytes[i] ?? 0))} average), ` +
          `cache fill ${formatBytes(fill[i] ?? 0)}`,
      }),
      dataTable(
        `Volume per ${ctx.granularity} (UTC)`,
        [
          { header: 'Start (UTC)' },
          { header: 'Volume (bytes)', numeric: true },
          { header: 'Average Mbit/s', numeric: true },
          { header: 'Cache fill (bytes)', numeric: true },
        ],
        report.series.map((b, i) => [
          labels[i] ?? '',
          formatCount(b.bytes),
          (mbps(b.bytes) / 1e6).toFixed(3),
          formatCount(b.fill_bytes),
        ]),
        {
          scroll: true,
          footer: ['Total', formatCount(report.totals.bytes), '', formatCount(report.totals.fill_bytes)],
        },
      ),
    ),
  );
}

function requestsSection(report: UsageReport, ctx: ReportContext, labels: string[]): HTMLElement {
  const requests = report.series.map((b) => b.requests);
  const ratios = report.series.map(hitRatioOf);
  const peak = peakIndex(requests);
  return h(
    'section',
    { class: 'report-section', 'aria-labelledby': 'requests-title' },
    h('h3', { id: 'requests-title' }, 'Requests and hit ratio'),
    h(
      'div',
      { class: 'chart-pair' },
      chart({
        label: 'Requests and hit ratio over time',
        description:
          `Requests per ${ctx.granularity} (bars, left axis) and the cache hit ratio (line, right axis in per cent). ` +
          `Total ${formatCount(report.totals.requests)} requests, most ${formatCount(requests[peak] ?? 0)} at ` +
          `${labels[peak] ?? '—'} UTC, overall hit ratio ${formatPercent(report.totals.hit_ratio)}.`,
        labels,
        tickLabels: tickLabels(report, ctx.granularity),
        bars: [{ name: 'Requests', values: requests, className: 'chart-1' }],
        line: { name: 'Hit ratio', values: ratios, className: 'chart-line-3', axis: 'right' },
        leftFormat: (v) => formatCount(v),
        right: { format: (v) => `${Math.round(v * 100)} %`, max: 1 },
        hover: (i) =>
          `${labels[i]} UTC: ${formatCount(requests[i] ?? 0)} requests, hit ratio ${formatPercent(ratios[i])}`,
      }),
      dataTable(
        `Requests per ${ctx.granularity} (UTC)`,
        [
          { header: 'Start (UTC)' },
          { header: 'Requests', numeric: true },
          { header: 'Peak req/s', numeric: true },
          { header: 'Hit ratio', numeric: true },
          { header: 'Errors', numeric: true },
        ],
        report.series.map((b, i) => [
          labels[i] ?? '',
          formatCount(b.requests),
          formatCount(b.peak_rps),
          formatPercent(ratios[i]),
          formatCount(b.errors),
        ]),
        {
          scroll: true,
          footer: [
            'Total',
            formatCount(report.totals.requests),
            formatCount(report.totals.peak_rps),
            formatPercent(report.totals.hit_ratio),
            formatCount(report.totals.errors),
          ],
        },
      ),
    ),
  );
}

const statusClasses = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;

function statusOf(b: UsageReport['totals'] | UsageBucket, cls: (typeof statusClasses)[number]): number {
  return b[`status_${cls}`] ?? 0;
}

function statusSection(report: UsageReport, ctx: ReportContext, labels: string[]): HTMLElement {
  const total = report.totals.requests;
  const mix = statusClasses.map((cls) => `${cls} ${formatCount(statusOf(report.totals, cls))}`).join(', ');
  return h(
    'section',
    { class: 'report-section', 'aria-labelledby': 'status-title' },
    h('h3', { id: 'status-title' }, 'Status mix'),
    h(
      'div',
      { class: 'chart-pair' },
      chart({
        label: 'Responses by status class over time',
        description: `Responses per ${ctx.granularity}, stacked by status class. In total: ${mix}.`,
        labels,
        tickLabels: tickLabels(report, ctx.granularity),
        bars: statusClasses.map((cls, k) => ({
          name: cls,
          values: report.series.map((b) => statusOf(b, cls)),
          className: `chart-status-${k + 1}`,
        })),
        leftFormat: (v) => formatCount(v),
        hover: (i) => {
          const b = report.series[i]!;
          return `${labels[i]} UTC: ${statusClasses.map((cls) => `${cls} ${formatCount(statusOf(b, cls))}`).join(', ')}`;
        },
      }),
      dataTable(
        `Responses by status class per ${ctx.granularity} (UTC)`,
        [{ header: 'Start (UTC)' }, ...statusClasses.map((cls) => ({ header: cls, numeric: true }))],
        report.series.map((b, i) => [labels[i] ?? '', ...statusClasses.map((cls) => formatCount(statusOf(b, cls)))]),
        {
          scroll: true,
          footer: [
            'Total',
            ...statusClasses.map((cls) => {
              const n = statusOf(report.totals, cls);
              return total > 0 ? `${formatCount(n)} (${formatPercent(n / total)})` : formatCount(n);
            }),
          ],
        },
      ),
    ),
  );
}

export function usageReport(report: UsageReport, ctx: ReportContext): HTMLElement {
  const labels = report.series.map((b) => bucketLabel(b.start, ctx.granularity));
  const t = report.totals;
  return h(
    'div',
    { class: 'usage-report' },
    h('h2', { id: 'report-title' }, ctx.title),
    h(
      'p',
      { class: 'report-period' },
      `${formatTime(report.from)} to ${formatTime(report.to)} (end exclusive), per ${ctx.granularity}. All times are UTC.`,
    ),
    completeness(report),
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button', href: ctx.csvHref, download: ctx.csvName }, 'Download CSV'),
      h('span', { class: 'muted small' }, 'The same figures, one line per bucket.'),
    ),
    h(
      'dl',
      { class: 'tiles', 'aria-label': 'Totals' },
      tile('volume', 'Volume', formatBytes(t.bytes), `${formatCount(t.bytes)} bytes`),
      tile('requests', 'Requests', formatCount(t.requests)),
      tile(
        'peak-rps',
        'Peak requests/s',
        formatCount(t.peak_rps),
        // Per property the edges' busiest seconds add up exactly; across properties the peaks
        // may fall in different seconds, so their sum is an upper bound (docs/usage.md).
        report.scope.kind === 'property' ? 'busiest second' : "sum of the properties' busiest seconds (at most)",
      ),
      tile('fill', 'Cache fill', formatBytes(t.fill_bytes), `${formatCount(t.fill_bytes)} bytes from origins`),
      tile('hit-ratio', 'Hit ratio', formatPercent(t.hit_ratio), 'hits, stale and revalidated'),
      tile('p95', '95th percentile', formatMbps(t.p95_bps), `${formatCount(t.p95_bps)} bit/s, 5-minute samples`),
    ),
    volumeSection(report, ctx, labels),
    requestsSection(report, ctx, labels),
    statusSection(report, ctx, labels),
  );
}
