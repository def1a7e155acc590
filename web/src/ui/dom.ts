// The UI's whole component layer: `h()` builds real DOM elements, views are functions that
// return elements, and a view re-renders by replacing its own subtree. No virtual DOM is
// needed for forms and tables of this size, and focus is managed explicitly (see focusFirst).

export type Child = Node | string | number | null | undefined | false | Child[];

type Listener = (event: Event) => void;
export type Props = Record<string, unknown>;

// `value` is set as a DOM property on textareas and selects (they have no value attribute);
// everything else, `checked` and `selected` included, is an attribute, so form.reset() returns
// to the rendered state.
function setsValueProperty(el: HTMLElement, key: string): boolean {
  return key === 'value' && (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement);
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props) applyProps(el, props);
  append(el, children);
  return el;
}

function applyProps(el: HTMLElement, props: Props): void {
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value as Listener);
    } else if (key === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : String(value);
    } else if (key === 'dataset' && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, string>)) el.dataset[k] = v;
    } else if (setsValueProperty(el, key)) {
      (el as HTMLTextAreaElement | HTMLSelectElement).value = String(value);
    } else if (value === true) {
      el.setAttribute(key, '');
    } else {
      el.setAttribute(key, String(value));
    }
  }
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else if (child instanceof Node) parent.appendChild(child);
    else parent.appendChild(document.createTextNode(String(child)));
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let counter = 0;
// A document-unique id for label/input and aria-describedby pairs.
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

// Moves focus to the first heading or control of a freshly rendered view, so keyboard and
// screen-reader users land on the new content after navigation.
export function focusFirst(root: Element): void {
  const target = root.querySelector<HTMLElement>('h1, h2, [autofocus]');
  if (!target) return;
  if (!target.hasAttribute('tabindex') && /^H[12]$/.test(target.tagName)) target.tabIndex = -1;
  target.focus({ preventScroll: false });
}

// Text for a timestamp from the API (RFC 3339 or epoch milliseconds), in the user's locale
// with the UTC offset visible, because the handbook's times are GMT.
export function formatTime(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  return date
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}
