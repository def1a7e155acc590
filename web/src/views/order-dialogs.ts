// The order page's two dialogs: the signature (the customer's authorization: name and title,
// with what is being signed — totals and, for a disconnect, the early termination charge) and
// the reason asked before a cancellation or rejection. Native <dialog> in modal mode: focus
// stays inside, Escape closes it, and focus goes back to the button that opened it.
import { ApiError } from '../api/client';
import { h, type Child } from '../ui/dom';
import { errorBox, fillErrorBox } from '../ui/feedback';
import { clearFieldErrors, inputField, showFieldErrors, textareaField } from '../ui/forms';

export interface DialogOptions {
  title: string;
  intro: Child[];
  fields: HTMLElement[];
  submitLabel: string;
  // Validates and sends; a thrown ApiError with located errors is shown at the fields.
  send: () => Promise<void>;
  // Runs once the dialog has closed after a successful send (e.g. redraws the page, which
  // then places the focus itself).
  after?: () => Promise<void>;
}

let dialogCount = 0;

export function openDialog(options: DialogOptions): HTMLDialogElement {
  const opener = document.activeElement as HTMLElement | null;
  const titleId = `dialog-title-${++dialogCount}`;
  const alert = errorBox(null);
  const close = () => dialog.close();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
        submit.disabled = true;
        try {
          await options.send();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors?.length) {
            showFieldErrors(form, error.problem.errors);
            form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
          }
          fillErrorBox(alert, error);
          submit.disabled = false;
          return;
        }
        dialog.close();
        await options.after?.();
      },
    },
    alert,
    ...options.fields,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, options.submitLabel),
      h('button', { type: 'button', onClick: close }, 'Close without changes'),
    ),
  );
  const dialog: HTMLDialogElement = h(
    'dialog',
    { class: 'order-dialog', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, options.title),
    ...options.intro,
    form,
  );
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener?.isConnected) opener.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  dialog.querySelector<HTMLElement>('input, textarea')?.focus();
  return dialog;
}

// A located error raised before anything is sent (an empty required field).
export function fieldError(pointer: string, message: string): ApiError {
  return new ApiError(
    { type: 'about:blank', title: 'Please complete the form', status: 400, errors: [{ pointer, message }] },
    null,
    null,
  );
}

export function signatureDialog(
  intro: Child[],
  sign: (name: string, title: string) => Promise<void>,
  after: () => Promise<void>,
): void {
  const values = { name: '', title: '' };
  openDialog({
    title: 'Sign the order',
    intro,
    fields: [
      inputField({
        label: 'Your name',
        pointer: '/signature/name',
        value: '',
        required: true,
        autocomplete: 'name',
        onInput: (v) => (values.name = v),
      }),
      inputField({
        label: 'Your title',
        pointer: '/signature/title',
        value: '',
        required: true,
        autocomplete: 'organization-title',
        hint: 'Your position, e.g. Head of Operations.',
        onInput: (v) => (values.title = v),
      }),
    ],
    submitLabel: 'Sign',
    send: async () => {
      if (!values.name.trim()) throw fieldError('/signature/name', 'Enter your name to sign.');
      if (!values.title.trim()) throw fieldError('/signature/title', 'Enter your title to sign.');
      await sign(values.name.trim(), values.title.trim());
    },
    after,
  });
}

export function reasonDialog(
  title: string,
  intro: Child[],
  submitLabel: string,
  send: (reason: string) => Promise<void>,
  after: () => Promise<void>,
): void {
  let reason = '';
  openDialog({
    title,
    intro,
    fields: [
      textareaField({
        label: 'Reason',
        pointer: '/reason',
        value: '',
        rows: 3,
        required: true,
        hint: 'Recorded on the order and sent to the people it concerns.',
        onInput: (v) => (reason = v),
      }),
    ],
    submitLabel,
    send: async () => {
      if (!reason.trim()) throw fieldError('/reason', 'Give a reason.');
      await send(reason.trim());
    },
    after,
  });
}
