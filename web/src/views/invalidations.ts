// Invalidation (purge) requests of a service: the request form, recent requests, and the
// per-edge status of one request.
import { api, ApiError, listItems } from '../api/client';
import type { Invalidation, Service } from '../api/types';
import { navigate, type Params } from '../app/router';
import { mayConfigure } from '../app/session';
import { formatTime, h, replaceChildren } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { clearFieldErrors, radioGroup, showFieldErrors, textareaField } from '../ui/forms';
import { errorPage, loadService, serviceFrame, statusBadge, table } from './common';
import { edgeSummary, edgeTable, normaliseEdges, overallStatus, requestedAt, requester } from './edge-status';
import { isFinished, pollWhileVisible } from './status-poll';

const kindHints: Record<string, string> = {
  url: 'Full URLs, one per line, e.g. https://www.example.com/img/logo.png (the query string counts).',
  pattern:
    'Path patterns, one per line, matched against the whole path: e.g. /img/*.jpg or /video/[a-f]*.mp4 (meta-characters * + . \\ / {n,m} [a,x-y] [^…]).',
  tag: 'Cache tags, one per line: values of the Surrogate-Key or Cache-Tag header your origin sends.',
};

function requestForm(scid: string, propertyIds: string[]): HTMLElement {
  const state = { kind: 'url', mode: 'hard', values: '', properties: new Set<string>() };
  // Patterns and tags apply to chosen properties (none chosen = every property); a URL names
  // its property by its host.
  const propertyChoice = h(
    'fieldset',
    { class: 'checks', hidden: true, dataset: { pointer: '/property_ids' } },
    h('legend', null, 'Properties (none ticked = every property)'),
    propertyIds.map((id) => {
      const inputId = `invalidate-property-${id}`;
      const box = h('input', { id: inputId, type: 'checkbox', value: id });
      box.addEventListener('change', () => (box.checked ? state.properties.add(id) : state.properties.delete(id)));
      return h('span', { class: 'check' }, box, h('label', { for: inputId, class: 'mono' }, id));
    }),
  );
  const alert = errorBox(null);
  const valuesField = textareaField({
    label: 'What to invalidate',
    id: 'invalidation-values',
    pointer: '/values',
    value: '',
    rows: 5,
    monospace: true,
    required: true,
    hint: kindHints.url,
    onInput: (v) => (state.values = v),
  });
  const hint = valuesField.querySelector('.hint')!;
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Request invalidation');
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack',
      'aria-labelledby': 'new-invalidation',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        const values = state.values
          .split('\n')
          .map((v) => v.trim())
          .filter(Boolean);
        if (values.length === 0) {
          showFieldErrors(form, [{ pointer: '/values', message: 'Enter at least one value.' }]);
          fillErrorBox(alert, new Error('Enter at least one value to invalidate.'));
          return;
        }
        submit.disabled = true;
        try {
          const body: Record<string, unknown> = { kind: state.kind, mode: state.mode, values };
          if (state.kind !== 'url' && state.properties.size > 0) body.property_ids = [...state.properties];
          const { data } = await api.post<Invalidation>(`/api/v1/services/${scid}/invalidations`, body);
          announce(`Invalidation #${data.id} requested.`);
          navigate(`/services/${scid}/invalidations/${data.id}`);
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'new-invalidation' }, 'New invalidation'),
    alert,
    radioGroup({
      legend: 'Invalidate by',
      name: 'kind',
      value: 'url',
      pointer: '/kind',
      options: [
        { value: 'url', label: 'Exact URL' },
        { value: 'pattern', label: 'Path pattern' },
        { value: 'tag', label: 'Cache tag' },
      ],
      onChange: (v) => {
        state.kind = v;
        hint.textContent = kindHints[v] ?? '';
        propertyChoice.hidden = v === 'url' || propertyIds.length < 2;
      },
    }),
    radioGroup({
      legend: 'Mode',
      name: 'mode',
      value: 'hard',
      pointer: '/mode',
      options: [
        { value: 'hard', label: 'Hard: delete from the cache' },
        { value: 'soft', label: 'Soft: mark stale and revalidate' },
      ],
      onChange: (v) => (state.mode = v),
    }),
    valuesField,
    propertyChoice,
    submit,
  );
  return form;
}

