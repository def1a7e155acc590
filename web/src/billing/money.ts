// Money as the API carries it: integer minor units (`amount_minor`) and an ISO 4217 currency.
// The UI never does floating-point arithmetic on amounts: formatting splits the integer into
// major and minor digits as text, and parsing an amount the user typed ("1,234.56") builds the
// integer from its digits. Amounts stay below 10^13 minor units (the API's limit), far inside
// the range where JavaScript numbers are exact integers.

// Digits after the decimal point per currency (ISO 4217); 2 unless listed.
const exponents: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3 };
const symbols: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

export function minorDigits(currency: string): number {
  return exponents[currency.toUpperCase()] ?? 2;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// "1,234.56" for 123456 minor units of USD; "-50.00" for -5000. No symbol.
export function formatAmount(minor: number | null | undefined, currency = 'USD'): string {
  if (minor === null || minor === undefined || !Number.isSafeInteger(minor)) return '—';
  const exponent = minorDigits(currency);
  const negative = minor < 0;
  const digits = String(negative ? -minor : minor).padStart(exponent + 1, '0');
  const major = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${groupThousands(major)}${fraction}`;
}

// "$1,234.56", "-£50.00", "1,000 CHF" (symbol for common currencies, else the code after).
export function formatMoney(minor: number | null | undefined, currency = 'USD'): string {
  const amount = formatAmount(minor, currency);
  if (amount === '—') return amount;
  const symbol = symbols[currency.toUpperCase()];
  if (!symbol) return `${amount} ${currency.toUpperCase()}`;
  return amount.startsWith('-') ? `-${symbol}${amount.slice(1)}` : `${symbol}${amount}`;
}

// An amount the user typed, in major units ("1234.56", "1,234.5", "$20") → minor units, or an
// explanation of what is wrong. Only digits, one decimal point and grouping commas are allowed,
// with no more decimals than the currency has.
export function parseAmount(text: string, currency = 'USD'): { minor: number } | { error: string } {
  const exponent = minorDigits(currency);
  if (text.trim() === '') return { error: 'Enter the amount.' };
  const cleaned = text
    .trim()
    .replace(/^[$€£¥]/, '')
    .replace(/,/g, '');
  const m = /^(\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!m) return { error: 'Enter an amount such as 1234.56 (digits and one decimal point).' };
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) {
    return { error: exponent === 0 ? `${currency} has no minor units.` : `At most ${exponent} decimals.` };
  }
  const digits = (m[1]! + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 13) return { error: 'The amount is too large.' };
  return { minor: Number.parseInt(digits, 10) };
}
