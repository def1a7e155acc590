// The customer's terms under its MSA: reference, currency, payment terms and the collection
// steps (warning, final warning, suspension after so many days past due). Everyone who may read
// the customer sees them; the account director and the billing coordinator edit them, with a
// reason for the audit trail.
import { api, ApiError } from '../api/client';
import { hasRole } from '../app/session';
import { h, replaceChildren } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { errorSummary } from '../ui/error-summary';
import { clearFieldErrors, inputField, showFieldErrors } from '../ui/forms';
import type { CustomerTerms } from '../orders/types';

export function mayEditTerms(): boolean {
  return hasRole('account_director', 'billing_coordinator');
}

const numberFields: Array<[keyof CustomerTerms, string, string]> = [
  ['payment_terms_days', 'Payment terms (days)', 'Days from the invoice date to its due date.'],
  ['warning_after_days', 'Warning after (days past due)', 'When the first payment warning goes out.'],
  ['final_warning_after_days', 'Final warning after (days past due)', 'When the final warning goes out.'],
  ['suspend_after_days', 'Suspension after (days past due)', 'When the services are suspended for non-payment.'],
];

function termsList(terms: CustomerTerms): HTMLElement {
  return h(
    'dl',
    { class: 'details customer-terms' },
    h('dt', null, 'MSA reference'),
    h('dd', null, terms.msa_reference || '—'),
    h('dt', null, 'Currency'),
    h('dd', null, terms.currency),
    numberFields.map(([key, label]) => [
      h('dt', null, label.replace(/ \(.*\)$/, '')),
      h('dd', null, `${terms[key]} days`),
    ]),
  );
}

function editForm(customer: string, terms: CustomerTerms, saved: () => void): HTMLElement {
  const values: Record<string, string> = {
    msa_reference: terms.msa_reference ?? '',
    currency: terms.currency ?? 'USD',
    reason: '',
  };
  for (const [key] of numberFields) values[key] = String(terms[key] ?? '');
  const summary = errorSummary();
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'stack',
      novalidate: true,
      'aria-label': 'Change the terms',
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        summary.clear();
        fillErrorBox(alert, null);
        const body: Record<string, unknown> = {
          msa_reference: values.msa_reference!.trim(),
          currency: values.currency!.trim().toUpperCase(),
          reason: values.reason!.trim(),
        };
        for (const [key] of numberFields) {
          const text = values[key]!.trim();
          body[key] = /^\d+$/.test(text) ? Number(text) : text;
        }
        try {
          await api.put(`/api/v1/customers/${encodeURIComponent(customer)}/terms`, body);
          announce('Customer terms saved.');
          saved();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors?.length) {
            showFieldErrors(form, error.problem.errors);
            summary.show(error.problem.errors, 'The terms were not saved: please correct these fields', form);
            summary.element.focus();
          } else {
            fillErrorBox(alert, error);
          }
        }
      },
    },
    summary.element,
    alert,
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'MSA reference',
        pointer: '/msa_reference',
        value: values.msa_reference,
        onInput: (v) => (values.msa_reference = v),
      }),
      inputField({
        label: 'Currency',
        pointer: '/currency',
        value: values.currency,
        hint: 'ISO 4217 code, e.g. USD.',
        onInput: (v) => (values.currency = v),
      }),
    ),
    h(
      'div',
      { class: 'row' },
      numberFields.map(([key, label, hint]) =>
        inputField({
          label,
          type: 'number',
          min: 0,
          pointer: `/${key}`,
          value: values[key],
          hint,
          onInput: (v) => (values[key] = v),
        }),
      ),
    ),
    inputField({
      label: 'Reason for the change',
      pointer: '/reason',
      value: '',
      required: true,
      hint: 'Recorded in the audit trail.',
      onInput: (v) => (values.reason = v),
    }),
    h('button', { type: 'submit' }, 'Save the terms'),
  );
  return h('details', { class: 'terms-edit' }, h('summary', null, 'Change the terms'), form);
}

// The panel for one customer; it loads itself and redraws after a save.
export function customerTermsPanel(customer: string): HTMLElement {
  const section = h('section', { class: 'card', 'aria-labelledby': 'terms-title' });
  const title = () => h('h2', { id: 'terms-title' }, 'Terms (MSA)');
  const load = async (focus = false) => {
    replaceChildren(section, title(), h('p', { class: 'muted' }, 'Loading…'));
    try {
      const { data } = await api.get<CustomerTerms>(`/api/v1/customers/${encodeURIComponent(customer)}/terms`);
      replaceChildren(
        section,
        title(),
        termsList(data),
        mayEditTerms() ? editForm(customer, data, () => void load(true)) : null,
      );
    } catch (error) {
      replaceChildren(section, title(), errorBox(error));
    }
    if (focus) {
      const heading = document.getElementById('terms-title');
      if (heading) {
        heading.tabIndex = -1;
        heading.focus();
      }
    }
  };
  void load();
  return section;
}
