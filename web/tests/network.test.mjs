// Browser tests of issue 7's portal screens (docs/portal.md, docs/noc.md): the monitor's view of
// every edge on the NOC dashboard, the Network page (topology by cache group, CDN domain, services
// the router answers) and the edge pages, against a real `candela portal`.
//
// The world: a provider admin creates edges through the API and each registers with its node
// token the way `candela edge` does (address, admin address, declared capacity); the admin
// creates a monitor credential, and the test plays the monitor: it PUTs its health report to the
// portal with the monitor token every 2 seconds (the real monitor does at least every 5 s; the
// portal shows a report for 30 s).
import assert from 'node:assert/strict';
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
  waitFor,
} from './harness.mjs';

const admin = { email: 'admin@provider.test', password: 'admin-password-for-tests' };
const noc = { email: 'noc@provider.test', password: 'noc-password-for-tests', name: 'Nico Noc' };
const bob = { email: 'bob@network-b.test', password: 'bob-password-for-tests', name: 'Bob Baker' };
const cdnDomain = 'cdn.network-test.example';

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const gbit = 125_000_000; // bytes per second

// Every edge of the test: how it is created, what it registers, and the monitor's first report.
const edges = [
  {
    edge_id: 'shield-lon-1',
    cache_group: 'lon1',
    role: 'shield',
    address: '127.0.0.1:8090',
    admin_address: '127.0.0.1:9190',
    capacity: { requests_per_second: 50_000, bytes_per_second: 10 * gbit },
    report: { state: 'up', requests_per_second: 250, bytes_per_second: 2_500_000, error_rate: 0 },
  },
  {
    edge_id: 'edge-lon-1',
    cache_group: 'lon1',
    role: 'edge',
    address: '127.0.0.1:8081',
    admin_address: '127.0.0.1:9181',
    capacity: { requests_per_second: 20_000, bytes_per_second: gbit },
    report: { state: 'up', requests_per_second: 12.5, bytes_per_second: 10_240, error_rate: 0.0125 },
  },
  {
    edge_id: 'edge-lon-2',
    cache_group: 'lon1',
    role: 'edge',
    address: '127.0.0.1:8082',
    admin_address: '127.0.0.1:9182',
    capacity: { requests_per_second: 20_000, bytes_per_second: gbit },
    report: {
      state: 'down',
      requests_per_second: 0,
      bytes_per_second: 0,
      error_rate: 0,
      detail: '3 health checks failed: connection refused',
    },
  },
  // No admin address and no capacity: the monitor cannot check it and never reports it.
  { edge_id: 'edge-fra-1', cache_group: 'fra1', role: 'edge', address: '127.0.0.1:8083' },
  {
    edge_id: 'edge-fra-2',
    cache_group: 'fra1',
    role: 'edge',
    address: '127.0.0.1:8084',
    admin_address: '127.0.0.1:9184',
    capacity: { requests_per_second: 100, bytes_per_second: 0 },
    report: { state: 'up', requests_per_second: 150, bytes_per_second: 500_000, error_rate: 0, overloaded: true },
  },
  {
    edge_id: 'edge-stg-1',
    cache_group: 'lon1',
    role: 'edge',
    network: 'staging',
    address: '127.0.0.1:8085',
    admin_address: '127.0.0.1:9185',
    capacity: { requests_per_second: 1_000, bytes_per_second: gbit / 10 },
    report: { state: 'up', requests_per_second: 3, bytes_per_second: 1_000, error_rate: 0 },
  },
];

// The monitor as the portal sees it: a token and a report sent again every 2 seconds. `set`
// changes an edge's state (a new `since`) or figures.
class FakeMonitor {
  constructor(base, token) {
    this.base = base;
    this.token = token;
    this.reports = new Map();
    this.timer = null;
    this.failure = null;
  }

  set(edgeId, report) {
    const previous = this.reports.get(edgeId);
    const since = previous && previous.state === report.state ? previous.since : iso(Date.now() - 40_000);
    this.reports.set(edgeId, { overloaded: false, detail: 'ok', ...report, edge_id: edgeId, since });
  }