export async function invalidationsView(params: Params): Promise<HTMLElement> {
  const scid = params.scid!;
  let service: Service;
  let items: Invalidation[];
  let propertyIds: string[] = [];
  try {
    service = await loadService(scid);
    const { data } = await api.get<unknown>(`/api/v1/services/${scid}/invalidations`, { query: { limit: 50 } });
    items = listItems<Invalidation>(data);
  } catch (error) {
    return errorPage(error, 'service');
  }
  try {
    const { data } = await api.get<{ document?: { properties?: Array<{ id?: string }> } }>(
      `/api/v1/services/${scid}/configurations/latest`,
    );
    propertyIds = (data?.document?.properties ?? []).map((p) => String(p.id ?? '')).filter(Boolean);
  } catch {
    propertyIds = []; // no configuration yet: nothing to choose from
  }
  items.sort((a, b) => b.id - a.id);
  return serviceFrame(
    service,
    '/invalidations',
    'Invalidations',
    mayConfigure() ? requestForm(scid, propertyIds) : null,
    h('h2', null, 'Recent requests'),
    table(
      'Recent invalidation requests',
      ['Request', 'Kind', 'Mode', 'Values', 'Status', 'Requested'],
      items.map((i) => [
        h('a', { href: `/services/${scid}/invalidations/${i.id}` }, `#${i.id}`),
        i.kind,
        i.mode,
        h(
          'span',
          { class: 'mono small' },
          (i.values ?? []).slice(0, 3).join(' '),
          (i.values ?? []).length > 3 ? ' …' : '',
        ),
        statusBadge(overallStatus(i, 'complete')),
        `${formatTime(requestedAt(i))} by ${requester(i)}`,
      ]),
      { captionHidden: true, empty: 'No invalidations requested yet.' },
    ),
  );
}

export async function invalidationView(params: Params): Promise<HTMLElement> {
  const scid = params.scid!;
  let service: Service;
  let item: Invalidation;
  try {
    service = await loadService(scid);
    item = (await api.get<Invalidation>(`/api/v1/invalidations/${encodeURIComponent(params.id!)}`)).data;
  } catch (error) {
    return errorPage(error, 'invalidation');
  }
  const body = h('div', { class: 'status-body' });
  const render = (i: Invalidation) => {
    const edges = normaliseEdges(i);
    replaceChildren(
      body,
      h(
        'dl',
        { class: 'details' },
        h('dt', null, 'Kind'),
        h('dd', null, `${i.kind} (${i.mode})`),
        h('dt', null, 'Values'),
        h(
          'dd',
          null,
          h(
            'ul',
            { class: 'plain mono small' },
            (i.values ?? []).map((v) => h('li', null, v)),
          ),
        ),
        h('dt', null, 'Status'),
        h('dd', { class: 'invalidation-status' }, statusBadge(overallStatus(i, 'complete'))),
        h('dt', null, 'Requested'),
        h('dd', null, `${formatTime(requestedAt(i))} by ${requester(i)}`),
        h('dt', null, 'Edges'),
        h('dd', null, edgeSummary(edges)),
      ),
      edgeTable(edges),
    );
  };
  render(item);
  const view = serviceFrame(
    service,
    '/invalidations',
    `Invalidation #${item.id}`,
    h('p', null, h('a', { href: `/services/${scid}/invalidations` }, '← All invalidations')),
    h('div', { 'aria-live': 'polite' }, body),
  );
  pollWhileVisible(
    view,
    () => isFinished(overallStatus(item, 'complete')),
    async () => {
      item = (await api.get<Invalidation>(`/api/v1/invalidations/${item.id}`)).data;
      render(item);
    },
  );
  return view;
}

// /invalidations/{id} (links from notifications): finds the invalidation's service and shows it
// at its canonical URL.
export async function invalidationByIdView(params: Params): Promise<HTMLElement> {
  try {
    const { data } = await api.get<Invalidation>(`/api/v1/invalidations/${encodeURIComponent(params.id!)}`);
    navigate(`/services/${data.scid}/invalidations/${data.id}`, { replace: true });
    return h('p', { class: 'loading' }, 'Opening the invalidation…');
  } catch (error) {
    return errorPage(error, 'invalidation');
  }
}
