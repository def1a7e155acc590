// The world the browser tests run in: real `candela origin`, `candela portal` and `candela edge`
// processes on loopback, a fresh SQLite store, and API helpers to seed customers, users and
// edges. Logs of every process go to $CANDELA_SCREENSHOTS/logs/.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, createWriteStream, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

export const candela = process.env.CANDELA_BINARY;
export const webRoot = process.env.CANDELA_WEB_ROOT;
export const screenshots = process.env.CANDELA_SCREENSHOTS;
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls `probe` until it returns a truthy value; fails with `what` and the last value/error.
export async function waitFor(what, probe, { timeoutMs = 20000, intervalMs = 200 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`,
      );
    }
    await sleep(intervalMs);
  }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// A child process whose stdout/stderr go to a log file; `listening` resolves with the port
// announced as "listening on http://127.0.0.1:PORT".
class Child {
  constructor(name, args, logDir, command = candela) {
    this.name = name;
    this.logPath = join(logDir, `${name}.log`);
    this.output = '';
    const log = createWriteStream(this.logPath);
    this.proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk) => {
      this.output += chunk.toString();
      log.write(chunk);
    };
    this.proc.stdout.on('data', collect);
    this.proc.stderr.on('data', collect);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.proc.on('exit', (code, signal) => log.write(`\n[exited: code ${code}, signal ${signal}]\n`));
  }

  async listeningPort(timeoutMs = 20000, scheme = 'http') {
    return waitFor(
      `${this.name} to listen (log: ${this.logPath})`,
      () => {
        if (this.proc.exitCode !== null) throw new Error(`${this.name} exited early: ${this.output.slice(-800)}`);
        const m = this.output.match(new RegExp(`listening on ${scheme}://127\\.0\\.0\\.1:(\\d+)`));
        return m ? Number(m[1]) : null;
      },
      { timeoutMs },
    );
  }

  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const done = await Promise.race([this.exited, sleep(8000).then(() => null)]);
    if (!done) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

// GET through an edge with a chosen Host (fetch cannot set Host).
export function edgeGet(port, host, path) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path, method: 'GET', headers: { Host: host, Connection: 'close' } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('edge request timed out')));
    req.end();
  });
}

// A signed-in API client (session cookie + CSRF token), as the web UI and `candela ctl` use.
export class ApiSession {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }

  async call(method, path, body, headers = {}) {
    const init = { method, headers: { Accept: 'application/json', ...headers } };
    if (this.cookie) init.headers.Cookie = this.cookie;
    if (this.csrf && method !== 'GET') init.headers['X-CSRF-Token'] = this.csrf;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await fetch(this.base + path, init);
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = setCookie.match(/candela_session=([^;]*)/);
      if (m) this.cookie = `candela_session=${m[1]}`;
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = text;
    }
    return { status: res.status, data, etag: res.headers.get('etag') };
  }

  // Like call(), but a non-2xx answer throws with the problem's words.
  async must(method, path, body, headers) {
    const r = await this.call(method, path, body, headers);
    if (r.status < 200 || r.status > 299) {
      throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.data)}`);
    }
    return r.data;
  }

  async signIn(email, password) {
    const data = await this.must('POST', '/api/v1/session', { email, password });
    this.csrf = data?.csrf_token ?? '';
    if (!this.csrf) {
      const me = await this.must('GET', '/api/v1/session');
      this.csrf = me?.csrf_token ?? '';
    }
    return data;
  }
}

export function itemsOf(data) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data.items)) return data.items;
  for (const v of Object.values(data ?? {})) if (Array.isArray(v)) return v;
  return [];
}

// Children still running when the runner itself is stopped (e.g. a CTest timeout) are killed
// with it, so no portal or edge outlives the test.
const running = new Set();
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const proc of running) proc.kill('SIGKILL');
    process.exit(1);
  });
}

// Every process of one test run, started in order and stopped in reverse.
export class World {
  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'candela-browser-'));
    this.logDir = join(screenshots, 'logs');
    mkdirSync(this.logDir, { recursive: true });
    this.children = [];
  }

  start(name, args, command = candela) {
    const child = new Child(name, args, this.logDir, command);
    this.children.push(child);
    running.add(child.proc);
    child.proc.on('exit', () => running.delete(child.proc));
    return child;
  }

  // `candela origin` serving a fresh folder; `files` maps paths to contents.
  async origin(name, files, extraArgs = []) {
    const root = join(this.dir, name);
    mkdirSync(root, { recursive: true });
    for (const [path, content] of Object.entries(files)) writeFileSync(join(root, path), content);
    const child = this.start(name, ['origin', '--listen', '127.0.0.1:0', '--root', root, ...extraArgs]);
    const port = await child.listeningPort();
    return { child, root, port, put: (path, content) => writeFileSync(join(root, path), content) };
  }

  // `extraArgs` are more `candela portal` flags (e.g. --clock-offset-file, --smtp-url).
  async portal(adminEmail, adminPassword, extraArgs = []) {
    const passwordFile = join(this.dir, 'admin-password');
    writeFileSync(passwordFile, `${adminPassword}\n`, { mode: 0o600 });
    const child = this.start('portal', [
      'portal',
      '--listen',
      '127.0.0.1:0',
      '--db',
      `sqlite://${join(this.dir, 'portal.db')}`,
      '--web-root',
      webRoot,
      '--master-key-file',
      join(this.dir, 'master.key'),
      '--bootstrap-admin-email',
      adminEmail,
      '--bootstrap-admin-password-file',
      passwordFile,
      ...extraArgs,
    ]);
    const port = await child.listeningPort(30000);
    const url = `http://127.0.0.1:${port}`;
    await waitFor('the portal health check', async () => (await fetch(`${url}/api/v1/health`)).ok);
    return { child, port, url };
  }

  // `candela edge` joined to the portal; `createEdge(address)` registers it with the portal's
  // API (the address is where it will listen) and returns its node token.
  async edge(edgeId, portalUrl, createEdge) {
    const dir = join(this.dir, edgeId);
    mkdirSync(join(dir, 'state'), { recursive: true });
    const port = await freePort();
    const adminPort = await freePort();
    const nodeToken = await createEdge(`127.0.0.1:${port}`);
    const config = {
      edge_id: edgeId,
      listen: [`127.0.0.1:${port}`],
      admin_listen: `127.0.0.1:${adminPort}`,
      threads: 1,
      properties: [],
    };
    writeFileSync(join(dir, 'edge.json'), JSON.stringify(config, null, 2));
    writeFileSync(join(dir, 'node-token'), `${nodeToken}\n`, { mode: 0o600 });
    const child = this.start(edgeId, [
      'edge',
      '--config',
      join(dir, 'edge.json'),
      '--portal',
      portalUrl,
      '--edge-id',
      edgeId,
      '--node-token-file',
      join(dir, 'node-token'),
      '--state-dir',
      join(dir, 'state'),
    ]);
    await waitFor(`${edgeId} to accept connections (log: ${child.logPath})`, async () => {
      if (child.proc.exitCode !== null) throw new Error(`${edgeId} exited: ${child.output.slice(-800)}`);
      const r = await fetch(`http://127.0.0.1:${adminPort}/healthz`).catch(() => null);
      return r?.ok;
    });
    return { child, port, adminPort };
  }

  async stop() {
    for (const child of this.children.slice().reverse()) await child.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  logTail(lines = 30) {
    return this.children
      .map((c) => {
        let text = '';
        try {
          text = readFileSync(c.logPath, 'utf8');
        } catch {
          text = c.output;
        }
        return `--- ${c.name} (${c.logPath})\n${text.split('\n').slice(-lines).join('\n')}`;
      })
      .join('\n');
  }
}

