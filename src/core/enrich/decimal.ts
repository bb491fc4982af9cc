/**
 * Money without floats: decimal strings <-> scaled bigints. USD values are
 * carried as bigint "micro-dollars" scaled by 10^USD_SCALE, so thresholds like
 * "0.5" or "100000" compare exactly with computed values.
 */
export const USD_SCALE = 8;
const USD_UNIT = 10n ** BigInt(USD_SCALE);

/** "1250.5" -> { units: 12505n, scale: 1 }; throws on anything but a plain non-negative decimal. */
export function parseDecimal(value: string): { readonly units: bigint; readonly scale: number } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (m === null) throw new Error(`not a decimal number: "${value}"`);
  const fraction = m[2] ?? '';
  return { units: BigInt(`${m[1]}${fraction}`), scale: fraction.length };
}

/** True for "100000", "0.5", "1.25" (what config accepts for amounts and prices). */
export function isDecimalString(value: string): boolean {
  return /^\d+(?:\.\d+)?$/.test(value.trim());
}

/** A human decimal amount ("1.5") to base units at `decimals`; extra fractional digits are truncated. */
export function decimalToBaseUnits(value: string, decimals: number): bigint {
  const { units, scale } = parseDecimal(value);
  return scale <= decimals ? units * 10n ** BigInt(decimals - scale) : units / 10n ** BigInt(scale - decimals);
}

/** A USD decimal string to micro-dollars (10^-8). */
export function usdToScaled(value: string): bigint {
  return decimalToBaseUnits(value, USD_SCALE);
}

/**
 * amount (base units at `decimals`) x price (answer at `priceDecimals`) in
 * micro-dollars, truncated: amount * answer * 10^8 / 10^(decimals + priceDecimals).
 */
export function valueInUsdScaled(amount: bigint, decimals: number, answer: bigint, priceDecimals: number): bigint {
  const abs = amount < 0n ? -amount : amount;
  return (abs * answer * USD_UNIT) / 10n ** BigInt(decimals + priceDecimals);
}

/** Micro-dollars -> "1234.57" (2 decimals, half up), the `usdValue` wire form. */
export function formatUsdScaled(scaled: bigint): string {
  const cents = (scaled + 10n ** BigInt(USD_SCALE - 2) / 2n) / 10n ** BigInt(USD_SCALE - 2);
  const whole = cents / 100n;
  const frac = (cents % 100n).toString().padStart(2, '0');
  return `${whole.toString()}.${frac}`;
}

/** "1234567.891" -> "1,234,567.891": thousands separators on the whole part only. */
export function groupThousands(decimal: string): string {
  const negative = decimal.startsWith('-');
  const body = negative ? decimal.slice(1) : decimal;
  const [whole = '0', fraction] = body.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/**
 * A USD decimal string for people: "$4,210,000" (whole dollars, rounded half
 * up) at $100 and above, "$12.34" below, "<$0.01" for dust above zero.
 */
export function formatUsdHuman(usd: string): string {
  const scaled = usdToScaled(usd);
  if (scaled === 0n) return '$0';
  if (scaled < USD_UNIT / 100n) return '<$0.01';
  if (scaled >= 100n * USD_UNIT) {
    const dollars = (scaled + USD_UNIT / 2n) / USD_UNIT;
    return `$${groupThousands(dollars.toString())}`;
  }
  return `$${groupThousands(formatUsdScaled(scaled))}`;
}
