/** Amounts and times in the reader's locale (Intl), from base-unit decimal strings without losing precision. */
const locale = navigator.language;
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' });
const integer = new Intl.NumberFormat(locale);
const usd = new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });

export function formatTime(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateTime.format(d);
}

export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (iso === null || iso === undefined) return '—';
  const s = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(s) < 60) return relative.format(s, 'second');
  if (Math.abs(s) < 3600) return relative.format(Math.round(s / 60), 'minute');
  return relative.format(Math.round(s / 3600), 'hour');
}

/** Base units to a decimal string (exact), then formatted for the locale with at most 6 fraction digits. */
export function formatAmount(baseUnits: string, decimals: number): string {
  const negative = baseUnits.startsWith('-');
  const digits = (negative ? baseUnits.slice(1) : baseUnits).padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = decimals > 0 ? digits.slice(digits.length - decimals).replace(/0+$/, '') : '';
  const exact = `${negative ? '-' : ''}${whole}${fraction !== '' ? `.${fraction}` : ''}`;
  const nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
  // Intl formats decimal strings exactly (no float rounding of large amounts).
  return (nf.format as (v: string) => string)(exact);
}

export function formatUsd(value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  return (usd.format as (v: string) => string)(value);
}

export function formatInt(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n);
}

export function shortAddress(a: string): string {
  return a.length > 16 ? `${a.slice(0, 8)}…${a.slice(-6)}` : a;
}

export function explorerTx(base: string | null | undefined, txHash: string): string | undefined {
  return base === null || base === undefined ? undefined : `${base.replace(/\/+$/, '')}/tx/${txHash}`;
}

export function addressPath(chain: string, address: string): string {
  return `/addresses/${encodeURIComponent(chain)}/${encodeURIComponent(address)}`;
}
