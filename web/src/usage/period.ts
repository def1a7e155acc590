// Report periods in UTC: the presets of the usage page, the granularities the API allows for a
// span (docs/usage.md: minute up to 2 days, hour up to 93 days, day up to 400 days) and the
// conversions between the page's inputs, the API's timestamps and bucket labels.
export type Granularity = 'minute' | 'hour' | 'day';
export type Preset = '24h' | '7d' | 'this-month' | 'last-month' | 'custom';

export const presets: Array<{ value: Preset; label: string }> = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: 'this-month', label: 'This month' },
  { value: 'last-month', label: 'Last month' },
  { value: 'custom', label: 'Custom' },
];

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

export const granularityLimits: Record<Granularity, { maxMs: number; label: string; bucketMs: number }> = {
  minute: { maxMs: 2 * dayMs, label: 'up to 2 days', bucketMs: minuteMs },
  hour: { maxMs: 93 * dayMs, label: 'up to 93 days', bucketMs: hourMs },
  day: { maxMs: 400 * dayMs, label: 'up to 400 days, whole days', bucketMs: dayMs },
};

export interface Range {
  from: Date;
  to: Date; // exclusive
}

function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

function startOfMonth(date: Date, monthOffset = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + monthOffset, 1));
}

// Presets end at the next whole hour (24 h) or the next midnight (days, this month), so every
// bucket is a whole one and the current, still growing bucket is included.
export function presetRange(preset: Exclude<Preset, 'custom'>, now: Date): Range {
  switch (preset) {
    case '24h': {
      const to = new Date(Math.ceil(now.getTime() / hourMs) * hourMs);
      if (to.getTime() === now.getTime()) to.setTime(to.getTime() + hourMs);
      return { from: new Date(to.getTime() - dayMs), to };
    }
    case '7d': {
      const to = new Date(startOfDay(now).getTime() + dayMs);
      return { from: new Date(to.getTime() - 7 * dayMs), to };
    }
    case 'this-month':
      return { from: startOfMonth(now), to: new Date(startOfDay(now).getTime() + dayMs) };
    case 'last-month':
      return { from: startOfMonth(now, -1), to: startOfMonth(now) };
  }
}

function wholeDays(range: Range): boolean {
  return range.from.getTime() % dayMs === 0 && range.to.getTime() % dayMs === 0;
}

// Why `granularity` cannot be used for `range`, or null when it can.
export function granularityProblem(range: Range, granularity: Granularity): string | null {
  const span = range.to.getTime() - range.from.getTime();
  if (span <= 0) return 'The end must be after the start.';
  const limit = granularityLimits[granularity];
  if (span > limit.maxMs) return `${capitalise(granularity)} granularity covers ${limit.label}.`;
  if (granularity === 'day' && !wholeDays(range)) return 'Day granularity needs whole days (00:00 UTC).';
  return null;
}

export function allowedGranularities(range: Range): Granularity[] {
  return (['minute', 'hour', 'day'] as Granularity[]).filter((g) => granularityProblem(range, g) === null);
}

// The finest granularity that keeps a chart readable (at most ~800 buckets), else the coarsest
// one allowed.
export function defaultGranularity(range: Range): Granularity {
  const allowed = allowedGranularities(range);
  const span = range.to.getTime() - range.from.getTime();
  for (const g of allowed) if (span / granularityLimits[g].bucketMs <= 800) return g;
  return allowed[allowed.length - 1] ?? 'day';
}

// "2026-11-25T01:22" or "2026-11-25" typed into the page, read as UTC; null when unreadable.
export function parseUtcInput(value: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return date;
}

// The value of a datetime-local input showing `date` in UTC.
export function toInputValue(date: Date): string {
  return date.toISOString().slice(0, 16);
}

// The API's form of a time: RFC 3339 UTC without fractions.
export function toApiTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// A bucket's start as a label: "2026-11-25 01:22", "2026-11-25 01:00" or "2026-11-25".
export function bucketLabel(start: string, granularity: Granularity): string {
  const date = new Date(start);
  if (Number.isNaN(date.getTime())) return start;
  const iso = date.toISOString();
  return granularity === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function bucketSeconds(granularity: Granularity): number {
  return granularityLimits[granularity].bucketMs / 1000;
}

export function isGranularity(value: string | null): value is Granularity {
  return value === 'minute' || value === 'hour' || value === 'day';
}

export function isPreset(value: string | null): value is Preset {
  return presets.some((p) => p.value === value);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
