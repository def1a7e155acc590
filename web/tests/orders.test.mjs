// Browser tests of issue 6's order screens (docs/orders.md, docs/contracts.md): an order walked
// from draft to completion by the role the handbook names for each step, the service connection
// notice in the portal and in the mail, a disconnect whose early termination charge is shown
// before the customer signs, and the role and tenancy checks (no button, and the API refuses).
//
// The portal's clock is set once to D0 09:00 UTC, D0 the first day of next month, so the new
// service's 12-month term runs from D0 to the last day of the month before D0's month next year.
// A disconnect at the end of D0's next month then leaves exactly ten whole months of the term:
// the early termination charge is ten times the monthly charge (100 % of the remaining MRC).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { ApiSession, World, chromiumPath, itemsOf, scenarioRunner, shot } from './harness.mjs';
import { SmtpSink } from './mail-sink.mjs';
import { PortalClock } from './portal-clock.mjs';

const admin = { email: 'admin@provider.test', password: 'admin-password-for-tests' };
const director = { email: 'ada@provider.test', password: 'ada-password-for-tests', name: 'Ada Director' };
const care = { email: 'cam@provider.test', password: 'cam-password-for-tests', name: 'Cam Care' };
const activation = { email: 'abe@provider.test', password: 'abe-password-for-tests', name: 'Abe Activation' };
const carol = { email: 'carol@orders-c.test', password: 'carol-password-for-tests', name: 'Carol Admin' };
const tina = { email: 'tina@orders-c.test', password: 'tina-password-for-tests', name: 'Tina Technical' };
const dave = { email: 'dave@orders-d.test', password: 'dave-password-for-tests', name: 'Dave Other' };

const dayMs = 86_400_000;
const now = new Date();
const D0 = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
const ymd = (d) => d.toISOString().slice(0, 10);
// The last day of the month after D0's month: the disconnect's cessation date.
const cessation = ymd(new Date(Date.UTC(D0.getUTCFullYear(), D0.getUTCMonth() + 2, 0)));
const commitDate = ymd(new Date(D0.getTime() + 14 * dayMs));

let world;
let portal;
let sink;
let browser;
let customerC; // the customer number the orders are for
let groupC;
let customerD; // another customer: the transfer's target, and the tenancy checks
let groupD;
let orderNumber; // the completed new-service order
let scid; // the service it created

async function signedIn(who) {
  const session = new ApiSession(portal.url);
  await session.signIn(who.email, who.password);
  return session;
}

const scenario = scenarioRunner(test, () => ({ browser, portalUrl: portal.url, world }), 'orders-');

// The value beside a term of the order's details list.
async function detail(page, term) {
  return (await page.locator(`dl.details dt:text-is("${term}") + dd`).first().innerText()).trim();
}

async function orderState(page) {
  return page.locator('.order-page').getAttribute('data-state');
}

// Clicks the transition button `label` and waits for the page to show `state`.
async function move(page, label, state) {
  await page.getByRole('button', { name: label, exact: true }).click();
  await page.locator(`.order-page[data-state="${state}"]`).waitFor();
}

async function buttons(page) {
  return page.locator('[data-transition]').evaluateAll((els) => els.map((e) => e.dataset.transition));
}

