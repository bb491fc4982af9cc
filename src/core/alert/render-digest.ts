import { formatFollowPath } from '../follow/format-follow-path.js';
import { buildExplorerLink } from './build-explorer-link.js';
import { formatUsdHuman, formatUsdScaled, groupThousands, usdToScaled } from '../enrich/decimal.js';
import { SEVERITIES, type Movement, type Severity } from '../movement.js';
import { formatBaseUnits } from './format-amount.js';
import { formatHumanAmount } from './format-human-amount.js';
import { escapeHtml } from './render-email.js';
import { sanitizeHeaderValue } from './sanitize-header-value.js';

/** One movement in a digest, with the time it was fanned out (detection time). */
export interface DigestItem {
  readonly movement: Movement;
  readonly detectedAt: Date;
}

export interface RenderDigestOptions {
  /** settings.email.subjectPrefix; prepended when not empty. */
  readonly subjectPrefix: string;
  /** Explorer base URL per chain id (links for tx and addresses). */
  readonly explorerUrls: ReadonlyMap<string, string>;
  /** `incident=ronin-2022`: the group this email belongs to. */
  readonly groupLabels?: Readonly<Record<string, string>>;
}

export interface RenderedDigest {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * Renders one alert email for one or more movements of a group. One movement:
 *   [CRITICAL] Ronin Bridge exploiter: OUT 1,250.5 ETH ($4,210,000) → 3 addresses
 * Several (a digest): the count and the totals, then a table of every movement:
 *   [HIGH] Ronin Bridge exploiter: 50 movements, OUT 250 ETH ($750,000) → 50 addresses
 * Pure and deterministic: the same items give the same bytes.
 */
export function renderDigest(items: readonly DigestItem[], options: RenderDigestOptions): RenderedDigest {
  if (items.length === 0) throw new Error('renderDigest needs at least one movement');
  const movements = items.map((i) => i.movement);
  const severity = highestSeverity(movements);
  const who = whoOf(movements);
  const direction = directionOf(movements);
  const usd = totalUsd(movements);
  const unconfirmed = movements.every((m) => m.confirmations === 0) ? ' (unconfirmed)' : '';
  const count = movements.length > 1 ? `${movements.length} movements, ` : '';
  // Mixed directions: one total per direction (an inflow never offsets an outflow).
  const parts = (['out', 'in', 'self'] as const)
    .map((dir) => movements.filter((m) => m.direction === dir))
    .filter((ms) => ms.length > 0)
    .map((ms) => {
      const u = totalUsd(ms);
      return `${ms[0]!.direction.toUpperCase()} ${totalAmount(ms)}${u.known === 0 ? '' : ` (${formatUsdHuman(u.total)}${u.unknown > 0 ? '+' : ''})`}`;
    });
  const core = `[${severity.toUpperCase()}] ${who}: ${count}${parts.join(', ')}${arrowOf(movements, direction)}${unconfirmed}`;
  const subject = sanitizeHeaderValue(options.subjectPrefix.trim() === '' ? core : `${options.subjectPrefix.trim()} ${core}`);

  const summary = [
    `${movements.length} movement${movements.length === 1 ? '' : 's'}`,
    usd.known === 0 ? 'USD value unknown' : `total ${formatUsdHuman(usd.total)}${usd.unknown > 0 ? ` (${usd.unknown} without a USD value)` : ''}`,
    `assets: ${assetTotals(movements).join(', ')}`,
    `${direction === 'IN' ? 'sources' : 'destinations'}: ${counterparties(movements).length}`,
  ].join('; ');
  const groupText = options.groupLabels === undefined ? '' : Object.entries(options.groupLabels).map(([k, v]) => `${k}=${v}`).join(', ');

  const rows = items.map(({ movement: m, detectedAt }) => {
    const explorer = options.explorerUrls.get(m.chain);
    return {
      time: detectedAt.toISOString().replace('T', ' ').slice(0, 19),
      chain: m.chain,
      direction: m.direction.toUpperCase() + (m.confirmations === 0 ? ' (mempool)' : ''),
      from: list(m.from),
      to: list(m.to),
      amount: formatHumanAmount(m),
      usd: m.enrichment?.usdValue == null ? '-' : `$${groupThousands(m.enrichment.usdValue)}`,
      severity: `${m.enrichment?.severity ?? 'medium'}${m.enrichment?.spoofed === true ? ' (spoofed)' : ''}${m.enrichment?.assetKnown === false ? ' (unlisted token)' : ''}`,
      tx: m.txHash,
      txLink: explorer === undefined ? undefined : buildExplorerLink(explorer, 'tx', m.txHash),
      explorer,
      fee: m.fee === undefined || m.fee === null ? undefined : `${formatBaseUnits(m.fee, m.asset.decimals)} ${m.asset.symbol}`,
      sentBy: typeof m.txFrom === 'string' ? m.txFrom : undefined,
      // The labelled other side (config/labels): what an exchange's compliance team looks for first.
      counterparty: m.counterparty === undefined ? undefined : { text: describeCounterparty(m.counterparty), address: m.counterparty.address, inbound: m.direction === 'in' },
    };
  });
  const entries = uniqueEntries(movements);

  const text = [
    `${sanitizeHeaderValue(who)}: ${summary}.`,
    ...(groupText === '' ? [] : [`Group: ${sanitizeHeaderValue(groupText)}`]),
    '',
    ...rows.flatMap((r) => [
      `- ${r.time} UTC  ${r.chain}  ${r.direction}  ${r.amount}  ${r.usd}  [${r.severity}]`,
      `  from ${clean(r.from)}`,
      `  to   ${clean(r.to)}`,
      // Who signed the transaction: a Transfer "from" a watched wallet in a transaction someone else sent may be forged.
      ...(r.sentBy === undefined ? [] : [`  Sent by: ${clean(r.sentBy)}`]),
      ...(r.counterparty === undefined ? [] : [`  ${r.counterparty.inbound ? 'From:' : 'To:'} ${clean(r.counterparty.text)} ${clean(r.counterparty.address)}`]),
      `  tx   ${r.txLink ?? r.tx}`,
      ...(r.fee === undefined ? [] : [`  fee  ${r.fee}`]),
    ]),
    '',
    'Watched entries:',
    ...entries.flatMap(({ chain, w }) => {
      const explorer = options.explorerUrls.get(chain);
      return [
        `- ${clean(w.label)} (${clean(w.incident)}) on ${chain}`,
        `  Address: ${clean(w.address)}${addressLink(explorer, w.address)}`,
        `  Source:  ${clean(w.source)}`,
        `  Tags:    ${w.tags.length > 0 ? w.tags.map(clean).join(', ') : '-'}`,
        // Follow the money (issue #11): how a derived address came to be watched.
        ...(formatFollowPath(w) !== undefined ? [`  Path:    ${clean(formatFollowPath(w)!)}`] : []),
      ];
    }),
    '',
    'Sent by chainwatch. Severity, USD value and grouping: see docs/alerts.md.',
    '',
  ].join('\n');

  const addr = (explorer: string | undefined, value: string): string =>
    value
      .split(', ')
      .map((a) => (a === '-' || a === '' ? escapeHtml(clean(a)) : htmlAddressLink(explorer, a)))
      .join(', ');
  const htmlRows = rows
    .map(
      (r) =>
        `<tr><td>${escapeHtml(r.time)}</td><td>${escapeHtml(r.chain)}</td><td>${escapeHtml(r.direction)}</td><td>${addr(r.explorer, r.from)}${r.counterparty?.inbound === true ? `<br><strong>${escapeHtml(clean(r.counterparty.text))}</strong>` : ''}</td><td>${addr(r.explorer, r.to)}${r.counterparty !== undefined && !r.counterparty.inbound ? `<br><strong>${escapeHtml(clean(r.counterparty.text))}</strong>` : ''}${r.sentBy === undefined ? '' : `<br><small>Sent by: ${addr(r.explorer, r.sentBy)}</small>`}</td><td>${escapeHtml(r.amount)}</td><td>${escapeHtml(r.usd)}</td><td>${escapeHtml(r.severity)}</td><td>${r.txLink === undefined ? escapeHtml(r.tx) : `<a href="${escapeHtml(r.txLink)}">${escapeHtml(r.tx)}</a>`}</td></tr>`,
    )
    .join('\n');
  const htmlEntries = entries
    .map(({ chain, w }) => {
      const explorer = options.explorerUrls.get(chain);
      const address = htmlAddressLink(explorer, w.address);
      const source = /^https?:\/\//i.test(w.source) ? `<a href="${escapeHtml(clean(w.source))}">${escapeHtml(clean(w.source))}</a>` : escapeHtml(clean(w.source));
      return `<li><strong>${escapeHtml(clean(w.label))}</strong> (${escapeHtml(clean(w.incident))}) on ${escapeHtml(chain)}<br>Address: ${address}<br>Source: ${source}<br>Tags: ${escapeHtml(w.tags.length > 0 ? w.tags.map(clean).join(', ') : '-')}${formatFollowPath(w) !== undefined ? `<br>Path: ${escapeHtml(clean(formatFollowPath(w)!))}` : ''}</li>`;
    })
    .join('\n');
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p><strong>${escapeHtml(clean(who))}</strong>: ${escapeHtml(summary)}.</p>`,
    ...(groupText === '' ? [] : [`<p>Group: ${escapeHtml(clean(groupText))}</p>`]),
    '<table border="1" cellpadding="4" cellspacing="0">',
    '<tr><th>Time (UTC)</th><th>Chain</th><th>Direction</th><th>From</th><th>To</th><th>Amount</th><th>USD</th><th>Severity</th><th>Transaction</th></tr>',
    htmlRows,
    '</table>',
    `<h3>Watched entries</h3>\n<ul>\n${htmlEntries}\n</ul>`,
    '<p>Sent by chainwatch.</p>',
    '</body></html>',
    '',
  ].join('\n');
  return { subject, text, html };
}

function clean(v: string): string {
  return sanitizeHeaderValue(v);
}


function list(v: string | readonly string[]): string {
  return typeof v === 'string' ? v : v.length === 0 ? '-' : v.join(', ');
}

function highestSeverity(ms: readonly Movement[]): Severity {
  let best = 0;
  for (const m of ms) best = Math.max(best, SEVERITIES.indexOf(m.enrichment?.severity ?? 'medium'));
  return SEVERITIES[best] ?? 'medium';
}

/** The label when every movement shares it, else the incident, else the watched address. */
function whoOf(ms: readonly Movement[]): string {
  const labels = new Set(ms.map((m) => m.watchlist[0]?.label ?? ''));
  const [label] = labels;
  if (labels.size === 1 && label !== undefined && label !== '') return sanitizeHeaderValue(label);
  const incidents = new Set(ms.map((m) => m.watchlist[0]?.incident ?? ''));
  const [incident] = incidents;
  if (incidents.size === 1 && incident !== undefined && incident !== '') return sanitizeHeaderValue(incident);
  return `${new Set(ms.map((m) => m.watchedAddress)).size} watched addresses`;
}

function directionOf(ms: readonly Movement[]): string {
  const dirs = new Set(ms.map((m) => m.direction.toUpperCase()));
  return dirs.size === 1 ? [...dirs][0]! : [...dirs].sort().join('/');
}

function assetTotals(ms: readonly Movement[]): string[] {
  const sums = new Map<string, { sample: Movement; amount: bigint; count: number }>();
  for (const m of ms) {
    const key = `${m.chain}|${m.asset.contract ?? ''}|${m.asset.symbol}|${m.kind === 'erc721' || m.kind === 'erc1155' || m.kind === 'nft' ? 'nft' : 'ft'}`;
    const s = sums.get(key);
    if (s === undefined) sums.set(key, { sample: m, amount: m.amount, count: 1 });
    else sums.set(key, { ...s, amount: s.amount + m.amount, count: s.count + 1 });
  }
  return [...sums.values()].map(({ sample, amount, count }) =>
    sample.kind === 'erc721' || sample.kind === 'erc1155' || sample.kind === 'nft' ? `${count} x ${formatHumanAmount(sample)}` : formatHumanAmount({ ...sample, amount }),
  );
}

function totalAmount(ms: readonly Movement[]): string {
  const totals = assetTotals(ms);
  if (totals.length === 1) return totals[0]!;
  if (totals.length === 2) return totals.join(' + ');
  return `${totals.length} assets`;
}

function totalUsd(ms: readonly Movement[]): { total: string; known: number; unknown: number } {
  let sum = 0n;
  let known = 0;
  for (const m of ms) {
    const v = m.enrichment?.usdValue;
    if (v === undefined || v === null) continue;
    sum += usdToScaled(v);
    known++;
  }
  return { total: formatUsdScaled(sum), known, unknown: ms.length - known };
}

function counterparties(ms: readonly Movement[]): string[] {
  const out = new Set<string>();
  for (const m of ms) {
    const side = m.direction === 'in' ? m.from : m.to;
    for (const a of typeof side === 'string' ? [side] : side) if (a !== '' && a.toLowerCase() !== m.watchedAddress.toLowerCase()) out.add(a);
  }
  return [...out];
}

/** `Binance 14 (exchange)`. */
function describeCounterparty(c: NonNullable<Movement['counterparty']>): string {
  return `${c.label} (${c.category})`;
}

function arrowOf(ms: readonly Movement[], direction: string): string {
  if (direction !== 'OUT' && direction !== 'IN') return '';
  // Every movement reaches the same labelled counterparty: name it rather than its address.
  const labelled = new Set(ms.map((m) => (m.counterparty === undefined ? '' : describeCounterparty(m.counterparty))));
  const [only] = labelled;
  if (labelled.size === 1 && only !== undefined && only !== '') return direction === 'OUT' ? ` → ${only}` : ` ← ${only}`;
  const parties = counterparties(ms);
  if (parties.length === 0) return '';
  const what = parties.length === 1 ? shorten(parties[0]!) : `${parties.length} addresses`;
  return direction === 'OUT' ? ` → ${what}` : ` ← ${what}`;
}

function shorten(address: string): string {
  return address.length > 16 ? `${address.slice(0, 6)}…${address.slice(-4)}` : address;
}

function uniqueEntries(ms: readonly Movement[]): { chain: string; w: Movement['watchlist'][number] }[] {
  const seen = new Map<string, { chain: string; w: Movement['watchlist'][number] }>();
  for (const m of ms) for (const w of m.watchlist) {
    const key = `${m.chain}|${w.address.toLowerCase()}|${w.incident}`;
    if (!seen.has(key)) seen.set(key, { chain: m.chain, w });
  }
  return [...seen.values()];
}

function addressLink(explorer: string | undefined, address: string): string {
  const url = buildExplorerLink(explorer, 'address', address);
  return url === undefined ? '' : `  ${url}`;
}

function htmlAddressLink(explorer: string | undefined, address: string): string {
  const url = buildExplorerLink(explorer, 'address', address);
  return url === undefined ? escapeHtml(clean(address)) : `<a href="${escapeHtml(url)}">${escapeHtml(clean(address))}</a>`;
}
