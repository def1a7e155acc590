// The service connection notice (/services/{scid}/connection-notice): the text mailed when the
// new-service order completed — key service identifiers, technical details (each alias's CNAME
// target, the origin), log file details and CDN support contacts — kept in the portal.
import { api } from '../api/client';
import type { Params } from '../app/router';
import { h } from '../ui/dom';
import { formatGmt } from '../support/gmt';
import type { ConnectionNotice } from '../orders/types';
import { errorPage, loadService, serviceFrame } from './common';
import { orderLink } from './order-parts';

export async function connectionNoticeView(params: Params): Promise<HTMLElement> {
  const scid = params.scid!;
  try {
    const service = await loadService(scid);
    const { data } = await api.get<ConnectionNotice>(`/api/v1/services/${encodeURIComponent(scid)}/connection-notice`);
    return serviceFrame(
      service,
      '/connection-notice',
      'Service connection notice',
      h(
        'dl',
        { class: 'details notice-facts' },
        h('dt', null, 'Customer number'),
        h('dd', { class: 'mono' }, data.customer_number),
        h('dt', null, 'SCID'),
        h('dd', { class: 'mono' }, data.scid),
        h('dt', null, 'Order number'),
        h('dd', null, orderLink(data.order_number)),
        h('dt', null, 'Issued'),
        h('dd', null, formatGmt(data.created_at)),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'notice-text-title' },
        h('h2', { id: 'notice-text-title' }, 'The notice as mailed'),
        h('pre', { class: 'connection-notice', tabindex: '0', 'aria-labelledby': 'notice-text-title' }, data.body),
      ),
    );
  } catch (error) {
    return errorPage(error, 'connection notice');
  }
}
