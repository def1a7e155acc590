// Client-side routes over the History API. The portal answers every extension-less path with
// index.html (docs/api-conventions.md), so each of these URLs can be bookmarked or reloaded.

export type Params = Record<string, string>;
export type View = (params: Params, query: URLSearchParams) => Promise<HTMLElement> | HTMLElement;

interface Route {
  parts: string[];
  view: View;
  public: boolean;
}

const routes: Route[] = [];
let notFound: View = () => document.createElement('div');
let onChange: (() => void) | null = null;

export function route(pattern: string, view: View, options: { public?: boolean } = {}): void {
  routes.push({ parts: split(pattern), view, public: options.public ?? false });
}

export function fallback(view: View): void {
  notFound = view;
}

export function onNavigate(handler: () => void): void {
  onChange = handler;
}

function split(path: string): string[] {
  return path.split('/').filter((p) => p.length > 0);
}

export function match(pathname: string): { view: View; params: Params; public: boolean } {
  const parts = split(pathname);
  for (const r of routes) {
    if (r.parts.length !== parts.length) continue;
    const params: Params = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const want = r.parts[i]!;
      const have = parts[i]!;
      if (want.startsWith(':')) {
        try {
          params[want.slice(1)] = decodeURIComponent(have);
        } catch {
          ok = false;
        }
      } else if (want !== have) {
        ok = false;
      }
    }
    if (ok) return { view: r.view, params, public: r.public };
  }
  return { view: notFound, params: {}, public: false };
}

// A view with unsaved work installs a guard: it returns the question to ask before leaving
// (null when there is nothing to lose). The browser asks on reload/close through beforeunload.
let leaveGuard: (() => string | null) | null = null;

export function setLeaveGuard(guard: (() => string | null) | null): void {
  leaveGuard = guard;
}

function mayLeave(): boolean {
  const question = leaveGuard?.();
  if (!question) return true;
  if (!window.confirm(question)) return false;
  leaveGuard = null;
  return true;
}

window.addEventListener('beforeunload', (event) => {
  if (leaveGuard?.()) event.preventDefault();
});

export function navigate(to: string, options: { replace?: boolean; force?: boolean } = {}): void {
  if (!options.force && !options.replace && !mayLeave()) return;
  leaveGuard = null;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  onChange?.();
}

// Re-renders the current route (after a change that affects it, e.g. a save).
export function refresh(): void {
  onChange?.();
}

export function currentPath(): string {
  return location.pathname + location.search;
}

// Same-origin link clicks become client-side navigations; modified clicks (new tab) and
// links to /api/ or downloads are left to the browser.
export function interceptLinks(root: HTMLElement): void {
  root.addEventListener('click', (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const anchor = (event.target as Element | null)?.closest('a');
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
    const url = new URL(anchor.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    event.preventDefault();
    navigate(url.pathname + url.search + url.hash);
  });
  window.addEventListener('popstate', () => {
    leaveGuard = null;
    onChange?.();
  });
}
