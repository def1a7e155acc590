// The new-order form: one form whose middle part follows the order type — a new service (items
// from the product catalogue, ICB prices, technical details), a change of a service's items, a
// transfer to another customer, a renewal, or a disconnect whose early termination charge is
// quoted (POST /api/v1/services/{scid}/disconnect-quote) and shown before the order is placed.
import { api, ApiError, listItems, type FieldError } from '../api/client';
import type { AccessGroup, Customer, Service } from '../api/types';
import type { Params } from '../app/router';
import { navigate } from '../app/router';
import { navigationData } from '../app/shell';
import { h, replaceChildren } from '../ui/dom';
import { announce, errorBox, fillErrorBox } from '../ui/feedback';
import { errorSummary } from '../ui/error-summary';
import { checkboxField, clearFieldErrors, inputField, selectField, showFieldErrors, textareaField } from '../ui/forms';
import { formatMoney } from '../billing/money';
import {
  itemCurrent,
  orderTypeLabel,
  orderTypes,
  type CustomerTerms,
  type DisconnectQuote,
  type Order,
  type Product,
  type ServiceItem,
} from '../orders/types';
import { errorPage, page } from './common';
import { mayPlaceOrders } from './orders';
import { itemEditor, pricingLabel, quoteTable } from './order-parts';
import { applyOrder, draftFromItem, newItemDraft, orderBody, type OrderDraft } from '../orders/order-draft';

// A customer as GET /api/v1/customers lists it: its organisation is its top access group.
type OrgCustomer = Customer & { organisation_id?: number | null };

// "YYYY-MM-DD" of the browser's today (UTC), a default for date fields.
function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

// The groups of a customer's organisation: its top group and every group below it.
function groupsOfOrganisation(groups: AccessGroup[], organisation: number | undefined): AccessGroup[] {
  if (organisation === undefined) return [];
  const out: AccessGroup[] = [];
  const walk = (id: number, depth: number) => {
    const g = groups.find((x) => x.id === id);
    if (!g) return;
    out.push({ ...g, name: `${'— '.repeat(depth)}${g.name}` });
    for (const child of groups.filter((x) => x.parent_id === id)) walk(child.id, depth + 1);
  };
  walk(organisation, 0);
  return out;
}

function itemSummary(item: ServiceItem, currency: string): string {
  return `#${item.id} ${item.description || item.product} · ${formatMoney(item.mrc_minor, currency)} per month · term to ${
    item.term_end
  }${item.month_to_month ? ' (now month to month)' : ''}`;
}

export function newOrderView(_params: Params, query: URLSearchParams): Promise<HTMLElement> {
  return orderFormView(query, null);
}

// Editing a draft (/orders/{n}/edit): the same form, filled from the order, saved with PATCH and
// the ETag it was read with, so a change someone made meanwhile is not overwritten (412).
export async function editOrderView(params: Params): Promise<HTMLElement> {
  let order: Order;
  let etag: string | null;
  try {
    const read = await api.get<Order>(`/api/v1/orders/${encodeURIComponent(params.number!)}`);
    order = read.data;
    etag = read.etag;
  } catch (error) {
    return errorPage(error, 'order');
  }
  if (order.state !== 'draft') {
    return page(
      `Edit ${order.order_number}`,
      h('p', null, `Only a draft can be edited; ${order.order_number} is ${order.state}.`),
      h(
        'p',
        null,
        h('a', { href: `/orders/${encodeURIComponent(order.order_number)}` }, `Back to ${order.order_number}`),
      ),
    );
  }
  const query = new URLSearchParams({ type: order.type, customer: order.customer_number });
  if (order.scid) query.set('scid', order.scid);
  return orderFormView(query, { order, etag });
}

