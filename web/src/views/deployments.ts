// Deployments of a service and the per-edge status of one deployment.
import { api, listItems } from '../api/client';
import type { Deployment, Service } from '../api/types';
import { navigate, type Params } from '../app/router';
import { mayConfigure } from '../app/session';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { button } from '../ui/forms';
import { formatTime, h, replaceChildren } from '../ui/dom';
import { errorPage, loadService, serviceFrame, statusBadge, table } from './common';
import { edgeSummary, edgeTable, normaliseEdges, overallStatus, requestedAt, requester } from './edge-status';
import { isFinished, pollWhileVisible } from './status-poll';

export async function deploymentsView(params: Params): Promise<HTMLElement> {
  const scid = params.scid!;
  let service: Service;
  let deployments: Deployment[];
  let current: Record<string, Deployment | null> = {};
  try {
    service = await loadService(scid);
    const { data } = await api.get<{ current?: Record<string, Deployment | null> }>(
      `/api/v1/services/${scid}/deployments`,
      { query: { limit: 100 } },
    );
    deployments = listItems<Deployment>(data);
    current = data?.current ?? {};
  } catch (error) {
    return errorPage(error, 'service');
  }
  deployments.sort((a, b) => b.id - a.id);
  return serviceFrame(
    service,
    '/deployments',
    'Deployments',
    h(
      'p',
      null,
      'Deploy a version from the ',
      h('a', { href: `/services/${scid}/history` }, 'history'),
      ' or right after saving it in the ',
      h('a', { href: `/services/${scid}/configuration` }, 'editor'),
      '.',
    ),
    currentSummary(scid, current),
    table(
      'Deployments, newest first',
      ['Deployment', 'Version', 'Environment', 'Action', 'Requested by', 'Requested at', 'Comment'],
      deployments.map((d) => [
        h('a', { href: `/services/${scid}/deployments/${d.id}` }, `#${d.id}`),
        `v${d.version}`,
        [
          d.environment,
          current[d.environment]?.id === d.id ? h('span', { class: 'badge badge-ok' }, ' current') : null,
        ],
        d.action ?? 'deploy',
        requester(d),
        formatTime(requestedAt(d)),
        d.comment ?? '',
      ]),
      { empty: 'This service has not been deployed yet.' },
    ),
  );
}

// What each environment runs now, with a one-step rollback (the portal deploys the newest
// earlier version that ran there before the current one).
function currentSummary(scid: string, current: Record<string, Deployment | null>): HTMLElement {
  const alert = errorBox(null);
  const line = (env: string) => {
    const d = current[env];
    const confirmSlot = h('span', { class: 'confirm-slot' });
    const rollback = button(
      `Roll back ${env}…`,
      () => {
        const yes = button(
          `Yes, roll back ${env}`,
          async () => {
            fillErrorBox(alert, null);
            try {
              const { data } = await api.post<Deployment>(`/api/v1/services/${scid}/deployments/rollback`, {
                environment: env,
              });
              announce(`Rolling ${env} back to version ${data.version}.`);
              navigate(`/services/${scid}/deployments/${data.id}`);
            } catch (error) {
              fillErrorBox(alert, error);
            }
          },
          { class: 'small primary danger' },
        );
        const no = button('Cancel', () => confirmSlot.replaceChildren(), { class: 'small' });
        confirmSlot.replaceChildren(' ', yes, ' ', no);
        yes.focus();
      },
      { class: 'small' },
    );
    return [
      h('dt', null, env === 'production' ? 'Production' : 'Staging'),
      h(
        'dd',
        null,
        d
          ? [
              `version ${d.version} `,
              h('a', { href: `/services/${d.scid}/deployments/${d.id}` }, `(deployment #${d.id})`),
              ' ',
              mayConfigure() ? rollback : null,
              confirmSlot,
            ]
          : 'nothing deployed yet',
      ),
    ];
  };
  return h('div', null, alert, h('dl', { class: 'details' }, line('production'), line('staging')));
}

export async function deploymentView(params: Params): Promise<HTMLElement> {
  const scid = params.scid!;
  let service: Service;
  let deployment: Deployment;
  try {
    service = await loadService(scid);
    deployment = (await api.get<Deployment>(`/api/v1/deployments/${encodeURIComponent(params.id!)}`)).data;
  } catch (error) {
    return errorPage(error, 'deployment');
  }
  const body = h('div', { class: 'status-body' });
  const render = (d: Deployment) => {
    const edges = normaliseEdges(d);
    replaceChildren(
      body,
      h(
        'dl',
        { class: 'details' },
        h('dt', null, 'Version'),
        h('dd', null, `v${d.version}`),
        h('dt', null, 'Environment'),
        h('dd', null, d.environment),
        h('dt', null, 'Status'),
        h('dd', { class: 'deployment-status' }, statusBadge(overallStatus(d, 'applied'))),
        h('dt', null, 'Requested'),
        h('dd', null, `${formatTime(requestedAt(d))} by ${requester(d)}`),
        h('dt', null, 'Edges'),
        h('dd', null, edgeSummary(edges)),
      ),
      edgeTable(edges),
    );
  };
  render(deployment);
  const view = serviceFrame(
    service,
    '/deployments',
    `Deployment #${deployment.id}`,
    h('p', null, h('a', { href: `/services/${scid}/deployments` }, '← All deployments')),
    h('div', { 'aria-live': 'polite' }, body),
  );
  pollWhileVisible(
    view,
    () => isFinished(overallStatus(deployment, 'applied')),
    async () => {
      deployment = (await api.get<Deployment>(`/api/v1/deployments/${deployment.id}`)).data;
      render(deployment);
    },
  );
  return view;
}
