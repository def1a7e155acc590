// The service list (home), one access group's page, and the service overview.
import { api } from '../api/client';
import type { AccessGroup, Deployment, Service } from '../api/types';
import { invalidateNavigation, navigationData } from '../app/shell';
import { navigate, refresh, type Params } from '../app/router';
import { isStaff } from '../app/session';
import { formatTime, h } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { clearFieldErrors, inputField, selectField, showFieldErrors } from '../ui/forms';
import { ApiError, listItems } from '../api/client';
import { requestedAt, requester } from './edge-status';
import { errorPage, loadService, page, serviceFrame, stateBadge, table } from './common';
import { serviceContractSection } from './service-contract';

function servicesTable(services: Service[], groups: AccessGroup[], caption: string): HTMLElement {
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return table(
    caption,
    ['SCID', 'State', 'Access group', 'Customer'],
    services.map((s) => [
      h('a', { href: `/services/${s.scid}`, class: 'mono' }, s.scid),
      stateBadge(s.state),
      s.access_group_name ?? groupName.get(s.access_group_id) ?? String(s.access_group_id),
      [s.customer_name ? `${s.customer_name} ` : '', h('span', { class: 'mono' }, s.customer_number ?? '')],
    ]),
    { empty: 'No services here yet.' },
  );
}

export async function servicesView(): Promise<HTMLElement> {
  try {
    const { groups, services } = await navigationData();
    return page(
      'Services',
      h(
        'p',
        null,
        'Every caching service you can reach. Open one to edit its configuration, deploy it or purge content.',
      ),
      servicesTable(services, groups, 'Your services'),
      isStaff() ? newServiceForm(groups) : null,
    );
  } catch (error) {
    return errorPage(error);
  }
}

export async function groupView(params: Params): Promise<HTMLElement> {
  try {
    const id = Number(params.id);
    const { groups, services } = await navigationData();
    const group = groups.find((g) => g.id === id);
    if (!group) {
      throw new ApiError(
        { type: 'https://candela.dev/problems/not-found', title: 'Not found', status: 404 },
        null,
        null,
      );
    }
    const parent = group.parent_id !== null ? groups.find((g) => g.id === group.parent_id) : undefined;
    const subgroups = groups.filter((g) => g.parent_id === id);
    return page(
      group.name,
      h(
        'p',
        { class: 'eyebrow' },
        'Access group',
        parent ? [' in ', h('a', { href: `/groups/${parent.id}` }, parent.name)] : null,
      ),
      h(
        'p',
        { class: 'actions' },
        h('a', { class: 'button', href: `/usage?group_id=${group.id}` }, 'Usage of this group'),
      ),
      servicesTable(
        services.filter((s) => s.access_group_id === id),
        groups,
        `Services of ${group.name}`,
      ),
      subgroups.length > 0
        ? h(
            'section',
            { 'aria-labelledby': 'subgroups-title' },
            h('h2', { id: 'subgroups-title' }, 'Child access groups'),
            h(
              'ul',
              null,
              subgroups.map((g) => h('li', null, h('a', { href: `/groups/${g.id}` }, g.name))),
            ),
          )
        : null,
    );
  } catch (error) {
    return errorPage(error, 'access group');
  }
}

// Provider staff create services until orders exist (issue 3). The portal draws the SCID.
function newServiceForm(groups: AccessGroup[]): HTMLElement {
  const alert = errorBox(null);
  const state = { access_group_id: String(groups[0]?.id ?? ''), customer_number: '', reason: '' };
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack narrow',
      'aria-labelledby': 'new-service-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          const { data } = await api.post<Service>('/api/v1/services', {
            access_group_id: Number(state.access_group_id),
            customer_number: state.customer_number.trim(),
            reason: state.reason.trim(),
          });
          invalidateNavigation();
          announce(`Created service ${data.scid}.`);
          navigate(`/services/${data.scid}`);
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'new-service-title' }, 'New service'),
    alert,
    selectField({
      label: 'Access group',
      pointer: '/access_group_id',
      value: state.access_group_id,
      options: groups.map((g) => ({ value: String(g.id), label: g.name })),
      onChange: (v) => (state.access_group_id = v),
      required: true,
    }),
    inputField({
      label: 'Customer number',
      pointer: '/customer_number',
      value: '',
      required: true,
      hint: "A customer number of the access group's organisation.",
      onInput: (v) => (state.customer_number = v),
    }),
    inputField({
      label: 'Reason',
      pointer: '/reason',
      value: '',
      hint: 'Recorded in the audit trail, e.g. the order reference.',
      onInput: (v) => (state.reason = v),
    }),
    h('button', { type: 'submit', class: 'primary' }, 'Create service'),
  );
  return form;
}

