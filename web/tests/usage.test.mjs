// Browser tests of the usage report, the live view and the log files (issue 4). The portal has
// no traffic, so the test plays an edge: it registers one with the staff API and sends usage
// batches and log chunks with its node token, exactly as `candela edge` does. Then headless
// Chromium checks what customers see, and that another customer sees none of it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import {
  ApiSession,
  createCustomerWithService,
  EdgeUplink,
  World,
  chromiumPath,
  scenarioRunner,
  shot,
  screenshots,
  waitFor,
} from './harness.mjs';

const admin = { email: 'admin@provider.test', password: 'admin-password-for-tests' };
const alice = { email: 'alice@usage-a.test', password: 'alice-password-for-tests', name: 'Alice Able' };
const carol = { email: 'carol@usage-a.test', password: 'carol-password-for-tests', name: 'Carol Clark' };
const bob = { email: 'bob@usage-b.test', password: 'bob-password-for-tests', name: 'Bob Baker' };

const minuteMs = 60_000;
const hourMs = 3_600_000;

let world;
let portal;
let api;
let browser;
let edge;
let scidA;
let scidB;
let groupA;
let groupB;
// The previous whole hour: inside "last 24 hours" whatever the time of day.
const hour = Math.floor(Date.now() / hourMs) * hourMs - hourMs;
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const label = (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

function row(scid, property, minuteAt, counters) {
  const zero = {
    requests: 0,
    bytes: 0,
    body_bytes: 0,
    fill_bytes: 0,
    hits: 0,
    misses: 0,
    stale: 0,
    revalidated: 0,
    passes: 0,
    errors: 0,
    status_1xx: 0,
    status_2xx: 0,
    status_3xx: 0,
    status_4xx: 0,
    status_5xx: 0,
    http: 0,
    https: 0,
    peak_rps: 0,
  };
  return { property: `${scid}.${property}`, minute: iso(minuteAt), revision: 1, ...zero, ...counters };
}

// Customer A: two properties; www in two 5-minute bins of the hour (37.5 MB in the first, i.e.
// exactly 1 Mbit/s over 5 minutes), img once. Customer B: one row of its own.
function seededRows() {
  return [
    row(scidA, 'www', hour + 2 * minuteMs, {
      requests: 10,
      bytes: 20_000_000,
      body_bytes: 19_990_000,
      fill_bytes: 5_000_000,
      hits: 6,
      misses: 3,
      errors: 1,
      status_2xx: 9,
      status_5xx: 1,
      https: 10,
      peak_rps: 4,
    }),
    row(scidA, 'www', hour + 3 * minuteMs, {
      requests: 20,
      bytes: 17_500_000,
      body_bytes: 17_480_000,
      fill_bytes: 1_000_000,
      hits: 15,
      stale: 1,
      misses: 4,
      status_2xx: 18,
      status_3xx: 1,
      status_4xx: 1,
      http: 5,
      https: 15,
      peak_rps: 7,
    }),
    row(scidA, 'www', hour + 17 * minuteMs, {
      requests: 5,
      bytes: 3_000_000,
      body_bytes: 2_999_000,
      hits: 5,
      status_2xx: 5,
      https: 5,
      peak_rps: 3,
    }),
    row(scidA, 'img', hour + 2 * minuteMs, {
      requests: 4,
      bytes: 400_000,
      body_bytes: 399_000,
      fill_bytes: 400_000,
      misses: 4,
      status_2xx: 4,
      http: 4,
      peak_rps: 5,
    }),
    row(scidB, 'www', hour + 2 * minuteMs, {
      requests: 7,
      bytes: 7_000,
      body_bytes: 6_000,
      hits: 7,
      status_2xx: 7,
      https: 7,
      peak_rps: 2,
    }),
  ];
}

const grouped = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const count = (n) => grouped.format(n);

const scenario = scenarioRunner(test, () => ({ browser, portalUrl: portal.url, world }), '');

// The text of the cell in `column` of the row whose header cell is `rowLabel`.
async function cell(table, rowLabel, column) {
  await table.locator('thead th').first().waitFor();
  const headers = await table.locator('thead th').allInnerTexts();
  const index = headers.findIndex((h) => h.trim() === column);
  assert.ok(index >= 0, `column ${column} in ${headers.join(', ')}`);
  const tableRow = table
    .locator('tbody tr')
    .filter({ has: table.page().getByRole('rowheader', { name: rowLabel, exact: true }) });
  await tableRow.first().waitFor();
  return (await tableRow.first().locator('th, td').nth(index).innerText()).trim();
}

async function tile(page, key) {
  return (await page.locator(`[data-tile="${key}"] .tile-value`).first().innerText()).trim();
}

async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return readFileSync(await file.path());
}

