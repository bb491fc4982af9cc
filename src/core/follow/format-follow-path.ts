import type { WatchlistRef } from '../movement.js';

/** `0xab12…cd34`-style short form for paths in emails (the full path is in the webhook and `follow show`). */
export function shortenAddress(address: string): string {
  const head = address.startsWith('0x') ? 6 : 5;
  return address.length <= head + 6 ? address : `${address.slice(0, head)}…${address.slice(-4)}`;
}

/**
 * The path an alert shows for a derived entry (issue #11):
 * "Ronin Bridge exploiter → 0xab12…cd34 → 0xcd34…ef56, hop 2". The root is named by
 * its label, the others shortened. undefined for listed entries (hop 0).
 */
export function formatFollowPath(ref: Pick<WatchlistRef, 'label' | 'hop' | 'path'>): string | undefined {
  if (ref.hop === undefined || ref.path === undefined || ref.path.length < 2) return undefined;
  const [, ...rest] = ref.path;
  return `${[ref.label, ...rest.map(shortenAddress)].join(' → ')}, hop ${ref.hop}`;
}
