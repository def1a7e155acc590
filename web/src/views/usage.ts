// The usage page: choose what to report on (an access group with its sub-groups, a service or
// one of its properties), a period (presets or custom, in UTC) and a granularity, then read the
// report (views/usage-report.ts). The choice is kept in the URL, so a report can be bookmarked.
// `/usage` offers every visible group and service; `/services/:scid/usage` that service's
// properties.
import { api, ApiError } from '../api/client';
import type { AccessGroup, Service } from '../api/types';
import { navigationData } from '../app/shell';
import type { Params } from '../app/router';
import { h } from '../ui/dom';
import { announce, errorBox, fillErrorBox, loading } from '../ui/feedback';
import { clearFieldErrors, focusPointer, inputField, selectField, showFieldErrors } from '../ui/forms';
import {
  allowedGranularities,
  defaultGranularity,
  granularityLimits,
  granularityProblem,
  isGranularity,
  isPreset,
  parseUtcInput,
  presetRange,
  presets,
  toApiTime,
  toInputValue,
  type Granularity,
  type Preset,
  type Range,
} from '../usage/period';
import type { UsageReport } from '../usage/types';
import { errorPage, loadService, page, serviceFrame } from './common';
import { usageReport } from './usage-report';

interface State {
  scope: string; // "group:<id>" or "service:<SCID>"
  property: string; // "" = all properties of the service
  preset: Preset;
  from: string; // custom period, as typed (UTC)
  to: string;
  granularity: Granularity;
}

