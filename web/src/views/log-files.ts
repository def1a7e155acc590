// A service's access-log files (docs/log-delivery.md): per property, day and hour the lines and
// size stored, with download links for an hour and for a whole day (gzip of JSON lines), and
// the retention in days, which users allowed to configure the service can change.
import { api, ApiError, listItems } from '../api/client';
import type { Service } from '../api/types';
import type { Params } from '../app/router';
import { mayConfigure } from '../app/session';
import { h } from '../ui/dom';
import { dataTable } from '../ui/data-table';
import { announce, errorBox, fillErrorBox, loading } from '../ui/feedback';
import { formatBytes, formatCount } from '../ui/format';
import { clearFieldErrors, focusPointer, inputField, selectField, showFieldErrors } from '../ui/forms';
import type { LogFile } from '../usage/types';
import { errorPage, loadService, serviceFrame } from './common';

const dayMs = 86_400_000;

interface Listing {
  files: LogFile[];
  retentionDays: number | null;
}

// Every page of the listing; the retention comes with each page.
async function loadListing(scid: string, query: Record<string, string>): Promise<Listing> {
  const files: LogFile[] = [];
  let retentionDays: number | null = null;
  let cursor: string | null = null;
  do {
    const response: { data: Record<string, unknown> | null } = await api.get<Record<string, unknown>>(
      `/api/v1/services/${encodeURIComponent(scid)}/log-files`,
      { query: { ...query, limit: 500, cursor: cursor ?? undefined } },
    );
    const data = response.data;
    files.push(...listItems<LogFile>(data));
    if (typeof data?.retention_days === 'number') retentionDays = data.retention_days;
    cursor = typeof data?.next_cursor === 'string' && data.next_cursor ? data.next_cursor : null;
  } while (cursor && files.length < 20_000);
  return { files, retentionDays };
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function validDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && isoDay(date) === value;
}

function dayHref(scid: string, property: string, day: string): string {
  return `/api/v1/services/${encodeURIComponent(scid)}/log-files/${encodeURIComponent(property)}/${day}`;
}

// Files grouped by property, then day (both ascending), hours ascending within a day.
function grouped(files: LogFile[]): Map<string, Map<string, LogFile[]>> {
  const out = new Map<string, Map<string, LogFile[]>>();
  const sorted = files.slice().sort((a, b) => a.property.localeCompare(b.property) || a.hour.localeCompare(b.hour));
  for (const file of sorted) {
    const day = new Date(file.hour).toISOString().slice(0, 10);
    if (!out.has(file.property)) out.set(file.property, new Map());
    const days = out.get(file.property)!;
    if (!days.has(day)) days.set(day, []);
    days.get(day)!.push(file);
  }
  return out;
}

function hourLabel(hour: string): string {
  const start = new Date(hour);
  const end = new Date(start.getTime() + 3_600_000);
  return `${start.toISOString().slice(11, 16)}–${end.toISOString().slice(11, 16)}`;
}

