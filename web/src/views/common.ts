// Pieces several views share: the service header with its tabs, error pages, tables.
import { api, ApiError } from '../api/client';
import type { Service } from '../api/types';
import { h, type Child } from '../ui/dom';
import { errorBox } from '../ui/feedback';

export function page(title: string, ...children: Child[]): HTMLElement {
  document.title = `${title} · Candela Media portal`;
  return h('div', { class: 'page' }, h('h1', null, title), ...children);
}

// The page for an error that ends a view: not found (also what another customer's resources
// look like), forbidden, or anything else with the problem's words and request id.
export function errorPage(error: unknown, what = 'page'): HTMLElement {
  if (error instanceof ApiError && error.status === 404) {
    document.title = 'Not found · Candela Media portal';
    return h(
      'div',
      { class: 'page error-page', dataset: { error: 'not-found' } },
      h('h1', null, `${capitalise(what)} not found`),
      h('p', null, `There is no such ${what}, or it is not in the access groups you can see.`),
      h('p', null, h('a', { href: '/' }, 'Back to your services')),
      error.problem.instance ? h('p', { class: 'muted small' }, `Request id: ${error.problem.instance}`) : null,
    );
  }
  if (error instanceof ApiError && error.status === 403) {
    document.title = 'Access denied · Candela Media portal';
    return h(
      'div',
      { class: 'page error-page', dataset: { error: 'forbidden' } },
      h('h1', null, 'Access denied'),
      h('p', null, error.problem.detail || 'Your roles do not allow this.'),
      h('p', null, h('a', { href: '/' }, 'Back to your services')),
    );
  }
  return h('div', { class: 'page error-page' }, h('h1', null, 'Something went wrong'), errorBox(error));
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export async function loadService(scid: string): Promise<Service> {
  const { data } = await api.get<Service>(`/api/v1/services/${encodeURIComponent(scid)}`);
  return data;
}

const serviceTabs: Array<[string, string]> = [
  ['', 'Overview'],
  ['/configuration', 'Configuration'],
  ['/history', 'History'],
  ['/deployments', 'Deployments'],
  ['/invalidations', 'Invalidations'],
  ['/usage', 'Usage'],
  ['/live', 'Live'],
  ['/logs', 'Log files'],
];

// The heading of every service page and the tabs between its sub-pages.
export function serviceFrame(service: Service, active: string, title: string, ...content: Child[]): HTMLElement {
  document.title = `${title} · ${service.scid} · Candela Media portal`;
  return h(
    'div',
    { class: 'page service-page' },
    h(
      'div',
      { class: 'page-head' },
      h(
        'p',
        { class: 'eyebrow' },
        'Service ',
        h('span', { class: 'mono' }, service.scid),
        service.name ? ` · ${service.name}` : '',
        ' · ',
        stateBadge(service.state),
      ),
      h('h1', null, title),
    ),
    h(
      'nav',
      { class: 'tabs', 'aria-label': `Service ${service.scid}` },
      h(
        'ul',
        null,
        serviceTabs.map(([suffix, label]) =>
          h(
            'li',
            null,
            h(
              'a',
              { href: `/services/${service.scid}${suffix}`, 'aria-current': suffix === active ? 'page' : undefined },
              label,
            ),
          ),
        ),
      ),
    ),
    ...content,
  );
}

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `badge badge-${state}` }, state);
}

export function table(
  caption: string,
  headers: string[],
  rows: Child[][],
  options: { captionHidden?: boolean; empty?: string } = {},
): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted' }, options.empty ?? 'Nothing here yet.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      null,
      h('caption', { class: options.captionHidden ? 'visually-hidden' : undefined }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((cells) =>
          h(
            'tr',
            null,
            cells.map((c) => h('td', null, c)),
          ),
        ),
      ),
    ),
  );
}

// A status word with colour and text (never colour alone).
export function statusBadge(status: string): HTMLElement {
  const kind = /complete|applied|success|active|done/.test(status)
    ? 'ok'
    : /fail|error|overdue|disconnected|suspended/.test(status)
      ? 'bad'
      : 'pending';
  return h('span', { class: `badge badge-${kind}`, dataset: { status } }, status);
}
