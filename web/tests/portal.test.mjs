// End-to-end tests of the web portal: headless Chromium (Playwright) against real origin,
// portal and edge processes. Each scenario saves screenshots under $CANDELA_SCREENSHOTS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createHash, createHmac } from 'node:crypto';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ApiSession, World, chromiumPath, edgeGet, screenshots, waitFor } from './harness.mjs';

const admin = { email: 'admin@provider.test', password: 'admin-password-for-tests' };
const alice = { email: 'alice@customer-a.test', password: 'alice-password-for-tests', name: 'Alice Able' };
const bob = { email: 'bob@customer-b.test', password: 'bob-password-for-tests', name: 'Bob Baker' };
const carol = { email: 'carol@customer-a.test', password: 'carol-password-for-tests', name: 'Carol Clark' };
const alias = 'www.customer-a.test';
const newAlias = 'img.customer-a.test';

let world;
let portal;
let api;
let browser;
let originA;
let originB;
const edges = [];
let scidA;
let scidB;
let firstVersion;
let edgesReady = null;

// Deploys version 1 and waits until both edges serve origin A through the alias (once).
function edgesServingOriginA() {
  edgesReady ??= (async () => {
    await deployAndWait(api, scidA, firstVersion);
    for (const edge of edges) {
      await waitFor(
        `${alias} on edge ${edge.port} to serve origin A`,
        async () => (await edgeGet(edge.port, alias, '/index.html')).body === 'origin A',
      );
    }
  })();
  return edgesReady;
}

async function deployAndWait(session, scid, version) {
  const deployment = await session.must('POST', `/api/v1/services/${scid}/deployments`, {
    version,
    environment: 'production',
  });
  await waitFor(`deployment ${deployment.id} to be applied`, async () => {
    const d = await session.must('GET', `/api/v1/deployments/${deployment.id}`);
    if (d.summary?.failed > 0) throw new Error(`deployment failed: ${JSON.stringify(d)}`);
    return d.complete === true;
  });
}

async function shot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false });
}

// A test whose browser pages are photographed when it fails (failed-<name>-<n>.png), and
// always closed. `open(who)` gives a page signed in as `who`, or a fresh page without `who`.
function scenario(name, body) {
  test(name, async () => {
    const contexts = [];
    const open = async (who) => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      contexts.push(context);
      if (!who) return context.newPage();
      const page = await context.newPage();
      await page.goto(`${portal.url}/sign-in`);
      await page.getByLabel('Email').fill(who.email);
      await page.getByLabel('Password').fill(who.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('Signed in as').waitFor();
      return page;
    };
    try {
      await body(open);
    } catch (error) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      let n = 0;
      for (const context of contexts) {
        for (const page of context.pages()) {
          await page
            .screenshot({ path: join(screenshots, `failed-${slug}-${++n}.png`), fullPage: true })
            .catch(() => {});
        }
      }
      throw error;
    } finally {
      for (const context of contexts) await context.close().catch(() => {});
    }
  });
}