function daySection(scid: string, property: string, day: string, files: LogFile[]): HTMLElement {
  const lines = files.reduce((n, f) => n + f.lines, 0);
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const id = `logs-${property}-${day}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return h(
    'section',
    { class: 'log-day', 'aria-labelledby': id, dataset: { property, day } },
    h('h3', { id }, h('span', { class: 'mono' }, property), ` · ${day} (UTC)`),
    h(
      'p',
      { class: 'actions' },
      h(
        'a',
        {
          class: 'button',
          href: dayHref(scid, property, day),
          download: `${scid}.${property}.${day}.jsonl.gz`,
          'aria-label': `Download the whole day ${day} of ${property}`,
        },
        'Download the whole day',
      ),
      h('span', { class: 'muted small' }, `${formatCount(lines)} lines, ${formatBytes(bytes)} compressed`),
    ),
    dataTable(
      `Log files of ${property} on ${day}, per hour (UTC)`,
      [
        { header: 'Hour (UTC)' },
        { header: 'Lines', numeric: true },
        { header: 'Size (gzip)', numeric: true },
        { header: 'Chunks', numeric: true },
        { header: 'Download' },
      ],
      files.map((f) => {
        const start = new Date(f.hour).toISOString();
        const label = `${start.slice(0, 10)} ${start.slice(11, 16)}`;
        return [
          hourLabel(f.hour),
          formatCount(f.lines),
          h('span', { title: `${formatCount(f.bytes)} bytes` }, formatBytes(f.bytes)),
          formatCount(f.chunks),
          h(
            'a',
            {
              href: f.download,
              download: `${scid}.${property}.${start.slice(0, 13)}.jsonl.gz`,
              'aria-label': `Download ${property} ${label} UTC`,
            },
            'Download hour',
          ),
        ];
      }),
      { footer: ['Day', formatCount(lines), formatBytes(bytes), '', ''] },
    ),
  );
}

function retentionText(days: number | null): string {
  if (days === null) return 'The retention of this service is not known.';
  return `Log files are kept for ${days} day${days === 1 ? '' : 's'}: an hour's files are deleted ${days} day${
    days === 1 ? '' : 's'
  } after the hour ended.`;
}

function retentionForm(scid: string, current: number | null, onSaved: (days: number) => void): HTMLElement {
  const alert = errorBox(null);
  let value = current === null ? '' : String(current);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack narrow retention-form',
      'aria-labelledby': 'retention-form-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        const text = value.trim();
        // Only what cannot be sent as a number is refused here; the range is the portal's rule.
        if (!/^-?\d+$/.test(text)) {
          showFieldErrors(form, [{ pointer: '/days', message: 'Enter a whole number of days.' }]);
          focusPointer(form, '/days');
          return;
        }
        try {
          const { data } = await api.put<{ retention_days: number }>(
            `/api/v1/services/${encodeURIComponent(scid)}/log-retention`,
            { days: Number(text) },
          );
          const days = data?.retention_days ?? Number(text);
          announce(`Log files of ${scid} are now kept for ${days} days.`);
          onSaved(days);
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) {
            showFieldErrors(form, error.problem.errors);
            focusPointer(form, error.problem.errors[0]?.pointer ?? '/days');
          }
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'retention-form-title' }, 'Change the retention'),
    h('p', { class: 'muted small' }, 'Applies to every property of this service; the change is audited.'),
    alert,
    inputField({
      label: 'Retention in days',
      type: 'number',
      pointer: '/days',
      min: 1,
      max: 366,
      value,
      required: true,
      hint: 'From 1 to 366 days. Shortening it deletes older files within the hour.',
      onInput: (v) => (value = v),
    }),
    h('button', { type: 'submit', class: 'primary' }, 'Save retention'),
  );
  return form;
}

export async function logFilesView(params: Params, query: URLSearchParams): Promise<HTMLElement> {
  let service: Service;
  let properties: string[] = [];
  try {
    service = await loadService(params.scid!);
  } catch (error) {
    return errorPage(error, 'service');
  }
  const scid = service.scid;
  try {
    const { data } = await api.get<{ document?: { properties?: Array<{ id?: string }> } }>(
      `/api/v1/services/${scid}/configurations/latest`,
    );
    properties = (data?.document?.properties ?? []).map((p) => String(p.id ?? '')).filter(Boolean);
  } catch {
    properties = []; // no configuration yet: the listing still shows what was delivered
  }

  const today = new Date(Math.floor(Date.now() / dayMs) * dayMs);
  const filter = {
    property: query.get('property') ?? '',
    from: validDay(query.get('from') ?? '') ? query.get('from')! : isoDay(new Date(today.getTime() - 6 * dayMs)),
    to: validDay(query.get('to') ?? '') ? query.get('to')! : isoDay(today),
  };
  if (filter.property && !properties.includes(filter.property)) properties.push(filter.property);

  const retention = h('p', { class: 'retention' }, 'Loading the retention…');
  const retentionSlot = h('div', null);
  const listAlert = errorBox(null);
  const results = h('section', { class: 'log-results', 'aria-labelledby': 'log-results-title' });
  let retentionShown = false;

  const show = async (announceIt: boolean) => {
    clearFieldErrors(filterForm);
    fillErrorBox(listAlert, null);
    const problems = [];
    if (!validDay(filter.from)) problems.push({ pointer: '/query/from', message: 'Enter a day as YYYY-MM-DD.' });
    if (!validDay(filter.to)) problems.push({ pointer: '/query/to', message: 'Enter a day as YYYY-MM-DD.' });
    else if (validDay(filter.from) && filter.to < filter.from)
      problems.push({ pointer: '/query/to', message: 'The last day must not be before the first.' });
    if (problems.length > 0) {
      showFieldErrors(filterForm, problems);
      focusPointer(filterForm, problems[0]!.pointer);
      return;
    }
    const page = new URLSearchParams({ from: filter.from, to: filter.to });
    if (filter.property) page.set('property', filter.property);
    history.replaceState(null, '', `/services/${scid}/logs?${page.toString()}`);
    // The API's `to` is exclusive; the form names the last day to include.
    const to = isoDay(new Date(new Date(`${filter.to}T00:00:00Z`).getTime() + dayMs));
    results.setAttribute('aria-busy', 'true');
    results.replaceChildren(loading('the log files'));
    try {
      const listing = await loadListing(scid, {
        from: filter.from,
        to,
        ...(filter.property ? { property: filter.property } : {}),
      });
      if (!retentionShown) {
        retentionShown = true;
        retention.textContent = retentionText(listing.retentionDays);
        if (mayConfigure()) {
          retentionSlot.replaceChildren(
            retentionForm(scid, listing.retentionDays, (days) => {
              retention.textContent = retentionText(days);
            }),
          );
        }
      }
      const groups = grouped(listing.files);
      const totalLines = listing.files.reduce((n, f) => n + f.lines, 0);
      results.replaceChildren(
        h('h2', { id: 'log-results-title' }, 'Log files'),
        h(
          'p',
          null,
          listing.files.length > 0
            ? `${formatCount(listing.files.length)} hour${listing.files.length === 1 ? '' : 's'} with ${formatCount(totalLines)} lines from ${filter.from} to ${filter.to} (UTC days).`
            : `No log files were delivered for these properties from ${filter.from} to ${filter.to} (UTC days).`,
        ),
        ...Array.from(groups.entries()).map(([property, days]) =>
          h(
            'section',
            { class: 'log-property', 'aria-labelledby': `log-property-${property}` },
            h(
              'h2',
              { id: `log-property-${property}`, class: 'h3' },
              'Property ',
              h('span', { class: 'mono' }, property),
            ),
            ...Array.from(days.entries())
              .reverse()
              .map(([day, files]) => daySection(scid, property, day, files)),
          ),
        ),
      );
      if (announceIt) announce(`${listing.files.length} log file hours listed.`);
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors) showFieldErrors(filterForm, error.problem.errors);
      fillErrorBox(listAlert, error);
      results.replaceChildren();
    } finally {
      results.removeAttribute('aria-busy');
    }
  };

  const filterForm: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'log-filter-title',
      novalidate: true,
      onSubmit: (e: Event) => {
        e.preventDefault();
        void show(true);
      },
    },
    h('h2', { id: 'log-filter-title', class: 'visually-hidden' }, 'Which log files'),
    listAlert,
    h(
      'div',
      { class: 'row' },
      selectField({
        label: 'Property',
        pointer: '/query/property',
        value: filter.property,
        options: [{ value: '', label: 'All properties' }, ...properties.map((p) => ({ value: p, label: p }))],
        onChange: (v) => (filter.property = v),
      }),
      inputField({
        label: 'First day (UTC)',
        type: 'date',
        pointer: '/query/from',
        value: filter.from,
        onInput: (v) => (filter.from = v),
      }),
      inputField({
        label: 'Last day (UTC)',
        type: 'date',
        pointer: '/query/to',
        value: filter.to,
        onInput: (v) => (filter.to = v),
      }),
    ),
    h('button', { type: 'submit', class: 'primary' }, 'Show log files'),
  );

  void show(false);
  return serviceFrame(
    service,
    '/logs',
    'Log files',
    h(
      'p',
      null,
      "The edges' access logs of this service, one file per property and hour (JSON lines, gzip; the fields are " +
        'described in the documentation on log delivery). Hours and days are UTC.',
    ),
    retention,
    filterForm,
    results,
    retentionSlot,
  );
}
