// Labelled form controls with a hint and an error slot each, and the mapping of a problem's
// located `errors[].pointer` onto them. Every control carries `data-pointer` (the JSON
// pointer of the value it edits), so a server error lands next to the field that caused it.
import type { FieldError } from '../api/client';
import { h, uid, type Child } from './dom';

interface BaseOptions {
  label: string;
  pointer?: string;
  hint?: string;
  required?: boolean;
  id?: string;
  name?: string;
  autocomplete?: string;
}

export interface InputOptions extends BaseOptions {
  value: string | number | null | undefined;
  type?: 'text' | 'email' | 'password' | 'number' | 'url' | 'search' | 'date' | 'datetime-local' | 'month' | 'time';
  placeholder?: string;
  min?: number | string;
  max?: number | string;
  step?: number | string;
  onInput?: (value: string) => void;
  spellcheck?: boolean;
}

function describedBy(hintId: string | null, errorId: string): string {
  return hintId ? `${hintId} ${errorId}` : errorId;
}

function wrap(
  id: string,
  label: string,
  required: boolean | undefined,
  control: HTMLElement,
  hint: string | undefined,
  errorId: string,
  hintId: string | null,
): HTMLElement {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label, required ? h('span', { class: 'required', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ? h('p', { class: 'hint', id: hintId ?? undefined }, hint) : null,
    h('p', { class: 'field-error', id: errorId }),
  );
}

export function inputField(options: InputOptions): HTMLElement {
  const id = options.id ?? uid('f');
  const errorId = `${id}-error`;
  const hintId = options.hint ? `${id}-hint` : null;
  const input = h('input', {
    id,
    name: options.name ?? id,
    type: options.type ?? 'text',
    value: options.value === null || options.value === undefined ? '' : String(options.value),
    placeholder: options.placeholder,
    required: options.required,
    'aria-required': options.required ? 'true' : undefined,
    min: options.min,
    max: options.max,
    step: options.step,
    autocomplete: options.autocomplete,
    spellcheck: options.spellcheck === false ? 'false' : undefined,
    'aria-describedby': describedBy(hintId, errorId),
    dataset: options.pointer !== undefined ? { pointer: options.pointer } : undefined,
  });
  if (options.onInput) {
    const handler = options.onInput;
    input.addEventListener('input', () => handler(input.value));
  }
  return wrap(id, options.label, options.required, input, options.hint, errorId, hintId);
}

export interface TextareaOptions extends BaseOptions {
  value: string;
  rows?: number;
  onInput?: (value: string) => void;
  monospace?: boolean;
}

export function textareaField(options: TextareaOptions): HTMLElement {
  const id = options.id ?? uid('f');
  const errorId = `${id}-error`;
  const hintId = options.hint ? `${id}-hint` : null;
  const area = h('textarea', {
    id,
    name: options.name ?? id,
    rows: options.rows ?? 3,
    required: options.required,
    class: options.monospace ? 'mono' : undefined,
    spellcheck: 'false',
    'aria-describedby': describedBy(hintId, errorId),
    dataset: options.pointer !== undefined ? { pointer: options.pointer } : undefined,
  });
  area.value = options.value;
  if (options.onInput) {
    const handler = options.onInput;
    area.addEventListener('input', () => handler(area.value));
  }
  return wrap(id, options.label, options.required, area, options.hint, errorId, hintId);
}

export interface SelectOptions extends BaseOptions {
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange?: (value: string) => void;
}

export function selectField(options: SelectOptions): HTMLElement {
  const id = options.id ?? uid('f');
  const errorId = `${id}-error`;
  const hintId = options.hint ? `${id}-hint` : null;
  const select = h(
    'select',
    {
      id,
      name: options.name ?? id,
      required: options.required,
      'aria-describedby': describedBy(hintId, errorId),
      dataset: options.pointer !== undefined ? { pointer: options.pointer } : undefined,
    },
    options.options.map((o) => h('option', { value: o.value, selected: o.value === options.value }, o.label)),
  );
  select.value = options.value;
  if (options.onChange) {
    const handler = options.onChange;
    select.addEventListener('change', () => handler(select.value));
  }
  return wrap(id, options.label, options.required, select, options.hint, errorId, hintId);
}

export interface CheckboxOptions extends BaseOptions {
  checked: boolean;
  onChange?: (checked: boolean) => void;
}

export function checkboxField(options: CheckboxOptions): HTMLElement {
  const id = options.id ?? uid('f');
  const errorId = `${id}-error`;
  const hintId = options.hint ? `${id}-hint` : null;
  const box = h('input', {
    id,
    type: 'checkbox',
    name: options.name ?? id,
    checked: options.checked,
    'aria-describedby': describedBy(hintId, errorId),
    dataset: options.pointer !== undefined ? { pointer: options.pointer } : undefined,
  });
  if (options.onChange) {
    const handler = options.onChange;
    box.addEventListener('change', () => handler(box.checked));
  }
  return h(
    'div',
    { class: 'field field-checkbox' },
    box,
    h('label', { for: id }, options.label),
    options.hint ? h('p', { class: 'hint', id: hintId ?? undefined }, options.hint) : null,
    h('p', { class: 'field-error', id: errorId }),
  );
}

// A group of radio buttons in a fieldset with a legend.
export function radioGroup(options: {
  legend: string;
  name: string;
  value: string;
  options: Array<{ value: string; label: string }>;
  onChange?: (value: string) => void;
  pointer?: string;
}): HTMLElement {
  const errorId = uid('radio-error');
  return h(
    'fieldset',
    {
      class: 'radio-group',
      'aria-describedby': errorId,
      dataset: options.pointer !== undefined ? { pointer: options.pointer } : undefined,
    },
    h('legend', null, options.legend),
    options.options.map((o) => {
      const id = uid('r');
      const input = h('input', {
        id,
        type: 'radio',
        name: options.name,
        value: o.value,
        checked: o.value === options.value,
      });
      if (options.onChange) {
        const handler = options.onChange;
        input.addEventListener('change', () => input.checked && handler(o.value));
      }
      return h('span', { class: 'radio' }, input, h('label', { for: id }, o.label));
    }),
    h('p', { class: 'field-error', id: errorId }),
  );
}

export function button(
  label: Child,
  onClick: (event: MouseEvent) => void,
  props: Record<string, unknown> = {},
): HTMLButtonElement {
  return h('button', { type: 'button', ...props, onClick }, label);
}

// ---- errors located by JSON pointer -------------------------------------------------------

function errorSlotFor(control: HTMLElement): HTMLElement | null {
  const ids = (control.getAttribute('aria-describedby') ?? '').split(/\s+/);
  for (const id of ids) {
    const el = id ? document.getElementById(id) : null;
    if (el?.classList.contains('field-error')) return el;
  }
  return null;
}

export function clearFieldErrors(root: ParentNode): void {
  root.querySelectorAll<HTMLElement>('[aria-invalid="true"]').forEach((el) => el.removeAttribute('aria-invalid'));
  root.querySelectorAll<HTMLElement>('.field-error').forEach((el) => (el.textContent = ''));
  root.querySelectorAll<HTMLElement>('.section-error').forEach((el) => el.remove());
}

// The control for `pointer`: the exact one, else the nearest enclosing element that carries an
// ancestor pointer (a section of the form), walking up the pointer one token at a time.
// `rest` is the part of the pointer below the element found.
function locate(root: ParentNode, pointer: string): { el: HTMLElement; exact: boolean; rest: string } | null {
  let current = pointer;
  for (;;) {
    const el = root.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(current)}"]`);
    if (el) return { el, exact: current === pointer, rest: pointer.slice(current.length) };
    if (current === '') return null;
    current = current.slice(0, current.lastIndexOf('/'));
  }
}