before(async () => {
  world = new World();
  try {
    portal = await world.portal(admin.email, admin.password);
    api = new ApiSession(portal.url);
    await api.signIn(admin.email, admin.password);
    const setUp = async (name, users) => {
      const { group, service } = await createCustomerWithService(api, name);
      for (const [user, role] of users) {
        await api.must('POST', '/api/v1/users', {
          name: user.name,
          email: user.email,
          password: user.password,
          roles: [{ role, access_group_id: group.id }],
        });
      }
      return { scid: service.scid, group: group.id };
    };
    ({ scid: scidA, group: groupA } = await setUp('Usage customer A', [
      [alice, 'technical'],
      [carol, 'read_only'],
    ]));
    ({ scid: scidB, group: groupB } = await setUp('Usage customer B', [[bob, 'technical']]));
    await api.must('POST', `/api/v1/services/${scidA}/configurations`, {
      comment: 'two properties',
      document: {
        scid: scidA,
        properties: [
          { id: 'www', primary_alias: 'www.usage-a.test', origin: { host: '127.0.0.1', port: 8081 } },
          { id: 'img', primary_alias: 'img.usage-a.test', origin: { host: '127.0.0.1', port: 8081 } },
        ],
      },
    });
    const created = await api.must('POST', '/api/v1/edges', {
      edge_id: 'edge-seed-1',
      cache_group: 'test-lon',
      address: '127.0.0.1:9',
      role: 'edge',
      network: 'production',
    });
    edge = new EdgeUplink(portal.url, 'edge-seed-1', created.node_token);
    const answer = await edge.postUsage(seededRows(), iso(Math.floor(Date.now() / minuteMs) * minuteMs));
    assert.equal(answer.accepted, 5, `all seeded rows accepted: ${JSON.stringify(answer)}`);

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

scenario('the usage page shows exactly the seeded totals, charts, tables and CSV', async (open) => {
  const page = await open(alice);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
  await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
  await page.getByLabel('Report on').selectOption(`service:${scidA}`);
  await page.getByLabel('Period').selectOption('24h');
  await page.getByLabel('Granularity').selectOption('hour');
  await page.getByRole('button', { name: 'Show report' }).click();
  await page.getByRole('heading', { name: `Service ${scidA}, all properties` }).waitFor();

  // www 10 + 20 + 5 requests and img 4; hits + stale 6 + 16 + 5 of 39.
  assert.equal(await tile(page, 'requests'), '39');
  assert.equal(await tile(page, 'volume'), '40.9 MB');
  assert.match(await page.locator('[data-tile="volume"]').innerText(), /40,900,000 bytes/);
  assert.match(await page.locator('[data-tile="fill"]').innerText(), /6,400,000 bytes/);
  assert.equal(await tile(page, 'hit-ratio'), `${((27 / 39) * 100).toFixed(1)} %`);
  // Hourly service buckets add the properties' busiest seconds: www 7 + img 5.
  assert.equal(await tile(page, 'peak-rps'), '12');
  // 288 five-minute samples, the top 14 discarded: only 3 are not zero, so p95 is 0.
  assert.equal(await tile(page, 'p95'), '0.000 Mbit/s');
  assert.match(
    await page.locator('.complete-until').innerText(),
    /Data complete up to \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/,
  );

  const requests = page.getByRole('table', { name: 'Requests per hour (UTC)' });
  assert.equal(await requests.locator('tbody tr').count(), 24, 'one row per hour, empty hours included');
  assert.equal(await cell(requests, label(hour), 'Requests'), '39');
  assert.equal(await cell(requests, label(hour), 'Errors'), '1');
  const volume = page.getByRole('table', { name: 'Volume per hour (UTC)' });
  assert.equal(await cell(volume, label(hour), 'Volume (bytes)'), '40,900,000');
  const status = page.getByRole('table', { name: 'Responses by status class per hour (UTC)' });
  assert.equal(await cell(status, label(hour), '2xx'), '36');
  assert.equal(await cell(status, label(hour), '5xx'), '1');
  // Each chart is an image with a name and a description in words.
  const chart = page.getByRole('img', { name: /Requests and hit ratio over time/ });
  assert.match((await chart.getAttribute('aria-labelledby')) ?? '', /chart-title/);
  assert.equal(await page.locator('svg.chart').count(), 3);
  assert.ok((await page.locator('svg.chart rect.chart-1').count()) >= 1, 'bars are drawn');
  await shot(page, 'usage-01-service-report');

  // The CSV export holds the same figures.
  const csv = (await download(page, page.getByRole('link', { name: 'Download CSV' }))).toString('utf8');
  const lines = csv.trim().split(/\r?\n/);
  const header = lines[0].split(',');
  assert.ok(header.includes('requests') && header.includes('bytes'), `CSV header: ${lines[0]}`);
  assert.equal(lines.length, 25, 'header and one line per hour');
  const hourLine = lines.find((l) => l.startsWith(iso(hour)));
  assert.ok(hourLine, `a line for ${iso(hour)} in\n${csv}`);
  const fields = hourLine.split(',');
  assert.equal(fields[header.indexOf('requests')], '39');
  assert.equal(fields[header.indexOf('bytes')], '40900000');

  const bookmarked = page.url();
  assert.match(bookmarked, /scid=/);

  // The access group's report (from its page) counts A's service and nothing of B's.
  await page.goto(`${portal.url}/groups/${groupA}`);
  await page.getByRole('link', { name: 'Usage of this group' }).click();
  await page.getByRole('heading', { name: 'Access group Usage customer A' }).waitFor();
  assert.equal(await tile(page, 'requests'), '39');
  assert.equal(await tile(page, 'volume'), '40.9 MB');

  // A bookmark brings the same report back.
  await page.goto(bookmarked);
  await page.getByRole('heading', { name: `Service ${scidA}, all properties` }).waitFor();
  assert.equal(await tile(page, 'requests'), '39');
});

scenario('a custom hour of one property per minute gives the exact 95th percentile', async (open) => {
  const page = await open(alice);
  await page.goto(`${portal.url}/services/${scidA}/usage`);
  await page.getByRole('heading', { name: 'Usage', level: 1 }).waitFor();
  await page.getByLabel('Property').selectOption('www');
  await page.getByLabel('Period').selectOption('custom');
  // A bad period is refused at its field.
  await page.getByLabel('From (UTC)').fill(new Date(hour).toISOString().slice(0, 16));
  await page.getByLabel('To (UTC)').fill(new Date(hour - hourMs).toISOString().slice(0, 16));
  await page.getByRole('button', { name: 'Show report' }).click();
  const toError = page.locator('.field-error').filter({ hasText: 'The end must be after the start.' });
  await toError.waitFor();
  assert.equal(await page.getByLabel('To (UTC)').getAttribute('aria-invalid'), 'true');

  await page.getByLabel('To (UTC)').fill(new Date(hour + hourMs).toISOString().slice(0, 16));
  await page.getByLabel('Granularity').selectOption('minute');
  await page.getByRole('button', { name: 'Show report' }).click();
  await page.getByRole('heading', { name: `Service ${scidA}, property www` }).waitFor();
  assert.equal(await tile(page, 'requests'), '35');
  // 12 samples, none discarded: the first 5 minutes carried 37.5 MB = 1 Mbit/s.
  assert.equal(await tile(page, 'p95'), '1.000 Mbit/s');
  assert.match(await page.locator('[data-tile="p95"]').innerText(), /1,000,000 bit\/s/);
  assert.equal(await tile(page, 'peak-rps'), '7');
  const requests = page.getByRole('table', { name: 'Requests per minute (UTC)' });
  assert.equal(await requests.locator('tbody tr').count(), 60);
  assert.equal(await cell(requests, label(hour + 3 * minuteMs), 'Requests'), '20');
  assert.equal(await cell(requests, label(hour + 3 * minuteMs), 'Hit ratio'), '80.0 %');
  await shot(page, 'usage-02-property-minutes');
});

scenario('the live view refreshes by itself and stops when left', async (open) => {
  const minute = Math.floor(Date.now() / minuteMs) * minuteMs - minuteMs;
  const live = (revision, counters) => ({ ...row(scidA, 'www', minute, counters), revision });
  await edge.postUsage(
    [
      live(1, {
        requests: 30,
        bytes: 30_000,
        hits: 24,
        misses: 4,
        errors: 2,
        status_2xx: 28,
        status_5xx: 2,
        peak_rps: 3,
      }),
    ],
    iso(minute),
  );
  const page = await open(alice);
  await page.goto(`${portal.url}/services/${scidA}/live`);
  const card = page.getByRole('region', { name: 'Property www' });
  const table = page.getByRole('table', { name: 'www: last 15 minutes (UTC)' });
  const minuteLabel = label(minute).slice(11);
  assert.equal(await cell(table, minuteLabel, 'Requests'), '30');
  assert.equal(await cell(table, minuteLabel, 'Hit ratio'), '80.0 %');
  assert.equal((await card.locator('[data-tile="errors"] .tile-value').innerText()).trim(), '2');
  assert.equal((await card.locator('[data-tile="5xx"] .tile-value').innerText()).trim(), '2');
  await page.evaluate(() => {
    window.notReloaded = true;
  });
  await shot(page, 'usage-03-live');

  // The edge's next running total for the same minute shows up without a reload.
  await edge.postUsage(
    [
      live(2, {
        requests: 45,
        bytes: 45_000,
        hits: 36,
        misses: 6,
        errors: 3,
        status_2xx: 42,
        status_5xx: 3,
        peak_rps: 4,
      }),
    ],
    iso(minute),
  );
  await waitFor(
    'the live table to show the new total',
    async () => (await cell(table, minuteLabel, 'Requests')) === '45',
    {
      timeoutMs: 25_000,
      intervalMs: 500,
    },
  );
  assert.equal((await card.locator('[data-tile="errors"] .tile-value').innerText()).trim(), '3');
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'the page was not reloaded');

  // "Pause updates" stops the reading until "Resume updates"; leaving the view ends it.
  let polls = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/usage/live')) polls += 1;
  });
  await page.getByRole('button', { name: 'Pause updates' }).click();
  await page.getByText('Updates paused.').waitFor();
  const paused = polls; // a read already under way when pausing may still count
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  assert.equal(polls, paused, 'no live requests while paused');
  await page.getByRole('button', { name: 'Resume updates' }).click();
  await waitFor('a read after resuming', async () => polls === paused + 1);
  await page.getByText('Next update in 10 s.').waitFor();
  await page
    .getByRole('navigation', { name: `Service ${scidA}` })
    .getByRole('link', { name: 'Overview' })
    .click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await new Promise((resolve) => setTimeout(resolve, 11_000));
  assert.equal(polls, paused + 1, 'no live requests after leaving the view');
});

