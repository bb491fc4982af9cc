import { formatFollowPath } from '../follow/format-follow-path.js';
import { buildExplorerLink } from './build-explorer-link.js';
import type { Movement } from '../movement.js';
import { formatAmount, formatBaseUnits } from './format-amount.js';

export interface RenderedEmail {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface RenderEmailOptions {
  /** settings.email.subjectPrefix, e.g. "[chainwatch]". */
  readonly subjectPrefix: string;
  /** The chain's explorer base URL (settings.chains.get(chain).explorerUrl), if any. */
  readonly explorerUrl?: string | undefined;
}

/**
 * Renders the alert email for one movement. Watchlist labels come from
 * operator files and imported public lists, so they are untrusted: CR/LF and
 * other control characters are removed from everything (no header injection,
 * no forged lines in the text part), and the HTML part escapes every value.
 */
export function renderEmail(m: Movement, options: RenderEmailOptions): RenderedEmail {
  const unconfirmed = m.confirmations === 0;
  const direction = m.direction.toUpperCase();
  const amount = formatAmount(m);
  const first = m.watchlist[0];
  const who =
    first === undefined
      ? oneLine(m.watchedAddress)
      : `${oneLine(first.incident)} (${oneLine(first.label)})${m.watchlist.length > 1 ? ` +${m.watchlist.length - 1} more` : ''}`;
  const subject = oneLine(
    `${options.subjectPrefix} ${unconfirmed ? 'UNCONFIRMED ' : ''}${who}: ${direction} ${amount} on ${m.chain}${unconfirmed ? ' (mempool)' : ''}`,
  ).trim();

  const explorerLink = buildExplorerLink(options.explorerUrl, 'tx', m.txHash);
  const rows: [string, string][] = [
    ['Status', unconfirmed ? 'UNCONFIRMED (seen in mempool, not yet in a block)' : 'confirmed'],
    ['Chain', m.chain],
    ['Direction', direction],
    ['Amount', amount],
    ['Asset', m.asset.contract === null ? `${m.asset.symbol} (native)` : `${m.asset.symbol} (${m.asset.contract})`],
    ...(m.tokenId !== null ? ([['Token ID', m.tokenId.toString()]] as [string, string][]) : []),
    ['Block', m.blockNumber === null ? 'pending' : `${m.blockNumber}${m.blockHash === null ? '' : ` (${m.blockHash})`}`],
    ['Confirmations', String(m.confirmations)],
    ['Transaction', m.txHash],
    ['From', joinAddresses(m.from)],
    ['To', joinAddresses(m.to)],
    // The labelled other side (config/labels, issue #11).
    ...(m.counterparty !== undefined ? ([['Counterparty', `${m.counterparty.label} (${m.counterparty.category}) ${m.counterparty.address}`]] as [string, string][]) : []),
    // Who signed the transaction: a Transfer "from" a watched wallet in a transaction someone else sent may be forged.
    ...(typeof m.txFrom === 'string' ? ([['Sent by', m.txFrom]] as [string, string][]) : []),
    ...(m.fee !== undefined && m.fee !== null ? ([['Fee', `${formatBaseUnits(m.fee, m.asset.decimals)} ${m.asset.symbol}`]] as [string, string][]) : []),
    ...(explorerLink !== undefined ? ([['Explorer', explorerLink]] as [string, string][]) : []),
    ['Movement id', m.id],
  ];
  const outputs = m.outputs ?? [];

  const text = [
    `Funds moved at a watched address on ${oneLine(m.chain)}.`,
    '',
    ...rows.map(([k, v]) => `${`${k}:`.padEnd(15)}${oneLine(v)}`),
    ...(outputs.length > 0
      ? ['', 'Outputs:', ...outputs.map((o) => `- vout ${o.vout}: ${oneLine(o.address ?? '(no address)')} ${formatBaseUnits(o.amount, m.asset.decimals)} ${oneLine(m.asset.symbol)}`)]
      : []),
    '',
    'Watchlist matches:',
    ...m.watchlist.flatMap((w) => [
      `- ${oneLine(w.label)}`,
      `  Incident: ${oneLine(w.incident)}`,
      `  Address:  ${oneLine(w.address)}`,
      `  Source:   ${oneLine(w.source)}`,
      `  Tags:     ${w.tags.length > 0 ? w.tags.map(oneLine).join(', ') : '-'}`,
      // Follow the money (issue #11): how this address came to be watched.
      ...pathLines(w).map((l) => `  ${l}`),
    ]),
    '',
  ].join('\n');

  const htmlRows = rows
    .map(([k, v]) => {
      const value = k === 'Explorer' ? `<a href="${escapeHtml(v)}">${escapeHtml(v)}</a>` : escapeHtml(oneLine(v));
      return `<tr><th align="left">${escapeHtml(k)}</th><td>${value}</td></tr>`;
    })
    .join('\n');
  const htmlOutputs =
    outputs.length === 0
      ? ''
      : `<h3>Outputs</h3>\n<ul>\n${outputs
          .map((o) => `<li>vout ${o.vout}: ${escapeHtml(oneLine(o.address ?? '(no address)'))} ${escapeHtml(formatBaseUnits(o.amount, m.asset.decimals))} ${escapeHtml(oneLine(m.asset.symbol))}</li>`)
          .join('\n')}\n</ul>`;
  const htmlMatches = m.watchlist
    .map(
      (w) =>
        `<li><strong>${escapeHtml(oneLine(w.label))}</strong><br>Incident: ${escapeHtml(oneLine(w.incident))}<br>Address: ${escapeHtml(oneLine(w.address))}<br>Source: ${escapeHtml(oneLine(w.source))}<br>Tags: ${escapeHtml(w.tags.length > 0 ? w.tags.map(oneLine).join(', ') : '-')}${pathLines(w).map((l) => `<br>${escapeHtml(l)}`).join('')}</li>`,
    )
    .join('\n');
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p>Funds moved at a watched address on ${escapeHtml(oneLine(m.chain))}.</p>`,
    `<table>\n${htmlRows}\n</table>`,
    htmlOutputs,
    `<h3>Watchlist matches</h3>\n<ul>\n${htmlMatches}\n</ul>`,
    '</body></html>',
    '',
  ]
    .filter((s) => s !== '')
    .join('\n');

  return { subject, text, html };
}

/** `<explorerUrl>/tx/<txHash>`, or undefined when the chain has no explorer configured. */
/** Removes CR, LF and every other control character (header injection, forged lines). */
export function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

function joinAddresses(v: string | readonly string[]): string {
  return typeof v === 'string' ? v : v.length === 0 ? '-' : v.join(', ');
}

/** `Path:` and `Via:` lines of a derived entry (none for listed entries). */
function pathLines(w: Movement['watchlist'][number]): string[] {
  const path = formatFollowPath(w);
  if (path === undefined) return [];
  return [`Path:     ${oneLine(path)}`, ...(w.via !== undefined ? [`Via:      ${oneLine(w.via.address)} in ${oneLine(w.via.txHash)}`] : [])];
}
