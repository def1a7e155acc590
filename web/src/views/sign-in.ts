// Sign-in: email and password; wrong credentials and lockout are explained in an alert.
import { ApiError } from '../api/client';
import { navigate } from '../app/router';
import { signIn } from '../app/session';
import { h } from '../ui/dom';
import { errorBox, fillErrorBox } from '../ui/feedback';
import { inputField } from '../ui/forms';

function lockoutText(error: ApiError): string {
  const seconds = error.retryAfter;
  const when =
    seconds === null
      ? 'for a while'
      : seconds >= 120
        ? `for ${Math.ceil(seconds / 60)} minutes`
        : `for ${seconds} seconds`;
  return `Too many failed sign-in attempts: this account is locked ${when}. Try again later, or ask your administrator to unlock it.`;
}

export function signInView(_params: unknown, query: URLSearchParams): HTMLElement {
  const alert = errorBox(null);
  const email = inputField({
    label: 'Email',
    type: 'email',
    value: '',
    required: true,
    autocomplete: 'username',
    name: 'email',
    id: 'sign-in-email',
  });
  const password = inputField({
    label: 'Password',
    type: 'password',
    value: '',
    required: true,
    autocomplete: 'current-password',
    name: 'password',
    id: 'sign-in-password',
  });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const reason = query.get('reason');

  const form = h(
    'form',
    {
      class: 'stack',
      'aria-labelledby': 'sign-in-title',
      novalidate: true,
      onSubmit: async (event: Event) => {
        event.preventDefault();
        fillErrorBox(alert, null);
        const emailValue = (form.elements.namedItem('email') as HTMLInputElement).value.trim();
        const passwordValue = (form.elements.namedItem('password') as HTMLInputElement).value;
        if (!emailValue || !passwordValue) {
          fillErrorBox(alert, new Error('Enter your email and your password.'));
          return;
        }
        submit.disabled = true;
        submit.textContent = 'Signing in…';
        try {
          await signIn(emailValue, passwordValue);
          const next = query.get('next');
          navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
        } catch (error) {
          if (error instanceof ApiError && error.status === 429) {
            fillErrorBox(
              alert,
              new ApiError({ ...error.problem, title: 'Account locked', detail: lockoutText(error) }, null, null),
            );
          } else if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
            fillErrorBox(
              alert,
              new ApiError(
                {
                  ...error.problem,
                  title: 'Sign-in refused',
                  detail: error.problem.detail || 'The email or the password is not right.',
                },
                null,
                null,
              ),
            );
          } else {
            fillErrorBox(alert, error);
          }
          (form.elements.namedItem('password') as HTMLInputElement).value = '';
          (form.elements.namedItem('password') as HTMLInputElement).focus();
        } finally {
          submit.disabled = false;
          submit.textContent = 'Sign in';
        }
      },
    },
    alert,
    email,
    password,
    submit,
  );

  return h(
    'main',
    { id: 'main', class: 'sign-in', tabindex: '-1' },
    h(
      'div',
      { class: 'sign-in-card' },
      h('p', { class: 'brand' }, 'Candela'),
      h('h1', { id: 'sign-in-title' }, 'Sign in to the Media portal'),
      reason === 'expired'
        ? h('p', { class: 'notice notice-warning', role: 'status' }, 'Your session has ended. Please sign in again.')
        : null,
      form,
    ),
  );
}
