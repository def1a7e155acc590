// The page frame around every signed-in view: skip link, mimic banner, header with the signed-in
// user, the main navigation, the access-group/SCID navigation, <main> and the status line.
import { api } from '../api/client';
import type { AccessGroup, Service } from '../api/types';
import { h, replaceChildren } from '../ui/dom';
import { announce, errorBox, statusRegion } from '../ui/feedback';
import { navigate } from './router';
import { hasRole, isStaff, session, signOut, stopMimic } from './session';

let root: HTMLElement | null = null;
let mainEl: HTMLElement | null = null;
let groupNav: HTMLElement | null = null;
let headerSlot: HTMLElement | null = null;
let bannerSlot: HTMLElement | null = null;
let navSlot: HTMLElement | null = null;

// Cached navigation data, reloaded after sign-in, mimic changes and service changes.
let groups: AccessGroup[] | null = null;
let services: Service[] | null = null;

// Who the chrome was drawn for; it is redrawn only when that or the navigation data changes.
let chromeKey: string | null = null;

export function invalidateNavigation(): void {
  groups = null;
  services = null;
  chromeKey = null;
}

export function mainElement(): HTMLElement {
  if (!mainEl) throw new Error('shell not mounted');
  return mainEl;
}

export function shellMounted(): boolean {
  return root !== null && root.isConnected;
}

export function mountShell(container: HTMLElement): void {
  bannerSlot = h('div', { id: 'mimic-slot' });
  headerSlot = h('header', { class: 'site-header' });
  navSlot = h('nav', { class: 'main-nav', 'aria-label': 'Main' });
  groupNav = h('nav', { class: 'group-nav', 'aria-label': 'Access groups and services' });
  mainEl = h('main', { id: 'main', tabindex: '-1' });
  root = h(
    'div',
    { class: 'shell' },
    h(
      'a',
      {
        class: 'skip-link',
        href: '#main',
        onClick: (e: Event) => {
          e.preventDefault();
          mainEl?.focus();
        },
      },
      'Skip to content',
    ),
    bannerSlot,
    headerSlot,
    h('div', { class: 'body' }, h('aside', { class: 'sidebar' }, navSlot, groupNav), mainEl),
    h('footer', { class: 'site-footer' }, statusRegion()),
  );
  replaceChildren(container, root);
  chromeKey = null;
  renderChrome();
}

export function renderChrome(): void {
  const s = session();
  if (!s || !headerSlot || !bannerSlot || !navSlot) return;
  const key = `${s.user.id}/${s.mimicked_by?.id ?? ''}`;
  if (key === chromeKey) {
    markCurrent();
    return;
  }
  chromeKey = key;

  replaceChildren(
    bannerSlot,
    s.mimicked_by
      ? h(
          'section',
          { class: 'mimic-banner', role: 'region', 'aria-label': 'Acting as another user' },
          h(
            'strong',
            null,
            `You are acting as ${s.user.name || s.user.email} (mimicked by ${s.mimicked_by.name || s.mimicked_by.email})`,
          ),
          ' — ',
          h(
            'button',
            {
              type: 'button',
              class: 'link-button',
              'aria-label': `Stop acting as ${s.user.name || s.user.email}`,
              onClick: async () => {
                try {
                  await stopMimic();
                  invalidateNavigation();
                  renderChrome();
                  announce('You are yourself again.');
                  navigate('/users');
                } catch (error) {
                  announce(`Could not stop mimicking: ${error instanceof Error ? error.message : String(error)}`);
                }
              },
            },
            'stop',
          ),
        )
      : null,
  );

  replaceChildren(
    headerSlot,
    h('a', { class: 'brand', href: '/' }, 'Candela ', h('span', { class: 'muted' }, 'Media portal')),
    h(
      'div',
      { class: 'who' },
      h(
        'span',
        { class: 'signed-in-as' },
        'Signed in as ',
        h('strong', null, s.user.name || s.user.email),
        s.user.name ? ` (${s.user.email})` : '',
      ),
      h(
        'button',
        {
          type: 'button',
          onClick: async () => {
            await signOut().catch(() => undefined);
            invalidateNavigation();
            navigate('/sign-in', { replace: true });
          },
        },
        'Sign out',
      ),
    ),
  );

  const links: Array<[string, string]> = [
    ['/', 'Services'],
    ['/usage', 'Usage'],
    ['/tickets', 'Tickets'],
    ['/orders', 'Orders'],
    // Billing: provider staff and customer users with the billing right (admin, billing).
    ...(isStaff() || hasRole('admin', 'billing') ? ([['/billing', 'Billing']] as Array<[string, string]>) : []),
    ['/maintenance', 'Maintenance'],
    ['/support', 'Support'],
    ['/support/mttr', 'MTTR report'],
    ['/users', 'Users'],
    ['/api-keys', 'API keys'],
    ['/account-team', 'Account team'],
    ['/notifications', 'Notifications'],
  ];
  if (isStaff())
    links.push(
      ['/noc', 'NOC dashboard'],
      ['/network', 'Network'],
      ['/edges', 'Edges'],
      ['/mail-deliveries', 'Mail deliveries'],
    );
  replaceChildren(
    navSlot,
    h(
      'ul',
      null,
      links.map(([href, text]) => h('li', null, h('a', { href, dataset: { nav: href } }, text))),
    ),
  );
  markCurrent();
  void renderGroupNav();
}

