import type { Network } from 'bitcoinjs-lib';
import { buildMovementId, type Asset, type BtcOutputRef, type Movement, type WatchlistRef } from '../movement.js';
import type { WatchlistIndex } from '../watchlist.js';
import { outpointKey, type BitcoinTx } from './bitcoin-block.js';
import { buildBitcoinAddress } from './build-bitcoin-address.js';
import { buildInputAddress } from './build-input-address.js';
import type { RememberedOutpoint } from './outpoint-store.js';

export const BTC_ASSET: Asset = { contract: null, symbol: 'BTC', decimals: 8 };

export interface MatchBitcoinTransactionsInput {
  readonly chain: string;
  readonly network: Network;
  /** Transactions in block order (an input may spend an output created earlier in the list). */
  readonly txs: readonly BitcoinTx[];
  readonly index: WatchlistIndex;
  /** Remembered outpoints among the inputs' outpoints (from the OutpointStore). */
  readonly remembered: ReadonlyMap<string, RememberedOutpoint>;
  /** null for mempool transactions. */
  readonly block: { readonly number: number; readonly hash: string } | null;
  readonly confirmations: number;
  /** The chain's coin (utxoAsset): BTC unless given (LTC, DOGE, BCH). */
  readonly asset?: Asset;
}

export interface MatchBitcoinTransactionsResult {
  readonly movements: readonly Movement[];
  /** Outputs paying watched scripts, to remember for later spends. */
  readonly created: readonly RememberedOutpoint[];
}

interface Leg {
  readonly positions: number[];
  amount: bigint;
}

/**
 * Finds the movements of watched scripts in a list of transactions. Pure.
 *
 * - Payment in: per (tx, watched script) one `in` movement; amount = sum of
 *   the outputs paying it, `vout` = their positions, id leg `vout<first>`.
 * - Spend out: per (tx, watched script) one `out` movement; amount = total of
 *   the remembered outpoints it spends, `vin` = their positions, `outputs` =
 *   every output of the tx, `fee` = inputs - outputs when every input's value
 *   is known (all remembered), else null; id leg `vin<first>`.
 * - Self: a tx that spends from a watched script AND pays it back (change) is
 *   ONE `self` movement with the spend's id, amount and fields, plus `vout`
 *   listing the outputs back to it. No separate `in` movement is emitted, so
 *   an operator gets one alert per coin movement, not two.
 *
 * Hot path cost: one index lookup per output (by the script's bytes when the
 * scan kept them: no hex string per output) and one map lookup per input
 * (outpoint); addresses are built only for matched transactions.
 */
export function matchBitcoinTransactions(input: MatchBitcoinTransactionsInput): MatchBitcoinTransactionsResult {
  const { chain, index, remembered } = input;
  const movements: Movement[] = [];
  const created: RememberedOutpoint[] = [];
  // Outpoints created earlier in this list, so a same-block spend needs no store round trip.
  const local = new Map<string, RememberedOutpoint>();
  for (const tx of input.txs) {
    let received: Map<string, Leg> | undefined;
    for (let vout = 0; vout < tx.outs.length; vout++) {
      const out = tx.outs[vout]!;
      const hit = out.block !== undefined && index.lookupHex !== undefined
        ? index.lookupHex(chain, out.block, out.scriptStart!, out.scriptEnd!)
        : index.lookup(chain, out.scriptHex);
      if (hit === undefined) continue;
      received ??= new Map();
      const leg = received.get(out.scriptHex);
      if (leg) {
        leg.positions.push(vout);
        leg.amount += out.value;
      } else {
        received.set(out.scriptHex, { positions: [vout], amount: out.value });
      }
    }
    let spent: Map<string, Leg> | undefined;
    let spentFrom: RememberedOutpoint[] | undefined;
    // With nothing remembered no input can spend a watched output (and hashing every outpoint key is skipped).
    if (!tx.coinbase && (local.size > 0 || remembered.size > 0)) {
      for (let vin = 0; vin < tx.ins.length; vin++) {
        const key = tx.ins[vin]!.outpoint;
        const known = local.get(key) ?? remembered.get(key);
        if (known === undefined) continue;
        (spentFrom ??= [])[vin] = known;
        if (index.lookup(chain, known.matchKey) === undefined) continue; // no longer watched
        spent ??= new Map();
        const leg = spent.get(known.matchKey);
        if (leg) {
          leg.positions.push(vin);
          leg.amount += known.value;
        } else {
          spent.set(known.matchKey, { positions: [vin], amount: known.value });
        }
      }
    }
    if (received === undefined && spent === undefined) continue;
    movements.push(...buildTxMovements(input, tx, received, spent, spentFrom ?? []));
    if (received) {
      for (const [matchKey, leg] of received) {
        const address = buildBitcoinAddress(matchKey, input.network);
        for (const vout of leg.positions) {
          const outpoint: RememberedOutpoint = { txid: tx.txid, vout, value: tx.outs[vout]!.value, matchKey, address };
          created.push(outpoint);
          local.set(outpointKey(tx.txid, vout), outpoint);
        }
      }
    }
  }
  return { movements, created };
}