// Staff move a service through its lifecycle: pending → active ⇄ suspended → disconnected.
const transitions: Record<string, string[]> = {
  pending: ['active', 'disconnected'],
  active: ['suspended', 'disconnected'],
  suspended: ['active', 'disconnected'],
};

function stateForm(service: Service): HTMLElement {
  const choices = transitions[service.state] ?? [];
  const state = { to: choices[0] ?? '', reason: '' };
  const alert = errorBox(null);
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack narrow',
      'aria-labelledby': 'state-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        fillErrorBox(alert, null);
        try {
          await api.patch(`/api/v1/services/${service.scid}`, { state: state.to, reason: state.reason.trim() });
          invalidateNavigation();
          announce(`Service ${service.scid} is now ${state.to}.`);
          refresh();
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors) showFieldErrors(form, error.problem.errors);
          fillErrorBox(alert, error);
        }
      },
    },
    h('h2', { id: 'state-title' }, 'Change state'),
    alert,
    selectField({
      label: 'New state',
      pointer: '/state',
      value: state.to,
      options: choices.map((c) => ({ value: c, label: c })),
      onChange: (v) => (state.to = v),
    }),
    inputField({
      label: 'Reason',
      pointer: '/reason',
      value: '',
      required: true,
      hint: 'Recorded in the audit trail.',
      onInput: (v) => (state.reason = v),
    }),
    h('button', { type: 'submit' }, 'Change state'),
  );
  return form;
}

export async function serviceView(params: Params): Promise<HTMLElement> {
  let service: Service;
  try {
    service = await loadService(params.scid!);
  } catch (error) {
    return errorPage(error, 'service');
  }
  const details = h(
    'dl',
    { class: 'details' },
    h('dt', null, 'SCID'),
    h('dd', { class: 'mono' }, service.scid),
    h('dt', null, 'State'),
    h('dd', null, stateBadge(service.state)),
    h('dt', null, 'Customer'),
    h(
      'dd',
      null,
      service.customer_name ? `${service.customer_name} ` : '',
      h('span', { class: 'mono' }, service.customer_number ?? '—'),
    ),
    h('dt', null, 'Access group'),
    h(
      'dd',
      null,
      h(
        'a',
        { href: `/groups/${service.access_group_id}` },
        service.access_group_name ?? String(service.access_group_id),
      ),
    ),
    service.created_at ? [h('dt', null, 'Created'), h('dd', null, formatTime(service.created_at))] : null,
  );
  const recent = h(
    'section',
    { 'aria-labelledby': 'recent-deployments' },
    h('h2', { id: 'recent-deployments' }, 'Recent deployments'),
    h('p', { class: 'muted' }, 'Loading…'),
  );
  void (async () => {
    try {
      const { data } = await api.get<unknown>(`/api/v1/services/${service.scid}/deployments`, { query: { limit: 5 } });
      const deployments = listItems<Deployment>(data);
      recent.replaceChildren(
        h('h2', { id: 'recent-deployments' }, 'Recent deployments'),
        table(
          'Recent deployments',
          ['Deployment', 'Version', 'Environment', 'Action', 'Requested'],
          deployments.map((d) => [
            h('a', { href: `/services/${service.scid}/deployments/${d.id}` }, `#${d.id}`),
            `v${d.version}`,
            d.environment,
            d.action ?? 'deploy',
            `${formatTime(requestedAt(d))} by ${requester(d)}`,
          ]),
          { captionHidden: true, empty: 'This service has not been deployed yet.' },
        ),
      );
    } catch (error) {
      recent.replaceChildren(h('h2', { id: 'recent-deployments' }, 'Recent deployments'), errorBox(error));
    }
  })();
  return serviceFrame(
    service,
    '',
    'Overview',
    details,
    isStaff() && service.state !== 'disconnected' ? stateForm(service) : null,
    h(
      'p',
      { class: 'actions' },
      h('a', { class: 'button primary', href: `/services/${service.scid}/configuration` }, 'Edit configuration'),
      h('a', { class: 'button', href: `/services/${service.scid}/invalidations` }, 'Purge content'),
    ),
    recent,
    serviceContractSection(service),
  );
}
