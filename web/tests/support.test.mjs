// Browser tests of issue 5 (docs/support.md, docs/noc.md, docs/maintenance.md): tickets,
// follow-the-sun routing, escalation, maintenance notices, tenancy and the MTTR report, against a
// real `candela portal` whose clock the test moves (--clock-offset-file) and which delivers mail
// to a real SMTP server on loopback (tests/tools/smtp_sink.py) whose messages the test reads.
//
// The portal's clock runs from D0, the first day of next month 00:00 UTC, and only forward:
// scenario 1 at D0 01:00, routing on day 2, escalation on day 3, maintenance on days 4-6,
// tenancy, a NOC alarm and ticket work on day 6, MTTR and the schedule editor on day 7 (all in
// D0's month, which is the MTTR report's month).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import {
  ApiSession,
  createCustomerWithService,
  EdgeUplink,
  World,
  chromiumPath,
  scenarioRunner,
  shot,
  itemsOf,
  screenshots,
  sleep,
  waitFor,
} from './harness.mjs';
import { SmtpSink } from './mail-sink.mjs';
import { PortalClock } from './portal-clock.mjs';

const admin = { email: 'admin@provider.test', password: 'admin-password-for-tests' };
const tech = { email: 'tech@provider.test', password: 'tech-password-for-tests', name: 'Tess Tech' };
const noc = { email: 'noc@provider.test', password: 'noc-password-for-tests', name: 'Nico Noc' };
const alice = { email: 'alice@support-a.test', password: 'alice-password-for-tests', name: 'Alice Able' };
const bob = { email: 'bob@support-b.test', password: 'bob-password-for-tests', name: 'Bob Baker' };

const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 86_400_000;

const now = new Date();
const D0 = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
const at = (days, hours = 0, minutes = 0) =>
  new Date(D0.getTime() + days * dayMs + hours * hourMs + minutes * minuteMs);
const monthOfD0 = D0.toISOString().slice(0, 7);

let world;
let portal;
let clock;
let sink;
let browser;
let scidA;
let scidB;
let customerA;
let customerB;
let aliceTicket; // opened in scenario 1, used by the tenancy scenario

const iso = (d) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
const inputTime = (d) => new Date(d).toISOString().slice(0, 16);
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n) => String(n).padStart(2, '0');
// "Tue 01 Dec 2026 02:00 GMT", as the notices and the portal write times.
const gmt = (d) =>
  `${weekdays[d.getUTCDay()]} ${two(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(
    d.getUTCHours(),
  )}:${two(d.getUTCMinutes())} GMT`;

async function signedIn(who) {
  const session = new ApiSession(portal.url);
  await session.signIn(who.email, who.password);
  return session;
}

const scenario = scenarioRunner(test, () => ({ browser, portalUrl: portal.url, world }), 'support-');

// The value shown beside a term of a details list (<dt>term</dt><dd>value</dd>).
async function detail(page, term) {
  const dd = page.locator(`dl.details dt:text-is("${term}") + dd`).first();
  return (await dd.innerText()).trim();
}

function referenceFromUrl(page) {
  const m = /\/tickets\/(TKT-[0-9A-Z-]+)$/.exec(new URL(page.url()).pathname);
  assert.ok(m, `a ticket URL: ${page.url()}`);
  return m[1];
}

// Fills the "Report an impairment" form completely (the severity and subject as given).
async function reportImpairment(page, { subject, severity, scid, startedAt }) {
  await page.goto(`${portal.url}/tickets/new?type=service_impairment`);
  await page.getByRole('heading', { name: 'Report an impairment' }).waitFor();
  await page.getByLabel('Severity').selectOption(String(severity));
  await page.getByLabel('Service (SCID)').selectOption(scid);
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('Description', { exact: true }).fill('Segments of the live channel time out for viewers.');
  await page.getByLabel('Alarm information').fill('HTTP 504 from www; player error 3016');
  await page.getByLabel('Problem first occurred (UTC)').fill(inputTime(startedAt));
  await page.getByLabel('Phone numbers').fill('+44 20 7946 0000');
  await page.getByLabel('Alternate or after-hours contact').fill('NOC desk +44 20 7946 0999');
  await page.getByRole('button', { name: 'Open ticket' }).click();
  await page.waitForURL(/\/tickets\/TKT-/);
  await page.getByRole('heading', { level: 1, name: new RegExp(subject) }).waitFor();
  return referenceFromUrl(page);
}