  async put(body, token = this.token) {
    const res = await fetch(`${this.base}/api/v1/network/health`, {
      method: 'PUT',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, data: text ? JSON.parse(text) : null };
  }

  async send() {
    const r = await this.put({ observed_at: iso(Date.now()), edges: [...this.reports.values()] });
    if (r.status !== 200) throw new Error(`the health report answered ${r.status}: ${JSON.stringify(r.data)}`);
    assert.equal(r.data.stored, this.reports.size);
  }

  async start() {
    await this.send();
    this.timer = setInterval(() => {
      this.send().catch((error) => {
        this.failure = error;
      });
    }, 2000);
  }

  stop() {
    clearInterval(this.timer);
    if (this.failure) throw this.failure;
  }
}

let world;
let portal;
let browser;
let monitor;
let scid;
let pendingScid;

async function signedIn(who) {
  const session = new ApiSession(portal.url);
  await session.signIn(who.email, who.password);
  return session;
}

const scenario = scenarioRunner(test, () => ({ browser, portalUrl: portal.url, world }), 'network-');

before(async () => {
  world = new World();
  try {
    portal = await world.portal(admin.email, admin.password, ['--cdn-domain', cdnDomain]);
    const api = await signedIn(admin);
    const { group, customer, service } = await createCustomerWithService(api, 'Network customer B');
    scid = service.scid;
    // A service not yet active: the router does not answer for it.
    pendingScid = (
      await api.must('POST', '/api/v1/services', {
        access_group_id: group.id,
        customer_number: customer.customer_number,
        reason: 'browser test',
      })
    ).scid;
    await api.must('POST', '/api/v1/users', {
      name: bob.name,
      email: bob.email,
      password: bob.password,
      language: 'en',
      roles: [{ role: 'technical', access_group_id: group.id }],
    });
    await api.must('POST', '/api/v1/users', {
      name: noc.name,
      email: noc.email,
      password: noc.password,
      language: 'en',
      roles: [{ role: 'noc_engineer', access_group_id: null }],
    });
    for (const edge of edges) {
      const created = await api.must('POST', '/api/v1/edges', {
        edge_id: edge.edge_id,
        cache_group: edge.cache_group,
        address: edge.address,
        role: edge.role,
        network: edge.network ?? 'production',
      });
      const registration = { address: edge.address };
      if (edge.admin_address) registration.admin_address = edge.admin_address;
      if (edge.capacity) registration.capacity = edge.capacity;
      const uplink = new EdgeUplink(portal.url, edge.edge_id, created.node_token);
      await uplink.send(
        'PUT',
        `/api/v1/edges/${edge.edge_id}/registration`,
        JSON.stringify(registration),
        'application/json',
      );
    }
    const credential = await api.must('POST', '/api/v1/noc/monitors', {
      monitor_id: 'monitor-1',
      description: 'Browser-test monitor',
    });
    monitor = new FakeMonitor(portal.url, credential.token);
    for (const edge of edges) if (edge.report) monitor.set(edge.edge_id, edge.report);
    await monitor.start();
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
  try {
    monitor?.stop();
  } finally {
    await browser?.close();
    await world?.stop();
  }
});

// The text of one cell of an edge's row, by column key (data-col) or header position.
async function cell(row, col) {
  return (await row.locator(`[data-col="${col}"]`).innerText()).trim();
}

scenario("the NOC dashboard shows the monitor's view of every edge beside its last contact", async (open) => {
  const page = await open(noc);
  await page.goto(`${portal.url}/noc`);
  await page.getByRole('heading', { name: 'NOC dashboard' }).waitFor();
  const row = (id) => page.locator(`table.noc-edges tr[data-edge="${id}"]`);

  const lon1 = row('edge-lon-1');
  await lon1.waitFor();
  assert.match(await cell(lon1, 'monitor'), /^up\b/);
  assert.match(await cell(lon1, 'monitor'), /since \w{3} \d{2} \w{3} \d{4} \d{2}:\d{2} GMT/);
  assert.equal(await cell(lon1, 'rps'), '12.5 of 20,000 req/s (<0.1 %)');
  assert.equal(await cell(lon1, 'bandwidth'), '81.9 kbit/s of 1 Gbit/s (<0.1 %)');
  assert.equal(await cell(lon1, 'error-rate'), '1.25 %');
  // The control plane's view stays: registration made it "up", not draining.
  assert.match(await lon1.locator('[data-status]').innerText(), /up/);

  // The down edge is marked: the word, the red badge, the tinted row; its detail is shown.
  const lon2 = row('edge-lon-2');
  assert.match(await cell(lon2, 'monitor'), /^down\b/);
  assert.match(await cell(lon2, 'monitor'), /connection refused/);
  assert.equal(await lon2.getAttribute('class'), 'edge-down');
  const colours = await lon2.evaluate((tr) => ({
    row: getComputedStyle(tr.querySelector('td')).backgroundColor,
    badge: getComputedStyle(tr.querySelector('[data-monitor-state="down"] .badge')).color,
  }));
  assert.deepEqual(colours, { row: 'rgb(253, 232, 232)', badge: 'rgb(168, 24, 31)' });
  assert.equal(await lon1.getAttribute('class'), null, 'an up edge is not marked');

  // No report at all: said in words, no figures.
  const fra1 = row('edge-fra-1');
  assert.equal(await cell(fra1, 'monitor'), 'no monitor report');
  assert.equal(await cell(fra1, 'rps'), '—');
  // Over its declared capacity.
  const fra2 = row('edge-fra-2');
  assert.match(await cell(fra2, 'monitor'), /up\s+overloaded/);
  assert.equal(await cell(fra2, 'rps'), '150 of 100 req/s (150.0 %)');
  assert.equal(await cell(fra2, 'bandwidth'), '4 Mbit/s (no capacity declared)');

  const tile = async (key) => (await page.locator(`[data-tile="${key}"] .tile-value`).innerText()).trim();
  assert.equal(await tile('monitor-down'), '1');
  assert.equal(await tile('monitor-overloaded'), '1');
  assert.equal(await tile('monitor-none'), '1');
  await shot(page, 'network-01-noc-monitor');

  // The monitor reports edge-lon-1 draining: the dashboard shows it on its next read, in place.
  await page.evaluate(() => {
    window.notReloaded = true;
  });
  monitor.set('edge-lon-1', { ...edges[1].report, state: 'draining', detail: 'healthz answered 503 draining' });
  await monitor.send();
  await waitFor(
    'the dashboard to show edge-lon-1 draining',
    async () => /^draining\b/.test(await cell(lon1, 'monitor')),
    {
      timeoutMs: 25000,
      intervalMs: 500,
    },
  );
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'refreshed in place');
  monitor.set('edge-lon-1', edges[1].report);
  await monitor.send();
});

scenario('the Network page shows the topology by cache group, the CDN domain and the services', async (open) => {
  const page = await open(noc);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Network' }).click();
  await page.getByRole('heading', { name: 'Network', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/network');
  assert.equal(await page.locator('[data-cdn-domain]').innerText(), cdnDomain);

  // Cache groups by name; in each, shields first.
  const groups = await page.locator('section.network-group').evaluateAll((s) => s.map((x) => x.dataset.cacheGroup));
  assert.deepEqual(groups, ['fra1', 'lon1']);
  const lon = page.locator('section[data-cache-group="lon1"]');
  await lon.getByRole('heading', { name: 'Cache group lon1' }).waitFor();
  assert.deepEqual(
    await lon.locator('tbody tr').evaluateAll((rows) => rows.map((r) => `${r.dataset.edge}/${r.dataset.role}`)),
    ['shield-lon-1/shield', 'edge-lon-1/edge', 'edge-lon-2/edge'],
    'the staging edge is not in the production topology',
  );
  const shield = lon.locator('tr[data-edge="shield-lon-1"]');
  const text = await shield.innerText();
  for (const part of ['shield', '127.0.0.1:8090', '127.0.0.1:9190', '50,000 req/s · 10 Gbit/s']) {
    assert.ok(text.includes(part), `shield row has ${part}: ${text}`);
  }
  assert.match(await cell(shield, 'monitor'), /^up\b/);
  assert.equal(await cell(shield, 'rps'), '250 of 50,000 req/s (0.5 %)');
  assert.equal(await cell(shield, 'bandwidth'), '20 Mbit/s of 10 Gbit/s (0.2 %)');
  assert.equal(await cell(shield, 'error-rate'), '0.00 %');

  const down = lon.locator('tr[data-edge="edge-lon-2"]');
  assert.equal(await down.getAttribute('class'), 'edge-down');
  assert.match(await cell(down, 'monitor'), /^down\b/);

  const fra1 = page.locator('section[data-cache-group="fra1"] tr[data-edge="edge-fra-1"]');
  const fraText = await fra1.innerText();
  assert.match(fraText, /\bnone\b/, 'no admin address');
  assert.match(fraText, /not declared/);
  assert.equal(await cell(fra1, 'monitor'), 'no monitor report');

  const tile = async (key) => (await page.locator(`[data-tile="${key}"] .tile-value`).innerText()).trim();
  assert.deepEqual(
    {
      groups: await tile('groups'),
      shields: await tile('shields'),
      edges: await tile('edges'),
      up: await tile('up'),
      down: await tile('down'),
      unknown: await tile('unknown'),
      overloaded: await tile('overloaded'),
      services: await tile('services'),
    },
    { groups: '2', shields: '1', edges: '4', up: '3', down: '1', unknown: '1', overloaded: '1', services: '1' },
  );
  // Only the active service is answered for, as <SCID>.<domain>.
  const services = page.getByRole('region', { name: 'Services answered' });
  await services.getByRole('link', { name: scid }).waitFor();
  assert.equal(await services.getByRole('link', { name: pendingScid }).count(), 0);
  assert.match(await services.innerText(), new RegExp(`<SCID>\\.${cdnDomain.replace(/\./g, '\\.')}`));
  await shot(page, 'network-02-topology');

  // The page reads the topology again by itself: edge-lon-2 comes back up without a reload.
  await page.evaluate(() => {
    window.notReloaded = true;
  });
  monitor.set('edge-lon-2', { state: 'up', requests_per_second: 4, bytes_per_second: 1_000, error_rate: 0 });
  await monitor.send();
  await waitFor('edge-lon-2 to show up', async () => /^up\b/.test(await cell(down, 'monitor')), {
    timeoutMs: 15000,
    intervalMs: 300,
  });
  assert.equal(await down.getAttribute('class'), null);
  assert.equal(await page.evaluate(() => window.notReloaded), true, 'refreshed in place');
  assert.match(await page.locator('.live-updated').innerText(), /Updated at .* GMT\. Next update in 5 s\./);
  // Back down for the scenarios after this one.
  monitor.set('edge-lon-2', edges[2].report);
  await monitor.send();
  await waitFor('edge-lon-2 to show down again', async () => /^down\b/.test(await cell(down, 'monitor')), {
    timeoutMs: 15000,
    intervalMs: 300,
  });

  // Leaving the page ends the reads.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Edges' }).click();
  await page.getByRole('heading', { name: 'Edges', level: 1 }).waitFor();
  let reads = 0;
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/network/topology')) reads += 1;
  });
  await new Promise((resolve) => setTimeout(resolve, 6000));
  assert.equal(reads, 0, 'no topology reads after leaving the page');
});

scenario('the staging tab shows the staging network; an unknown network is refused with a reason', async (open) => {
  const page = await open(noc);
  await page.goto(`${portal.url}/network?network=staging`);
  await page.getByRole('heading', { name: 'Network', level: 1 }).waitFor();
  assert.equal(
    await page
      .getByRole('navigation', { name: 'Network' })
      .getByRole('link', { name: 'Staging' })
      .getAttribute('aria-current'),
    'page',
  );
  assert.deepEqual(
    await page.locator('table.network-edges tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.edge)),
    ['edge-stg-1'],
  );
  assert.equal(await cell(page.locator('tr[data-edge="edge-stg-1"]'), 'rps'), '3 of 1,000 req/s (0.3 %)');
  await page.goto(`${portal.url}/network?network=moon`);
  await page.getByRole('heading', { name: 'Something went wrong' }).waitFor();
  assert.match(await page.locator('main').innerText(), /network/i);
});

scenario('the edges page and an edge page show admin address, capacity and health', async (open) => {
  const page = await open(admin);
  await page.goto(`${portal.url}/edges`);
  await page.getByRole('heading', { name: 'Edges', level: 1 }).waitFor();
  const row = page
    .locator('main tbody tr')
    .filter({ has: page.getByRole('link', { name: 'edge-lon-2', exact: true }) });
  const text = await row.innerText();
  for (const part of ['127.0.0.1:9182', '20,000 req/s · 1 Gbit/s', 'down']) {
    assert.ok(text.includes(part), `edge-lon-2 row has ${part}: ${text}`);
  }
  const fra1 = page
    .locator('main tbody tr')
    .filter({ has: page.getByRole('link', { name: 'edge-fra-1', exact: true }) });
  assert.match(await fra1.innerText(), /none[\s\S]*not declared[\s\S]*no monitor report/);

  await row.getByRole('link', { name: 'edge-lon-2' }).click();
  await page.getByRole('heading', { name: 'Edge edge-lon-2', level: 1 }).waitFor();
  const detail = async (section, term) =>
    (await page.locator(`dl[data-section="${section}"] dt:text-is("${term}") + dd`).innerText()).trim();
  assert.equal(await detail('edge', 'Admin address'), '127.0.0.1:9182');
  assert.equal(await detail('edge', 'Declared capacity'), '20,000 req/s · 1 Gbit/s');
  assert.equal(await detail('edge', 'Role'), 'edge');
  assert.match(await detail('monitor-health', 'State'), /^down\b/);
  assert.equal(await detail('monitor-health', 'Monitor'), 'monitor-1');
  assert.equal(await detail('monitor-health', 'Requests/s'), '0 of 20,000 req/s (0.0 %)');
  await shot(page, 'network-03-edge');

  await page.goto(`${portal.url}/edges/edge-fra-1`);
  await page.getByRole('heading', { name: 'Edge edge-fra-1', level: 1 }).waitFor();
  assert.match(await detail('edge', 'Admin address'), /none/);
  await page
    .locator('[data-monitor-state="none"]')
    .getByText(/No monitor report/)
    .waitFor();
  await page.goto(`${portal.url}/edges/edge-nowhere`);
  await page.getByRole('heading', { name: 'Edge not found' }).waitFor();
});

scenario('a customer has no Network page: no link, the refusal page, 403 from the API', async (open) => {
  const page = await open(bob);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Services' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Network' }).count(), 0);
  await page.goto(`${portal.url}/network`);
  await page.getByRole('heading', { name: 'Access denied' }).waitFor();
  assert.equal(await page.locator('table.network-edges').count(), 0);
  assert.equal(await page.getByText(cdnDomain).count(), 0);
  await shot(page, 'network-04-customer-refused');
  const api = await signedIn(bob);
  assert.equal((await api.call('GET', '/api/v1/network/topology')).status, 403);
  // Nor can a user pose as a monitor.
  assert.equal(
    (await api.call('PUT', '/api/v1/network/health', { observed_at: iso(Date.now()), edges: [] })).status,
    403,
  );
});