before(async () => {
  world = new World();
  try {
    const clock = new PortalClock(world.dir);
    await clock.setTo(new Date(D0.getTime() + 9 * 3_600_000));
    sink = await SmtpSink.start(world);
    portal = await world.portal(admin.email, admin.password, [
      '--clock-offset-file',
      clock.path,
      '--smtp-url',
      sink.url,
      '--mail-from',
      'orders@candela.test',
    ]);
    const api = await signedIn(admin);
    const organisation = async (name, user, role) => {
      const group = await api.must('POST', '/api/v1/access-groups', { name, parent_id: null });
      const customer = await api.must('POST', '/api/v1/customers', {
        name,
        organisation_id: group.id,
        billing_address: { line1: '1 Order Street', city: 'Testville', postal_code: 'T1 1TT' },
        country: 'US',
        invoice_delivery: 'email',
        invoice_email: `billing@${name.toLowerCase().replace(/\W+/g, '-')}.test`,
      });
      await api.must('POST', '/api/v1/users', {
        name: user.name,
        email: user.email,
        password: user.password,
        language: 'en',
        roles: [{ role, access_group_id: group.id }],
      });
      return { group, customer };
    };
    const c = await organisation('Orders customer C', carol, 'admin');
    customerC = c.customer.customer_number;
    groupC = c.group.id;
    const d = await organisation('Orders customer D', dave, 'admin');
    customerD = d.customer.customer_number;
    groupD = d.group.id;
    await api.must('POST', '/api/v1/users', {
      name: tina.name,
      email: tina.email,
      password: tina.password,
      language: 'en',
      roles: [{ role: 'technical', access_group_id: groupC }],
    });
    for (const [user, role] of [
      [director, 'account_director'],
      [care, 'customer_care_manager'],
      [activation, 'activation_engineer'],
    ]) {
      const created = await api.must('POST', '/api/v1/users', {
        name: user.name,
        email: user.email,
        password: user.password,
        language: 'en',
        roles: [{ role, access_group_id: null }],
      });
      user.id = created.id;
      await api.must('PUT', `/api/v1/customers/${customerC}/account-team/${role}`, { user_id: created.id });
    }
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

scenario('a new-service order goes from draft to completed, each step by its own role', async (open) => {
  // The account director places the order: a standard item and an individual-case one.
  const ad = await open(director);
  await ad.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await ad.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
  await ad.getByRole('link', { name: 'New service order' }).click();
  await ad.getByRole('heading', { name: 'New order', level: 1 }).waitFor();
  await ad.getByLabel('Customer', { exact: true }).selectOption(customerC);
  await ad.getByLabel('Customer commit date').fill(commitDate);
  const item1 = ad.getByRole('group', { name: 'Item 1' });
  await item1.getByLabel('Product').selectOption('cdn-delivery');
  // Standard prices come from the catalogue and are read-only.
  assert.equal(await item1.getByLabel(/Monthly charge/).inputValue(), '500.00');
  assert.equal(await item1.getByLabel(/Monthly charge/).getAttribute('readonly'), '');
  await ad.getByRole('button', { name: 'Add an item' }).click();
  const item2 = ad.getByRole('group', { name: 'Item 2' });
  await item2.getByLabel('Product').selectOption('origin-shield');
  await item2.getByLabel('Pricing').selectOption('icb');
  // A price with three decimals is refused at its field before anything is sent.
  await item2.getByLabel(/Monthly charge/).fill('150.005');
  await item2.getByLabel(/One-time charge/).fill('0');
  await ad.getByLabel('Aliases (host names)').fill('www.orders-c.example\nvideo.orders-c.example');
  await ad.getByLabel('Origin host').fill('origin.orders-c.example');
  await ad.getByRole('button', { name: 'Place the order as a draft' }).click();
  const summary = ad.locator('.error-summary.visible');
  await summary.waitFor();
  assert.equal(await item2.getByLabel(/Monthly charge/).getAttribute('aria-invalid'), 'true');
  assert.equal(itemsOf(await (await signedIn(director)).must('GET', '/api/v1/orders')).length, 0, 'nothing stored');
  await item2.getByLabel(/Monthly charge/).fill('150.00');
  await ad.getByRole('button', { name: 'Place the order as a draft' }).click();
  await ad.waitForURL(/\/orders\/ORD-/);
  orderNumber = new URL(ad.url()).pathname.split('/').pop();
  await ad.getByRole('heading', { level: 1, name: new RegExp(orderNumber) }).waitFor();
  assert.equal(await orderState(ad), 'draft');
  // Totals are formatted from the integer minor units: 500.00 + 150.00 a month, 1,000.00 + 0 once.
  assert.equal(await ad.locator('[data-total="mrc"]').innerText(), '$650.00 per month');
  assert.equal(await ad.locator('[data-total="nrc"]').innerText(), '$1,000.00');
  assert.match(await ad.locator('tr[data-line="2"]').innerText(), /Individual case \(ICB\)/);
  // The account director may quote or cancel a draft, not sign it.
  assert.deepEqual((await buttons(ad)).sort(), ['cancelled', 'quoted']);
  await move(ad, 'Quote', 'quoted');
  assert.equal(await ad.getByRole('button', { name: 'Sign the order' }).count(), 0);
  const adApi = await signedIn(director);
  const adSigns = await adApi.call('POST', `/api/v1/orders/${orderNumber}/transitions`, {
    to: 'signed',
    signature: { name: director.name, title: 'Account director' },
  });
  assert.equal(adSigns.status, 403, 'the account director cannot sign for the customer');
  await shot(ad, 'orders-quoted');

  // The customer admin was told (a notification that links the order), finds it in the list and
  // signs: name and title are required.
  const c = await open(carol);
  await c.goto(`${portal.url}/notifications`);
  await c.locator(`main a[href="/orders/${orderNumber}"]`).first().waitFor();
  await c.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
  await c.getByRole('link', { name: orderNumber }).click();
  await c.getByRole('heading', { level: 1, name: new RegExp(orderNumber) }).waitFor();
  assert.equal(await c.getByRole('button', { name: 'Validate' }).count(), 0);
  // Escape closes the dialog without signing and gives the focus back to its button.
  await c.getByRole('button', { name: 'Sign the order' }).click();
  const dialog = c.getByRole('dialog', { name: 'Sign the order' });
  await dialog.waitFor();
  await c.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await c.evaluate(() => document.activeElement?.textContent), 'Sign the order');
  assert.equal(await orderState(c), 'quoted');
  await c.keyboard.press('Enter');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Monthly charges: \$650\.00/);
  await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
  assert.equal(await dialog.getByLabel('Your name').getAttribute('aria-invalid'), 'true');
  await dialog.getByLabel('Your name').fill(carol.name);
  await dialog.getByLabel('Your title').fill('Head of Operations');
  await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
  await c.locator('.order-page[data-state="signed"]').waitFor();
  assert.match(await detail(c, 'Signed by'), /Carol Admin, Head of Operations/);
  const carolApi = await signedIn(carol);
  const carolValidates = await carolApi.call('POST', `/api/v1/orders/${orderNumber}/transitions`, { to: 'validated' });
  assert.equal(carolValidates.status, 403, 'a customer cannot validate');

  // The provider admin is no wildcard: validating is the customer care manager's.
  const adminApi = await signedIn(admin);
  const adminValidates = await adminApi.call('POST', `/api/v1/orders/${orderNumber}/transitions`, { to: 'validated' });
  assert.equal(adminValidates.status, 403, 'the provider admin cannot validate');
  const ccm = await open(care);
  await ccm.goto(`${portal.url}/orders/${orderNumber}`);
  await ccm.getByRole('heading', { level: 1, name: new RegExp(orderNumber) }).waitFor();
  assert.deepEqual((await buttons(ccm)).sort(), ['cancelled', 'rejected', 'validated']);
  await move(ccm, 'Validate', 'validated');

  // The activation engineer provisions and completes; completion creates the service.
  const careApi = await signedIn(care);
  const ccmCompletes = await careApi.call('POST', `/api/v1/orders/${orderNumber}/transitions`, { to: 'completed' });
  assert.ok([403, 409].includes(ccmCompletes.status), `the CCM cannot complete (${ccmCompletes.status})`);
  const ae = await open(activation);
  await ae.goto(`${portal.url}/orders/${orderNumber}`);
  await ae.getByRole('heading', { level: 1, name: new RegExp(orderNumber) }).waitFor();
  await move(ae, 'Start provisioning', 'provisioning');
  assert.deepEqual(await buttons(ae), ['completed']);
  await move(ae, 'Complete', 'completed');
  await ae.getByRole('link', { name: 'Read the service connection notice' }).waitFor();
  scid = (await detail(ae, 'Service (SCID)')).trim();
  assert.match(scid, /^[0-9A-Z]{9}$/);
  // The timeline lists every step in order.
  const steps = await ae.locator('.order-timeline li').evaluateAll((els) => els.map((e) => e.dataset.to));
  assert.deepEqual(steps.slice(-5), ['quoted', 'signed', 'validated', 'provisioning', 'completed']);
  await shot(ae, 'orders-completed');
});

scenario('the customer reads the connection notice in the portal and in the mail', async (open) => {
  assert.ok(scid, 'the order scenario completed the service');
  const cname = `${scid.toLowerCase()}.cdn.candela.example`;
  const c = await open(carol);
  await c.goto(`${portal.url}/orders/${orderNumber}`);
  await c.getByRole('link', { name: 'Read the service connection notice' }).click();
  await c.getByRole('heading', { level: 1, name: 'Service connection notice' }).waitFor();
  assert.equal(await detail(c, 'SCID'), scid);
  assert.equal(await detail(c, 'Customer number'), customerC);
  assert.equal(await detail(c, 'Order number'), orderNumber);
  const body = await c.locator('pre.connection-notice').innerText();
  for (const expected of [scid, customerC, orderNumber, cname, 'www.orders-c.example', 'origin.orders-c.example']) {
    assert.ok(body.includes(expected), `the notice names ${expected}`);
  }
  await shot(c, 'orders-connection-notice');

  // The service page links the notice and lists the contract items the order opened.
  await c.goto(`${portal.url}/services/${scid}`);
  const contract = c.getByRole('region', { name: 'Contract' });
  await contract.getByRole('table', { name: 'Contract items' }).waitFor();
  assert.equal(await contract.locator('tbody tr').count(), 2);
  assert.match(await contract.locator('tr[data-product="origin-shield"]').innerText(), /\$150\.00/);
  await contract.getByRole('link', { name: 'Service connection notice' }).click();
  await c.getByRole('heading', { level: 1, name: 'Service connection notice' }).waitFor();

  // The same notice was mailed to the customer admin.
  const [mail] = await sink.waitFor(
    'the connection notice to the customer admin',
    (m) => m.to.includes(carol.email) && m.text.includes(cname),
  );
  for (const expected of [scid, customerC, orderNumber, 'origin.orders-c.example']) {
    assert.ok(mail.text.includes(expected), `the mailed notice names ${expected}`);
  }
});

scenario('a disconnect order shows the early termination charge before the customer signs', async (open) => {
  assert.ok(scid, 'the order scenario completed the service');
  const c = await open(carol);
  await c.goto(`${portal.url}/services/${scid}`);
  await c.getByRole('region', { name: 'Contract' }).getByRole('link', { name: 'Disconnect' }).click();
  await c.getByRole('heading', { level: 1, name: 'New order' }).waitFor();
  assert.equal(await c.getByLabel('Order type').inputValue(), 'disconnect');
  await c.getByLabel('Service (SCID)').selectOption(scid);
  await c.getByLabel('Cessation date (last day of service)').fill(cessation);
  await c.getByLabel('Customer commit date').fill(commitDate);
  // The first press shows the charge and places nothing; ten whole months of $650.00 remain.
  await c.getByRole('button', { name: 'Place the order as a draft' }).click();
  const quote = c.locator('.quote-slot .etc-quote');
  await quote.waitFor();
  assert.equal(await quote.locator('[data-amount="etc"]').innerText(), '$6,500.00');
  assert.ok(c.url().endsWith('/orders/new?type=disconnect&scid=' + scid), 'still on the form');
  const expected = await (
    await signedIn(carol)
  ).must('POST', `/api/v1/services/${scid}/disconnect-quote`, { cessation_date: cessation });
  assert.equal(expected.etc_total_minor, 650000, 'the API quotes the same charge');
  await c.getByRole('button', { name: 'Place the order as a draft' }).click();
  await c.waitForURL(/\/orders\/ORD-/);
  const disconnectNumber = new URL(c.url()).pathname.split('/').pop();
  await c.locator('.order-page[data-state="draft"]').waitFor();

  // The account director quotes it (the charge is stored with the order).
  const ad = await open(director);
  await ad.goto(`${portal.url}/orders/${disconnectNumber}`);
  await ad.getByRole('heading', { level: 1, name: new RegExp(disconnectNumber) }).waitFor();
  await move(ad, 'Quote', 'quoted');

  // The customer sees the charge on the order and again in the signature dialog, then signs.
  await c.reload();
  await c.locator('.order-page[data-state="quoted"]').waitFor();
  const section = c.getByRole('region', { name: 'Disconnect' });
  assert.equal(await section.locator('[data-amount="etc"]').innerText(), '$6,500.00');
  await c.getByRole('button', { name: 'Sign the order' }).click();
  const dialog = c.getByRole('dialog', { name: 'Sign the order' });
  assert.match(await dialog.locator('.etc-line').innerText(), /Early termination charge: \$6,500\.00/);
  assert.match(await dialog.locator('.etc-line').innerText(), new RegExp(cessation));
  await shot(c, 'orders-disconnect-sign');
  await dialog.getByLabel('Your name').fill(carol.name);
  await dialog.getByLabel('Your title').fill('Head of Operations');
  await dialog.getByRole('button', { name: 'Sign', exact: true }).click();
  await c.locator('.order-page[data-state="signed"]').waitFor();
});

scenario('change, renewal and transfer orders are placed from the service page', async (open) => {
  assert.ok(scid, 'the order scenario completed the service');
  const ad = await open(director);
  const fromServicePage = async (link) => {
    await ad.goto(`${portal.url}/services/${scid}`);
    await ad.getByRole('region', { name: 'Contract' }).getByRole('link', { name: link }).click();
    await ad.getByRole('heading', { level: 1, name: 'New order' }).waitFor();
    await ad.getByLabel('Customer commit date').fill(commitDate);
  };
  const place = async () => {
    await ad.getByRole('button', { name: 'Place the order as a draft' }).click();
    await ad.waitForURL(/\/orders\/ORD-/);
    await ad.locator('.order-page[data-state="draft"]').waitFor();
    return new URL(ad.url()).pathname.split('/').pop();
  };

  // A change: the origin shield gets a new individual-case price, the delivery item stays.
  await fromServicePage('Order a change');
  const shield = ad.locator('fieldset.existing-item', { hasText: 'origin-shield' });
  await shield.getByLabel(/What happens to item/).selectOption('replace');
  const replacement = ad.getByRole('group', { name: /Replacement for item/ });
  await replacement.getByLabel('Pricing').selectOption('icb');
  await replacement.getByLabel(/Monthly charge/).fill('120');
  await replacement.getByLabel(/One-time charge/).fill('0');
  await place();
  assert.match(await ad.locator('tr[data-product="origin-shield"]').innerText(), /Replace[\s\S]*\$120\.00/);
  assert.match(await ad.locator('tr[data-product="cdn-delivery"]').innerText(), /Keep/);
  await move(ad, 'Quote', 'quoted');
  const change = new URL(ad.url()).pathname.split('/').pop();

  // Revised back to draft, the order is edited in the same form, saved with its ETag.
  await move(ad, 'Revise (back to draft)', 'draft');
  await ad.getByRole('link', { name: 'Edit the draft' }).click();
  await ad.getByRole('heading', { level: 1, name: `Edit ${change}` }).waitFor();
  const edited = ad.getByRole('group', { name: /Replacement for item/ });
  assert.equal(await edited.getByLabel(/Monthly charge/).inputValue(), '120.00');
  await edited.getByLabel(/Monthly charge/).fill('110');
  // Someone else saves the draft meanwhile: this save is refused, nothing is overwritten.
  const other = await signedIn(director);
  const current = await other.call('GET', `/api/v1/orders/${change}`);
  const patched = await other.call(
    'PATCH',
    `/api/v1/orders/${change}`,
    { customer_commit_date: ymd(new Date(D0.getTime() + 20 * dayMs)) },
    { 'If-Match': current.etag },
  );
  assert.equal(patched.status, 200, JSON.stringify(patched.data));
  await ad.getByRole('button', { name: 'Save the draft' }).click();
  await ad.getByRole('alert').filter({ hasText: 'Someone changed this draft' }).waitFor();
  await ad.getByRole('link', { name: 'Open the order again' }).click();
  await ad.getByRole('link', { name: 'Edit the draft' }).click();
  await ad.getByRole('heading', { level: 1, name: `Edit ${change}` }).waitFor();
  await ad
    .getByRole('group', { name: /Replacement for item/ })
    .getByLabel(/Monthly charge/)
    .fill('110');
  await ad.getByRole('button', { name: 'Save the draft' }).click();
  await ad.waitForURL(new RegExp(`/orders/${change}$`));
  await ad.locator('.order-page[data-state="draft"]').waitFor();
  assert.match(await ad.locator('tr[data-product="origin-shield"]').innerText(), /\$110\.00/);
  assert.equal(await detail(ad, 'Customer commit date'), ymd(new Date(D0.getTime() + 20 * dayMs)));

  // A renewal for 24 months at the same price.
  await fromServicePage('Renew');
  await ad.getByLabel('New term (months)').fill('24');
  await place();
  assert.equal(await ad.getByRole('region', { name: 'Renewal' }).locator('dd').first().innerText(), '24 months');

  // A transfer to customer D needs the date it takes effect: refused at that field first.
  await fromServicePage('Transfer');
  await ad.getByLabel('Target customer', { exact: true }).selectOption(customerD);
  assert.equal(await ad.getByLabel('Target access group').inputValue(), String(groupD));
  await ad.getByRole('button', { name: 'Place the order as a draft' }).click();
  await ad.locator('.error-summary.visible').waitFor();
  assert.equal(await ad.getByLabel('Effective date (optional)').getAttribute('aria-invalid'), 'true');
  await ad.getByLabel('Effective date (optional)').fill(ymd(new Date(D0.getTime() + 30 * dayMs)));
  const transfer = await place();
  assert.match(await ad.getByRole('region', { name: 'Transfer to' }).innerText(), new RegExp(customerD));
  await move(ad, 'Quote', 'quoted');
  await shot(ad, 'orders-transfer-quoted');
  assert.ok(transfer.startsWith('ORD-'));
});

scenario('roles and tenancy: no button, and the API refuses', async (open) => {
  assert.ok(orderNumber, 'the order scenario placed an order');
  // A technical user of the customer sees the orders but may neither place nor sign one.
  const tApi = await signedIn(tina);
  const t = await open(tina);
  await t.goto(`${portal.url}/orders`);
  await t.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
  assert.equal(await t.getByRole('link', { name: 'New service order' }).count(), 0);
  const placed = await tApi.call('POST', '/api/v1/orders', {
    type: 'disconnect',
    customer_number: customerC,
    scid,
    customer_commit_date: commitDate,
    disconnect: { cessation_date: cessation },
  });
  assert.equal(placed.status, 403, 'a technical user cannot place an order');

  // A draft placed by the account director: only he (and the customer admin) may act on it.
  const adApi = await signedIn(director);
  const draft = await adApi.must('POST', '/api/v1/orders', {
    type: 'renewal',
    customer_number: customerC,
    scid,
    customer_commit_date: commitDate,
    renewal: { term_months: 24, mrc_minor: null },
  });
  await t.goto(`${portal.url}/orders/${draft.order_number}`);
  await t.getByRole('heading', { level: 1, name: new RegExp(draft.order_number) }).waitFor();
  assert.deepEqual(await buttons(t), [], 'no buttons for a technical user');
  const tQuotes = await tApi.call('POST', `/api/v1/orders/${draft.order_number}/transitions`, { to: 'quoted' });
  assert.equal(tQuotes.status, 403);
  const ae = await open(activation);
  await ae.goto(`${portal.url}/orders/${draft.order_number}`);
  await ae.getByRole('heading', { level: 1, name: new RegExp(draft.order_number) }).waitFor();
  assert.deepEqual(await buttons(ae), [], 'no buttons for the activation engineer on a draft');
  const aeApi = await signedIn(activation);
  const aeQuotes = await aeApi.call('POST', `/api/v1/orders/${draft.order_number}/transitions`, { to: 'quoted' });
  assert.equal(aeQuotes.status, 403);
  // A move that does not exist from draft is a conflict for the role that owns it.
  const early = await adApi.call('POST', `/api/v1/orders/${draft.order_number}/transitions`, { to: 'completed' });
  assert.ok([403, 409].includes(early.status), `draft → completed refused (${early.status})`);

  // Cancelling asks for a reason in a dialog.
  const ad = await open(director);
  await ad.goto(`${portal.url}/orders/${draft.order_number}`);
  await ad.getByRole('button', { name: 'Cancel the order' }).click();
  const dialog = ad.getByRole('dialog', { name: `Cancel ${draft.order_number}` });
  await dialog.getByRole('button', { name: 'Cancel the order' }).click();
  assert.equal(await dialog.getByLabel('Reason').getAttribute('aria-invalid'), 'true');
  await dialog.getByLabel('Reason').fill('The customer chose a longer term in another order.');
  await dialog.getByRole('button', { name: 'Cancel the order' }).click();
  await ad.locator('.order-page[data-state="cancelled"]').waitFor();
  assert.equal(await detail(ad, 'Reason'), 'The customer chose a longer term in another order.');

  // Another customer's order looks like no order at all.
  const d = await open(dave);
  await d.goto(`${portal.url}/orders/${orderNumber}`);
  await d.getByRole('heading', { level: 1, name: 'Order not found' }).waitFor();
  await d.goto(`${portal.url}/orders`);
  await d.getByRole('heading', { name: 'Orders', level: 1 }).waitFor();
  assert.equal(await d.getByRole('link', { name: orderNumber }).count(), 0);
  const dApi = await signedIn(dave);
  assert.equal((await dApi.call('GET', `/api/v1/orders/${orderNumber}`)).status, 404);
  assert.equal(
    (await dApi.call('POST', `/api/v1/orders/${orderNumber}/transitions`, { to: 'cancelled', reason: 'x' })).status,
    404,
  );
  assert.equal((await dApi.call('GET', `/api/v1/services/${scid}/connection-notice`)).status, 404);
});

scenario('the customer terms (MSA) are shown to the customer and edited by the account director', async (open) => {
  const ad = await open(director);
  await ad.goto(`${portal.url}/account-team/${customerC}`);
  const terms = ad.getByRole('region', { name: 'Terms (MSA)' });
  await terms.locator('dl.customer-terms').waitFor();
  await terms.locator('summary', { hasText: 'Change the terms' }).click();
  await terms.getByLabel('MSA reference').fill('MSA-C-2026');
  // The final warning must come after the first: refused at that field, nothing stored.
  await terms.getByLabel('Warning after (days past due)', { exact: true }).fill('20');
  await terms.getByLabel('Final warning after (days past due)').fill('10');
  await terms.getByLabel('Reason for the change').fill('Signed MSA amendment 2');
  await terms.getByRole('button', { name: 'Save the terms' }).click();
  await terms.locator('.error-summary.visible').waitFor();
  assert.equal(await terms.getByLabel('Final warning after (days past due)').getAttribute('aria-invalid'), 'true');
  const before = await (await signedIn(carol)).must('GET', `/api/v1/customers/${customerC}/terms`);
  assert.notEqual(before.msa_reference, 'MSA-C-2026', 'nothing stored');
  await terms.getByLabel('Final warning after (days past due)').fill('30');
  await terms.getByLabel('Suspension after (days past due)').fill('45');
  await terms.getByRole('button', { name: 'Save the terms' }).click();
  await terms.locator('dl.customer-terms dd', { hasText: 'MSA-C-2026' }).waitFor();

  // The customer admin reads them but has no form; the API refuses her change (403).
  const c = await open(carol);
  await c.goto(`${portal.url}/account-team/${customerC}`);
  const mine = c.getByRole('region', { name: 'Terms (MSA)' });
  await mine.locator('dl.customer-terms dd', { hasText: 'MSA-C-2026' }).waitFor();
  assert.equal(await mine.getByRole('form', { name: 'Change the terms' }).count(), 0);
  assert.equal(await mine.locator('summary').count(), 0);
  const { customer_number: _number, ...fields } = before;
  const refused = await (
    await signedIn(carol)
  ).call('PUT', `/api/v1/customers/${customerC}/terms`, { ...fields, reason: 'customer edit' });
  assert.equal(refused.status, 403);
});

scenario('every control on the order pages has a label and every table a caption', async (open) => {
  const check = async (page, paths) => {
    for (const path of paths) {
      await page.goto(`${portal.url}${path}`);
      await page.locator('main h1').waitFor();
      await page
        .locator('main [aria-busy="true"]')
        .waitFor({ state: 'detached' })
        .catch(() => {});
      await page.waitForFunction(
        () => ![...document.querySelectorAll('main p')].some((p) => p.textContent === 'Loading…'),
      );
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
  const pages = [
    '/orders',
    '/orders/new?type=new_service',
    '/orders/new?type=change&scid=' + scid,
    '/orders/new?type=transfer&scid=' + scid,
    '/orders/new?type=renewal&scid=' + scid,
    '/orders/new?type=disconnect&scid=' + scid,
    `/orders/${orderNumber}`,
    `/services/${scid}`,
    `/services/${scid}/connection-notice`,
    `/account-team/${customerC}`,
  ];
  await check(await open(director), pages);
  await check(await open(carol), pages);
  // Keyboard: from the order list, Tab reaches the order's link and Enter opens it.
  const c = await open(carol);
  await c.goto(`${portal.url}/orders`);
  const link = c.getByRole('link', { name: orderNumber });
  await link.focus();
  await c.keyboard.press('Enter');
  await c.getByRole('heading', { level: 1, name: new RegExp(orderNumber) }).waitFor();
});
