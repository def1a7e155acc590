// The UI's edge-network helpers (src/network/health.ts): grouping the topology by cache group,
// the monitor's state words, and load against declared capacity as the NOC reads it. No browser:
// the module is compiled with esbuild (Vite's own compiler) and imported directly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';

let net;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candela-network-'));
  const outfile = join(dir, 'health.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../src/network/health.ts', import.meta.url))],
    outfile,
    format: 'esm',
    logLevel: 'warning',
  });
  net = await import(pathToFileURL(outfile).href);
});

after(() => rmSync(dir, { recursive: true, force: true }));

const edge = (edge_id, cache_group, role = 'edge', health = null) => ({
  edge_id,
  cache_group,
  role,
  address: '127.0.0.1:1',
  health,
});

test('cache groups come by name, shields before edges, each by edge id', () => {
  const groups = net.groupByCacheGroup([
    edge('lon-b', 'lon1'),
    edge('fra-a', 'fra1'),
    edge('shield-lon', 'lon1', 'shield'),
    edge('lon-a', 'lon1'),
    edge('nowhere', ''),
  ]);
  assert.deepEqual(
    groups.map((g) => [g.name, g.shields.map((e) => e.edge_id), g.edges.map((e) => e.edge_id)]),
    [
      ['(none)', [], ['nowhere']],
      ['fra1', [], ['fra-a']],
      ['lon1', ['shield-lon'], ['lon-a', 'lon-b']],
    ],
  );
  assert.deepEqual(net.groupByCacheGroup([]), []);
});

test("the monitor's state: its four words, anything else is unknown, none is 'no report'", () => {
  for (const state of ['up', 'down', 'draining', 'unknown']) assert.equal(net.monitorState({ state }), state);
  assert.equal(net.monitorState({ state: 'sideways' }), 'unknown');
  assert.equal(net.monitorState(null), 'no report');
  assert.equal(net.monitorState(undefined), 'no report');
  assert.deepEqual(['up', 'down', 'draining', 'unknown', 'no report'].map(net.stateKind), [
    'ok',
    'bad',
    'pending',
    'pending',
    'none',
  ]);
});

test('bandwidth is shown in decimal bit units from bytes per second', () => {
  const cases = [
    [0, '0 bit/s'],
    [100, '800 bit/s'],
    [10_240, '81.9 kbit/s'],
    [125_000, '1 Mbit/s'],
    [2_500_000, '20 Mbit/s'],
    [125_000_000, '1 Gbit/s'],
    [1_250_000_000, '10 Gbit/s'],
    [15_625_000_000, '125 Gbit/s'],
    [2e14, '1600 Tbit/s'],
  ];
  for (const [bytes, text] of cases) assert.equal(net.formatBandwidth(bytes), text, `${bytes} B/s`);
  assert.equal(net.formatBandwidth(null), '—');
  assert.equal(net.formatBandwidth(Number.NaN), '—');
});

test('load is shown against the declared capacity, or says there is none', () => {
  const capacity = { requests_per_second: 20_000, bytes_per_second: 125_000_000 };
  const health = { state: 'up', requests_per_second: 12.5, bytes_per_second: 62_500_000, error_rate: 0.0125 };
  assert.equal(net.requestLoad(health, capacity), '12.5 of 20,000 req/s (<0.1 %)');
  assert.equal(net.bandwidthLoad(health, capacity), '500 Mbit/s of 1 Gbit/s (50.0 %)');
  assert.equal(
    net.requestLoad({ ...health, requests_per_second: 30_000 }, capacity),
    '30,000 of 20,000 req/s (150.0 %)',
  );
  assert.equal(net.requestLoad({ ...health, requests_per_second: 0 }, capacity), '0 of 20,000 req/s (0.0 %)');
  assert.equal(
    net.requestLoad(health, { requests_per_second: 0, bytes_per_second: 0 }),
    '12.5 req/s (no capacity declared)',
  );
  assert.equal(net.requestLoad(health, null), '12.5 req/s (no capacity declared)');
  assert.equal(net.requestLoad(null, capacity), '—');
  assert.equal(net.formatErrorRate(0.0125), '1.25 %');
  assert.equal(net.formatErrorRate(0), '0.00 %');
  assert.equal(net.formatErrorRate(undefined), '—');
  assert.equal(net.capacityText(capacity), '20,000 req/s · 1 Gbit/s');
  assert.equal(net.capacityText({ requests_per_second: 100, bytes_per_second: 0 }), '100 req/s');
  assert.equal(net.capacityText({ requests_per_second: 0, bytes_per_second: 0 }), 'not declared');
  assert.equal(net.capacityText(undefined), 'not declared');
  assert.equal(net.utilisation(5, 0), null);
});

test('the summary counts edges by role and by what the monitor says', () => {
  const counts = net.networkCounts([
    edge('s1', 'a', 'shield', { state: 'up' }),
    edge('e1', 'a', 'edge', { state: 'up', overloaded: true }),
    edge('e2', 'a', 'edge', { state: 'down' }),
    edge('e3', 'b', 'edge', { state: 'draining' }),
    { ...edge('e4', 'b', 'edge', null), draining: true },
    edge('e5', 'b', 'edge', { state: 'unknown' }),
  ]);
  assert.deepEqual(counts, { shields: 1, edges: 5, up: 2, down: 1, draining: 2, unknown: 2, overloaded: 1 });
});