// A time from the URL: the API's RFC 3339 form or what the inputs hold.
function urlTime(value: string | null): Date | null {
  if (!value) return null;
  if (/Z$/.test(value)) {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  return parseUtcInput(value);
}

function initialState(query: URLSearchParams, defaultScope: string): State {
  const scid = query.get('scid');
  const group = query.get('group_id');
  const scope = scid ? `service:${scid.toUpperCase()}` : group ? `group:${group}` : defaultScope;
  const from = urlTime(query.get('from'));
  const to = urlTime(query.get('to'));
  // A link with only from/to (e.g. the API's own parameters) is a custom period.
  const period = query.get('period');
  const preset: Preset = isPreset(period) ? period : from && to ? 'custom' : '24h';
  const state: State = {
    scope,
    property: query.get('property') ?? '',
    preset: preset === 'custom' && (!from || !to) ? '24h' : preset,
    from: from ? toInputValue(from) : '',
    to: to ? toInputValue(to) : '',
    granularity: 'hour',
  };
  const range = rangeOf(state);
  const asked = query.get('granularity');
  state.granularity =
    isGranularity(asked) && range && !granularityProblem(range, asked)
      ? asked
      : range
        ? defaultGranularity(range)
        : 'hour';
  if (!state.from || !state.to) {
    const preset24 = presetRange('24h', new Date());
    state.from = toInputValue(preset24.from);
    state.to = toInputValue(preset24.to);
  }
  return state;
}

function rangeOf(state: State): Range | null {
  if (state.preset !== 'custom') return presetRange(state.preset, new Date());
  const from = parseUtcInput(state.from);
  const to = parseUtcInput(state.to);
  return from && to ? { from, to } : null;
}

// The page's own URL for `state` (what a bookmark brings back).
function pageQuery(state: State): URLSearchParams {
  const q = new URLSearchParams();
  const [kind, id] = splitScope(state.scope);
  if (kind === 'group') q.set('group_id', id);
  else {
    q.set('scid', id);
    if (state.property) q.set('property', state.property);
  }
  q.set('period', state.preset);
  if (state.preset === 'custom') {
    q.set('from', state.from);
    q.set('to', state.to);
  }
  q.set('granularity', state.granularity);
  return q;
}

function apiQuery(state: State, range: Range): Record<string, string> {
  const [kind, id] = splitScope(state.scope);
  const query: Record<string, string> =
    kind === 'group' ? { group_id: id } : state.property ? { scid: id, property: state.property } : { scid: id };
  query.from = toApiTime(range.from);
  query.to = toApiTime(range.to);
  query.granularity = state.granularity;
  return query;
}

function splitScope(scope: string): ['group' | 'service', string] {
  const at = scope.indexOf(':');
  return [scope.slice(0, at) === 'group' ? 'group' : 'service', scope.slice(at + 1)];
}

// Property ids of a service's latest configuration (none when it has no configuration yet).
const propertyCache = new Map<string, Promise<string[]>>();
function propertiesOf(scid: string): Promise<string[]> {
  let cached = propertyCache.get(scid);
  if (!cached) {
    cached = api
      .get<{ document?: { properties?: Array<{ id?: string }> } }>(
        `/api/v1/services/${encodeURIComponent(scid)}/configurations/latest`,
      )
      .then(({ data }) => (data?.document?.properties ?? []).map((p) => String(p.id ?? '')).filter(Boolean))
      .catch(() => []);
    propertyCache.set(scid, cached);
    // A later visit reads the configuration again (it may have gained properties).
    window.setTimeout(() => propertyCache.delete(scid), 60_000);
  }
  return cached;
}

interface ExplorerOptions {
  groups: AccessGroup[];
  services: Service[];
  fixedScid?: string;
  path: string;
  query: URLSearchParams;
}

function groupDepths(groups: AccessGroup[]): Array<{ group: AccessGroup; depth: number }> {
  const ids = new Set(groups.map((g) => g.id));
  const out: Array<{ group: AccessGroup; depth: number }> = [];
  const walk = (parent: number | null, depth: number) => {
    groups
      .filter((g) => (g.parent_id !== null && ids.has(g.parent_id) ? g.parent_id : null) === parent)
      .sort((a, b) => a.name.localeCompare(b.name))
      .forEach((g) => {
        out.push({ group: g, depth });
        walk(g.id, depth + 1);
      });
  };
  walk(null, 0);
  return out;
}

function usageExplorer(options: ExplorerOptions): HTMLElement {
  const ordered = groupDepths(options.groups);
  const defaultScope = options.fixedScid
    ? `service:${options.fixedScid}`
    : ordered[0]
      ? `group:${ordered[0].group.id}`
      : options.services[0]
        ? `service:${options.services[0].scid}`
        : '';
  const state = initialState(options.query, defaultScope);
  if (options.fixedScid) state.scope = `service:${options.fixedScid}`;
  const alert = errorBox(null);
  const result = h('section', { class: 'report-region', 'aria-labelledby': 'report-title' });

  // ---- scope ----
  const scopeField = options.fixedScid
    ? null
    : selectField({
        label: 'Report on',
        value: state.scope,
        hint: 'An access group includes its sub-groups.',
        options: [
          ...ordered.map(({ group, depth }) => ({
            value: `group:${group.id}`,
            label: `${'\u2003'.repeat(depth)}Access group ${group.name}`,
          })),
          ...options.services
            .slice()
            .sort((a, b) => a.scid.localeCompare(b.scid))
            .map((s) => ({ value: `service:${s.scid}`, label: `Service ${s.scid}${s.name ? ` · ${s.name}` : ''}` })),
          ...(knownScope(state.scope, ordered, options.services) || !state.scope
            ? []
            : [{ value: state.scope, label: `${scopeName(state.scope)} (from the link)` }]),
        ],
        onChange: (v) => {
          state.scope = v;
          state.property = '';
          void fillProperties();
        },
      });
  const propertyField = selectField({
    label: 'Property',
    pointer: '/query/property',
    value: state.property,
    options: [{ value: '', label: 'All properties' }],
    onChange: (v) => (state.property = v),
  });
  const propertySelect = propertyField.querySelector('select')!;
  const fillProperties = async () => {
    const [kind, scid] = splitScope(state.scope);
    propertyField.hidden = kind !== 'service';
    if (kind !== 'service') return;
    const ids = await propertiesOf(scid);
    if (state.scope !== `service:${scid}`) return; // another scope was chosen meanwhile
    if (state.property && !ids.includes(state.property)) ids.push(state.property);
    propertySelect.replaceChildren(
      h('option', { value: '' }, 'All properties'),
      ...ids.map((id) => h('option', { value: id }, id)),
    );
    propertySelect.value = state.property;
  };

  // ---- period and granularity ----
  const customFields = h(
    'div',
    { class: 'row custom-period' },
    inputField({
      label: 'From (UTC)',
      type: 'datetime-local',
      pointer: '/query/from',
      value: state.from,
      hint: 'Start of the period, inclusive.',
      onInput: (v) => {
        state.from = v;
        updateGranularities();
      },
    }),
    inputField({
      label: 'To (UTC)',
      type: 'datetime-local',
      pointer: '/query/to',
      value: state.to,
      hint: 'End of the period, exclusive.',
      onInput: (v) => {
        state.to = v;
        updateGranularities();
      },
    }),
  );
  customFields.hidden = state.preset !== 'custom';
  const periodField = selectField({
    label: 'Period',
    value: state.preset,
    options: presets.map((p) => ({ value: p.value, label: p.label })),
    onChange: (v) => {
      const before = rangeOf(state);
      state.preset = v as Preset;
      if (state.preset === 'custom' && before) {
        // Custom starts from the period shown so far.
        state.from = toInputValue(before.from);
        state.to = toInputValue(before.to);
        customFields.querySelectorAll('input').forEach((input, i) => (input.value = i === 0 ? state.from : state.to));
      }
      customFields.hidden = state.preset !== 'custom';
      updateGranularities();
    },
  });
  const granularityField = selectField({
    label: 'Granularity',
    pointer: '/query/granularity',
    value: state.granularity,
    hint: `Minute ${granularityLimits.minute.label}; hour ${granularityLimits.hour.label}; day ${granularityLimits.day.label}.`,
    options: (['minute', 'hour', 'day'] as Granularity[]).map((g) => ({ value: g, label: g })),
    onChange: (v) => (state.granularity = v as Granularity),
  });
  const granularitySelect = granularityField.querySelector('select')!;
  function updateGranularities(): void {
    const range = rangeOf(state);
    // An unreadable or reversed period is reported when the report is asked for.
    if (!range || range.to.getTime() <= range.from.getTime()) return;
    const allowed = allowedGranularities(range);
    for (const option of Array.from(granularitySelect.options)) {
      option.disabled = !allowed.includes(option.value as Granularity);
    }
    if (!allowed.includes(state.granularity)) {
      state.granularity = defaultGranularity(range);
      granularitySelect.value = state.granularity;
    }
  }

  // ---- the report ----
  let requestNumber = 0;
  const show = async (announceIt: boolean) => {
    clearFieldErrors(form);
    fillErrorBox(alert, null);
    const range = rangeOf(state);
    if (!range) {
      const which = parseUtcInput(state.from) ? '/query/to' : '/query/from';
      const message = 'Enter a date and time in UTC (YYYY-MM-DD HH:MM).';
      showFieldErrors(form, [{ pointer: which, message }]);
      focusPointer(form, which);
      return;
    }
    const problem = granularityProblem(range, state.granularity);
    if (problem) {
      const pointer = range.to.getTime() <= range.from.getTime() ? '/query/to' : '/query/granularity';
      showFieldErrors(form, [{ pointer, message: problem }]);
      focusPointer(form, pointer);
      return;
    }
    history.replaceState(null, '', `${options.path}?${pageQuery(state).toString()}`);
    const query = apiQuery(state, range);
    const token = ++requestNumber;
    result.setAttribute('aria-busy', 'true');
    result.replaceChildren(loading('the report'));
    try {
      const { data } = await api.get<UsageReport>('/api/v1/usage', { query });
      if (token !== requestNumber) return;
      const csv = new URLSearchParams({ ...query, format: 'csv' });
      const [kind, id] = splitScope(state.scope);
      const title = scopeTitle(kind, id, state.property, options.groups);
      const name = [kind === 'group' ? `group-${id}` : id, state.property, query.from, query.to, state.granularity]
        .filter(Boolean)
        .join('_')
        .replace(/[^A-Za-z0-9._-]+/g, '-');
      result.replaceChildren(
        usageReport(data, {
          title,
          granularity: state.granularity,
          csvHref: `/api/v1/usage?${csv.toString()}`,
          csvName: `usage_${name}.csv`,
        }),
      );
      if (announceIt) announce(`Usage report for ${title} updated.`);
    } catch (error) {
      if (token !== requestNumber) return;
      if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
      fillErrorBox(alert, error);
      result.replaceChildren();
    } finally {
      if (token === requestNumber) result.removeAttribute('aria-busy');
    }
  };

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack usage-form',
      'aria-labelledby': 'usage-form-title',
      novalidate: true,
      onSubmit: (e: Event) => {
        e.preventDefault();
        void show(true);
      },
    },
    h('h2', { id: 'usage-form-title', class: 'visually-hidden' }, 'What to report'),
    alert,
    h('div', { class: 'row' }, scopeField, propertyField, periodField, granularityField),
    customFields,
    h('button', { type: 'submit', class: 'primary' }, 'Show report'),
  );
  updateGranularities();
  void fillProperties();
  if (state.scope) void show(false);
  else result.replaceChildren(h('p', { class: 'muted' }, 'No access groups or services are visible to you.'));
  return h('div', { class: 'usage' }, form, result);
}