// What an edge sends the portal with its node token (docs/usage.md, docs/log-delivery.md):
// usage batches and gzip chunks of access-log lines. Tests use it to seed data without traffic.
export class EdgeUplink {
  constructor(base, edgeId, nodeToken) {
    this.base = base;
    this.edgeId = edgeId;
    this.token = nodeToken;
    this.batch = 0;
  }

  async send(method, path, body, contentType) {
    const res = await fetch(this.base + path, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': contentType, Accept: 'application/json' },
      body,
    });
    const text = await res.text();
    let data = text;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text for the error message
    }
    if (res.status < 200 || res.status > 299) {
      throw new Error(
        `${method} ${path} answered ${res.status}: ${typeof data === 'string' ? data : JSON.stringify(data)}`,
      );
    }
    return { status: res.status, data };
  }

  // One batch of cumulative per-minute rows; `completeUntil` is an ISO time.
  async postUsage(rows, completeUntil) {
    this.batch += 1;
    const body = JSON.stringify({ batch: this.batch, complete_until: completeUntil, rows });
    return (await this.send('POST', `/api/v1/edges/${this.edgeId}/usage`, body, 'application/json')).data;
  }

  // One log chunk of `lines` (objects or strings) for an edge property and hour.
  async putLogChunk(chunk, property, hour, lines) {
    const text = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
    const query = new URLSearchParams({ property, hour, lines: String(lines.length) });
    return this.send(
      'PUT',
      `/api/v1/edges/${this.edgeId}/log-chunks/${chunk}?${query}`,
      gzipSync(Buffer.from(text)),
      'application/gzip',
    );
  }
}

// A browser scenario for node:test: `body(open)` gets `open(who)`, which signs `who` in on a fresh
// browser context and returns its page. On failure every open page is screenshotted
// (failed-<prefix><name>-N.png) and the tail of the processes' logs printed; contexts always
// close. `state()` returns the file's { browser, portalUrl, world } once its before() has run.
export function scenarioRunner(test, state, prefix = '') {
  return function scenario(name, body) {
    test(name, async () => {
      const { browser, portalUrl, world } = state();
      const contexts = [];
      const open = async (who) => {
        const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
        contexts.push(context);
        const page = await context.newPage();
        await page.goto(`${portalUrl}/sign-in`);
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
              .screenshot({ path: join(screenshots, `failed-${prefix}${slug}-${++n}.png`), fullPage: true })
              .catch(() => {});
          }
        }
        console.error(world.logTail(20));
        throw error;
      } finally {
        for (const context of contexts) await context.close().catch(() => {});
      }
    });
  };
}

// A screenshot of the visible part of `page` for the record (screenshots/<name>.png).
export async function shot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: false });
}

// A customer organisation (top access group), its customer number and one active service, made
// through the API by a signed-in provider admin; returns { group, customer, service }.
export async function createCustomerWithService(api, name) {
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
  await api.must('PATCH', `/api/v1/services/${service.scid}`, { state: 'active', reason: 'browser test' });
  return { group, customer, service };
}
