// Deploy a stored version to staging or production. Production asks for a confirmation step
// (an inline one, keyboard-friendly, instead of a browser dialog).
import { api } from '../api/client';
import type { Deployment } from '../api/types';
import { navigate } from '../app/router';
import { h } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';

export function deployPanel(scid: string, version: number, options: { rollback?: boolean } = {}): HTMLElement {
  const alert = errorBox(null);
  const confirmSlot = h('div', { class: 'confirm-slot' });
  const verb = options.rollback ? 'Roll back to' : 'Deploy';

  const deploy = async (environment: 'staging' | 'production', trigger: HTMLButtonElement) => {
    trigger.disabled = true;
    fillErrorBox(alert, null);
    try {
      const { data } = await api.post<Deployment>(`/api/v1/services/${scid}/deployments`, { version, environment });
      announce(`Version ${version} is being deployed to ${environment}.`);
      navigate(`/services/${scid}/deployments/${data.id}`);
    } catch (error) {
      fillErrorBox(alert, error);
      trigger.disabled = false;
    }
  };

  const staging = h('button', { type: 'button', class: 'deploy-staging' }, `${verb} v${version} → staging`);
  staging.addEventListener('click', () => void deploy('staging', staging));

  const production = h('button', { type: 'button', class: 'deploy-production' }, `${verb} v${version} → production`);
  production.addEventListener('click', () => {
    const yes = h(
      'button',
      { type: 'button', class: 'primary danger' },
      `Yes, ${verb.toLowerCase()} v${version} on production`,
    );
    const no = h('button', { type: 'button' }, 'Cancel');
    yes.addEventListener('click', () => void deploy('production', yes));
    no.addEventListener('click', () => {
      confirmSlot.replaceChildren();
      production.focus();
    });
    confirmSlot.replaceChildren(
      h(
        'div',
        { class: 'confirm', role: 'group', 'aria-label': 'Confirm production deployment' },
        h('p', null, `Production serves your customers' traffic. ${verb} version ${version} there now?`),
        yes,
        ' ',
        no,
      ),
    );
    yes.focus();
  });

  return h('div', { class: 'deploy-panel' }, alert, h('div', { class: 'actions' }, staging, production), confirmSlot);
}