scenario('a refused health report changes nothing the NOC sees', async (open) => {
  const refused = await monitor.put({
    observed_at: iso(Date.now()),
    edges: [
      {
        edge_id: 'edge-lon-2',
        state: 'sideways',
        since: iso(Date.now() - 1000),
        requests_per_second: 1,
        bytes_per_second: 1,
        error_rate: 0,
        overloaded: false,
        detail: 'x',
      },
    ],
  });
  assert.equal(refused.status, 400);
  assert.ok(
    refused.data.errors.some((e) => e.pointer === '/edges/0/state'),
    `located at /edges/0/state: ${JSON.stringify(refused.data)}`,
  );
  assert.equal((await monitor.put({ observed_at: iso(Date.now()), edges: [] }, null)).status, 401);
  const page = await open(noc);
  await page.goto(`${portal.url}/network`);
  const down = page.locator('tr[data-edge="edge-lon-2"]');
  await down.waitFor();
  assert.match(await cell(down, 'monitor'), /^down\b/);
});

scenario('the Network page works from the keyboard', async (open) => {
  const page = await open(noc);
  await page.goto(`${portal.url}/noc`);
  await page.getByRole('heading', { name: 'NOC dashboard' }).waitFor();
  // Tab from the top of the page to the "Network" link of the main navigation, then Enter.
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement;
      return el ? `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim()}` : '';
    });
  const tabTo = async (want, limit = 40) => {
    for (let i = 0; i < limit; i++) {
      await page.keyboard.press('Tab');
      if ((await focused()) === want) return;
    }
    throw new Error(`Tab never reached ${want}; last: ${await focused()}`);
  };
  await tabTo('a:Network');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Network', level: 1 }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/network');
  // Focus moved to the new content.
  assert.equal(await focused(), 'h1:Network');
  await tabTo('a:Staging');
  await page.keyboard.press('Enter');
  await page.locator('tr[data-edge="edge-stg-1"]').waitFor();
  await tabTo('button:Pause updates');
  await page.keyboard.press('Space');
  const pause = page.getByRole('button', { name: 'Resume updates' });
  assert.equal(await pause.getAttribute('aria-pressed'), 'true');
  assert.match(await page.locator('.live-updated').innerText(), /Updates paused\./);
  await page.keyboard.press('Enter');
  assert.equal(await page.getByRole('button', { name: 'Pause updates' }).getAttribute('aria-pressed'), 'false');
  await tabTo('a:edge-stg-1');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Edge edge-stg-1', level: 1 }).waitFor();
  // Every control is labelled and every table has a caption.
  for (const path of ['/network', '/network?network=staging', '/noc', '/edges', '/edges/edge-lon-1']) {
    await page.goto(`${portal.url}${path}`);
    await page.locator('main h1').waitFor();
    const captionless = await page.evaluate(
      () => [...document.querySelectorAll('main table')].filter((t) => !t.caption).length,
    );
    assert.equal(captionless, 0, `tables without a caption on ${path}`);
  }
});