scenario('log files are listed per property, day and hour and download exactly', async (open) => {
  const lineOf = (property, at, path) => ({
    ts: new Date(at).toISOString(),
    edge: 'edge-seed-1',
    client_ip: '192.0.2.7',
    client_port: 40000,
    method: 'GET',
    host: `${property}.usage-a.test`,
    path,
    proto: 'HTTP/1.1',
    status: 200,
    bytes: 300,
    body_bytes: 100,
    duration_ms: 1.5,
    cache: 'hit',
    property: `${scidA}.${property}`,
    scid: scidA,
    origin_ms: null,
    range: null,
    ua: 'test',
    referer: '',
  });
  const earlier = hour - hourMs;
  const wwwHour = [1, 2, 3].map((i) => lineOf('www', hour + i * 1000, `/a${i}`));
  const wwwEarlier = [lineOf('www', earlier + 5000, '/b1'), lineOf('www', earlier + 6000, '/b2')];
  await edge.putLogChunk('20260101T000000Z', `${scidA}.www`, iso(hour), wwwHour);
  await edge.putLogChunk('20260101T000000Z', `${scidA}.www`, iso(earlier), wwwEarlier);
  await edge.putLogChunk('20260101T000000Z', `${scidA}.img`, iso(hour), [lineOf('img', hour + 9000, '/i1')]);

  const page = await open(alice);
  await page.goto(`${portal.url}/services/${scidA}`);
  await page
    .getByRole('navigation', { name: `Service ${scidA}` })
    .getByRole('link', { name: 'Log files' })
    .click();
  await page.getByRole('heading', { name: 'Log files', level: 1 }).waitFor();
  await page.getByText('Log files are kept for 30 days').waitFor();
  const day = new Date(hour).toISOString().slice(0, 10);
  const hh = (ms) => new Date(ms).toISOString().slice(11, 16);
  const table = page.getByRole('table', { name: `Log files of www on ${day}, per hour (UTC)` });
  const hourRow = `${hh(hour)}–${hh(hour + hourMs)}`;
  assert.equal(await cell(table, hourRow, 'Lines'), '3');
  assert.equal(await cell(table, hourRow, 'Chunks'), '1');
  await page.getByRole('table', { name: `Log files of img on ${day}, per hour (UTC)` }).waitFor();
  await shot(page, 'usage-04-log-files');

  const hourFile = gunzipSync(
    await download(page, page.getByRole('link', { name: `Download www ${label(hour)} UTC` })),
  ).toString('utf8');
  assert.deepEqual(
    hourFile
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
    wwwHour,
    'the hour holds exactly the delivered lines',
  );
  const dayFile = gunzipSync(
    await download(page, page.getByRole('link', { name: `Download the whole day ${day} of www` })),
  ).toString('utf8');
  const sameDay = new Date(earlier).toISOString().slice(0, 10) === day;
  assert.deepEqual(
    dayFile
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
    sameDay ? [...wwwEarlier, ...wwwHour] : wwwHour,
    'the day holds its hours in order',
  );

  // Retention: a bad value is refused at the field, a good one saved.
  const days = page.getByLabel('Retention in days');
  await days.fill('0');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await page.getByRole('alert').filter({ hasText: /./ }).first().waitFor();
  assert.equal(await days.getAttribute('aria-invalid'), 'true');
  assert.notEqual((await page.locator(`#${await days.getAttribute('id')}-error`).innerText()).trim(), '');
  await days.fill('400');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await waitFor('the 400-day error', async () => (await days.getAttribute('aria-invalid')) === 'true');
  let listing = await api.must('GET', `/api/v1/services/${scidA}/log-files`);
  assert.equal(listing.retention_days, 30, 'nothing stored by bad values');
  await days.fill('45');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await page.getByText('Log files are kept for 45 days').waitFor();
  assert.equal(await days.getAttribute('aria-invalid'), null);
  listing = await api.must('GET', `/api/v1/services/${scidA}/log-files`);
  assert.equal(listing.retention_days, 45);

  // A read-only user sees the files but not the form.
  const readOnly = await open(carol);
  await readOnly.goto(`${portal.url}/services/${scidA}/logs`);
  await readOnly.getByText('Log files are kept for 45 days').waitFor();
  await readOnly.getByRole('table', { name: `Log files of www on ${day}, per hour (UTC)` }).waitFor();
  assert.equal(await readOnly.getByRole('heading', { name: 'Change the retention' }).count(), 0);
});