before(async () => {
  world = new World();
  try {
    clock = new PortalClock(world.dir);
    await clock.setTo(at(0, 0, 30));
    sink = await SmtpSink.start(world);
    portal = await world.portal(admin.email, admin.password, [
      '--clock-offset-file',
      clock.path,
      '--smtp-url',
      sink.url,
      '--mail-from',
      'noc@candela.test',
      // The test moves the clock days ahead; sessions must outlive that.
      '--session-minutes',
      String(60 * 24 * 30),
    ]);
    const api = await signedIn(admin);
    const setUp = async (name, user) => {
      const { group, customer, service } = await createCustomerWithService(api, name);
      await api.must('POST', '/api/v1/users', {
        name: user.name,
        email: user.email,
        password: user.password,
        language: 'en',
        roles: [{ role: 'technical', access_group_id: group.id }],
      });
      return { scid: service.scid, customer: customer.customer_number };
    };
    ({ scid: scidA, customer: customerA } = await setUp('Support customer A', alice));
    ({ scid: scidB, customer: customerB } = await setUp('Support customer B', bob));
    for (const [user, role] of [
      [tech, 'cdn_support_technician'],
      [noc, 'noc_engineer'],
    ]) {
      await api.must('POST', '/api/v1/users', {
        name: user.name,
        email: user.email,
        password: user.password,
        language: 'en',
        roles: [{ role, access_group_id: null }],
      });
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

scenario(
  'an impairment with missing and invalid fields is refused at each field, the complete one opens',
  async (open) => {
    await clock.setTo(at(0, 1));
    const page = await open(alice);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tickets' }).click();
    await page.getByRole('heading', { name: 'Tickets', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Report an impairment' }).click();
    await page.getByRole('heading', { name: 'Report an impairment' }).waitFor();

    // The contact is prefilled from the profile; alarm information, the start time and phone
    // numbers are left out and the email is broken.
    assert.equal(await page.getByLabel('Contact name').inputValue(), alice.name);
    await page.getByLabel('Severity').selectOption('2');
    await page.getByLabel('Service (SCID)').selectOption(scidA);
    await page.getByLabel('Subject').fill('Live channel segments time out');
    await page.getByLabel('Description', { exact: true }).fill('Viewers in Europe get timeouts on video segments.');
    await page.getByLabel('Contact email').fill('alice@');
    await page.getByRole('button', { name: 'Open ticket' }).click();

    const summary = page.locator('.error-summary.visible');
    await summary.waitFor();
    await summary.getByRole('heading', { name: /The ticket was not opened/ }).waitFor();
    for (const label of ['Alarm information', 'Problem first occurred (UTC)', 'Phone numbers', 'Contact email']) {
      const field = page.getByLabel(label, { exact: true });
      assert.equal(await field.getAttribute('aria-invalid'), 'true', `${label} is marked invalid`);
      const errorId = (await field.getAttribute('aria-describedby')).split(' ').find((id) => id.endsWith('-error'));
      assert.notEqual((await page.locator(`#${errorId}`).innerText()).trim(), '', `${label} has its message`);
      assert.ok((await summary.getByRole('button', { name: label }).count()) >= 1, `${label} listed in the summary`);
    }
    for (const label of ['Subject', 'Service (SCID)']) {
      assert.equal(await page.getByLabel(label).getAttribute('aria-invalid'), null, `${label} is fine`);
    }
    // A summary entry takes the keyboard to its field.
    await summary.getByRole('button', { name: 'Phone numbers' }).first().click();
    assert.equal(await page.evaluate(() => document.activeElement?.labels?.[0]?.textContent?.trim()), 'Phone numbers');
    await shot(page, 'support-01-impairment-refused');
    const aliceApi = await signedIn(alice);
    assert.equal(itemsOf(await aliceApi.must('GET', '/api/v1/tickets')).length, 0, 'nothing was stored');

    // Completed, the same form opens the ticket.
    const startedAt = new Date(clock.now().getTime() - 20 * minuteMs);
    await page.getByLabel('Alarm information').fill('HTTP 504 on /live/*.ts; player error 3016');
    await page.getByLabel('Problem first occurred (UTC)').fill(inputTime(startedAt));
    await page.getByLabel('Phone numbers').fill('+44 20 7946 0000\n+1 303-555-0100');
    await page.getByLabel('Alternate or after-hours contact').fill('NOC desk +44 20 7946 0999');
    await page.getByLabel('Contact email').fill(alice.email);
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await page.waitForURL(/\/tickets\/TKT-/);
    aliceTicket = referenceFromUrl(page);
    assert.match(aliceTicket, /^TKT-\d{4}-\d{6}$/);
    await page.getByRole('heading', { level: 1, name: `${aliceTicket}: Live channel segments time out` }).waitFor();
    assert.equal(await page.locator('.ticket-badges [data-state]').innerText(), 'New');
    assert.equal(await page.locator('.ticket-badges [data-severity]').innerText(), 'S2');
    assert.equal(
      await detail(page, 'Problem first occurred'),
      gmt(new Date(Math.floor(startedAt / minuteMs) * minuteMs)),
    );
    assert.match(await detail(page, 'Contact'), /\+44 20 7946 0000, \+1 303-555-0100/);
    assert.ok((await page.locator('.timeline-entry[data-kind="created"]').count()) === 1, 'the timeline starts');
    assert.ok((await page.locator('.timeline-entry[data-kind="routed"]').count()) === 1, 'and says where it went');
    await shot(page, 'support-02-impairment-opened');

    const stored = await aliceApi.must('GET', `/api/v1/tickets/${aliceTicket}`);
    assert.equal(stored.type, 'service_impairment');
    assert.equal(stored.scid, scidA);
    assert.equal(stored.severity, 2);
    assert.deepEqual(stored.contact.phones, ['+44 20 7946 0000', '+1 303-555-0100']);
    // The contact hears about it by email.
    const mail = await sink.waitFor(
      `ticket.created for ${aliceTicket}`,
      (m) => m.to.includes(alice.email) && m.subject.includes(aliceTicket),
    );
    assert.ok(mail.length >= 1);
  },
);

scenario('new tickets go to the centre on duty at their UTC hour, honouring the language', async (open) => {
  // The default schedule: DUB 06-14, LON 10-18, BRM 14-22, TUL 22-06 (priority in that order).
  const cases = [
    { hour: 3, language: 'en', centre: 'TUL', onDuty: 'TUL' },
    { hour: 8, language: 'en', centre: 'DUB', onDuty: 'DUB' },
    { hour: 12, language: 'es', centre: 'LON', onDuty: 'DUB' }, // Dublin has no Spanish; London does
    { hour: 19, language: 'en', centre: 'BRM', onDuty: 'BRM' },
    { hour: 23, language: 'es', centre: 'TUL', onDuty: 'TUL' }, // Tulsa alone on duty: no match
  ];
  const page = await open(alice);
  for (const c of cases) {
    await clock.setTo(at(1, c.hour));
    await page.goto(`${portal.url}/support`);
    await page.getByRole('heading', { name: 'Support', level: 1 }).waitFor();
    assert.equal(
      await page.locator('.on-duty-now').getAttribute('data-centre'),
      c.onDuty,
      `on duty at ${c.hour}:00 UTC`,
    );
    await page.goto(`${portal.url}/tickets/new?type=account_inquiry`);
    await page.getByRole('heading', { name: 'Open a ticket' }).waitFor();
    await page.getByLabel('Subject').fill(`Invoice question at ${c.hour}:00 (${c.language})`);
    await page.getByLabel('Description', { exact: true }).fill('Which contract covers the new property?');
    await page.getByLabel('Language').fill(c.language);
    await page.getByRole('button', { name: 'Open ticket' }).click();
    await page.waitForURL(/\/tickets\/TKT-/);
    await page.getByRole('heading', { level: 1, name: /Invoice question/ }).waitFor();
    assert.match(await detail(page, 'Support centre'), new RegExp(`\\(${c.centre}\\)`), `routed at ${c.hour}:00`);
    const routed = page.locator('.timeline-entry[data-kind="routed"]');
    assert.equal(await routed.count(), 1);
  }
  await shot(page, 'support-03-routed');
});

scenario('a severity-1 ticket escalates when its targets lapse, and the customer can escalate', async (open) => {
  await clock.setTo(at(2, 9));
  const page = await open(alice);
  const reference = await reportImpairment(page, {
    subject: 'Total outage of the live channel',
    severity: 1,
    scid: scidA,
    startedAt: new Date(clock.now().getTime() - 5 * minuteMs),
  });
  assert.equal(await detail(page, 'Escalation level'), 'Not escalated');
  const staffApi = await signedIn(tech);
  const level = async () => (await staffApi.must('GET', `/api/v1/tickets/${reference}`)).escalation_level;
  assert.equal(await level(), 0);

  // Initial response (15 minutes) missed: level 1, the senior technicians are told.
  await clock.advance(16 * minuteMs);
  await waitFor('escalation to level 1', async () => (await level()) === 1, { timeoutMs: 45000, intervalMs: 500 });
  await sink.waitFor(
    `ticket.escalated to the technician for ${reference}`,
    (m) => m.to.includes(tech.email) && m.subject.includes(reference) && /escalat/i.test(m.subject + m.text),
  );
  await page.reload();
  await page.locator('.ticket-badges [data-escalation="1"]').waitFor();
  assert.equal(await page.locator('.timeline-entry[data-kind="escalated"]').count(), 1);

  // The next update (60 minutes) missed too: level 2, the duty manager (NOC engineer).
  await clock.advance(61 * minuteMs);
  await waitFor('escalation to level 2', async () => (await level()) === 2, { timeoutMs: 45000, intervalMs: 500 });
  await sink.waitFor(
    `ticket.escalated to the duty manager for ${reference}`,
    (m) => m.to.includes(noc.email) && m.subject.includes(reference),
  );

  // The customer escalates once more from the ticket's page.
  await page.reload();
  await page.getByLabel('Why escalate?').fill('Our prime-time show starts in an hour.');
  await page.getByRole('button', { name: 'Escalate', exact: true }).click();
  await page.locator('.ticket-badges [data-escalation="3"]').waitFor();
  assert.equal(await detail(page, 'Escalation level'), 'Level 3');
  assert.equal(await page.locator('.timeline-entry[data-kind="escalated"]').count(), 3);
  await page.locator('.timeline-entry[data-kind="escalated"]').filter({ hasText: 'prime-time' }).waitFor();
  await shot(page, 'support-04-escalated');
});

scenario('scheduled service-affecting maintenance tells exactly the affected customers, in GMT', async (open) => {
  await clock.setTo(at(3, 10));
  const staff = await signedIn(admin);
  // Customer A is served by a London edge, customer B by a Frankfurt one.
  const uplinks = {};
  for (const [edgeId, group] of [
    ['edge-lon-1', 'lon-test'],
    ['edge-fra-1', 'fra-test'],
  ]) {
    const created = await staff.must('POST', '/api/v1/edges', {
      edge_id: edgeId,
      cache_group: group,
      address: '127.0.0.1:9',
      role: 'edge',
      network: 'production',
    });
    uplinks[edgeId] = new EdgeUplink(portal.url, edgeId, created.node_token);
  }
  const minute = Math.floor(clock.now().getTime() / minuteMs) * minuteMs - 10 * minuteMs;
  const usage = (scid) => ({
    property: `${scid}.www`,
    minute: iso(minute),
    revision: 1,
    requests: 10,
    bytes: 10_000,
    body_bytes: 9_000,
    fill_bytes: 0,
    hits: 10,
    misses: 0,
    stale: 0,
    revalidated: 0,
    passes: 0,
    errors: 0,
    status_1xx: 0,
    status_2xx: 10,
    status_3xx: 0,
    status_4xx: 0,
    status_5xx: 0,
    http: 0,
    https: 10,
    peak_rps: 1,
  });
  await uplinks['edge-lon-1'].postUsage([usage(scidA)], iso(minute + minuteMs));
  await uplinks['edge-fra-1'].postUsage([usage(scidB)], iso(minute + minuteMs));

  const starts = at(5, 2);
  const ends = at(5, 4);
  const page = await open(noc);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Maintenance' }).click();
  await page.getByRole('heading', { name: 'Maintenance', level: 1 }).waitFor();
  await page.getByLabel('Impact').selectOption('service_affecting');
  await page.getByLabel('Title').fill('Router upgrade in London');
  await page.getByLabel('Description').fill('Core routers of the London location get new software.');
  // Ends before it starts and names no location: refused at the fields, nothing stored.
  await page.getByLabel('Starts (GMT)').fill(inputTime(starts));
  await page.getByLabel('Ends (GMT)').fill(inputTime(at(5, 1)));
  await page.getByRole('button', { name: 'Schedule and notify' }).click();
  await page.locator('.error-summary.visible').waitFor();
  assert.equal(await page.getByLabel('Ends (GMT)').getAttribute('aria-invalid'), 'true');
  assert.equal(itemsOf(await staff.must('GET', '/api/v1/maintenance')).length, 0, 'nothing stored');

  await page.getByLabel('Ends (GMT)').fill(inputTime(ends));
  await page.getByLabel('Cache groups (locations)').fill('lon-test');
  await page.getByRole('button', { name: 'Schedule and notify' }).click();
  await page.waitForURL(/\/maintenance\/MNT-/);
  const reference = decodeURIComponent(new URL(page.url()).pathname.split('/').pop());
  await page.getByRole('heading', { level: 1, name: `${reference}: Router upgrade in London` }).waitFor();
  assert.equal(await detail(page, 'Starts'), gmt(starts));
  assert.equal(await detail(page, 'Ends'), gmt(ends));
  assert.match(await detail(page, 'Affected services'), new RegExp(scidA));
  assert.doesNotMatch(await detail(page, 'Affected services'), new RegExp(scidB));
  await shot(page, 'support-05-maintenance-scheduled');

  // The "scheduled" notice: to customer A's technical contact and the NOC engineers, not to B.
  const about = (m) => m.subject.includes(reference) || m.text.includes(reference);
  await sink.waitFor(`the scheduled notice of ${reference}`, (m) => about(m) && m.to.includes(alice.email));
  await sink.waitFor(`the NOC's copy of ${reference}`, (m) => about(m) && m.to.includes(noc.email));
  await sleep(3000); // anything else queued would have arrived by now
  const notices = sink.messages().filter(about);
  const recipients = new Set(notices.flatMap((m) => m.to));
  assert.deepEqual(
    [...recipients].sort(),
    [alice.email, noc.email].sort(),
    'exactly the affected customer and the NOC',
  );
  const notice = notices.find((m) => m.to.includes(alice.email));
  assert.ok(notice.text.includes(gmt(starts)), `the start in GMT (${gmt(starts)}) in:\n${notice.text}`);
  assert.ok(
    notice.text.includes(gmt(ends)) || notice.text.includes(`${two(ends.getUTCHours())}:00 GMT`),
    'the end in GMT',
  );
  assert.match(notice.text, /service.affecting/i);
  const ics = notice.attachments.find((a) => a.filename === `${reference}.ics`);
  assert.ok(ics, `an iCalendar attachment in ${JSON.stringify(notice.attachments.map((a) => a.filename))}`);
  const stamp = (d) =>
    d
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}Z$/, 'Z');
  assert.match(ics.content, /METHOD:REQUEST/);
  assert.match(ics.content, new RegExp(`UID:${reference}@candela`));
  assert.match(ics.content, new RegExp(`DTSTART:${stamp(starts)}`));
  assert.match(ics.content, new RegExp(`DTEND:${stamp(ends)}`));

  // Customer A's calendar shows it on its day; B's does not, and B cannot open it.
  const month = `?month=${monthOfD0}`;
  const a = await open(alice);
  await a.goto(`${portal.url}/maintenance${month}`);
  const day = a.locator(`table.calendar td[data-day="${starts.toISOString().slice(0, 10)}"]`);
  await day.getByRole('link', { name: /02:00–04:00 GMT Router upgrade in London/ }).waitFor();
  await a.getByRole('table', { name: 'Maintenance windows (GMT)' }).getByText(gmt(starts)).waitFor();
  await shot(a, 'support-06-maintenance-calendar');
  const b = await open(bob);
  await b.goto(`${portal.url}/maintenance${month}`);
  await b.getByRole('heading', { name: 'Maintenance', level: 1 }).waitFor();
  assert.equal(await b.locator(`[data-reference="${reference}"]`).count(), 0, "B's calendar is empty of it");
  await b.goto(`${portal.url}/maintenance/${reference}`);
  await b.getByRole('heading', { name: 'Maintenance window not found' }).waitFor();

  // When it starts the NOC dashboard shows the London edge draining, without a reload; it stops
  // reading once the engineer leaves it.
  await page.goto(`${portal.url}/noc`);
  await page.getByRole('heading', { name: 'NOC dashboard' }).waitFor();
  const lon = page.locator('table.noc-edges tr[data-edge="edge-lon-1"]');
  await lon.waitFor();
  assert.match(await lon.innerText(), /\bno\b/);
  await page.evaluate(() => {
    window.notReloaded = true;
  });
  await clock.setTo(new Date(starts.getTime() + 30_000));
  await waitFor(
    'the dashboard to show edge-lon-1 draining',
    async () =>
      /draining/.test(await lon.innerText()) && (await lon.getByRole('link', { name: reference }).count()) === 1,
    { timeoutMs: 45000, intervalMs: 500 },
  );
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'refreshed in place');
  assert.doesNotMatch(await page.locator('table.noc-edges tr[data-edge="edge-fra-1"]').innerText(), /draining/);
  await shot(page, 'support-07-noc-draining');
  let polls = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/noc/dashboard')) polls += 1;
  });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Maintenance' }).click();
  await page.getByRole('heading', { name: 'Maintenance', level: 1 }).waitFor();
  const left = polls;
  await sleep(11_000);
  assert.equal(polls, left, 'no dashboard reads after leaving it');
  // The start notice reached A's contact too.
  await sink.waitFor(`the started notice of ${reference}`, (m) => about(m) && m.to.includes(alice.email), 2);
});

scenario("a customer sees none of another customer's tickets, in the list or by URL", async (open) => {
  assert.ok(aliceTicket, 'scenario 1 opened a ticket for customer A');
  await clock.setTo(at(5, 6));
  const bobApi = await signedIn(bob);
  const own = await bobApi.must('POST', '/api/v1/tickets', {
    type: 'account_inquiry',
    subject: 'Where is my invoice?',
    description: 'The November invoice did not arrive.',
    contact: { name: bob.name, email: bob.email },
  });
  const page = await open(bob);
  await page.goto(`${portal.url}/tickets?state=`);
  await page.locator(`table.tickets tr[data-reference="${own.reference}"]`).waitFor();
  const listed = await page
    .locator('table.tickets tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.dataset.reference));
  assert.ok(!listed.includes(aliceTicket), `B's list: ${listed.join(', ')}`);
  const aliceRefs = itemsOf(await (await signedIn(alice)).must('GET', '/api/v1/tickets')).map((t) => t.reference);
  assert.ok(aliceRefs.length > 0);
  assert.deepEqual(
    listed.filter((r) => aliceRefs.includes(r)),
    [],
    "none of A's tickets in B's list",
  );
  // Filtering by A's SCID finds nothing; A's ticket by URL is "not found".
  await page.getByLabel('SCID', { exact: true }).fill(scidA);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.waitForURL(/scid=/);
  await page.locator('[data-empty="tickets"]').waitFor();
  await page.goto(`${portal.url}/tickets/${aliceTicket}`);
  await page.getByRole('heading', { name: 'Ticket not found' }).waitFor();
  assert.equal(await page.getByText('Live channel segments time out').count(), 0);
  await shot(page, 'support-08-other-customer');

  // The API agrees: 404 for reading or acting on it, and A's SCID is refused as if unknown.
  assert.equal((await bobApi.call('GET', `/api/v1/tickets/${aliceTicket}`)).status, 404);
  for (const [path, body] of [
    [`/api/v1/tickets/${aliceTicket}/notes`, { body: 'hello', visibility: 'public' }],
    [`/api/v1/tickets/${aliceTicket}/escalate`, { reason: 'x' }],
    [`/api/v1/tickets/${aliceTicket}/transitions`, { to: 'closed' }],
  ]) {
    assert.equal((await bobApi.call('POST', path, body)).status, 404, path);
  }
  const foreign = await bobApi.call('POST', '/api/v1/tickets', {
    type: 'service_impairment',
    severity: 2,
    subject: 'Not mine',
    scid: scidA,
    description: 'x',
    alarm_info: 'x',
    problem_started_at: iso(clock.now().getTime() - hourMs),
    contact: { name: bob.name, email: bob.email, phones: ['+44 20 7946 0001'], alternate_contact: 'none' },
  });
  assert.equal(foreign.status, 400);
  assert.deepEqual(
    foreign.data.errors.map((e) => e.pointer),
    ['/scid'],
    'refused at /scid only',
  );
  const bList = itemsOf(await bobApi.must('GET', `/api/v1/tickets?scid=${scidA}`));
  assert.equal(bList.length, 0);
  // Staff see both customers' tickets.
  const staffList = itemsOf(await (await signedIn(tech)).must('GET', '/api/v1/tickets?limit=200'));
  assert.ok(staffList.some((t) => t.reference === aliceTicket) && staffList.some((t) => t.reference === own.reference));
});

scenario('a NOC alarm opens a proactive ticket the customer sees, and shows on the dashboard', async (open) => {
  await clock.setTo(at(5, 8));
  const nocApi = await signedIn(noc);
  await nocApi.must('POST', '/api/v1/noc/alarms', {
    kind: 'origin_unreachable',
    scid: scidB,
    property: 'www',
    state: 'firing',
    observed_at: iso(clock.now()),
    summary: 'Origin of www unreachable from 3 edges',
    details: { edges: 3 },
  });
  const page = await open(noc);
  await page.goto(`${portal.url}/noc`);
  const eventRow = page.locator('table.noc-events tbody tr').filter({ hasText: 'Origin of www unreachable' });
  await eventRow.waitFor();
  assert.match(await eventRow.innerText(), new RegExp(scidB));
  const proactive = page.locator('table.tickets tbody tr').filter({ hasText: '(proactive)' });
  await proactive.first().waitFor();
  const reference = await proactive.first().getAttribute('data-reference');
  assert.ok(Number(await page.locator('[data-tile="tickets-s2"] .tile-value').innerText()) >= 1);
  await eventRow.getByRole('link').first().click();
  await page.getByRole('heading', { level: 1, name: /Origin of www unreachable/ }).waitFor();
  await page
    .getByRole('table', { name: 'Tickets opened for this event' })
    .getByRole('link', { name: reference })
    .waitFor();
  await shot(page, 'support-11-noc-event');

  // Customer B finds it among his tickets; customer A does not.
  const b = await open(bob);
  await b.goto(`${portal.url}/tickets`);
  await b.locator(`table.tickets tr[data-reference="${reference}"]`).filter({ hasText: '(proactive)' }).waitFor();
  await b.goto(`${portal.url}/tickets/${reference}`);
  assert.match(await detail(b, 'Type'), /opened by the NOC/);
  const a = await open(alice);
  await a.goto(`${portal.url}/tickets/${reference}`);
  await a.getByRole('heading', { name: 'Ticket not found' }).waitFor();
  // Customers have no NOC pages.
  await b.goto(`${portal.url}/noc`);
  await b.getByRole('heading', { name: 'Access denied' }).waitFor();
  assert.equal((await (await signedIn(bob)).call('GET', '/api/v1/noc/dashboard')).status, 403);
});

scenario('staff work a ticket: state buttons, public and internal notes, attachments', async (open) => {
  assert.ok(aliceTicket, 'scenario 1 opened a ticket for customer A');
  await clock.setTo(at(5, 9));
  const page = await open(tech);
  await page.goto(`${portal.url}/tickets/${aliceTicket}`);
  await page.getByRole('heading', { level: 1, name: new RegExp(aliceTicket) }).waitFor();
  // Only the next states are offered: "Acknowledge" for a new ticket.
  const stateButtons = page.locator('[data-transition]');
  assert.deepEqual(await stateButtons.evaluateAll((b) => b.map((x) => x.dataset.transition)), ['acknowledged']);
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await page.locator('.ticket-badges [data-state="acknowledged"]').waitFor();
  await page.getByRole('button', { name: 'Start work' }).click();
  await page.locator('.ticket-badges [data-state="in_progress"]').waitFor();

  await page.getByLabel('Note', { exact: true }).fill('Origin shield in Frankfurt is overloaded; draining it.');
  await page.getByLabel('Internal note (staff only)').check();
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('.timeline-entry[data-visibility="internal"]').filter({ hasText: 'Frankfurt' }).waitFor();
  // The page is drawn again in place with the keyboard at the timeline, not back at the top.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'timeline-title');
  await page.getByLabel('Note', { exact: true }).fill('We found the cause and are fixing it now.');
  await page.getByRole('button', { name: 'Add note' }).click();
  await page.locator('.timeline-entry[data-visibility="public"]').filter({ hasText: 'found the cause' }).waitFor();
  await page.getByLabel('File', { exact: true }).setInputFiles({
    name: 'trace.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('GET /live/1.ts 504 after 30 s\n'),
  });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByRole('link', { name: 'Download trace.txt' }).waitFor();
  await shot(page, 'support-10-staff-ticket');

  // The customer sees the public note and the file, never the internal note.
  const a = await open(alice);
  await a.goto(`${portal.url}/tickets/${aliceTicket}`);
  await a.locator('.timeline-entry').filter({ hasText: 'found the cause' }).waitFor();
  assert.equal(await a.getByText('Frankfurt').count(), 0, 'no internal note for the customer');
  assert.equal(await a.locator('.timeline-entry[data-visibility="internal"]').count(), 0);
  assert.equal(await a.getByLabel('Internal note (staff only)').count(), 0);
  assert.equal(await a.locator('[data-transition]').count(), 0, 'no staff state buttons for the customer');
  const [file] = await Promise.all([
    a.waitForEvent('download'),
    a.getByRole('link', { name: 'Download trace.txt' }).click(),
  ]);
  assert.equal(readFileSync(await file.path(), 'utf8'), 'GET /live/1.ts 504 after 30 s\n');
  // A customer note is answered in the same timeline.
  await a.getByLabel('Note', { exact: true }).fill('Thanks, viewers confirm it is better.');
  await a.getByRole('button', { name: 'Add note' }).click();
  await a.locator('.timeline-entry').filter({ hasText: 'viewers confirm' }).waitFor();
});

scenario('notification preferences are kept per category; staff see mail deliveries', async (open) => {
  const page = await open(alice);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
  await page.getByRole('link', { name: 'Choose how you are notified' }).click();
  await page.getByRole('heading', { name: 'Notification preferences' }).waitFor();
  const email = page.getByLabel('Maintenance by email');
  assert.equal(await email.isChecked(), true, 'on by default');
  await email.uncheck();
  await page.getByRole('button', { name: 'Save preferences' }).click();
  await page.getByText('Notification preferences saved.').waitFor();
  const prefs = (await (await signedIn(alice)).must('GET', '/api/v1/notification-preferences')).preferences;
  const maintenance = prefs.find((p) => p.category === 'maintenance');
  assert.deepEqual({ email: maintenance.email, portal: maintenance.portal }, { email: false, portal: true });
  assert.ok(prefs.find((p) => p.category === 'tickets').email, 'other categories untouched');
  await page.reload();
  assert.equal(await page.getByLabel('Maintenance by email').isChecked(), false);

  // Staff: the mail of scenario 1's ticket, sent.
  const staff = await open(noc);
  await staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Mail deliveries' }).click();
  await staff.getByRole('heading', { name: 'Mail deliveries' }).waitFor();
  await staff.getByLabel('Reference').fill(aliceTicket);
  await staff.getByRole('button', { name: 'Apply filters' }).click();
  await staff.waitForURL(/entity_id=/);
  const rows = staff.locator('table.mail-deliveries tbody tr');
  await rows.first().waitFor();
  const statuses = await rows.evaluateAll((r) => r.map((x) => x.dataset.status));
  assert.ok(statuses.includes('sent'), `statuses: ${statuses.join(', ')}`);
  assert.match(await rows.first().innerText(), new RegExp(aliceTicket));
  // Customers have no such page.
  assert.ok([403, 404].includes((await (await signedIn(alice)).call('GET', '/api/v1/mail-deliveries')).status));
});

scenario('the MTTR report gives the exact figures of a known set of tickets', async (open) => {
  const t0 = at(6, 0);
  // Signed in first, so that each step below happens right after the clock is set.
  const aliceApi = await signedIn(alice);
  const bobApi = await signedIn(bob);
  const staffApi = await signedIn(tech);
  await clock.setTo(t0);
  const impairment = (scid, severity, who) => ({
    type: 'service_impairment',
    severity,
    subject: `MTTR sample ${scid} S${severity}`,
    scid,
    description: 'Known repair times for the report.',
    alarm_info: 'synthetic',
    problem_started_at: iso(t0.getTime() - 5 * minuteMs),
    contact: { name: who.name, email: who.email, phones: ['+44 20 7946 0002'], alternate_contact: 'desk' },
  });
  const m1 = (await aliceApi.must('POST', '/api/v1/tickets', impairment(scidA, 2, alice))).reference;
  const m2 = (await aliceApi.must('POST', '/api/v1/tickets', impairment(scidA, 2, alice))).reference;
  const m3 = (await bobApi.must('POST', '/api/v1/tickets', impairment(scidB, 3, bob))).reference;
  const move = (session, reference, to) =>
    session.must('POST', `/api/v1/tickets/${reference}/transitions`, { to, reason: 'browser test' });
  const atMinute = (m) => clock.setTo(new Date(t0.getTime() + m * minuteMs));

  await atMinute(10);
  for (const r of [m1, m2, m3]) {
    await move(staffApi, r, 'acknowledged');
    await move(staffApi, r, 'in_progress');
  }
  await atMinute(30);
  await move(staffApi, m2, 'pending_customer');
  await atMinute(45);
  await move(staffApi, m3, 'resolved');
  await atMinute(75);
  await move(bobApi, m3, 'reopened'); // the customer reopens: 30 minutes resolved don't count
  await move(staffApi, m3, 'in_progress');
  await atMinute(90);
  await move(staffApi, m2, 'in_progress'); // 60 minutes pending the customer don't count
  await atMinute(100);
  await move(staffApi, m1, 'resolved'); // 100 minutes
  await atMinute(120);
  await move(staffApi, m3, 'resolved'); // 120 - 30 = 90 minutes
  await atMinute(200);
  await move(staffApi, m2, 'resolved'); // 200 - 60 = 140 minutes
  // A's S2 mean: (100 + 140) / 2 = 120 minutes, 60 excluded; B's S3: 90 minutes.

  const page = await open(admin);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'MTTR report' }).click();
  await page.getByRole('heading', { name: 'MTTR report', level: 1 }).waitFor();
  await page.getByLabel('From month').fill(monthOfD0);
  await page.getByLabel('To month').fill(monthOfD0);
  await page.getByRole('button', { name: 'Show report' }).click();
  await page.waitForURL(new RegExp(`from=${monthOfD0}`));
  const table = page.getByRole('table', { name: 'Mean time to repair per month, customer and severity' });
  await table.waitFor();
  const row = (customer, severity) => table.locator(`tr[data-customer="${customer}"][data-severity="${severity}"]`);
  const cells = async (customer, severity) =>
    (await row(customer, severity).locator('th, td').allInnerTexts()).map((t) => t.trim());
  assert.equal(await table.locator('tbody tr').count(), 2, 'one row per customer and severity');
  const a = await cells(customerA, 2);
  assert.equal(a[0], monthOfD0);
  assert.equal(a[3], '2', 'two S2 tickets of A');
  assert.match(a[4], /^120\.0 min/);
  assert.match(a[5], /^60\.0 min/);
  const b = await cells(customerB, 3);
  assert.equal(b[3], '1');
  assert.match(b[4], /^90\.0 min/);
  const totals = page.getByRole('table', { name: 'Totals per severity' });
  assert.match(await totals.locator('tr[data-severity="2"]').innerText(), /120\.0 min/);
  assert.match(await totals.locator('tr[data-severity="3"]').innerText(), /90\.0 min/);
  await page
    .locator('.mttr-rule')
    .filter({ hasText: /pending/i })
    .waitFor();
  await shot(page, 'support-09-mttr');

  // The CSV holds the same figures.
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = readFileSync(await file.path(), 'utf8')
    .trim()
    .split(/\r?\n/);
  const header = csv[0].split(',');
  const col = (name) => header.indexOf(name);
  assert.ok(col('mttr_minutes') >= 0 && col('customer_number') >= 0, `CSV header: ${csv[0]}`);
  const line = csv
    .slice(1)
    .map((l) => l.split(','))
    .find((f) => f[col('customer_number')] === customerA);
  assert.ok(line, `A's line in\n${csv.join('\n')}`);
  assert.equal(Number(line[col('mttr_minutes')]).toFixed(1), '120.0');
  assert.equal(Number(line[col('tickets')]), 2);

  // Customer A sees only its own row.
  const aPage = await open(alice);
  await aPage.goto(`${portal.url}/support/mttr?from=${monthOfD0}&to=${monthOfD0}`);
  const aTable = aPage.getByRole('table', { name: 'Mean time to repair per month, customer and severity' });
  await aTable.waitFor();
  assert.equal(await aTable.locator('tbody tr').count(), 1);
  assert.equal(await aTable.locator(`tr[data-customer="${customerB}"]`).count(), 0);
  const json = await aliceApi.must('GET', `/api/v1/support/mttr?from=${monthOfD0}&to=${monthOfD0}&format=json`);
  assert.deepEqual(
    json.rows.map((r) => r.customer_number),
    [customerA],
  );
  assert.ok(Math.abs(json.rows[0].mttr_minutes - 120) < 0.1, `A's MTTR ${json.rows[0].mttr_minutes}`);
});