// aria-current on the navigation links that lead to the current page.
export function markCurrent(): void {
  const path = location.pathname;
  const links = Array.from(document.querySelectorAll<HTMLAnchorElement>('.main-nav a, .group-nav a'));
  const leads = (href: string) =>
    href === '/' ? path === '/' || path.startsWith('/groups/') : path === href || path.startsWith(`${href}/`);
  // Only the most specific link is current ("MTTR report" on /support/mttr, not also "Support").
  const best = new Map<Element | null, number>();
  for (const a of links) {
    const href = a.getAttribute('href') ?? '';
    const nav = a.closest('nav');
    if (leads(href)) best.set(nav, Math.max(best.get(nav) ?? -1, href.length));
  }
  links.forEach((a) => {
    const href = a.getAttribute('href') ?? '';
    if (leads(href) && best.get(a.closest('nav')) === href.length) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

async function loadNavigation(): Promise<{ groups: AccessGroup[]; services: Service[] }> {
  if (!groups) groups = await api.list<AccessGroup>('/api/v1/access-groups');
  if (!services) services = await api.list<Service>('/api/v1/services');
  return { groups, services };
}

export async function navigationData(): Promise<{ groups: AccessGroup[]; services: Service[] }> {
  return loadNavigation();
}

function scidForm(): HTMLElement {
  const input = h('input', {
    id: 'scid-jump',
    name: 'scid',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 9,
    class: 'mono',
    placeholder: 'e.g. AB12CD34E',
  });
  return h(
    'form',
    {
      class: 'scid-form',
      role: 'search',
      'aria-label': 'Open a service by SCID',
      onSubmit: (e: Event) => {
        e.preventDefault();
        const scid = input.value.trim().toUpperCase();
        if (scid) navigate(`/services/${encodeURIComponent(scid)}`);
      },
    },
    h('label', { for: 'scid-jump' }, 'Open SCID'),
    h('div', { class: 'inline' }, input, h('button', { type: 'submit' }, 'Go')),
  );
}

async function renderGroupNav(): Promise<void> {
  if (!groupNav) return;
  const target = groupNav;
  replaceChildren(
    target,
    h('h2', { class: 'nav-title' }, 'Access groups'),
    scidForm(),
    h('p', { class: 'muted small' }, 'Loading…'),
  );
  try {
    const data = await loadNavigation();
    if (target !== groupNav) return;
    replaceChildren(
      target,
      h('h2', { class: 'nav-title' }, 'Access groups'),
      scidForm(),
      groupTree(data.groups, data.services),
    );
    markCurrent();
  } catch (error) {
    replaceChildren(target, h('h2', { class: 'nav-title' }, 'Access groups'), scidForm(), errorBox(error));
  }
}

// The visible access groups as a nested list; each group lists its services by SCID.
export function groupTree(all: AccessGroup[], svc: Service[]): HTMLElement {
  const ids = new Set(all.map((g) => g.id));
  const children = new Map<number | null, AccessGroup[]>();
  for (const g of all) {
    // A group whose parent is not visible to the user is a root of the user's tree.
    const parent = g.parent_id !== null && ids.has(g.parent_id) ? g.parent_id : null;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(g);
  }
  const byGroup = new Map<number, Service[]>();
  for (const s of svc) {
    if (!byGroup.has(s.access_group_id)) byGroup.set(s.access_group_id, []);
    byGroup.get(s.access_group_id)!.push(s);
  }
  const list = (parent: number | null): HTMLElement | null => {
    const items = (children.get(parent) ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
    if (items.length === 0) return null;
    return h(
      'ul',
      { class: 'tree' },
      items.map((g) =>
        h(
          'li',
          null,
          h('a', { href: `/groups/${g.id}` }, g.name),
          (byGroup.get(g.id) ?? []).length > 0
            ? h(
                'ul',
                { class: 'tree-services' },
                (byGroup.get(g.id) ?? []).map((s) =>
                  h(
                    'li',
                    null,
                    h('a', { href: `/services/${s.scid}`, class: 'mono' }, s.scid),
                    s.name ? h('span', { class: 'muted small' }, ` ${s.name}`) : null,
                  ),
                ),
              )
            : null,
          list(g.id),
        ),
      ),
    );
  };
  return list(null) ?? h('p', { class: 'muted small' }, 'No access groups are visible to you.');
}
