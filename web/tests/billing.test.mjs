// Browser tests of issue 6's Billing section (docs/billing.md, docs/payments.md,
// docs/billing-requests.md) against a real `candela portal` whose clock the test moves
// (--clock-offset-file). A new-service order for customer A is walked to activation through the
// API by the roles the handbook names on D0 (the 10th of next month); then:
// - on the 1st of the following month (M1) the billing coordinator runs the ended month in the UI,
//   the customer reads the invoice (prorated MRC, NRC, totals, deliveries) and downloads the PDF,
//   CSV and HTML;
// - the customer disputes a line (bad amounts refused at the field), adds a note and a file, and
//   cancels a second request; the coordinator takes the dispute in review and resolves it with a
//   credit; the customer never sees the coordinator's internal note;
// - the coordinator records an EFT payment (refused without its reference), which shows in the
//   customer's balance, aging and payments and in the staff aging report;
// - on the 1st of the month after (M2) the next invoice carries the credit, the previous balance
//   and the payment;
// - customer B gets "not found" for A's invoice and request, the API answers 404, and roles are
//   strict (a provider admin records no payment, a customer runs no billing);
// - every control on the billing pages has a label and every table a caption.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  ApiSession,
  createCustomerWithService,
  World,
  chromiumPath,
  itemsOf,
  scenarioRunner,
  shot,
} from './harness.mjs';
import { SmtpSink } from './mail-sink.mjs';
import { PortalClock } from './portal-clock.mjs';

const password = 'billing-password-for-tests';
const admin = { email: 'admin@provider.test', password: 'admin-password-for-tests' };
const ad = { email: 'ad@provider.test', password, name: 'Ada Director' };
const ccm = { email: 'ccm@provider.test', password, name: 'Cara Care' };
const ae = { email: 'ae@provider.test', password, name: 'Abe Activation' };
const bc = { email: 'bc@provider.test', password, name: 'Bea Billing' };
const alice = { email: 'alice@billing-a.test', password, name: 'Alice Able' };
const bob = { email: 'bob@billing-b.test', password, name: 'Bob Baker' };
const tess = { email: 'tess@billing-a.test', password, name: 'Tess Technical' }; // A, technical only

const hourMs = 3_600_000;
const dayMs = 86_400_000;
const now = new Date();
// D0: the 10th of next month, 10:00 UTC (activation); M1 and M2: the 1st of the two months after.
const D0 = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 10, 10));
const M1 = new Date(Date.UTC(D0.getUTCFullYear(), D0.getUTCMonth() + 1, 1));
const M2 = new Date(Date.UTC(D0.getUTCFullYear(), D0.getUTCMonth() + 2, 1));
const monthOf = (d) => d.toISOString().slice(0, 7);
const dayOf = (d) => d.toISOString().slice(0, 10);
const period1 = monthOf(D0);
const period2 = monthOf(M1);

