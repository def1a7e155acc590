// The order form's model (src/orders/order-draft.ts): the request bodies it builds from what was
// typed (money parsed into exact minor units, errors located at the field's pointer) and the
// edited order filled back into it. No browser: the module is compiled with esbuild (Vite's own
// compiler) and imported directly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';

let model;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candela-order-draft-'));
  const outfile = join(dir, 'order-draft.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../src/orders/order-draft.ts', import.meta.url))],
    bundle: true,
    outfile,
    format: 'esm',
    logLevel: 'warning',
  });
  model = await import(pathToFileURL(outfile).href);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const perGb = { kind: 'per_gb', tiers: [{ up_to_gb: null, rate_milli_minor_per_gb: 2000 }] };
const products = [
  {
    code: 'cdn-delivery',
    name: 'CDN HTTP(S) delivery',
    standard_mrc_minor: 50000,
    standard_nrc_minor: 100000,
    usage_plan: perGb,
  },
  {
    code: 'origin-shield',
    name: 'Origin shield',
    standard_mrc_minor: 20000,
    standard_nrc_minor: 25000,
    usage_plan: null,
  },
];
const serviceItem = (id, product, mrc) => ({
  id,
  scid: 'AB12CD34E',
  customer_number: 'C0000001',
  product,
  description: product,
  pricing_basis: 'standard',
  mrc_minor: mrc,
  nrc_minor: 0,
  usage_plan: null,
  term_months: 12,
  etc_percent: 100,
  start_date: '2026-12-01',
  end_date: null,
  term_start: '2026-12-01',
  term_end: '2027-11-30',
  month_to_month: false,
  nrc_due: false,
  nrc_invoice_number: null,
  order_number: 'ORD-2026-000001',
  replaces_item_id: null,
});

function draft(fields) {
  return {
    type: 'new_service',
    customer_number: 'C0000001',
    access_group_id: '3',
    scid: '',
    customer_commit_date: '2026-12-15',
    effective_date: '',
    items: [],
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
    ...fields,
  };
}

test('a new service: catalogue prices and typed ICB prices become exact minor units', () => {
  const standard = model.newItemDraft(products, 'USD');
  assert.equal(standard.mrc, '500.00');
  assert.equal(standard.nrc, '1000.00');
  const icb = { ...model.newItemDraft(products, 'USD'), product: 'origin-shield', pricing_basis: 'icb' };
  icb.mrc = '1,234.29'; // 1234.29 * 100 is 123428.99999999999 in floating point
  icb.nrc = '0';
  const errors = [];
  const body = model.orderBody(
    draft({
      items: [standard, icb],
      aliases: ' www.example.com \n\nvideo.example.com',
      origin_host: 'origin.example.com ',
      origin_port: '8443',
    }),
    'USD',
    false,
    errors,
  );
  assert.deepEqual(errors, []);
  assert.equal(body.type, 'new_service');
  assert.equal(body.access_group_id, 3);
  assert.deepEqual(
    body.items.map((i) => [i.action, i.product, i.pricing_basis, i.mrc_minor, i.nrc_minor]),
    [
      ['add', 'cdn-delivery', 'standard', 50000, 100000],
      ['add', 'origin-shield', 'icb', 123429, 0],
    ],
  );
  assert.deepEqual(body.items[0].usage_plan, perGb);
  assert.deepEqual(body.technical, {
    aliases: ['www.example.com', 'video.example.com'],
    origin: { host: 'origin.example.com', port: 8443, scheme: 'https' },
  });
  assert.equal('scid' in body, false);
});

test('a price the currency cannot hold is refused at its own field', () => {
  const errors = [];
  const item = { ...model.newItemDraft(products, 'USD'), pricing_basis: 'icb', mrc: '12.345', nrc: 'ten' };
  model.orderBody(draft({ items: [model.newItemDraft(products, 'USD'), item] }), 'USD', false, errors);
  assert.deepEqual(
    errors.map((e) => e.pointer),
    ['/items/1/mrc_minor', '/items/1/nrc_minor'],
  );
  assert.match(errors[0].message, /At most 2 decimals/);
  const yen = [];
  model.orderBody(draft({ type: 'renewal', scid: 'AB12CD34E', renewal_mrc: '450.5' }), 'JPY', false, yen);
  assert.deepEqual(
    yen.map((e) => e.pointer),
    ['/renewal/mrc_minor'],
  );
});

