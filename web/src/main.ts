// Entry point: routes, the session check and rendering of the current view into <main>.
import './styles.css';
import { api } from './api/client';
import { currentPath, fallback, interceptLinks, match, navigate, onNavigate, route } from './app/router';
import { forget, loadSession, session } from './app/session';
import { invalidateNavigation, mainElement, markCurrent, mountShell, renderChrome, shellMounted } from './app/shell';
import { focusFirst, h, replaceChildren } from './ui/dom';
import { errorBox, loading } from './ui/feedback';
import { accountTeamView } from './views/account-team';
import { apiKeysView } from './views/api-keys';
import { billingView } from './views/billing';
import { billingRequestView } from './views/billing-request';
import { billingRequestsView, newBillingRequestView } from './views/billing-requests';
import { paymentsView, recordPaymentView } from './views/billing-payments';
import { agingView, billingRunsView } from './views/billing-staff';
import { invoiceView } from './views/invoice';
import { errorPage } from './views/common';
import { configurationView } from './views/configuration';
import { deploymentsView, deploymentView } from './views/deployments';
import { edgesView, edgeView } from './views/edges';
import { diffView, historyView } from './views/history';
import { liveView } from './views/live';
import { logFilesView } from './views/log-files';
import { invalidationByIdView, invalidationsView, invalidationView } from './views/invalidations';
import { mailDeliveriesView } from './views/mail-deliveries';
import { maintenanceView, maintenanceWindowView } from './views/maintenance';
import { mttrView } from './views/mttr';
import { networkView } from './views/network';
import { nocEventView, nocView } from './views/noc';
import { notificationPreferencesView } from './views/notification-preferences';
import { notificationsView } from './views/notifications';
import { editOrderView, newOrderView } from './views/order-form';
import { orderView } from './views/order';
import { ordersView } from './views/orders';
import { connectionNoticeView } from './views/connection-notice';
import { supportView } from './views/support';
import { ticketView } from './views/ticket';
import { newTicketView, ticketsView } from './views/tickets';
import { groupView, servicesView, serviceView } from './views/services';
import { signInView } from './views/sign-in';
import { serviceUsageView, usageView } from './views/usage';
import { usersView, userView } from './views/users';
import { ApiError } from './api/client';

route('/sign-in', signInView, { public: true });
route('/', servicesView);
route('/groups/:id', groupView);
route('/services/:scid', serviceView);
route('/services/:scid/configuration', configurationView);
route('/services/:scid/history', historyView);
route('/services/:scid/diff', diffView);
route('/services/:scid/deployments', deploymentsView);
route('/services/:scid/deployments/:id', deploymentView);
route('/services/:scid/invalidations', invalidationsView);
route('/services/:scid/invalidations/:id', invalidationView);
route('/services/:scid/usage', serviceUsageView);
route('/services/:scid/live', liveView);
route('/services/:scid/logs', logFilesView);
route('/services/:scid/connection-notice', connectionNoticeView);
route('/invalidations/:id', invalidationByIdView);
route('/usage', usageView);
route('/notifications', notificationsView);
route('/notifications/preferences', notificationPreferencesView);
route('/tickets', ticketsView);
route('/tickets/new', newTicketView);
route('/tickets/:reference', ticketView);
route('/orders', ordersView);
route('/orders/new', newOrderView);
route('/orders/:number', orderView);
route('/orders/:number/edit', editOrderView);
route('/billing', billingView);
route('/billing/invoices/:number', invoiceView);
route('/billing/payments', paymentsView);
route('/billing/payments/new', recordPaymentView);
route('/billing/requests', billingRequestsView);
route('/billing/requests/new', newBillingRequestView);
route('/billing/requests/:reference', billingRequestView);
route('/billing/runs', billingRunsView);
route('/billing/aging', agingView);
route('/support', supportView);
route('/support/mttr', mttrView);
route('/noc', nocView);
route('/noc/events/:reference', nocEventView);
route('/maintenance', maintenanceView);
route('/maintenance/:reference', maintenanceWindowView);
route('/mail-deliveries', mailDeliveriesView);
route('/users', usersView);
route('/users/:id', userView);
route('/api-keys', apiKeysView);
route('/account-team', accountTeamView);
route('/account-team/:customer', accountTeamView);
route('/edges', edgesView);
route('/edges/:edge_id', edgeView);
route('/network', networkView);
fallback(() =>
  errorPage(
    new ApiError({ type: 'https://candela.dev/problems/not-found', title: 'Not found', status: 404 }, null, null),
  ),
);

const app = document.getElementById('app')!;
let renderCount = 0;
let sessionChecked = false;
let firstRender = true;

// A 401 from any call means the session ended (expired or signed out elsewhere).
api.onUnauthorized = () => {
  forget();
  invalidateNavigation();
  if (location.pathname !== '/sign-in')
    navigate(`/sign-in?reason=expired&next=${encodeURIComponent(currentPath())}`, { replace: true });
};

async function render(): Promise<void> {
  const token = ++renderCount;
  if (!sessionChecked) {
    try {
      await loadSession();
    } catch (error) {
      replaceChildren(app, h('main', { id: 'main' }, h('h1', null, 'The portal cannot be reached'), errorBox(error)));
      return;
    }
    sessionChecked = true;
  }
  const matched = match(location.pathname);
  const query = new URLSearchParams(location.search);

  if (matched.public) {
    if (session() && location.pathname === '/sign-in') {
      navigate(query.get('next') ?? '/', { replace: true });
      return;
    }
    const view = await matched.view(matched.params, query);
    if (token !== renderCount) return;
    replaceChildren(app, view);
    document.title = 'Sign in · Candela Media portal';
    if (!firstRender) focusFirst(view);
    firstRender = false;
    return;
  }
  if (!session()) {
    navigate(`/sign-in?next=${encodeURIComponent(currentPath())}`, { replace: true });
    return;
  }
  if (!shellMounted()) mountShell(app);
  else renderChrome();
  const main = mainElement();
  main.setAttribute('aria-busy', 'true');
  replaceChildren(main, loading('the page'));
  let view: HTMLElement;
  try {
    view = await matched.view(matched.params, query);
  } catch (error) {
    view = errorPage(error);
  }
  if (token !== renderCount) return;
  replaceChildren(main, view);
  main.removeAttribute('aria-busy');
  markCurrent();
  // After an in-app navigation focus moves to the new content; on a fresh page load it stays at
  // the top, where the skip link is the first Tab stop.
  if (!firstRender) focusFirst(main);
  firstRender = false;
}

onNavigate(() => void render());
interceptLinks(document.body);
void render();