function buildTxMovements(
  input: MatchBitcoinTransactionsInput,
  tx: BitcoinTx,
  received: ReadonlyMap<string, Leg> | undefined,
  spent: ReadonlyMap<string, Leg> | undefined,
  spentFrom: readonly (RememberedOutpoint | undefined)[],
): Movement[] {
  const { chain, network, index } = input;
  // Addresses are built only for the side a movement reports (encoding costs microseconds each, and a
  // matched exchange payout can have hundreds of outputs): outputs for spends, payers for payments.
  const outputs: BtcOutputRef[] = spent ? tx.outs.map((o, vout) => ({ vout, address: buildBitcoinAddress(o.scriptHex, network), amount: o.value })) : [];
  const toAddresses = unique(outputs.map((o) => o.address));
  const paidOnly = received !== undefined && [...received.keys()].some((k) => !spent?.has(k));
  const fromAddresses = paidOnly ? unique(tx.ins.map((input, vin) => spentFrom[vin]?.address ?? (tx.coinbase ? null : buildInputAddress(input, network)))) : [];
  let fee: bigint | null = null;
  // Without transparent inputs, or with shielded value (Zcash), transparent inputs minus outputs is no fee.
  if (!tx.coinbase && tx.shielded !== true && tx.ins.length > 0 && tx.ins.every((_, vin) => spentFrom[vin] !== undefined)) {
    const totalIn = spentFrom.reduce((sum, o) => sum + (o?.value ?? 0n), 0n);
    fee = totalIn - tx.outs.reduce((sum, o) => sum + o.value, 0n);
  }
  const base = {
    chain,
    kind: 'btc' as const,
    txHash: tx.txid,
    blockNumber: input.block?.number ?? null,
    blockHash: input.block?.hash ?? null,
    logIndex: null,
    asset: input.asset ?? BTC_ASSET,
    tokenId: null,
    confirmations: input.confirmations,
  };
  const movements: Movement[] = [];
  for (const [matchKey, leg] of spent ?? []) {
    const refs = index.lookup(chain, matchKey)!;
    const watchedAddress = displayAddress(matchKey, refs, network);
    const back = received?.get(matchKey);
    movements.push({
      ...base,
      id: buildMovementId(chain, tx.txid, `vin${leg.positions[0]!}`, watchedAddress),
      direction: back ? 'self' : 'out',
      vin: leg.positions,
      vout: back ? back.positions : null,
      from: [watchedAddress],
      to: toAddresses,
      amount: leg.amount,
      fee,
      outputs,
      watchedAddress,
      watchlist: refs,
    });
  }
  for (const [matchKey, leg] of received ?? []) {
    if (spent?.has(matchKey)) continue; // folded into the self movement above
    const refs = index.lookup(chain, matchKey)!;
    const watchedAddress = displayAddress(matchKey, refs, network);
    movements.push({
      ...base,
      id: buildMovementId(chain, tx.txid, `vout${leg.positions[0]!}`, watchedAddress),
      direction: 'in',
      vout: leg.positions,
      vin: null,
      from: fromAddresses,
      to: [watchedAddress],
      amount: leg.amount,
      fee,
      outputs: null,
      watchedAddress,
      watchlist: refs,
    });
  }
  return movements;
}

function displayAddress(matchKey: string, refs: readonly WatchlistRef[], network: Network): string {
  return buildBitcoinAddress(matchKey, network) ?? refs[0]?.address ?? matchKey;
}

function unique(values: readonly (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