test('a change lists every current item first, then the added ones, each at its own pointer', () => {
  const [delivery, shield] = [serviceItem(7, 'cdn-delivery', 50000), serviceItem(8, 'origin-shield', 20000)];
  const replacement = { ...model.draftFromItem(shield, 'USD'), pricing_basis: 'icb', mrc: 'x' };
  assert.equal(model.draftFromItem(shield, 'USD').nrc, '0', 'a replacement charges no new NRC by default');
  const errors = [];
  const body = model.orderBody(
    draft({
      type: 'change',
      scid: 'AB12CD34E',
      existing: [
        { item: delivery, action: 'keep', replacement: model.draftFromItem(delivery, 'USD') },
        { item: shield, action: 'replace', replacement },
      ],
      items: [model.newItemDraft(products, 'USD')],
    }),
    'USD',
    false,
    errors,
  );
  assert.deepEqual(
    body.items.map((i) => [i.action, i.item_id ?? null]),
    [
      ['keep', 7],
      ['replace', 8],
      ['add', null],
    ],
  );
  assert.deepEqual(
    errors.map((e) => e.pointer),
    ['/items/1/mrc_minor'],
  );
  assert.equal(body.scid, 'AB12CD34E');
});

test('transfer, renewal and disconnect carry their own sections', () => {
  const transfer = model.orderBody(
    draft({
      type: 'transfer',
      scid: 'AB12CD34E',
      target_customer: ' c0999999 ',
      target_group: '9',
      effective_date: '2027-01-01',
    }),
    'USD',
    false,
    [],
  );
  assert.deepEqual(transfer.target, { customer_number: 'C0999999', access_group_id: 9 });
  assert.equal(transfer.effective_date, '2027-01-01');
  const renewal = model.orderBody(draft({ type: 'renewal', scid: 'AB12CD34E', renewal_term: '24' }), 'USD', false, []);
  assert.deepEqual(renewal.renewal, { term_months: 24, mrc_minor: null });
  const priced = model.orderBody(draft({ type: 'renewal', scid: 'AB12CD34E', renewal_mrc: '450' }), 'USD', false, []);
  assert.equal(priced.renewal.mrc_minor, 45000);
  const disconnect = model.orderBody(
    draft({ type: 'disconnect', scid: 'AB12CD34E', cessation_date: '2027-01-31', disconnect_items: new Set([7, 8]) }),
    'USD',
    false,
    [],
  );
  assert.deepEqual(disconnect.disconnect, { cessation_date: '2027-01-31', item_ids: [7, 8] });
  assert.equal('items' in disconnect, false);
});

test('an edited draft is filled from the order and saved without type, customer or service', () => {
  const [delivery, shield] = [serviceItem(7, 'cdn-delivery', 50000), serviceItem(8, 'origin-shield', 20000)];
  const order = {
    order_number: 'ORD-2026-000003',
    type: 'change',
    state: 'draft',
    customer_number: 'C0000001',
    access_group_id: 3,
    scid: 'AB12CD34E',
    customer_commit_date: '2026-12-15',
    effective_date: null,
    currency: 'USD',
    items: [
      {
        line: 1,
        action: 'keep',
        item_id: 7,
        product: 'cdn-delivery',
        description: '',
        pricing_basis: 'standard',
        mrc_minor: 50000,
        nrc_minor: 100000,
        usage_plan: perGb,
        term_months: 12,
        etc_percent: 100,
      },
      {
        line: 2,
        action: 'replace',
        item_id: 8,
        product: 'origin-shield',
        description: 'Shield',
        pricing_basis: 'icb',
        mrc_minor: 12005,
        nrc_minor: 0,
        usage_plan: { kind: 'none' },
        term_months: 24,
        etc_percent: 50,
      },
      {
        line: 3,
        action: 'add',
        item_id: null,
        product: 'log-delivery',
        description: 'Logs',
        pricing_basis: 'icb',
        mrc_minor: 9999,
        nrc_minor: 0,
        usage_plan: { kind: 'none' },
        term_months: 12,
        etc_percent: 100,
      },
    ],
  };
  const d = draft({
    type: 'change',
    scid: 'AB12CD34E',
    existing: [delivery, shield].map((item) => ({
      item,
      action: 'keep',
      replacement: model.draftFromItem(item, 'USD'),
    })),
  });
  model.applyOrder(d, order, 'USD');
  assert.equal(d.existing[1].action, 'replace');
  assert.equal(d.existing[1].replacement.mrc, '120.05');
  assert.equal(d.items.length, 1);
  assert.equal(d.items[0].mrc, '99.99');
  const errors = [];
  const body = model.orderBody(d, 'USD', true, errors);
  assert.deepEqual(errors, []);
  assert.equal('type' in body || 'customer_number' in body || 'scid' in body, false);
  assert.equal(body.effective_date, null, 'an empty effective date is cleared');
  // What was read is what is sent back: the same lines, prices and terms.
  assert.deepEqual(
    body.items.map((i) => [
      i.action,
      i.item_id ?? null,
      i.mrc_minor ?? null,
      i.term_months ?? null,
      i.etc_percent ?? null,
    ]),
    [
      ['keep', 7, null, null, null],
      ['replace', 8, 12005, 24, 50],
      ['add', null, 9999, 12, 100],
    ],
  );
});