scenario(
  'the NOC reschedules and cancels a window; a customer who turned maintenance mail off is told in the portal only',
  async (open) => {
    await clock.setTo(at(6, 6));
    const nocApi = await signedIn(noc);
    const created = await nocApi.must('POST', '/api/v1/maintenance', {
      kind: 'scheduled',
      impact: 'non_service_affecting',
      title: 'Power work in London',
      description: 'Redundant power feeds are serviced one at a time.',
      starts_at: iso(at(8, 2)),
      ends_at: iso(at(8, 3)),
      cache_groups: ['lon-test'],
      edges: [],
    });
    const reference = created.reference;
    const about = (m) => m.subject.includes(reference) || m.text.includes(reference);
    await sink.waitFor(`the NOC's scheduled notice of ${reference}`, (m) => about(m) && m.to.includes(noc.email));

    const page = await open(noc);
    await page.goto(`${portal.url}/maintenance/${reference}`);
    await page.getByRole('heading', { level: 1, name: `${reference}: Power work in London` }).waitFor();
    const starts = at(9, 2);
    const ends = at(9, 4);
    await page.getByLabel('New start (GMT)').fill(inputTime(starts));
    await page.getByLabel('New end (GMT)').fill(inputTime(ends));
    await page.getByRole('button', { name: 'Save and notify' }).click();
    await waitFor('the new start on the page', async () => (await detail(page, 'Starts')) === gmt(starts));
    assert.equal(await detail(page, 'Ends'), gmt(ends));
    const moved = await sink.waitFor(
      `the rescheduled notice of ${reference}`,
      (m) => about(m) && m.to.includes(noc.email) && /rescheduled/i.test(m.subject),
    );
    assert.ok(moved[0].subject.includes(gmt(starts)) || moved[0].text.includes(gmt(starts)), 'the new start in GMT');
    const movedIcs = moved[0].attachments.find((a) => a.filename === `${reference}.ics`);
    assert.match(movedIcs.content, /SEQUENCE:1\b/);

    await page.getByLabel('Reason for cancelling').fill('The supplier postponed the work.');
    await page.getByRole('button', { name: 'Cancel the maintenance' }).click();
    await page.locator('dl.details [data-status="cancelled"]').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Save and notify' }).count(), 0, 'nothing left to change');
    const cancelled = await sink.waitFor(
      `the cancellation of ${reference}`,
      (m) => about(m) && m.to.includes(noc.email) && /cancel/i.test(m.subject),
    );
    const cancelIcs = cancelled[0].attachments.find((a) => a.filename === `${reference}.ics`);
    assert.match(cancelIcs.content, /METHOD:CANCEL/);
    assert.match(cancelIcs.content, /STATUS:CANCELLED/);
    await shot(page, 'support-13-maintenance-cancelled');

    // Alice turned maintenance email off (scenario 8): no mail about this window reached her,
    // but the portal lists its notices for her.
    await sleep(2000);
    assert.equal(sink.messages().filter((m) => about(m) && m.to.includes(alice.email)).length, 0, 'no mail to Alice');
    const a = await open(alice);
    await a.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Notifications' }).click();
    const notice = a.getByRole('link', { name: new RegExp(`${reference}.*cancelled`) }).first();
    await notice.waitFor();
    const row = a.locator('tr').filter({ has: notice });
    await row.getByRole('button', { name: /Mark .* as read/ }).click();
    await row.getByText('read', { exact: true }).waitFor();
    await a.goto(`${portal.url}/maintenance?month=${monthOfD0}`);
    const listed = a.locator(`table.maintenance-list tr[data-reference="${reference}"]`);
    assert.match(await listed.innerText(), /cancelled/);
  },
);

