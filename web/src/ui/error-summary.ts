// The list of everything a server refused in a form, above the form: one entry per located
// error, naming the field by its label; activating an entry focuses that field. Together with
// the messages beside the fields (ui/forms.ts) every error is visible and reachable.
import type { FieldError } from '../api/client';
import { h } from './dom';
import { focusPointer } from './forms';

export interface ErrorSummary {
  element: HTMLElement;
  show(errors: FieldError[], title: string, form: ParentNode): void;
  clear(): void;
}

// The label text of the control for `pointer` in `form` (the pointer itself when there is none).
function fieldName(form: ParentNode, pointer: string): string {
  const el = form.querySelector<HTMLElement>(`[data-pointer="${CSS.escape(pointer)}"]`);
  if (el && (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) {
    const label = el.labels?.[0]?.textContent?.replace(/\s*\*\s*$/, '').trim();
    if (label) return label;
  }
  // A section names itself with data-label, else by its fieldset legend.
  const legend = el?.dataset.label ?? el?.querySelector('legend')?.textContent?.trim();
  return legend || pointer || 'Form';
}

export function errorSummary(): ErrorSummary {
  const element = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', 'aria-live': 'assertive' });
  return {
    element,
    show(errors, title, form) {
      element.replaceChildren(
        h('h2', null, title),
        h(
          'ul',
          null,
          errors.map((e) =>
            h(
              'li',
              { dataset: { errorPointer: e.pointer } },
              h(
                'button',
                { type: 'button', class: 'link-button', onClick: () => focusPointer(form, e.pointer) },
                fieldName(form, e.pointer),
              ),
              ': ',
              e.message,
            ),
          ),
        ),
      );
      element.classList.add('visible');
    },
    clear() {
      element.replaceChildren();
      element.classList.remove('visible');
    },
  };
}
