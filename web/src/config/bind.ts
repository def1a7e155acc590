// Form controls bound to a value of the draft configuration by JSON pointer. Typing updates the
// draft in place (no re-render, so focus stays); structural edits call ctx.rerender().
import { checkboxField, inputField, selectField, textareaField } from '../ui/forms';
import { get, set, type Json, type JsonObject } from './pointer';

export interface FormContext {
  doc: JsonObject;
  changed(): void;
  // Rebuilds the form from the draft; focus returns to the control for `focusPointer`.
  rerender(focusPointer?: string): void;
}

function update(ctx: FormContext, pointer: string, value: Json | undefined): void {
  set(ctx.doc, pointer, value);
  ctx.changed();
}

export function text(
  ctx: FormContext,
  pointer: string,
  label: string,
  options: { required?: boolean; hint?: string; removeWhenEmpty?: boolean; placeholder?: string; mono?: boolean } = {},
): HTMLElement {
  const value = get(ctx.doc, pointer);
  return inputField({
    label,
    pointer,
    hint: options.hint,
    required: options.required,
    placeholder: options.placeholder,
    spellcheck: false,
    value: typeof value === 'string' || typeof value === 'number' ? value : '',
    onInput: (v) => update(ctx, pointer, v === '' && options.removeWhenEmpty ? undefined : v),
  });
}

// An integer field; empty removes the member (its default applies). Text that is not a number
// is kept as typed, so the portal's validator reports it at this field.
export function integer(
  ctx: FormContext,
  pointer: string,
  label: string,
  options: { min?: number; max?: number; hint?: string; required?: boolean } = {},
): HTMLElement {
  const value = get(ctx.doc, pointer);
  return inputField({
    label,
    pointer,
    type: 'number',
    min: options.min,
    max: options.max,
    hint: options.hint,
    required: options.required,
    value: typeof value === 'number' || typeof value === 'string' ? value : '',
    onInput: (v) => {
      const trimmed = v.trim();
      if (trimmed === '') update(ctx, pointer, undefined);
      else if (/^-?\d+$/.test(trimmed)) update(ctx, pointer, Number(trimmed));
      else update(ctx, pointer, trimmed);
    },
  });
}

export function choice(
  ctx: FormContext,
  pointer: string,
  label: string,
  choices: Array<{ value: string; label: string }>,
  options: {
    hint?: string;
    none?: string;
    structural?: boolean;
    onChange?: (value: string) => void;
    asNumber?: boolean;
  } = {},
): HTMLElement {
  const value = get(ctx.doc, pointer);
  const all = options.none !== undefined ? [{ value: '', label: options.none }, ...choices] : choices;
  return selectField({
    label,
    pointer,
    hint: options.hint,
    value: value === undefined || value === null ? '' : String(value),
    options: all,
    onChange: (v) => {
      if (options.onChange) options.onChange(v);
      else update(ctx, pointer, v === '' ? undefined : options.asNumber ? Number(v) : v);
      if (options.structural) ctx.rerender(pointer);
    },
  });
}

export function flag(
  ctx: FormContext,
  pointer: string,
  label: string,
  options: { hint?: string; defaultValue?: boolean } = {},
): HTMLElement {
  const value = get(ctx.doc, pointer);
  return checkboxField({
    label,
    pointer,
    hint: options.hint,
    checked: typeof value === 'boolean' ? value : (options.defaultValue ?? false),
    onChange: (checked) => update(ctx, pointer, checked),
  });
}

// An array of strings edited one per line (blank lines dropped).
export function lines(
  ctx: FormContext,
  pointer: string,
  label: string,
  options: { hint?: string; removeWhenEmpty?: boolean; rows?: number; required?: boolean } = {},
): HTMLElement {
  const value = get(ctx.doc, pointer);
  const field = textareaField({
    label,
    pointer,
    hint: options.hint ?? 'One per line.',
    rows: options.rows ?? 3,
    required: options.required,
    monospace: true,
    value: Array.isArray(value) ? value.map(String).join('\n') : '',
    onInput: (v) => {
      const items = v
        .split('\n')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      update(ctx, pointer, items.length === 0 && options.removeWhenEmpty ? undefined : items);
    },
  });
  field.querySelector('textarea')!.dataset.lines = 'true';
  return field;
}

// A header map ({"Name": "value"}) edited as "Name: value" lines.
export function headerMap(ctx: FormContext, pointer: string, label: string, hint: string): HTMLElement {
  const value = get(ctx.doc, pointer);
  const text =
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('\n')
      : '';
  return textareaField({
    label,
    pointer,
    hint,
    rows: 3,
    monospace: true,
    value: text,
    onInput: (v) => {
      const map: JsonObject = {};
      for (const line of v.split('\n')) {
        if (!line.trim()) continue;
        const colon = line.indexOf(':');
        if (colon < 0) map[line.trim()] = '';
        else map[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      }
      update(ctx, pointer, Object.keys(map).length === 0 ? undefined : map);
    },
  });
}