scenario('the schedule editor refuses a gap and saves a change that moves routing', async (open) => {
  await clock.setTo(at(6, 12));
  const page = await open(admin);
  await page.goto(`${portal.url}/support`);
  const editor = page.locator('form.schedule-editor');
  await editor.waitFor();
  // Without Tulsa nobody is on duty 22:00-06:00: refused, naming the hours; nothing stored.
  const before = (await (await signedIn(admin)).must('GET', '/api/v1/support/centres')).schedule;
  const rows = editor.locator('tbody tr');
  const tulsa = await rows.evaluateAll((trs) => trs.findIndex((tr) => tr.querySelector('select')?.value === 'TUL'));
  assert.ok(tulsa >= 0);
  await page.getByRole('button', { name: `Remove row ${tulsa + 1}` }).click();
  await page.getByRole('button', { name: 'Save schedule' }).click();
  const summary = editor.locator('.error-summary.visible');
  await summary.waitFor();
  assert.match(await summary.innerText(), /22:00/);
  assert.match(await summary.innerText(), /06:00/);
  assert.deepEqual((await (await signedIn(admin)).must('GET', '/api/v1/support/centres')).schedule, before);

  // London before Dublin: at 12:00 UTC an English ticket now goes to London.
  await page.reload();
  await editor.waitFor();
  const index = async (code) =>
    rows.evaluateAll((trs, c) => trs.findIndex((tr) => tr.querySelector('select')?.value === c), code);
  await page.getByLabel(`Priority, row ${(await index('DUB')) + 1}`).fill('2');
  await page.getByLabel(`Priority, row ${(await index('LON')) + 1}`).fill('1');
  await page.getByRole('button', { name: 'Save schedule' }).click();
  await page.getByText('Schedule saved.').waitFor();
  await page.locator('.on-duty-now[data-centre="LON"]').waitFor();
  const question = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Who is on duty at…' }) });
  await question.getByLabel('Time (UTC)').fill(`${at(6, 12).toISOString().slice(0, 10)}T12:30`);
  await question.getByLabel('Language').fill('en');
  await question.getByRole('button', { name: 'Find the centre' }).click();
  await page.locator('.on-duty-answer[data-centre="LON"]').waitFor();
  await shot(page, 'support-12-schedule');
  const a = await open(alice);
  await a.goto(`${portal.url}/tickets/new?type=account_inquiry`);
  await a.getByLabel('Subject').fill('After the schedule change');
  await a.getByLabel('Description', { exact: true }).fill('Which centre answers?');
  await a.getByRole('button', { name: 'Open ticket' }).click();
  await a.waitForURL(/\/tickets\/TKT-/);
  assert.match(await detail(a, 'Support centre'), /\(LON\)/);
});

scenario('every control on the support pages has a label and every table a caption', async (open) => {
  const check = async (page, paths) => {
    for (const path of paths) {
      await page.goto(`${portal.url}${path}`);
      await page.locator('main h1').waitFor();
      await page
        .locator('main [aria-busy="true"]')
        .waitFor({ state: 'detached' })
        .catch(() => {});
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
  const customerPages = [
    '/tickets',
    '/tickets/new',
    `/tickets/${aliceTicket}`,
    '/support',
    '/support/mttr',
    '/maintenance',
    '/notifications/preferences',
  ];
  await check(await open(alice), customerPages);
  await check(await open(admin), [...customerPages, '/noc', '/mail-deliveries']);
  // Customers get no staff entries in the navigation; staff do.
  const a = await open(alice);
  const nav = a.getByRole('navigation', { name: 'Main' });
  assert.equal(await nav.getByRole('link', { name: 'NOC dashboard' }).count(), 0);
  assert.equal(await nav.getByRole('link', { name: 'Mail deliveries' }).count(), 0);
  await nav.getByRole('link', { name: 'Tickets' }).waitFor();
});