scenario("a customer of another organisation sees none of customer A's usage or logs", async (open) => {
  const page = await open(bob);
  // Bob's usage page reports on his own group: only his one row.
  await page.goto(`${portal.url}/usage`);
  await page.getByRole('heading', { name: 'Access group Usage customer B' }).waitFor();
  assert.equal(await tile(page, 'requests'), '7');
  const scopes = await page.getByLabel('Report on').locator('option').allInnerTexts();
  assert.ok(!scopes.some((s) => s.includes(scidA) || s.includes('customer A')), `scopes: ${scopes.join(' | ')}`);

  for (const suffix of ['/usage', '/live', '/logs']) {
    await page.goto(`${portal.url}/services/${scidA}${suffix}`);
    await page.getByRole('heading', { name: 'Service not found' }).waitFor();
  }
  // A hand-made URL for A's SCID gets the API's refusal, no figures.
  await page.goto(`${portal.url}/usage?scid=${scidA}&period=24h&granularity=hour`);
  await page
    .getByRole('alert')
    .filter({ hasText: /not found|denied|forbidden/i })
    .waitFor();
  assert.equal(await page.locator('[data-tile]').count(), 0);
  await shot(page, 'usage-05-other-customer');

  // Provider staff see every customer's usage: B's group from the staff side.
  const staff = await open(admin);
  await staff.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click();
  await staff.getByLabel('Report on').selectOption(`group:${groupB}`);
  await staff.getByRole('button', { name: 'Show report' }).click();
  await staff.getByRole('heading', { name: 'Access group Usage customer B' }).waitFor();
  assert.equal(await tile(staff, 'requests'), '7');

  const bobApi = new ApiSession(portal.url);
  await bobApi.signIn(bob.email, bob.password);
  const refused = async (path) => {
    const status = (await bobApi.call('GET', path)).status;
    assert.ok([403, 404].includes(status), `${path} answered ${status}`);
  };
  const from = iso(hour - 23 * hourMs);
  const to = iso(hour + hourMs);
  await refused(`/api/v1/usage?scid=${scidA}&from=${from}&to=${to}&granularity=hour`);
  await refused(`/api/v1/usage?group_id=${groupA}&from=${from}&to=${to}&granularity=hour`);
  await refused(`/api/v1/usage/live?scid=${scidA}`);
  await refused(`/api/v1/services/${scidA}/log-files`);
  await refused(`/api/v1/services/${scidA}/log-files/www/${new Date(hour).toISOString().slice(0, 13)}`);
  const put = await bobApi.call('PUT', `/api/v1/services/${scidA}/log-retention`, { days: 2 });
  assert.ok([403, 404].includes(put.status), `retention answered ${put.status}`);
});

scenario('every control on the usage, live and log pages has a label', async (open) => {
  const page = await open(alice);
  for (const path of ['/usage', `/services/${scidA}/usage`, `/services/${scidA}/live`, `/services/${scidA}/logs`]) {
    await page.goto(`${portal.url}${path}`);
    await page.locator('main h1').waitFor();
    await page
      .locator('main [aria-busy="true"]')
      .waitFor({ state: 'detached' })
      .catch(() => {});
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    assert.deepEqual(unlabelled, [], `unlabelled controls on ${path}`);
    const captionless = await page.evaluate(
      () => [...document.querySelectorAll('main table')].filter((t) => !t.caption).length,
    );
    assert.equal(captionless, 0, `tables without a caption on ${path}`);
  }
});