// How an error below a control is named: "Line 3" inside a one-per-line list, else its pointer.
function messageFor(found: { el: HTMLElement; exact: boolean; rest: string }, error: FieldError): string {
  if (found.exact) return error.message;
  const line = /^\/(\d+)$/.exec(found.rest);
  if (line && found.el.dataset.lines === 'true') return `Line ${Number(line[1]) + 1}: ${error.message}`;
  return `${error.pointer}: ${error.message}`;
}

// Shows each error next to its control; returns those that found no place in `root`
// (the caller lists them in the summary). Messages for an ancestor name the exact pointer.
export function showFieldErrors(root: ParentNode, errors: FieldError[]): FieldError[] {
  clearFieldErrors(root);
  const unplaced: FieldError[] = [];
  for (const error of errors) {
    const found = locate(root, error.pointer);
    if (!found) {
      unplaced.push(error);
      continue;
    }
    const { el } = found;
    const message = messageFor(found, error);
    const isControl = el.matches('input, select, textarea');
    if (isControl) el.setAttribute('aria-invalid', 'true');
    const slot = errorSlotFor(el);
    if (slot) {
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    } else {
      el.prepend(h('p', { class: 'field-error section-error' }, message));
    }
  }
  return unplaced;
}

// Focuses the control for `pointer` (from the error summary's links), opening a closed
// <details> section around it first.
export function focusPointer(root: ParentNode, pointer: string): void {
  const found = locate(root, pointer);
  if (!found) return;
  let parent: HTMLElement | null = found.el;
  while (parent) {
    if (parent instanceof HTMLDetailsElement) parent.open = true;
    parent = parent.parentElement;
  }
  const target = found.el.matches('input, select, textarea, button')
    ? found.el
    : (found.el.querySelector<HTMLElement>('input, select, textarea, button') ?? found.el);
  if (!target.matches('input, select, textarea, button') && !target.hasAttribute('tabindex')) target.tabIndex = -1;
  target.focus();
}
