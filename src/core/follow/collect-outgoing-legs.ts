import type { Asset, Movement } from '../movement.js';

/** One leg a watched address really sent: the candidate for a derived entry. */
export interface OutgoingLeg {
  readonly movement: Movement;
  /** The leg's name as in movement ids: `native`, `trace0.1`, `txlog3`, `vout1`. */
  readonly leg: string;
  /** Recipient in display form, and its watchlist match key. */
  readonly recipient: string;
  readonly recipientKey: string;
  readonly amount: bigint;
  readonly asset: Asset;
}

/** Turns a display address of the chain into its match key; undefined when it is not an address of the chain. */
export type KeyOf = (display: string) => string | undefined;

/**
 * The legs of a movement that its watched address really sent (issue #11):
 * - EVM/Tron native and TRC-10 value out of it (it signed the transaction);
 * - internal transfers from traces whose `from` is it (its contract code sent them);
 * - ERC-20/721/1155, TRC-20 and ledger-chain token/NFT legs only when it signed the transaction (`txFrom`):
 *   anyone can emit a `Transfer` log naming any address, so a log alone
 *   (address poisoning, forged events) never creates an entry;
 * - Bitcoin family: the outputs of a transaction spending its coins, except change back to it.
 * Incoming legs, activity and zero amounts give nothing.
 */
export function collectOutgoingLegs(m: Movement, keyOf: KeyOf): OutgoingLeg[] {
  if (m.direction === 'in' || m.blockNumber === null) return [];
  const leg = legOf(m);
  switch (m.kind) {
    case 'activity':
      return [];
    case 'native':
    case 'internal':
    case 'trx':
    case 'trc10':
      return m.direction === 'out' ? single(m, leg, keyOf) : [];
    case 'erc20':
    case 'erc721':
    case 'erc1155':
    case 'trc20':
    case 'token':
    case 'nft': {
      if (m.direction !== 'out' || typeof m.from !== 'string' || typeof m.txFrom !== 'string') return [];
      if (m.txFrom.toLowerCase() !== m.from.toLowerCase()) return [];
      return single(m, leg, keyOf);
    }
    case 'btc': {
      const own = m.watchedAddress.toLowerCase();
      const legs: OutgoingLeg[] = [];
      for (const o of m.outputs ?? []) {
        if (o.address === null || o.amount <= 0n || o.address.toLowerCase() === own) continue;
        const key = keyOf(o.address);
        if (key === undefined) continue;
        legs.push({ movement: m, leg: `vout${o.vout}`, recipient: o.address, recipientKey: key, amount: o.amount, asset: m.asset });
      }
      return legs;
    }
  }
}

function single(m: Movement, leg: string, keyOf: KeyOf): OutgoingLeg[] {
  if (typeof m.to !== 'string' || m.amount <= 0n) return [];
  const key = keyOf(m.to);
  if (key === undefined || m.to.toLowerCase() === m.watchedAddress.toLowerCase()) return [];
  return [{ movement: m, leg, recipient: m.to, recipientKey: key, amount: m.amount, asset: m.asset }];
}

/**
 * The leg part of a movement id (`<chain>-<tx>-<leg>-<watched>`, see buildMovementId). The watched
 * segment is whatever key form the chain's matcher uses (Tron: hex), never containing '-', while legs
 * may (`txlog2-3`): the leg runs to the last '-'.
 */
export function legOf(m: Pick<Movement, 'id' | 'chain' | 'txHash'>): string {
  const head = `${m.chain}-${m.txHash.toLowerCase()}-`.replaceAll(':', '_');
  if (!m.id.startsWith(head)) return m.id;
  const rest = m.id.slice(head.length);
  const cut = rest.lastIndexOf('-');
  return cut > 0 ? rest.slice(0, cut) : rest;
}
