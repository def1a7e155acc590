// The UI's money helpers (src/billing/money.ts): integer minor units formatted and parsed as
// text, never through floating point. No browser: the module is compiled with esbuild (Vite's
// own compiler) and imported directly.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';

let money;
let dir;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'candela-money-'));
  const outfile = join(dir, 'money.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../src/billing/money.ts', import.meta.url))],
    outfile,
    format: 'esm',
    logLevel: 'warning',
  });
  money = await import(pathToFileURL(outfile).href);
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('amounts in minor units are written with grouped major digits and the currency', () => {
  const cases = [
    [0, 'USD', '$0.00'],
    [5, 'USD', '$0.05'],
    [-5000, 'USD', '-$50.00'],
    [123456789, 'USD', '$1,234,567.89'],
    [9999999999999, 'USD', '$99,999,999,999.99'],
    [1234567, 'GBP', '£12,345.67'],
    [100, 'JPY', '¥100'],
    [1, 'KWD', '0.001 KWD'],
    [250000, 'CHF', '2,500.00 CHF'],
  ];
  for (const [minor, currency, text] of cases) assert.equal(money.formatMoney(minor, currency), text);
  // 0.1 + 0.2 style sums never happen: a figure that is not an exact integer is not money.
  assert.equal(money.formatMoney(0.1 + 0.2, 'USD'), '—');
  assert.equal(money.formatMoney(null, 'USD'), '—');
  assert.equal(money.formatAmount(-123456, 'USD'), '-1,234.56');
});

test('typed amounts become exact minor units or say what is wrong', () => {
  const good = [
    ['1234.56', 123456],
    ['1,234.5', 123450],
    ['$20', 2000],
    ['0.01', 1],
    ['5.', 500],
    ['00012.30', 1230],
    ['0.29', 29], // 0.29 * 100 is 28.999999999999996 in floating point
    ['99999999999.99', 9999999999999],
  ];
  for (const [text, minor] of good) assert.deepEqual(money.parseAmount(text, 'USD'), { minor }, text);
  assert.deepEqual(money.parseAmount('1500', 'JPY'), { minor: 1500 });
  const bad = [
    ['', 'Enter the amount.'],
    ['12.345', 'At most 2 decimals.'],
    ['abc', /Enter an amount such as/],
    ['-5', /Enter an amount such as/],
    ['1e3', /Enter an amount such as/],
    ['.5', /Enter an amount such as/],
    ['100000000000.00', 'The amount is too large.'],
  ];
  for (const [text, message] of bad) {
    const result = money.parseAmount(text, 'USD');
    assert.ok('error' in result, `${text} is refused`);
    if (message instanceof RegExp) assert.match(result.error, message);
    else assert.equal(result.error, message);
  }
  assert.deepEqual(money.parseAmount('12.5', 'JPY'), { error: 'JPY has no minor units.' });
});