async function orderFormView(
  query: URLSearchParams,
  editing: { order: Order; etag: string | null } | null,
): Promise<HTMLElement> {
  if (!mayPlaceOrders()) {
    return errorPage(
      new ApiError(
        {
          type: 'https://candela.dev/problems/forbidden',
          title: 'Forbidden',
          status: 403,
          detail: 'Orders are placed by the account director, a sales engineer or a customer admin.',
        },
        null,
        null,
      ),
    );
  }
  let customers: OrgCustomer[];
  let products: Product[];
  let groups: AccessGroup[];
  let services: Service[];
  try {
    customers = await api.list<OrgCustomer>('/api/v1/customers');
    products = listItems<Product>((await api.get<unknown>('/api/v1/products')).data);
    ({ groups, services } = await navigationData());
  } catch (error) {
    return errorPage(error);
  }
  if (customers.length === 0) return page('New order', h('p', null, 'No customer is visible to you.'));

  const askedType = query.get('type') ?? 'new_service';
  const askedScid = (query.get('scid') ?? '').toUpperCase();
  const askedService = services.find((s) => s.scid === askedScid);
  const askedCustomer = query.get('customer') ?? askedService?.customer_number;
  let currency = 'USD';
  const draft: OrderDraft = {
    type: (orderTypes as readonly string[]).includes(askedType) ? askedType : 'new_service',
    customer_number: customers.some((c) => c.customer_number === askedCustomer)
      ? askedCustomer!
      : customers[0]!.customer_number,
    access_group_id: '',
    scid: askedService ? askedService.scid : (editing?.order.scid ?? ''),
    customer_commit_date: editing?.order.customer_commit_date ?? '',
    effective_date: editing?.order.effective_date ?? '',
    items: [newItemDraft(products, currency)],
    aliases: '',
    origin_host: '',
    origin_port: '443',
    origin_scheme: 'https',
    existing: [],
    target_customer: '',
    target_group: '',
    renewal_term: '12',
    renewal_mrc: '',
    cessation_date: '',
    disconnect_items: new Set(),
  };

  const summary = errorSummary();
  const alert = errorBox(null);
  const typeSection = h('div', { class: 'order-type-section' });
  const quoteSlot = h('section', { class: 'quote-slot', 'aria-live': 'polite', 'aria-labelledby': 'etc-title' });
  // The quote the customer has seen, for the date and items it was made for.
  let shownQuote: { key: string; quote: DisconnectQuote } | null = null;
  let serviceItems: ServiceItem[] = [];
  const customerOf = () => customers.find((c) => c.customer_number === draft.customer_number);
  const servicesOfCustomer = () =>
    services.filter((s) => s.customer_number === draft.customer_number && s.state !== 'disconnected');
  const quoteKey = () => `${draft.scid}|${draft.cessation_date}|${[...draft.disconnect_items].sort().join(',')}`;

  const loadCurrency = async () => {
    try {
      const { data } = await api.get<CustomerTerms>(
        `/api/v1/customers/${encodeURIComponent(draft.customer_number)}/terms`,
      );
      currency = data.currency || 'USD';
    } catch {
      currency = 'USD';
    }
  };

  const loadServiceItems = async () => {
    serviceItems = [];
    draft.existing = [];
    draft.disconnect_items = new Set();
    if (!draft.scid || !['change', 'disconnect', 'renewal', 'transfer'].includes(draft.type)) return;
    try {
      const { data } = await api.get<unknown>(`/api/v1/services/${encodeURIComponent(draft.scid)}/items`);
      const today = todayUtc();
      serviceItems = listItems<ServiceItem>(data).filter((i) => itemCurrent(i, today));
    } catch (error) {
      fillErrorBox(alert, error);
    }
    draft.existing = serviceItems.map((item) => ({ item, action: 'keep', replacement: draftFromItem(item, currency) }));
    draft.disconnect_items = new Set(serviceItems.map((i) => i.id));
  };

  // ---- the type-specific parts ----

  const itemsFieldset = (firstPointer: number): HTMLElement => {
    const list = h('div', { class: 'order-items-editor' });
    const draw = () =>
      replaceChildren(
        list,
        draft.items.map((item, i) =>
          itemEditor({
            draft: item,
            pointer: `/items/${firstPointer + i}`,
            title: `${draft.type === 'change' ? 'New item' : 'Item'} ${i + 1}`,
            products,
            currency,
            onRemove:
              draft.items.length > (draft.type === 'new_service' ? 1 : 0)
                ? () => {
                    draft.items.splice(i, 1);
                    draw();
                    list.querySelector<HTMLElement>('select')?.focus();
                  }
                : undefined,
          }),
        ),
      );
    draw();
    return h(
      'section',
      { class: 'stack', 'aria-labelledby': 'items-title', dataset: { pointer: '/items', label: 'Items' } },
      h('h3', { id: 'items-title' }, draft.type === 'change' ? 'Items to add' : 'Items'),
      list,
      h(
        'button',
        {
          type: 'button',
          onClick: () => {
            draft.items.push(newItemDraft(products, currency));
            draw();
            const selects = list.querySelectorAll<HTMLElement>('fieldset.order-item');
            selects[selects.length - 1]?.querySelector<HTMLElement>('select')?.focus();
          },
        },
        'Add an item',
      ),
    );
  };

  const serviceChooser = (): HTMLElement => {
    // A draft keeps its service; another service is another order.
    if (editing) {
      return h(
        'p',
        { dataset: { pointer: '/scid', label: 'Service (SCID)' } },
        'Service (SCID): ',
        h('a', { href: `/services/${encodeURIComponent(draft.scid)}`, class: 'mono' }, draft.scid),
      );
    }
    const choices = servicesOfCustomer();
    if (draft.scid && !choices.some((s) => s.scid === draft.scid)) draft.scid = '';
    return selectField({
      label: 'Service (SCID)',
      pointer: '/scid',
      value: draft.scid,
      required: true,
      options: [
        { value: '', label: choices.length ? 'Choose a service' : 'This customer has no services' },
        ...choices.map((s) => ({ value: s.scid, label: `${s.scid}${s.name ? ` · ${s.name}` : ''} (${s.state})` })),
      ],
      onChange: async (v) => {
        draft.scid = v;
        await loadServiceItems();
        drawType(true);
      },
    });
  };

  const technicalSection = (): HTMLElement => {
    const aliases = textareaField({
      label: 'Aliases (host names)',
      pointer: '/technical/aliases',
      value: draft.aliases,
      rows: 3,
      hint: 'One per line, e.g. www.example.com. Each gets a CNAME to the service once it is active.',
      onInput: (v) => (draft.aliases = v),
    });
    aliases.querySelector('textarea')!.dataset.lines = 'true';
    return h(
      'fieldset',
      { class: 'technical', dataset: { pointer: '/technical', label: 'Technical details' } },
      h('legend', null, 'Technical details'),
      aliases,
      h(
        'div',
        { class: 'row', dataset: { pointer: '/technical/origin', label: 'Origin' } },
        inputField({
          label: 'Origin host',
          pointer: '/technical/origin/host',
          value: draft.origin_host,
          spellcheck: false,
          hint: 'Where the edges fetch content, e.g. origin.example.com.',
          onInput: (v) => (draft.origin_host = v),
        }),
        inputField({
          label: 'Origin port',
          type: 'number',
          min: 1,
          max: 65535,
          pointer: '/technical/origin/port',
          value: draft.origin_port,
          onInput: (v) => (draft.origin_port = v),
        }),
        selectField({
          label: 'Origin protocol',
          pointer: '/technical/origin/scheme',
          value: draft.origin_scheme,
          options: [
            { value: 'https', label: 'HTTPS' },
            { value: 'http', label: 'HTTP' },
          ],
          onChange: (v) => (draft.origin_scheme = v),
        }),
      ),
    );
  };

  const newServiceSection = (): HTMLElement[] => {
    const choices = groupsOfOrganisation(groups, customerOf()?.organisation_id ?? undefined);
    if (!choices.some((g) => String(g.id) === draft.access_group_id))
      draft.access_group_id = String(choices[0]?.id ?? '');
    return [
      selectField({
        label: 'Access group of the new service',
        pointer: '/access_group_id',
        value: draft.access_group_id,
        required: true,
        options: choices.map((g) => ({ value: String(g.id), label: g.name })),
        onChange: (v) => (draft.access_group_id = v),
      }),
      itemsFieldset(0),
      technicalSection(),
    ];
  };

  const changeSection = (): HTMLElement[] => {
    const existing = draft.existing.map((choice, i) => {
      const slot = h('div', { class: 'replacement' });
      const drawReplacement = () =>
        replaceChildren(
          slot,
          choice.action === 'replace'
            ? itemEditor({
                draft: choice.replacement,
                pointer: `/items/${i}`,
                title: `Replacement for item #${choice.item.id}`,
                products,
                currency,
              })
            : null,
        );
      drawReplacement();
      return h(
        'fieldset',
        { class: 'existing-item', dataset: { pointer: `/items/${i}`, label: `Item #${choice.item.id}` } },
        h('legend', null, `Item #${choice.item.id}: ${choice.item.product}`),
        h(
          'p',
          { class: 'muted small' },
          itemSummary(choice.item, currency),
          ` · ${pricingLabel(choice.item.pricing_basis)}`,
        ),
        selectField({
          label: `What happens to item #${choice.item.id}`,
          pointer: `/items/${i}/action`,
          value: choice.action,
          options: [
            { value: 'keep', label: 'Keep as it is' },
            { value: 'replace', label: 'Replace (new price, product or term)' },
            { value: 'end', label: 'End it (partial disconnect)' },
          ],
          onChange: (v) => {
            choice.action = v === 'replace' ? 'replace' : v === 'end' ? 'end' : 'keep';
            drawReplacement();
          },
        }),
        slot,
      );
    });
    return [
      serviceChooser(),
      draft.scid
        ? h(
            'section',
            { class: 'stack', 'aria-labelledby': 'existing-title' },
            h('h3', { id: 'existing-title' }, 'Current items'),
            existing.length ? existing : h('p', { class: 'muted' }, 'This service has no current items.'),
          )
        : null,
      draft.scid ? itemsFieldset(draft.existing.length) : null,
    ].filter((x): x is HTMLElement => x !== null);
  };

  // Staff see every customer: the target is chosen from them and its organisation's groups. A
  // customer admin sees only their own, so they type the number and group they were given.
  const transferSection = (): HTMLElement[] => {
    const others = customers.filter((c) => c.customer_number !== draft.customer_number);
    const groupSlot = h('div', { class: 'target-group' });
    const drawGroups = () => {
      const target = others.find((c) => c.customer_number === draft.target_customer);
      const choices = groupsOfOrganisation(groups, target?.organisation_id ?? undefined);
      if (!choices.some((g) => String(g.id) === draft.target_group)) draft.target_group = String(choices[0]?.id ?? '');
      replaceChildren(
        groupSlot,
        choices.length
          ? selectField({
              label: 'Target access group',
              pointer: '/target/access_group_id',
              value: draft.target_group,
              options: choices.map((g) => ({ value: String(g.id), label: g.name })),
              onChange: (v) => (draft.target_group = v),
            })
          : inputField({
              label: 'Target access group id',
              type: 'number',
              min: 1,
              pointer: '/target/access_group_id',
              value: draft.target_group,
              hint: "A group of the target customer's organisation.",
              onInput: (v) => (draft.target_group = v),
            }),
      );
    };
    if (others.length && !others.some((c) => c.customer_number === draft.target_customer)) {
      draft.target_customer = others[0]!.customer_number;
    }
    drawGroups();
    return [
      serviceChooser(),
      h(
        'fieldset',
        { dataset: { pointer: '/target', label: 'New billing account' } },
        h('legend', null, 'New billing account'),
        h(
          'div',
          { class: 'row' },
          others.length
            ? selectField({
                label: 'Target customer',
                pointer: '/target/customer_number',
                value: draft.target_customer,
                hint: 'A new customer is created first (Customers), then chosen here.',
                options: others.map((c) => ({ value: c.customer_number, label: `${c.name} (${c.customer_number})` })),
                onChange: (v) => {
                  draft.target_customer = v;
                  drawGroups();
                },
              })
            : inputField({
                label: 'Target customer number',
                pointer: '/target/customer_number',
                value: draft.target_customer,
                spellcheck: false,
                hint: 'The customer number that takes the service over.',
                onInput: (v) => (draft.target_customer = v),
              }),
          groupSlot,
        ),
      ),
    ];
  };

  const renewalSection = (): HTMLElement[] => [
    serviceChooser(),
    draft.scid && serviceItems.length
      ? h(
          'ul',
          { class: 'plain muted small' },
          serviceItems.map((i) => h('li', null, itemSummary(i, currency))),
        )
      : h('span'),
    h(
      'fieldset',
      { dataset: { pointer: '/renewal', label: 'Renewal' } },
      h('legend', null, 'Renewal'),
      h(
        'div',
        { class: 'row' },
        inputField({
          label: 'New term (months)',
          type: 'number',
          min: 1,
          pointer: '/renewal/term_months',
          value: draft.renewal_term,
          onInput: (v) => (draft.renewal_term = v),
        }),
        inputField({
          label: `New monthly charge (${currency}, optional)`,
          pointer: '/renewal/mrc_minor',
          value: draft.renewal_mrc,
          hint: 'Empty keeps the current MRC.',
          onInput: (v) => (draft.renewal_mrc = v),
        }),
      ),
    ),
  ];

  const disconnectSection = (): HTMLElement[] => {
    const invalidate = () => {
      if (shownQuote && shownQuote.key !== quoteKey()) {
        shownQuote = null;
        replaceChildren(quoteSlot);
      }
    };
    return [
      serviceChooser(),
      inputField({
        label: 'Cessation date (last day of service)',
        type: 'date',
        pointer: '/disconnect/cessation_date',
        value: draft.cessation_date,
        required: true,
        hint: 'At least 30 days after today to end at term without a charge; before the term ends an early termination charge applies.',
        onInput: (v) => {
          draft.cessation_date = v;
          invalidate();
        },
      }),
      draft.scid
        ? h(
            'fieldset',
            { class: 'checks', dataset: { pointer: '/disconnect/item_ids', label: 'Items to end' } },
            h('legend', null, 'Items to end'),
            serviceItems.length
              ? serviceItems.map((item) =>
                  checkboxField({
                    label: itemSummary(item, currency),
                    checked: draft.disconnect_items.has(item.id),
                    onChange: (on) => {
                      if (on) draft.disconnect_items.add(item.id);
                      else draft.disconnect_items.delete(item.id);
                      invalidate();
                    },
                  }),
                )
              : h('p', { class: 'muted' }, 'This service has no current items.'),
          )
        : h('span'),
      h(
        'p',
        null,
        h('button', { type: 'button', onClick: () => void showQuote() }, 'Show the early termination charge'),
      ),
      quoteSlot,
    ];
  };

  const drawType = (keepFocus = false) => {
    const active = document.activeElement as HTMLElement | null;
    const activeLabel = active?.id ? document.querySelector(`label[for="${active.id}"]`)?.textContent : null;
    shownQuote = null;
    replaceChildren(quoteSlot);
    const parts =
      draft.type === 'new_service'
        ? newServiceSection()
        : draft.type === 'change'
          ? changeSection()
          : draft.type === 'transfer'
            ? transferSection()
            : draft.type === 'renewal'
              ? renewalSection()
              : disconnectSection();
    replaceChildren(typeSection, h('h2', { id: 'type-title' }, orderTypeLabel(draft.type)), ...parts);
    // A redraw caused by a choice in the section keeps the keyboard on that choice.
    if (keepFocus && activeLabel) {
      const label = Array.from(typeSection.querySelectorAll('label')).find((l) => l.textContent === activeLabel);
      const control = label?.htmlFor ? document.getElementById(label.htmlFor) : null;
      control?.focus();
    }
  };

  // ---- the disconnect quote ----

  const showQuote = async (): Promise<boolean> => {
    clearFieldErrors(form);
    summary.clear();
    fillErrorBox(alert, null);
    if (!draft.scid) {
      showErrors([{ pointer: '/scid', message: 'Choose the service to disconnect.' }]);
      return false;
    }
    try {
      const { data } = await api.post<DisconnectQuote>(
        `/api/v1/services/${encodeURIComponent(draft.scid)}/disconnect-quote`,
        { cessation_date: draft.cessation_date, item_ids: [...draft.disconnect_items] },
      );
      shownQuote = { key: quoteKey(), quote: data };
      replaceChildren(
        quoteSlot,
        h('h3', { id: 'etc-title', tabindex: '-1' }, 'Early termination charge quoted'),
        quoteTable(data),
        h(
          'p',
          null,
          data.etc_total_minor > 0
            ? `Placing this order accepts a quote of ${formatMoney(data.etc_total_minor, data.currency)}; it becomes part of what you sign.`
            : 'No early termination charge applies.',
        ),
      );
      document.getElementById('etc-title')?.focus();
      announce(`Early termination charge: ${formatMoney(data.etc_total_minor, data.currency)}.`);
      return true;
    } catch (error) {
      // The quote endpoint locates its errors at /cessation_date; the form at /disconnect/….
      if (error instanceof ApiError && error.problem.errors?.length) {
        showErrors(
          error.problem.errors.map((e) => ({
            pointer:
              e.pointer.startsWith('/disconnect') || e.pointer === '/scid' ? e.pointer : `/disconnect${e.pointer}`,
            message: e.message,
          })),
        );
      } else {
        fillErrorBox(alert, error);
      }
      return false;
    }
  };

  // ---- the request body ----

  const showErrors = (errors: FieldError[]) => {
    // The summary lists every error, also those with no field of their own in the form.
    showFieldErrors(form, errors);
    summary.show(
      errors,
      editing
        ? 'The draft was not saved: please correct these fields'
        : 'The order was not placed: please correct these fields',
      form,
    );
    summary.element.focus();
  };

  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card stack order-form',
      'aria-labelledby': 'order-form-title',
      novalidate: true,
      onSubmit: async (e: Event) => {
        e.preventDefault();
        clearFieldErrors(form);
        summary.clear();
        fillErrorBox(alert, null);
        // A disconnect is placed only once its charge has been shown for exactly these inputs.
        if (draft.type === 'disconnect' && (!shownQuote || shownQuote.key !== quoteKey())) {
          if (await showQuote()) announce('Check the early termination charge, then place the order.');
          return;
        }
        const errors: FieldError[] = [];
        const body = orderBody(draft, currency, editing !== null, errors);
        if (errors.length > 0) {
          showErrors(errors);
          return;
        }
        const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
        submit.disabled = true;
        try {
          const { data } = editing
            ? await api.patch<Order>(`/api/v1/orders/${encodeURIComponent(editing.order.order_number)}`, body, {
                ifMatch: editing.etag,
              })
            : await api.post<Order>('/api/v1/orders', body);
          announce(editing ? `Draft ${data.order_number} saved.` : `Order ${data.order_number} created as a draft.`);
          navigate(`/orders/${encodeURIComponent(data.order_number)}`, { force: true });
        } catch (error) {
          if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
            showErrors(error.problem.errors);
          } else if (error instanceof ApiError && error.status === 412 && editing) {
            fillErrorBox(
              alert,
              error,
              h(
                'p',
                null,
                'Someone changed this draft after you opened it. ',
                h('a', { href: `/orders/${encodeURIComponent(editing.order.order_number)}` }, 'Open the order again'),
                ' to see their version, then edit it.',
              ),
            );
          } else {
            fillErrorBox(alert, error);
          }
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('h2', { id: 'order-form-title' }, 'The order'),
    summary.element,
    alert,
    editing
      ? h(
          'p',
          null,
          `${orderTypeLabel(draft.type)} for ${customerOf()?.name ?? draft.customer_number} (${draft.customer_number})`,
        )
      : h(
          'div',
          { class: 'row' },
          selectField({
            label: 'Order type',
            pointer: '/type',
            value: draft.type,
            options: orderTypes.map((t) => ({ value: t, label: orderTypeLabel(t) })),
            onChange: async (v) => {
              draft.type = v;
              if (v === 'change') draft.items = [];
              else if (v === 'new_service' && draft.items.length === 0)
                draft.items = [newItemDraft(products, currency)];
              await loadServiceItems();
              drawType();
            },
          }),
          selectField({
            label: 'Customer',
            pointer: '/customer_number',
            value: draft.customer_number,
            options: customers.map((c) => ({ value: c.customer_number, label: `${c.name} (${c.customer_number})` })),
            onChange: async (v) => {
              draft.customer_number = v;
              draft.scid = '';
              await loadCurrency();
              draft.items = draft.type === 'change' ? [] : [newItemDraft(products, currency)];
              await loadServiceItems();
              drawType();
            },
          }),
        ),
    h(
      'div',
      { class: 'row' },
      inputField({
        label: 'Customer commit date',
        type: 'date',
        pointer: '/customer_commit_date',
        value: draft.customer_commit_date,
        hint: 'The date promised to the customer for this order.',
        onInput: (v) => (draft.customer_commit_date = v),
      }),
      inputField({
        label: 'Effective date (optional)',
        type: 'date',
        pointer: '/effective_date',
        value: draft.effective_date,
        hint: 'When the order takes effect; empty means on completion. Required for a transfer.',
        onInput: (v) => (draft.effective_date = v),
      }),
    ),
    typeSection,
    h('button', { type: 'submit', class: 'primary' }, editing ? 'Save the draft' : 'Place the order as a draft'),
  );

  await loadCurrency();
  draft.items = draft.type === 'change' ? [] : [newItemDraft(products, currency)];
  await loadServiceItems();
  if (editing) applyOrder(draft, editing.order, currency);
  drawType();
  return page(
    editing ? `Edit ${editing.order.order_number}` : 'New order',
    h(
      'p',
      null,
      editing
        ? h(
            'a',
            { href: `/orders/${encodeURIComponent(editing.order.order_number)}` },
            `← ${editing.order.order_number}`,
          )
        : h('a', { href: '/orders' }, '← All orders'),
    ),
    h(
      'p',
      null,
      'The order is saved as a draft; the account director then quotes it and the customer signs the quote. ' +
        `Amounts are in the customer's currency.`,
    ),
    form,
  );
}
