// Hand-made SVG charts for time series: bars (stacked when there are several series), an
// optional line, a left axis and an optional right axis. Each chart is a <figure> whose SVG has
// role="img" with a title and a description in words; the table next to it holds every figure,
// so nothing is shown by the picture alone. Colours come from CSS classes (chart-1 … chart-5)
// and every series is named in the legend.
import { h, uid } from './dom';

const svgNs = 'http://www.w3.org/2000/svg';

function s(tag: string, attrs: Record<string, string | number>, ...children: Array<SVGElement | string>): SVGElement {
  const el = document.createElementNS(svgNs, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  for (const child of children) el.append(child);
  return el;
}

export interface BarSeries {
  name: string;
  values: number[];
  className: string;
}

export interface LineSeries {
  name: string;
  values: Array<number | null>;
  className: string;
  axis: 'left' | 'right';
}

export interface ChartSpec {
  label: string; // the accessible name (the SVG's <title>)
  description: string; // what the chart shows, in words (the SVG's <desc>)
  labels: string[]; // one per bucket, for the hover text
  tickLabels?: string[]; // shorter ones for the x axis (default: labels)
  bars: BarSeries[];
  line?: LineSeries;
  leftFormat: (value: number) => string;
  // A second scale: either its own maximum (e.g. a ratio 0..1) or derived from the left one
  // (e.g. average bandwidth from bytes per bucket).
  right?: { format: (value: number) => string; max?: number; fromLeft?: (value: number) => number };
  hover: (index: number) => string;
}

// The smallest "round" number (1, 2, 2.5, 5 × 10^n) at or above `value`.
export function niceCeil(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= value - 1e-9 * power) return m * power;
  return 10 * power;
}

const width = 960;
const height = 240;
const ticks = 4;

export function chart(spec: ChartSpec): HTMLElement {
  const n = spec.labels.length;
  const left = 78;
  const right = spec.right ? 78 : 16;
  const top = 12;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;

  const stackTotals = spec.labels.map((_, i) => spec.bars.reduce((sum, b) => sum + (b.values[i] ?? 0), 0));
  const leftLine = spec.line?.axis === 'left' ? spec.line.values.map((v) => v ?? 0) : [];
  const leftMax = niceCeil(Math.max(0, ...stackTotals, ...leftLine));
  const rightMax = spec.right ? (spec.right.max ?? spec.right.fromLeft?.(leftMax) ?? 1) : 1;
  const y = (value: number, max: number) => top + plotH - (Math.max(0, value) / max) * plotH;
  const slot = n > 0 ? plotW / n : plotW;
  const barW = Math.max(slot * 0.8, 0.6);

  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const grid = s('g', { class: 'chart-grid' });
  for (let t = 0; t <= ticks; t++) {
    const yy = top + plotH - (t / ticks) * plotH;
    grid.append(s('line', { x1: left, x2: left + plotW, y1: yy, y2: yy }));
    grid.append(s('text', { x: left - 6, y: yy + 4, 'text-anchor': 'end' }, spec.leftFormat((leftMax * t) / ticks)));
    if (spec.right) {
      const value = (rightMax * t) / ticks;
      grid.append(s('text', { x: left + plotW + 6, y: yy + 4, 'text-anchor': 'start' }, spec.right.format(value)));
    }
  }
  const xTicks = s('g', { class: 'chart-axis' });
  const labelCount = Math.min(n, 5);
  const tickText = spec.tickLabels ?? spec.labels;
  for (let k = 0; k < labelCount; k++) {
    const i = labelCount === 1 ? 0 : Math.round((k * (n - 1)) / (labelCount - 1));
    const x = left + slot * i + slot / 2;
    const anchor = k === 0 ? 'start' : k === labelCount - 1 ? 'end' : 'middle';
    xTicks.append(s('line', { x1: x, x2: x, y1: top + plotH, y2: top + plotH + 4 }));
    xTicks.append(s('text', { x, y: top + plotH + 18, 'text-anchor': anchor }, tickText[i] ?? ''));
  }
  xTicks.append(s('line', { x1: left, x2: left + plotW, y1: top + plotH, y2: top + plotH }));

  const bars = s('g', { class: 'chart-bars' });
  spec.labels.forEach((_, i) => {
    let base = 0;
    for (const series of spec.bars) {
      const value = series.values[i] ?? 0;
      if (value > 0) {
        const y0 = y(base, leftMax);
        const y1 = y(base + value, leftMax);
        bars.append(
          s('rect', {
            class: series.className,
            x: left + slot * i + (slot - barW) / 2,
            y: y1,
            width: barW,
            height: Math.max(y0 - y1, 0.5),
          }),
        );
      }
      base += value;
    }
  });

  const overlay = s('g', { class: 'chart-line' });
  if (spec.line) {
    const max = spec.line.axis === 'left' ? leftMax : rightMax;
    let path = '';
    let pen = false;
    spec.line.values.forEach((value, i) => {
      if (value === null || !Number.isFinite(value)) {
        pen = false;
        return;
      }
      const x = left + slot * i + slot / 2;
      path += `${pen ? 'L' : 'M'}${x.toFixed(1)},${y(value, max).toFixed(1)}`;
      pen = true;
      if (n <= 120) overlay.append(s('circle', { class: spec.line!.className, cx: x, cy: y(value, max), r: 2.5 }));
    });
    if (path) overlay.prepend(s('path', { class: spec.line.className, d: path }));
  }

  // Transparent columns give every bucket a hover text with all of its figures.
  const hover = s('g', { class: 'chart-hover' });
  spec.labels.forEach((_, i) => {
    hover.append(s('rect', { x: left + slot * i, y: top, width: slot, height: plotH }, s('title', {}, spec.hover(i))));
  });

  const svg = s(
    'svg',
    {
      class: 'chart',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      preserveAspectRatio: 'xMidYMid meet',
    },
    s('title', { id: titleId }, spec.label),
    s('desc', { id: descId }, spec.description),
    grid,
    bars,
    overlay,
    xTicks,
    hover,
  );

  const legendItems = [
    ...spec.bars.map((b) => ({ name: b.name, className: b.className, kind: 'bar' })),
    ...(spec.line ? [{ name: spec.line.name, className: spec.line.className, kind: 'line' }] : []),
  ];
  return h(
    'figure',
    { class: 'chart-figure' },
    svg as unknown as Node,
    h(
      'figcaption',
      { class: 'chart-legend' },
      h(
        'ul',
        { class: 'plain inline-list', 'aria-label': `Legend of ${spec.label}` },
        legendItems.map((item) =>
          h(
            'li',
            null,
            h('span', { class: `swatch swatch-${item.kind} ${item.className}`, 'aria-hidden': 'true' }),
            item.name,
          ),
        ),
      ),
    ),
  );
}