// Whether the page offers `scope`; a link may name one the user cannot see (the API says so).
function knownScope(scope: string, ordered: Array<{ group: AccessGroup }>, services: Service[]): boolean {
  const [kind, id] = splitScope(scope);
  return kind === 'group' ? ordered.some(({ group }) => String(group.id) === id) : services.some((s) => s.scid === id);
}

function scopeName(scope: string): string {
  const [kind, id] = splitScope(scope);
  return kind === 'group' ? `Access group #${id}` : `Service ${id}`;
}

function scopeTitle(kind: 'group' | 'service', id: string, property: string, groups: AccessGroup[]): string {
  if (kind === 'group') {
    const group = groups.find((g) => String(g.id) === id);
    return `Access group ${group?.name ?? id}`;
  }
  return property ? `Service ${id}, property ${property}` : `Service ${id}, all properties`;
}

export async function usageView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  try {
    const { groups, services } = await navigationData();
    return page(
      'Usage',
      h(
        'p',
        null,
        'Traffic served by the edges: volume, requests, cache fill, hit ratio and status mix. All times are UTC.',
      ),
      usageExplorer({ groups, services, path: '/usage', query }),
    );
  } catch (error) {
    return errorPage(error);
  }
}

export async function serviceUsageView(params: Params, query: URLSearchParams): Promise<HTMLElement> {
  let service: Service;
  try {
    service = await loadService(params.scid!);
  } catch (error) {
    return errorPage(error, 'service');
  }
  return serviceFrame(
    service,
    '/usage',
    'Usage',
    h('p', null, 'Traffic of this service per property. All times are UTC.'),
    usageExplorer({
      groups: [],
      services: [service],
      fixedScid: service.scid,
      path: `/services/${service.scid}/usage`,
      query,
    }),
  );
}
