// Messages for the user: the polite live region for results ("Saved version 4") and alert
// boxes for problems. Screen readers hear both without the focus moving.
import { ApiError } from '../api/client';
import { h } from './dom';

let politeRegion: HTMLElement | null = null;

export function statusRegion(): HTMLElement {
  if (!politeRegion) {
    politeRegion = h('div', { id: 'status', class: 'status-line', role: 'status', 'aria-live': 'polite' });
  }
  return politeRegion;
}

// Says `message` in the status line (visible and announced); it fades after ten seconds, by
// when screen readers have read it.
let clearTimer = 0;
export function announce(message: string): void {
  const region = statusRegion();
  region.textContent = '';
  window.clearTimeout(clearTimer);
  // A fresh text node after clearing makes screen readers repeat an identical message.
  window.setTimeout(() => {
    region.textContent = message;
  }, 30);
  clearTimer = window.setTimeout(() => {
    if (region.textContent === message) region.textContent = '';
  }, 10000);
}

// What went wrong, in words: the problem's title and detail, plus the request id to quote.
export function describeError(error: unknown): { title: string; detail: string; instance?: string } {
  if (error instanceof ApiError) {
    return {
      title: error.problem.title,
      detail: error.problem.detail ?? '',
      instance: error.problem.instance,
    };
  }
  return { title: 'Something went wrong', detail: error instanceof Error ? error.message : String(error) };
}

// An alert box for an error; empty (hidden) when `error` is null. Always in the DOM so the
// live region is announced when filled.
export function errorBox(error: unknown | null, extra?: Node): HTMLElement {
  const box = h('div', { class: 'alert', role: 'alert', 'aria-live': 'assertive' });
  if (error) fillErrorBox(box, error, extra);
  return box;
}

export function fillErrorBox(box: HTMLElement, error: unknown | null, extra?: Node): void {
  box.replaceChildren();
  box.classList.toggle('visible', Boolean(error));
  if (!error) return;
  const { title, detail, instance } = describeError(error);
  box.append(h('strong', null, title));
  if (detail) box.append(h('p', null, detail));
  if (instance) box.append(h('p', { class: 'muted small' }, `Request id: ${instance}`));
  if (extra) box.append(extra);
}

export function notice(text: string, kind: 'info' | 'success' | 'warning' = 'info'): HTMLElement {
  return h('p', { class: `notice notice-${kind}` }, text);
}

export function loading(what: string): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, `Loading ${what}…`);
}
