// Times as the handbook writes them for support and maintenance: GMT, spelled out
// ("Tue 01 Dec 2026 02:00 GMT"), the same words the notices carry. Computed from UTC fields, so
// the browser's own time zone never shows.

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function two(n: number): string {
  return String(n).padStart(2, '0');
}

export function toDate(value: unknown): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  return Number.isNaN(date.getTime()) ? null : date;
}

// "Tue 01 Dec 2026 02:00 GMT"; "—" for no time.
export function formatGmt(value: unknown): string {
  const d = toDate(value);
  if (!d) return value ? String(value) : '—';
  return `${weekdays[d.getUTCDay()]} ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(
    d.getUTCHours(),
  )}:${two(d.getUTCMinutes())} GMT`;
}

// "02:00" of a time, GMT.
export function gmtClock(value: unknown): string {
  const d = toDate(value);
  return d ? `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}` : '—';
}

// "YYYY-MM" of a date in UTC.
export function monthKey(date: Date): string {
  return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}`;
}

export function parseMonthKey(value: string | null): Date | null {
  const m = /^(\d{4})-(\d{2})$/.exec(value ?? '');
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  return new Date(Date.UTC(Number(m[1]), month - 1, 1));
}

export function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

// "November 2026".
export function monthTitle(date: Date): string {
  return `${monthNames[date.getUTCMonth()]} ${date.getUTCFullYear()}`;
}

export function dayKey(date: Date): string {
  return date.toISOString().slice(0, 10);
}

// A duration in minutes as people read it: "45 min", "4 h", "1 h 30 min", "3 days".
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined || !Number.isFinite(minutes)) return '—';
  const total = Math.round(minutes * 10) / 10;
  if (total < 60) return `${total} min`;
  if (total % 1440 === 0) return total === 1440 ? '1 day' : `${total / 1440} days`;
  const hours = Math.floor(total / 60);
  const rest = Math.round((total - hours * 60) * 10) / 10;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