before(async () => {
  world = new World();
  try {
    // Origin A's answers are never stored, so switching to origin B shows at once; origin B's
    // are cached for an hour, so only a purge reveals a changed file.
    originA = await world.origin('origin-a', { 'index.html': 'origin A', 'page.txt': 'A1' }, [
      '--cache-control',
      'no-store',
    ]);
    originB = await world.origin('origin-b', { 'index.html': 'origin B', 'page.txt': 'B1' }, [
      '--cache-control',
      'public, max-age=3600',
    ]);
    portal = await world.portal(admin.email, admin.password);
    api = new ApiSession(portal.url);
    await api.signIn(admin.email, admin.password);

    // Two customers, each with an access group, a service and a technical user.
    const setUp = async (name, user) => {
      const group = await api.must('POST', '/api/v1/access-groups', { name, parent_id: null });
      const customer = await api.must('POST', '/api/v1/customers', {
        name,
        organisation_id: group.id,
        billing_address: { line1: '1 Test Street', city: 'Testville', postal_code: 'T1 1TT' },
        country: 'GB',
        invoice_delivery: 'email',
        invoice_email: 'billing@example.test',
      });
      const service = await api.must('POST', '/api/v1/services', {
        access_group_id: group.id,
        customer_number: customer.customer_number,
        reason: 'browser test',
      });
      // Production takes only active services.
      await api.must('PATCH', `/api/v1/services/${service.scid}`, { state: 'active', reason: 'browser test' });
      await api.must('POST', '/api/v1/users', {
        name: user.name,
        email: user.email,
        password: user.password,
        roles: [{ role: 'technical', access_group_id: group.id }],
      });
      return service.scid;
    };
    scidA = await setUp('Customer A', alice);
    scidB = await setUp('Customer B', bob);
    const groupA = (await api.must('GET', `/api/v1/services/${scidA}`)).access_group_id;
    carol.id = (
      await api.must('POST', '/api/v1/users', {
        name: carol.name,
        email: carol.email,
        password: carol.password,
        roles: [{ role: 'read_only', access_group_id: groupA }],
      })
    ).id;

    for (const edgeId of ['edge-1', 'edge-2']) {
      const createEdge = async (address) => {
        const created = await api.must('POST', '/api/v1/edges', {
          edge_id: edgeId,
          cache_group: 'test-lon',
          address,
          role: 'edge',
          network: 'production',
        });
        return created.node_token;
      };
      edges.push(await world.edge(edgeId, portal.url, createEdge));
    }

    // Version 1 fills from origin A; it is deployed by the scenarios that need the edges.
    const document = {
      scid: scidA,
      properties: [{ id: 'www', primary_alias: alias, origin: { host: '127.0.0.1', port: originA.port } }],
    };
    firstVersion = (
      await api.must('POST', `/api/v1/services/${scidA}/configurations`, { comment: 'first version', document })
    ).version;

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
  console.log(`screenshots and process logs: ${screenshots}`);
});

scenario('sign-in refuses a wrong password, then signs in', async (open) => {
  const page = await open();
  await page.goto(`${portal.url}/services/${scidA}`);
  // Not signed in: the sign-in page, remembering where the user wanted to go.
  await page.getByRole('heading', { name: 'Sign in to the Media portal' }).waitFor();
  assert.match(page.url(), /\/sign-in\?next=/);

  await page.getByLabel('Email').fill(alice.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Sign-in refused' });
  await alert.waitFor();
  await shot(page, '01-sign-in-refused');

  await page.getByLabel('Password').fill(alice.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as').waitFor();
  assert.match(await page.locator('.signed-in-as').innerText(), /Alice Able/);
  // Back on the page asked for first.
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  assert.ok(page.url().endsWith(`/services/${scidA}`));
  // The navigation lists this customer's service and not the other customer's.
  const nav = page.getByRole('navigation', { name: 'Access groups and services' });
  await nav.getByRole('link', { name: scidA }).waitFor();
  assert.equal(await nav.getByRole('link', { name: scidB }).count(), 0);
  await shot(page, '02-signed-in');
});

scenario('repeated wrong passwords lock the account until an admin unlocks it', async (open) => {
  const page = await open();
  await page.goto(`${portal.url}/sign-in`);
  await page.getByLabel('Email').fill(carol.email);
  // The portal locks after 5 consecutive failures (PortalSettings::lockout_threshold).
  for (let attempt = 1; attempt <= 5; attempt++) {
    await page.getByLabel('Password').fill(`wrong-${attempt}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: attempt < 5 ? 'Sign-in refused' : 'Account locked' })
      .waitFor();
  }
  assert.match(await page.getByRole('alert').innerText(), /locked for \d+ minutes/);
  // Locked: even the right password is refused.
  await page.getByLabel('Password').fill(carol.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Account locked' }).waitFor();
  await shot(page, '02b-account-locked');

  const adminPage = await open(admin);
  await adminPage.goto(`${portal.url}/users/${carol.id}`);
  await adminPage.getByRole('button', { name: 'Unlock now' }).click();
  await adminPage.getByRole('heading', { name: carol.name }).waitFor();
  await adminPage.getByRole('button', { name: 'Unlock now' }).waitFor({ state: 'detached' });

  await page.getByLabel('Password').fill(carol.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as').waitFor();
});

scenario('invalid values are refused and shown at their fields; nothing is stored', async (open) => {
  const page = await open(alice);
  await page.goto(`${portal.url}/services/${scidA}/configuration`);
  const before = (await api.must('GET', `/api/v1/services/${scidA}/configurations/latest`)).version;
  await page.getByText(`Editing on top of version ${before}`).waitFor();

  const port = page.getByLabel('Origin port');
  await port.fill('70000');
  await page.getByLabel('Aliases').fill('good.customer-a.test\nnot a host name');
  await page.getByLabel('Comment for this version').fill('try bad values');
  await page.getByRole('button', { name: 'Save new version' }).click();
  const summary = page.locator('.error-summary.visible');
  await summary.waitFor();
  // Each error sits at its field (the port; the second line of the aliases) and in the summary.
  assert.equal(await port.getAttribute('aria-invalid'), 'true');
  assert.ok((await page.locator(`#${await port.getAttribute('id')}-error`).innerText()).length > 0);
  const aliases = page.getByLabel('Aliases');
  assert.equal(await aliases.getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator(`#${await aliases.getAttribute('id')}-error`).innerText(), /^Line 2: /);
  assert.match(await summary.innerText(), /\/properties\/0\/origin\/port/);
  // The summary's entry takes the keyboard to the field.
  await summary.getByRole('button', { name: '/properties/0/origin/port' }).click();
  assert.equal(await port.evaluate((el) => el === document.activeElement), true);
  await shot(page, '03-validation-errors');
  assert.equal((await api.must('GET', `/api/v1/services/${scidA}/configurations/latest`)).version, before);
});

scenario('editing and deploying a configuration changes what the edges serve', async (open) => {
  await edgesServingOriginA();
  const page = await open(alice);
  await page.goto(`${portal.url}/services/${scidA}/configuration`);
  await page.getByRole('heading', { name: 'Configuration' }).waitFor();
  const latest = (await api.must('GET', `/api/v1/services/${scidA}/configurations/latest`)).version;
  await page.getByText(`Editing on top of version ${latest}`).waitFor();
  const port = page.getByLabel('Origin port');

  // A good edit: origin B and a new alias.
  await port.fill(String(originB.port));
  await page.getByLabel('Aliases').fill(newAlias);
  await page.getByLabel('Comment for this version').fill('fill from origin B, add img alias');
  await page.getByRole('button', { name: 'Save new version' }).click();
  const saved = latest + 1;
  await page.locator('#main').getByText(`Saved version ${saved}.`).waitFor();
  assert.equal(await port.getAttribute('aria-invalid'), null);

  await page.getByRole('button', { name: `Deploy v${saved} → production` }).click();
  await page.getByRole('button', { name: `Yes, deploy v${saved} on production` }).click();
  await page.getByRole('heading', { name: /Deployment #\d+/ }).waitFor();
  await page.locator('.deployment-status [data-status="applied"]').waitFor({ timeout: 20000 });
  assert.equal(await page.locator('tbody tr').count(), 2, 'one status row per edge');
  await shot(page, '04-deployment-applied');

  for (const edge of edges) {
    await waitFor(
      `edge ${edge.port} to serve origin B`,
      async () => (await edgeGet(edge.port, alias, '/index.html')).body === 'origin B',
    );
    const viaNewAlias = await edgeGet(edge.port, newAlias, '/index.html');
    assert.equal(viaNewAlias.status, 200);
    assert.equal(viaNewAlias.body, 'origin B');
  }

  // The history shows both versions; the diff names the changed port.
  await page.getByRole('link', { name: 'History' }).first().click();
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await page.getByRole('link', { name: 'Diff with previous' }).first().click();
  await page.getByRole('heading', { name: `Diff: version ${latest} → ${saved}` }).waitFor();
  await page.locator('.diff-hunk').filter({ hasText: '/properties/0/origin/port (changed)' }).waitFor();
  await page
    .locator('.diff-add')
    .filter({ hasText: `+ ${originB.port}` })
    .waitFor();
  await page.locator('.diff-add').filter({ hasText: newAlias }).waitFor();
  await shot(page, '05-diff');
});

scenario('a concurrent save is caught and the editor offers a reload', async (open) => {
  const page = await open(alice);
  await page.goto(`${portal.url}/services/${scidA}/configuration`);
  const latest = await api.call('GET', `/api/v1/services/${scidA}/configurations/latest`);
  await page.getByText(`Editing on top of version ${latest.data.version}`).waitFor();

  // Someone else saves the next version meanwhile.
  const document = latest.data.document;
  document.properties[0].origin.connect_timeout_ms = 2500;
  await api.must(
    'POST',
    `/api/v1/services/${scidA}/configurations`,
    { comment: 'concurrent edit', document },
    { 'If-Match': latest.etag },
  );

  await page.getByLabel('Alternate web root').fill('/static');
  await page.getByRole('button', { name: 'Save new version' }).click();
  await page.getByRole('alert').filter({ hasText: 'Someone else saved a newer version' }).waitFor();
  await shot(page, '06-concurrent-save');
  await page.getByRole('button', { name: 'Reload the latest version' }).click();
  await page.getByText(`Editing on top of version ${latest.data.version + 1}`).waitFor();
});

// Makes the edges fill from origin B (already so when the editing scenario ran first).
async function edgesServingOriginB() {
  await edgesServingOriginA();
  if ((await edgeGet(edges[0].port, alias, '/index.html')).body === 'origin B') return;
  const latest = await api.call('GET', `/api/v1/services/${scidA}/configurations/latest`);
  const document = latest.data.document;
  document.properties[0].origin.port = originB.port;
  const saved = await api.must(
    'POST',
    `/api/v1/services/${scidA}/configurations`,
    { comment: 'origin B for the purge', document },
    { 'If-Match': latest.etag },
  );
  await deployAndWait(api, scidA, saved.version);
  for (const edge of edges) {
    await waitFor(
      `edge ${edge.port} to serve origin B`,
      async () => (await edgeGet(edge.port, alias, '/index.html')).body === 'origin B',
    );
  }
}

scenario('a purge reaches every edge and its status completes', async (open) => {
  await edgesServingOriginB();
  // The origin's page is cached for an hour: a changed file is not seen until purged.
  for (const edge of edges) assert.equal((await edgeGet(edge.port, alias, '/page.txt')).body, 'B1');
  originB.put('page.txt', 'B2');
  for (const edge of edges) assert.equal((await edgeGet(edge.port, alias, '/page.txt')).body, 'B1');

  const page = await open(alice);
  await page.goto(`${portal.url}/services/${scidA}/invalidations`);
  await page.getByRole('heading', { name: 'Invalidations' }).waitFor();
  await page.getByLabel('Exact URL').check();
  await page.getByLabel('Hard: delete from the cache').check();
  await page.getByLabel('What to invalidate').fill(`http://${alias}/page.txt`);
  await page.getByRole('button', { name: 'Request invalidation' }).click();
  await page.getByRole('heading', { name: /Invalidation #\d+/ }).waitFor();
  await page.locator('.invalidation-status [data-status="complete"]').waitFor({ timeout: 20000 });
  const rows = page.locator('tbody tr');
  assert.equal(await rows.count(), 2, 'one status row per edge');
  for (const text of await rows.allInnerTexts()) assert.match(text, /applied/);
  await shot(page, '07-purge-complete');

  for (const edge of edges) assert.equal((await edgeGet(edge.port, alias, '/page.txt')).body, 'B2');
});

scenario('rolling back to an older version from the history brings back its origin', async (open) => {
  await edgesServingOriginB();
  const page = await open(alice);
  await page.goto(`${portal.url}/services/${scidA}/history`);
  await page.getByRole('heading', { name: 'History' }).waitFor();
  await page.getByRole('button', { name: `Roll back to v${firstVersion}…` }).click();
  await page.getByRole('button', { name: `Roll back to v${firstVersion} → production` }).click();
  await page.getByRole('button', { name: `Yes, roll back to v${firstVersion} on production` }).click();
  await page.getByRole('heading', { name: /Deployment #\d+/ }).waitFor();
  await page.locator('.deployment-status [data-status="applied"]').waitFor({ timeout: 20000 });
  for (const edge of edges) {
    await waitFor(
      `edge ${edge.port} to serve origin A again`,
      async () => (await edgeGet(edge.port, alias, '/index.html')).body === 'origin A',
    );
  }
  await shot(page, '07b-rollback-applied');
  // The history now marks version 1 as what production runs.
  await page.goto(`${portal.url}/services/${scidA}/history`);
  const row = page
    .locator('tbody tr')
    .filter({ hasText: `v${firstVersion}` })
    .first();
  await row.getByText('production').waitFor();
});

// A GET signed with an API key (docs/api-conventions.md, "API keys and request signing").
async function signedGet(keyId, secret, path) {
  const signingKey = createHmac('sha256', secret).update('candela-request-signing-v1').digest();
  const timestamp = Math.floor(Date.now() / 1000);
  const bodyHash = createHash('sha256').update('').digest('hex');
  const signature = createHmac('sha256', signingKey).update(`GET\n${path}\n${timestamp}\n${bodyHash}`).digest('hex');
  const res = await fetch(portal.url + path, {
    headers: { Authorization: `Candela-HMAC-SHA256 KeyId=${keyId}, Timestamp=${timestamp}, Signature=${signature}` },
  });
  return res.status;
}

scenario("an API key's secret is shown once and the key can be disabled and deleted", async (open) => {
  const page = await open(admin);
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await page.getByLabel('Description').fill('deploy pipeline');
  await page.getByLabel('Access group', { exact: true }).selectOption({ label: 'Customer A' });
  await page.getByLabel('Role', { exact: true }).selectOption('technical');
  await page.getByRole('button', { name: 'Create key' }).click();
  const box = page.locator('.secret-box');
  await box.waitFor();
  const keyId = (await box.locator('.key-id').innerText()).trim();
  const secret = (await box.locator('.secret').innerText()).trim();
  assert.ok(secret.length >= 20, 'a secret is shown');
  await shot(page, '11-api-key-created');
  assert.equal(await signedGet(keyId, secret, '/api/v1/services'), 200);

  // Shown once: after a reload only the key id is listed.
  await page.reload();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  assert.equal(await page.locator('.secret-box').count(), 0);
  assert.equal((await page.content()).includes(secret), false);

  await page.getByRole('button', { name: `Disable key ${keyId}` }).click();
  await page.getByRole('button', { name: `Enable key ${keyId}` }).waitFor();
  assert.equal(await signedGet(keyId, secret, '/api/v1/services'), 401);

  await page.getByRole('button', { name: `Delete key ${keyId}` }).click();
  await page.getByRole('button', { name: `Delete ${keyId} for good` }).click();
  await page.getByRole('button', { name: `Enable key ${keyId}` }).waitFor({ state: 'detached' });
});

scenario("a user of another customer gets the not-found page for customer A's service", async (open) => {
  const page = await open(bob);
  const nav = page.getByRole('navigation', { name: 'Access groups and services' });
  await nav.getByRole('link', { name: scidB }).waitFor();
  assert.equal(await nav.getByRole('link', { name: scidA }).count(), 0);

  for (const suffix of ['', '/configuration', '/invalidations']) {
    await page.goto(`${portal.url}/services/${scidA}${suffix}`);
    await page.getByRole('heading', { name: 'Service not found' }).waitFor();
  }
  await shot(page, '08-other-customer-not-found');
  // And the API itself refuses the same way.
  const bobApi = new ApiSession(portal.url);
  await bobApi.signIn(bob.email, bob.password);
  assert.ok([403, 404].includes((await bobApi.call('GET', `/api/v1/services/${scidA}`)).status));
});

scenario('an admin mimics a user, sees the banner, and stops', async (open) => {
  const page = await open(admin);
  await page.getByRole('link', { name: 'Users' }).click();
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.getByRole('button', { name: `Act as ${alice.name}` }).click();
  const banner = page.getByRole('region', { name: 'Acting as another user' });
  await banner.waitFor();
  assert.match(await banner.innerText(), /You are acting as Alice Able \(mimicked by .+\)/);
  await shot(page, '09-mimic-banner');
  await banner.getByRole('button', { name: 'stop' }).click();
  await banner.waitFor({ state: 'detached' });
  assert.doesNotMatch(await page.locator('.signed-in-as').innerText(), /Alice/);
});

scenario('every form control on the main pages has a label', async (open) => {
  const page = await open(alice);
  const paths = [
    `/services/${scidA}/configuration`,
    `/services/${scidA}/history`,
    `/services/${scidA}/deployments`,
    `/services/${scidA}/invalidations`,
    '/api-keys',
    '/users',
    '/account-team',
  ];
  for (const path of paths) {
    await page.goto(`${portal.url}${path}`);
    await page.locator('main h1').waitFor();
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length > 0) && !el.getAttribute('aria-label'))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    assert.deepEqual(unlabelled, [], `unlabelled controls on ${path}`);
  }
});

scenario('the keyboard alone signs in, with a visible focus ring', async (open) => {
  const page = await open();
  await page.goto(`${portal.url}/sign-in`);
  await page.getByRole('heading', { name: 'Sign in to the Media portal' }).waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'sign-in-email');
  const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(ring, 'none', 'the focused field shows a focus ring');
  await page.keyboard.type(alice.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(alice.password);
  await page.keyboard.press('Enter');
  await page.getByText('Signed in as').waitFor();
  // Focus lands on the new page's heading.
  await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
  // On a fresh load the first Tab shows the skip link, and Enter moves into <main>.
  await page.reload();
  await page.getByRole('heading', { name: 'Services' }).waitFor();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
  assert.ok((await skip.boundingBox()).x >= 0, 'the skip link is on screen when focused');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  await shot(page, '10-keyboard');
});
