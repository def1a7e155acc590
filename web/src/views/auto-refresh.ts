// A region that reads its data again every few seconds while its view is in the document: an
// "updated at" line (polite, not announced on every read), a pause button (moving content must be
// stoppable) and an error box that shows a failed read without losing the last good figures.
// Leaving the view detaches it, which ends the loop. Used by the NOC dashboard and the Network page.
import { h } from '../ui/dom';
import { errorBox, fillErrorBox, loading } from '../ui/feedback';
import { formatGmt } from '../support/gmt';

export interface AutoRefreshOptions<T> {
  intervalMs: number;
  // What is loading, for the placeholder ("the dashboard").
  what: string;
  // The first read, already done by the caller (its failure decides the page: e.g. 403).
  initial: T;
  load: () => Promise<T>;
  render: (data: T) => HTMLElement;
  generatedAt: (data: T) => unknown;
}

export interface AutoRefresh {
  toolbar: HTMLElement;
  alert: HTMLElement;
  body: HTMLElement;
  // Renders the first read and starts the loop; `view` is the page the region is part of.
  start: (view: HTMLElement) => void;
}

export function autoRefresh<T>(options: AutoRefreshOptions<T>): AutoRefresh {
  const alert = errorBox(null);
  const updated = h('p', { class: 'muted live-updated', 'aria-live': 'polite' }, 'Loading…');
  const body = h('div', { class: 'refresh-region' }, loading(options.what));
  let view: HTMLElement | null = null;
  let paused = false;
  let timer = 0;
  let last = '';
  let inFlight = false;
  let first = true;
  let shown = false;
  const seconds = options.intervalMs / 1000;

  const pauseButton: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      'aria-pressed': 'false',
      onClick: () => {
        paused = !paused;
        pauseButton.setAttribute('aria-pressed', String(paused));
        pauseButton.textContent = paused ? 'Resume updates' : 'Pause updates';
        if (paused) {
          window.clearTimeout(timer);
          updated.textContent = `${last} Updates paused.`;
        } else {
          void tick();
        }
      },
    },
    'Pause updates',
  );

  // One read, then the next after the interval, for as long as the view is in the document (the
  // first one renders before the view is attached).
  const tick = async () => {
    window.clearTimeout(timer);
    const connected = view?.isConnected ?? false;
    if (inFlight || (shown && !connected)) return;
    inFlight = true;
    try {
      const data = first ? options.initial : await options.load();
      first = false;
      fillErrorBox(alert, null);
      body.replaceChildren(options.render(data));
      last = `Updated at ${formatGmt(options.generatedAt(data))}.`;
    } catch (error) {
      fillErrorBox(alert, error);
      last = 'The last update failed.';
    } finally {
      inFlight = false;
    }
    if (paused) {
      updated.textContent = `${last} Updates paused.`;
    } else if (!shown || view?.isConnected) {
      updated.textContent = `${last} Next update in ${seconds} s.`;
      timer = window.setTimeout(() => {
        shown = true;
        void tick();
      }, options.intervalMs);
    }
  };

  return {
    toolbar: h('div', { class: 'toolbar live-toolbar' }, updated, pauseButton),
    alert,
    body,
    start: (page: HTMLElement) => {
      view = page;
      void tick();
    },
  };
}