// "$1,234.56" from integer cents, as the portal writes USD (integer maths only).
function usd(minor) {
  const negative = minor < 0;
  const abs = negative ? -minor : minor;
  const major = String(Math.trunc(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${major}.${String(abs % 100).padStart(2, '0')}`;
}
// "1234.56", as a user types an amount.
const typed = (minor) => `${Math.trunc(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

let world;
let portal;
let clock;
let browser;
let customerA;
let customerB;
let scidA; // the ordered service
let mrc;
let nrc;
let invoice1; // the first invoice's JSON (customer A, period1)
let dispute; // the disputed line's request reference
const credit = 5000;
let paid; // minor units of the EFT payment

async function signedIn(who) {
  const session = new ApiSession(portal.url);
  await session.signIn(who.email, who.password);
  return session;
}

const scenario = scenarioRunner(test, () => ({ browser, portalUrl: portal.url, world }), 'billing-');

async function detail(page, term) {
  const dd = page.locator(`dl.details dt:text-is("${term}") + dd`).first();
  return (await dd.innerText()).trim();
}

async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return readFileSync(await file.path());
}

async function cell(page, selector) {
  return (await page.locator(selector).first().innerText()).trim();
}

// Walks a new-service order for `customer` to completed; returns its SCID.
async function orderService(api, customer, groupId, alias) {
  const products = (await (await signedIn(ad)).must('GET', '/api/v1/products')).products;
  const delivery = products.find((p) => p.code === 'cdn-delivery');
  assert.ok(delivery, 'the cdn-delivery product exists');
  mrc = delivery.standard_mrc_minor;
  nrc = delivery.standard_nrc_minor;
  const order = await (
    await signedIn(ad)
  ).must('POST', '/api/v1/orders', {
    type: 'new_service',
    customer_number: customer,
    access_group_id: groupId,
    customer_commit_date: dayOf(D0),
    items: [
      {
        product: 'cdn-delivery',
        description: 'Web shop delivery',
        pricing_basis: 'standard',
        mrc_minor: mrc,
        nrc_minor: nrc,
        usage_plan: delivery.usage_plan,
        term_months: 12,
        etc_percent: 100,
      },
    ],
    technical: { aliases: [alias], origin: { host: '127.0.0.1', port: 9, scheme: 'http' } },
  });
  const step = async (who, body) =>
    (await signedIn(who)).must('POST', `/api/v1/orders/${order.order_number}/transitions`, body);
  await step(ad, { to: 'quoted' });
  await step(alice, { to: 'signed', signature: { name: 'Alice Able', title: 'CTO' } });
  await step(ccm, { to: 'validated' });
  await step(ae, { to: 'provisioning' });
  await step(ae, { to: 'completed' });
  const done = await api.must('GET', `/api/v1/orders/${order.order_number}`);
  assert.equal(done.state, 'completed');
  return done.scid;
}

before(async () => {
  world = new World();
  try {
    clock = new PortalClock(world.dir);
    await clock.setTo(D0);
    const sink = await SmtpSink.start(world);
    portal = await world.portal(admin.email, admin.password, [
      '--clock-offset-file',
      clock.path,
      '--smtp-url',
      sink.url,
      '--mail-from',
      'billing@candela.test',
      // Each scenario signs in after moving the clock; a session lasts the scenario (30 days).
      '--session-minutes',
      String(60 * 24 * 30),
    ]);
    const api = await signedIn(admin);
    for (const [user, role] of [
      [ad, 'account_director'],
      [ccm, 'customer_care_manager'],
      [ae, 'activation_engineer'],
      [bc, 'billing_coordinator'],
    ]) {
      await api.must('POST', '/api/v1/users', {
        name: user.name,
        email: user.email,
        password: user.password,
        language: 'en',
        roles: [{ role, access_group_id: null }],
      });
    }
    const setUp = async (name, user) => {
      const { group, customer } = await createCustomerWithService(api, name);
      await api.must('POST', '/api/v1/users', {
        name: user.name,
        email: user.email,
        password: user.password,
        language: 'en',
        roles: [{ role: 'admin', access_group_id: group.id }],
      });
      return { group, customer: customer.customer_number };
    };
    const a = await setUp('Billing customer A', alice);
    customerA = a.customer;
    await api.must('POST', '/api/v1/users', {
      name: tess.name,
      email: tess.email,
      password: tess.password,
      language: 'en',
      roles: [{ role: 'technical', access_group_id: a.group.id }],
    });
    ({ customer: customerB } = await setUp('Billing customer B', bob));
    scidA = await orderService(api, customerA, a.group.id, 'shop.billing-a.test');
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  } catch (error) {
    console.error(world.logTail());
    throw error;
  }
});

after(async () => {
  await browser?.close();
  await world?.stop();
});

scenario('the coordinator runs the ended month; the customer reads and downloads the invoice', async (open) => {
  await clock.setTo(new Date(M1.getTime() + 2 * hourMs));

  // The billing coordinator runs the month of the activation for customer A in the UI.
  const b = await open(bc);
  await b.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
  await b.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
  await b.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Billing runs' }).click();
  await b.getByRole('heading', { name: 'Billing runs', level: 1 }).waitFor();
  // A month that has not ended is refused at its field.
  await b.getByLabel('Billing month').fill(period2);
  await b.getByLabel('Customer', { exact: true }).selectOption(customerA);
  await b.getByRole('button', { name: 'Run billing' }).click();
  await b.locator('.error-summary.visible').waitFor();
  assert.equal(await b.getByLabel('Billing month').getAttribute('aria-invalid'), 'true');
  const bcApi = await signedIn(bc);
  assert.equal(itemsOf(await bcApi.must('GET', `/api/v1/invoices?period=${period2}`)).length, 0, 'nothing issued');

  await b.getByLabel('Billing month').fill(period1);
  await b.getByRole('button', { name: 'Run billing' }).click();
  await b.getByRole('heading', { name: `Billing run for ${period1}` }).waitFor();
  const listed = itemsOf(await bcApi.must('GET', `/api/v1/invoices?customer_number=${customerA}&period=${period1}`));
  assert.equal(listed.length, 1, 'one invoice for the month');
  const number = listed[0].invoice_number;
  assert.match(number, /^INV-\d{4}-\d{6}$/);
  await b.locator('[aria-labelledby="run-result-title"]').getByRole('link', { name: number }).waitFor();
  // Running it again leaves the invoice as it is.
  await b.getByRole('button', { name: 'Run billing' }).click();
  await b.getByRole('heading', { name: /Already issued, left as they are \(1\)/ }).waitFor();
  await b.locator('[aria-labelledby="run-result-title"]').getByRole('link', { name: number }).waitFor();
  await shot(b, 'billing-01-run');
  invoice1 = await bcApi.must('GET', `/api/v1/invoices/${number}`);

  // The customer finds it under Billing and opens it.
  const page = await open(alice);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
  await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
  const row = page.locator(`tr[data-invoice="${number}"]`);
  assert.equal((await row.locator('[data-status]').innerText()).trim(), 'Open');
  await row.getByRole('link', { name: number }).click();
  await page.getByRole('heading', { name: `Invoice ${number}`, level: 1 }).waitFor();
  assert.equal(await detail(page, 'Billing month'), period1);
  assert.equal(await detail(page, 'Due'), invoice1.due_date);

  // MRC prorated over the days in service of the month (the 10th to the last day), NRC once.
  const monthDays = new Date(Date.UTC(D0.getUTCFullYear(), D0.getUTCMonth() + 1, 0)).getUTCDate();
  const days = monthDays - 10 + 1;
  const prorated = Math.floor((2 * mrc * days + monthDays) / (2 * monthDays)); // half up
  const mrcRow = page.locator('tr[data-kind="mrc"]');
  assert.equal(await mrcRow.locator('td.num').innerText(), usd(prorated));
  assert.match(await mrcRow.innerText(), new RegExp(scidA));
  assert.equal(await page.locator('tr[data-kind="nrc"] td.num').innerText(), usd(nrc));
  for (const line of invoice1.lines) {
    assert.equal(await cell(page, `tr[data-line="${line.line_number}"] td.num`), usd(line.amount_minor));
  }
  assert.equal(await cell(page, 'tr[data-total="new_charges"] td'), usd(invoice1.new_charges_minor));
  assert.equal(await cell(page, 'tr[data-total="amount_due"] td'), usd(invoice1.amount_due_minor));
  assert.equal(await cell(page, 'tr[data-total="outstanding"] td'), usd(invoice1.new_charges_minor));
  assert.equal(await cell(page, 'tr[data-total="paid"] td'), usd(0));
  // A GB billing address: the central depository in London prints and distributes it.
  await page.locator('table.deliveries tr[data-channel="depository"]').waitFor();
  await shot(page, 'billing-02-invoice');

  // Downloads: the PDF, the lines as CSV and the printable HTML page.
  const pdf = await download(page, page.getByRole('link', { name: 'Download PDF' }));
  assert.equal(pdf.subarray(0, 4).toString('latin1'), '%PDF');
  const csv = (await download(page, page.getByRole('link', { name: 'Download lines as CSV' }))).toString('utf8');
  const csvLines = csv.trim().split(/\r?\n/);
  assert.ok(csvLines.length >= 1 + invoice1.lines.length, `a header and one row per line:\n${csv}`);
  assert.ok(csv.includes(scidA), `the CSV names the service:\n${csv}`);
  const htmlHref = await page.getByRole('link', { name: /Open the printable page/ }).getAttribute('href');
  const html = await page.request.get(`${portal.url}${htmlHref}`);
  assert.equal(html.status(), 200);
  assert.match(html.headers()['content-type'], /text\/html/);
  assert.ok((await html.text()).includes(number));
});

scenario('the customer disputes a line; the coordinator resolves it with a credit', async (open) => {
  await clock.setTo(new Date(M1.getTime() + dayMs));
  const number = invoice1.invoice_number;
  const page = await open(alice);
  await page.goto(`${portal.url}/billing/invoices/${number}`);
  await page.getByRole('heading', { name: `Invoice ${number}`, level: 1 }).waitFor();
  const mrcLine = invoice1.lines.find((l) => l.kind === 'mrc');
  await page
    .locator('tr[data-kind="mrc"]')
    .getByRole('link', { name: /Question or dispute this line/ })
    .click();
  await page.getByRole('heading', { name: 'Question or dispute this line', level: 1 }).waitFor();
  await page.getByLabel('A dispute: I do not agree with the amount').check();
  const amount = page.getByLabel('Disputed amount (USD)');
  await page.getByLabel('Description').fill('The service was unreachable for three days after activation.');

  // Three decimals are refused in the form; more than the line by the portal, at the field.
  await amount.fill('12.345');
  await page.getByRole('button', { name: 'Open billing request' }).click();
  await page.locator('.error-summary.visible').waitFor();
  assert.equal(await amount.getAttribute('aria-invalid'), 'true');
  await amount.fill(typed(mrcLine.amount_minor + 1));
  await page.getByRole('button', { name: 'Open billing request' }).click();
  await page.locator('.error-summary.visible h2', { hasText: 'The request was not opened' }).waitFor();
  assert.equal(await amount.getAttribute('aria-invalid'), 'true');
  const aliceApi = await signedIn(alice);
  assert.equal(itemsOf(await aliceApi.must('GET', '/api/v1/billing-requests')).length, 0, 'nothing was stored');
  await page.locator('.error-summary.visible').getByRole('button', { name: 'Disputed amount (USD)' }).click();
  assert.equal(
    await page.evaluate(() => document.activeElement?.labels?.[0]?.textContent?.trim()),
    'Disputed amount (USD)',
  );

  await amount.fill(typed(credit));
  await page.getByRole('button', { name: 'Open billing request' }).click();
  await page.waitForURL(/\/billing\/requests\/BRQ-/);
  dispute = new URL(page.url()).pathname.split('/').pop();
  assert.match(dispute, /^BRQ-\d{4}-\d{6}$/);
  await page.getByRole('heading', { level: 1, name: new RegExp(`^${dispute}: Line ${mrcLine.line_number}`) }).waitFor();
  assert.equal(await page.locator('.request-badges [data-state]').innerText(), 'Open');
  assert.equal(await detail(page, 'Disputed amount'), usd(credit));
  assert.equal(await detail(page, 'Line'), String(mrcLine.line_number));

  // A note and a file from the customer.
  await page.getByLabel('Note', { exact: true }).fill('Outage ticket numbers are in the attached file.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('.timeline-entry[data-kind="note"]', { hasText: 'Outage ticket numbers' }).waitFor();
  await page.getByLabel('File', { exact: true }).setInputFiles({
    name: 'outage.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('TKT-2026-000001\nTKT-2026-000002\n'),
  });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByRole('link', { name: 'Download outage.txt' }).waitFor();

  // The invoice shows the disputed amount and the request.
  await page.goto(`${portal.url}/billing/invoices/${number}`);
  await page.getByRole('heading', { name: `Invoice ${number}`, level: 1 }).waitFor();
  assert.equal(await cell(page, 'tr[data-total="disputed"] td'), usd(credit));
  await page.locator(`section[aria-labelledby="requests-title"] tr[data-reference="${dispute}"]`).waitFor();

  // A question about the whole invoice, then cancelled by the customer.
  await page.getByRole('link', { name: 'Question or dispute this invoice' }).click();
  await page.getByRole('heading', { name: 'Question or dispute this invoice', level: 1 }).waitFor();
  await page.getByLabel('Description').fill('Which address do you post the paper copy to?');
  await page.getByRole('button', { name: 'Open billing request' }).click();
  await page.waitForURL(/\/billing\/requests\/BRQ-/);
  await page.getByRole('button', { name: 'Cancel this request' }).click();
  await page.locator('.request-badges [data-state="cancelled"]').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Cancel this request' }).count(), 0);
  await shot(page, 'billing-03-dispute');

  // The coordinator takes the dispute in review, notes internally and resolves with a credit.
  const b = await open(bc);
  await b.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
  await b.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Billing requests' }).click();
  await b.getByRole('heading', { name: 'Billing requests', level: 1 }).waitFor();
  await b.locator(`tr[data-reference="${dispute}"]`).getByRole('link', { name: dispute }).click();
  await b.getByRole('heading', { level: 1, name: new RegExp(`^${dispute}`) }).waitFor();
  await b.getByRole('button', { name: 'Start review' }).click();
  await b.locator('.request-badges [data-state="in_review"]').waitFor();
  await b.getByLabel('Note', { exact: true }).fill('Checked the NOC log: 3 days down.');
  await b.getByLabel('Internal note (staff only)').check();
  await b.getByRole('button', { name: 'Add note' }).click();
  await b.locator('.timeline-entry[data-visibility="internal"]', { hasText: 'Checked the NOC log' }).waitFor();
  // A credit without an amount is refused at its field.
  await b.getByLabel('Credit on the next invoice').check();
  await b.getByLabel('Explanation for the customer').fill('We credit three days of service on your next invoice.');
  await b.getByRole('button', { name: 'Resolve request' }).click();
  await b.locator('[data-pointer="/credit_minor"][aria-invalid="true"]').waitFor();
  await b.getByLabel('Credit (USD)').fill(typed(credit));
  await b.getByRole('button', { name: 'Resolve request' }).click();
  await b.locator('.request-badges [data-state="resolved"]').waitFor();
  assert.equal(await detail(b, 'Resolution'), `Credit of ${usd(credit)} on the next invoice`);
  assert.equal(await b.getByRole('button', { name: 'Resolve request' }).count(), 0);
  await shot(b, 'billing-04-resolved');

  // The customer sees the answer, not the internal note, and can no longer cancel.
  await page.goto(`${portal.url}/billing/requests/${dispute}`);
  await page.locator('.request-badges [data-state="resolved"]').waitFor();
  assert.match(await page.locator('.request-explanation').innerText(), /credit three days/);
  assert.equal(await page.locator('.timeline-entry', { hasText: 'Checked the NOC log' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Cancel this request' }).count(), 0);
  const seen = await aliceApi.must('GET', `/api/v1/billing-requests/${dispute}`);
  assert.ok(!JSON.stringify(seen).includes('Checked the NOC log'), 'the API hides internal notes too');
  // The resolution reached her under Notifications, linked to the request.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
  await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
  await page.locator(`main a[href="/billing/requests/${dispute}"]`).first().click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`^${dispute}`) }).waitFor();
});

scenario('an EFT payment recorded by the coordinator shows in the balance, aging and payments', async (open) => {
  await clock.setTo(new Date(M1.getTime() + 3 * dayMs));
  paid = invoice1.amount_due_minor - 10000; // all but 100.00
  const b = await open(bc);
  await b.goto(`${portal.url}/billing`);
  await b.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Record a payment' }).click();
  await b.getByRole('heading', { name: 'Record a payment', level: 1 }).waitFor();
  await b.getByLabel('Customer', { exact: true }).selectOption(customerA);
  await b.locator(`fieldset.allocations input[data-invoice="${invoice1.invoice_number}"]`).waitFor();
  await b.getByLabel('Method').selectOption('eft');
  await b.getByLabel(/^Amount/).fill(typed(paid));
  await b.getByLabel('Received on').fill(dayOf(clock.now()));
  // EFT needs its transfer reference.
  await b.getByRole('button', { name: 'Record payment' }).click();
  await b.locator('.error-summary.visible').waitFor();
  assert.equal(await b.getByLabel('Reference').getAttribute('aria-invalid'), 'true');
  assert.equal(
    itemsOf(await (await signedIn(bc)).must('GET', `/api/v1/payments?customer_number=${customerA}`)).length,
    0,
  );

  await b.getByLabel('Reference').fill('EFT-BILLING-TEST-1');
  await b.getByRole('button', { name: 'Record payment' }).click();
  await b.getByRole('heading', { name: 'Payment recorded' }).waitFor();
  const result = b.locator('section[aria-labelledby="payment-result-title"]');
  assert.match(await result.innerText(), new RegExp(`Applied to ${invoice1.invoice_number}: \\${usd(paid)}`));
  await shot(b, 'billing-05-payment');

  // The staff aging report lists customer A with what is left.
  await b.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Aging report' }).click();
  await b.getByRole('heading', { name: 'Aging report', level: 1 }).waitFor();
  const agingRow = b.locator(`table.aging-report tr[data-customer="${customerA}"]`);
  assert.match(await agingRow.innerText(), new RegExp(`\\${usd(10000)}`));

  // The customer's balance: 100.00 outstanding, not yet due (current), nothing disputed.
  const page = await open(alice);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
  const card = page.locator(`section.balance-card[data-customer="${customerA}"]`);
  await card.waitFor();
  const balance = await (await signedIn(alice)).must('GET', `/api/v1/customers/${customerA}/balance`);
  assert.equal(balance.outstanding_minor, 10000, JSON.stringify(balance));
  assert.equal(await cell(card, '[data-balance="outstanding"] dd'), usd(10000));
  assert.equal(await cell(card, '[data-balance="disputed"] dd'), usd(0));
  assert.equal(await cell(card, '[data-balance="overdue"] dd'), usd(0));
  assert.equal(await cell(card, 'table.aging tbody td:nth-child(1)'), usd(10000));
  assert.equal(await card.locator('[data-collection]').getAttribute('data-collection'), 'good');
  const outstandingCell = page.locator(`tr[data-invoice="${invoice1.invoice_number}"] td.num`).nth(2);
  assert.equal((await outstandingCell.innerText()).trim(), usd(10000));
  await shot(page, 'billing-06-balance');

  await page.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Payments' }).click();
  await page.getByRole('heading', { name: 'Payments', level: 1 }).waitFor();
  const payment = page.locator('tr[data-reference="EFT-BILLING-TEST-1"]');
  assert.match(await payment.innerText(), new RegExp(`\\${usd(paid)}`));
  assert.match(await payment.innerText(), new RegExp(invoice1.invoice_number));
});

scenario('the next invoice carries the credit, the previous balance and the payment', async (open) => {
  await clock.setTo(new Date(M2.getTime() + 2 * hourMs));
  const b = await open(bc);
  await b.goto(`${portal.url}/billing/runs`);
  await b.getByLabel('Billing month').fill(period2);
  await b.getByLabel('Customer', { exact: true }).selectOption(customerA);
  await b.getByRole('button', { name: 'Run billing' }).click();
  await b.getByRole('heading', { name: `Billing run for ${period2}` }).waitFor();
  const listed = itemsOf(
    await (await signedIn(bc)).must('GET', `/api/v1/invoices?customer_number=${customerA}&period=${period2}`),
  );
  assert.equal(listed.length, 1);
  const number = listed[0].invoice_number;
  assert.notEqual(number, invoice1.invoice_number);

  const page = await open(alice);
  await page.goto(`${portal.url}/billing?period=${period2}`);
  await page.locator(`tr[data-invoice="${number}"]`).getByRole('link', { name: number }).click();
  await page.getByRole('heading', { name: `Invoice ${number}`, level: 1 }).waitFor();
  const creditRow = page.locator('tr[data-kind="credit"]');
  assert.equal(await creditRow.count(), 1, 'one credit line');
  assert.equal(await creditRow.locator('td.num').innerText(), usd(-credit));
  assert.equal(await page.locator('tr[data-kind="mrc"] td.num').innerText(), usd(mrc), 'a whole month');
  assert.equal(await page.locator('tr[data-kind="nrc"]').count(), 0, 'the NRC is billed once');
  assert.equal(await cell(page, 'tr[data-total="previous_balance"] td'), usd(invoice1.amount_due_minor));
  assert.equal(await cell(page, 'tr[data-total="payments"] td'), usd(-paid));
  const invoice2 = await (await signedIn(alice)).must('GET', `/api/v1/invoices/${number}`);
  assert.equal(invoice2.previous_balance_minor, invoice1.amount_due_minor);
  assert.equal(invoice2.payments_minor, paid);
  assert.equal(invoice2.amount_due_minor, invoice1.amount_due_minor - paid + invoice2.new_charges_minor);
  assert.equal(await cell(page, 'tr[data-total="amount_due"] td'), usd(invoice2.amount_due_minor));
  await shot(page, 'billing-07-next-invoice');
});

scenario('another customer gets "not found" for the invoice and its request; roles are strict', async (open) => {
  const number = invoice1.invoice_number;
  const page = await open(bob);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
  await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
  assert.equal(await page.locator(`tr[data-invoice="${number}"]`).count(), 0);
  await page.locator('[data-empty="invoices"]').waitFor();
  for (const [path, title] of [
    [`/billing/invoices/${number}`, 'Invoice not found'],
    [`/billing/requests/${dispute}`, 'Billing request not found'],
    [`/billing/requests/new?invoice=${number}&line=1`, 'Invoice not found'],
  ]) {
    await page.goto(`${portal.url}${path}`);
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    assert.equal(await page.locator('main').getByText(customerA).count(), 0, `nothing of A on ${path}`);
  }
  await page.goto(`${portal.url}/billing/requests`);
  await page.locator('[data-empty="requests"]').waitFor();
  await shot(page, 'billing-08-not-found');
  const bobApi = await signedIn(bob);
  for (const path of [
    `/api/v1/invoices/${number}`,
    `/api/v1/invoices/${number}/pdf`,
    `/api/v1/invoices/${number}/csv`,
    `/api/v1/billing-requests/${dispute}`,
    `/api/v1/customers/${customerA}/balance`,
  ]) {
    assert.equal((await bobApi.call('GET', path)).status, 404, path);
  }
  const opened = await bobApi.call('POST', '/api/v1/billing-requests', {
    invoice_number: number,
    kind: 'inquiry',
    subject: 'Not mine',
    description: 'An invoice of another customer.',
  });
  assert.ok([400, 404].includes(opened.status), `opening a request on A's invoice: ${opened.status}`);
  assert.equal(itemsOf(await bobApi.must('GET', '/api/v1/invoices')).length, 0);
  assert.ok(customerB);

  // Strict roles: a customer runs no billing; a provider admin is not the billing coordinator.
  const aliceApi = await signedIn(alice);
  assert.equal((await aliceApi.call('POST', '/api/v1/billing/runs', { period: period1 })).status, 403);
  const adminApi = await signedIn(admin);
  const refused = await adminApi.call('POST', '/api/v1/payments', {
    customer_number: customerA,
    method: 'eft',
    reference: 'EFT-NOT-ALLOWED',
    amount_minor: 100,
    received_on: dayOf(clock.now()),
  });
  assert.equal(refused.status, 403);
  // A technical user of A's own organisation has no billing right: no Billing link, and the
  // invoices are refused (403), not hidden.
  const t = await open(tess);
  assert.equal(await t.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).count(), 0);
  await t.goto(`${portal.url}/billing/invoices/${number}`);
  await t.getByRole('heading', { name: 'Access denied', level: 1 }).waitFor();
  const tessApi = await signedIn(tess);
  assert.equal((await tessApi.call('GET', `/api/v1/invoices/${number}`)).status, 403);
  assert.equal((await tessApi.call('GET', `/api/v1/invoices/${number}/pdf`)).status, 403);

  const a = await open(admin);
  await a.goto(`${portal.url}/billing`);
  const tabs = a.getByRole('navigation', { name: 'Billing' });
  await tabs.getByRole('link', { name: 'Aging report' }).waitFor();
  assert.equal(await tabs.getByRole('link', { name: 'Record a payment' }).count(), 0);
  assert.equal(await tabs.getByRole('link', { name: 'Billing runs' }).count(), 0);
});

scenario('every control on the billing pages has a label and every table a caption', async (open) => {
  const check = async (page, paths) => {
    for (const path of paths) {
      await page.goto(`${portal.url}${path}`);
      await page.locator('main h1').waitFor();
      await page
        .locator('main [aria-busy="true"]')
        .waitFor({ state: 'detached' })
        .catch(() => {});
      await page.waitForLoadState('networkidle');
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea')]
          .filter(
            (el) => el.type !== 'hidden' && !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label'),
          )
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      assert.deepEqual(unlabelled, [], `unlabelled controls on ${path}`);
      const captionless = await page.evaluate(
        () => [...document.querySelectorAll('main table')].filter((t) => !t.caption).length,
      );
      assert.equal(captionless, 0, `tables without a caption on ${path}`);
    }
  };
  const number = invoice1.invoice_number;
  const shared = [
    '/billing',
    `/billing/invoices/${number}`,
    '/billing/payments',
    '/billing/requests',
    `/billing/requests/${dispute}`,
  ];
  const a = await open(alice);
  await check(a, [...shared, `/billing/requests/new?invoice=${number}&line=1`]);
  const tabs = a.getByRole('navigation', { name: 'Billing' });
  assert.equal(await tabs.getByRole('link', { name: 'Aging report' }).count(), 0, 'customers have no staff tabs');
  assert.equal(await tabs.getByRole('link', { name: 'Billing runs' }).count(), 0);
  await check(await open(bc), [...shared, '/billing/aging', '/billing/runs', '/billing/payments/new']);
});

scenario('keyboard only: an invoice from the list, then a dispute of one of its lines', async (open) => {
  const number = invoice1.invoice_number;
  const page = await open(alice);
  await page.goto(`${portal.url}/billing`);
  await page.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
  const focusedIs = (locator) => locator.evaluate((el) => el === document.activeElement);
  const tabTo = async (locator, what) => {
    for (let i = 0; i < 80; i++) {
      if (await focusedIs(locator)) return;
      await page.keyboard.press('Tab');
    }
    assert.fail(`Tab never reached ${what}`);
  };
  await tabTo(page.locator(`tr[data-invoice="${number}"] a`), `the link to ${number}`);
  await page.keyboard.press('Enter');
  const heading = page.getByRole('heading', { name: `Invoice ${number}`, level: 1 });
  await heading.waitFor();
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  await tabTo(page.locator('tr[data-kind="nrc"] a.question-link'), "the NRC line's question link");
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Question or dispute this line', level: 1 }).waitFor();
  await tabTo(page.locator('input[name="kind"]:checked'), 'the kind of request');
  await page.keyboard.press('ArrowDown'); // a dispute
  await page.keyboard.press('Tab');
  await page.keyboard.type('1.00');
  assert.equal(
    await page.evaluate(() => document.activeElement?.labels?.[0]?.textContent?.trim()),
    'Disputed amount (USD)',
  );
  await page.keyboard.press('Tab'); // the subject, prefilled
  await page.keyboard.press('Tab');
  await page.keyboard.type('The activation fee was charged twice.');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/billing\/requests\/BRQ-/);
  await page.locator('.request-badges [data-state="open"]').waitFor();
  const nrcLine = invoice1.lines.find((l) => l.kind === 'nrc');
  assert.equal(await detail(page, 'Line'), String(nrcLine.line_number));
  assert.equal(await detail(page, 'Disputed amount'), usd(100));
  const reference = new URL(page.url()).pathname.split('/').pop();

  // The coordinator answers with an explanation only: no credit, the dispute ends.
  const b = await open(bc);
  await b.goto(`${portal.url}/billing/requests/${reference}`);
  await b.getByLabel('Explanation only (the charge stands)').check();
  assert.equal(await b.getByLabel('Credit (USD)').isVisible(), false, 'no credit amount for an explanation');
  await b.getByLabel('Explanation for the customer').fill('The activation fee is charged once, on this invoice.');
  await b.getByRole('button', { name: 'Resolve request' }).click();
  await b.locator('.request-badges [data-state="resolved"]').waitFor();
  assert.equal(await detail(b, 'Resolution'), 'Explanation');
  const answered = await (await signedIn(alice)).must('GET', `/api/v1/billing-requests/${reference}`);
  assert.equal(answered.resolution, 'explanation');
  assert.equal(answered.credit_minor, null);
});
