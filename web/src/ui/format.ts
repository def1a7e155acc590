// Numbers as people read them: grouped digits, byte sizes in SI units (the way bandwidth is
// billed), ratios as percentages and bandwidth in Mbit/s. A fixed locale keeps the figures the
// same on every screen (and in the browser tests).
const grouped = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return grouped.format(value);
}

const byteUnits = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

// 1 kB = 1000 B: CDN volume is billed in decimal units.
export function formatBytes(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  let unit = 0;
  let scaled = value;
  while (Math.abs(scaled) >= 1000 && unit < byteUnits.length - 1) {
    scaled /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${grouped.format(scaled)} B` : `${scaled.toFixed(scaled < 10 ? 2 : 1)} ${byteUnits[unit]}`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${(ratio * 100).toFixed(1)} %`;
}

export function formatMbps(bitsPerSecond: number | null | undefined): string {
  if (bitsPerSecond === null || bitsPerSecond === undefined || !Number.isFinite(bitsPerSecond)) return '—';
  return `${(bitsPerSecond / 1e6).toFixed(3)} Mbit/s`;
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '—';
  return perSecond >= 100 ? grouped.format(perSecond) : String(Math.round(perSecond * 100) / 100);
}
