import type { TronBlockData } from './tron-block-data.js';

/** ERC-20/TRC-20 `Transfer(address indexed from, address indexed to, uint256 value)` topic. */
export const TRANSFER_TOPIC = 'ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

export type TronLegKind = 'trx' | 'trc10' | 'trc20' | 'internal';

/** One value transfer inside a Tron transaction, before matching. Addresses are match keys. */
export interface TronLeg {
  readonly txHash: string;
  /** Part of the transaction, for the movement id: native, trc10, log3, internal2, internal2-trc10. */
  readonly leg: string;
  readonly kind: TronLegKind;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
  /** TRC-20 contract (match key) for trc20 legs. */
  readonly tokenContract: string | null;
  /** TRC-10 asset id for trc10 legs. */
  readonly assetId: string | null;
  readonly logIndex: number | null;
  readonly tracePosition: string | null;
  /** The transaction's signer. */
  readonly owner: string;
}

/**
 * Every value transfer of a block (pure), watched or not:
 * - TransferContract: TRX; TransferAssetContract: TRC-10 with its asset id;
 * - TriggerSmartContract: the TRX (call_value) and TRC-10 (call_token_value) sent with the call;
 * - TRC-20 `Transfer` logs with 3 topics and a 32-byte value (4 topics is a TRC-721 token id: not a fungible amount);
 * - internal transactions of contracts that carried TRX or TRC-10 (rejected ones are already dropped).
 * A failed transaction moved nothing and yields no legs. Zero amounts are no movement.
 */
export function collectTronLegs(block: TronBlockData): TronLeg[] {
  const legs: TronLeg[] = [];
  for (const tx of block.transactions) {
    if (!tx.success) continue;
    const { contract } = tx;
    const base = { txHash: tx.hash, owner: contract.owner, tokenContract: null, assetId: null, logIndex: null, tracePosition: null };
    if (contract.to !== null && contract.trxAmount > 0n) {
      legs.push({ ...base, leg: 'native', kind: 'trx', from: contract.owner, to: contract.to, amount: contract.trxAmount });
    }
    if (contract.to !== null && contract.trc10 !== null && contract.trc10.amount > 0n) {
      legs.push({ ...base, leg: 'trc10', kind: 'trc10', from: contract.owner, to: contract.to, amount: contract.trc10.amount, assetId: contract.trc10.assetId });
    }
    for (const log of tx.logs) {
      if (log.topics.length !== 3 || log.topics[0] !== TRANSFER_TOPIC || log.data.length !== 64) continue;
      const amount = BigInt(`0x${log.data}`);
      if (amount === 0n) continue;
      legs.push({
        ...base,
        leg: `log${log.index}`,
        kind: 'trc20',
        from: `41${log.topics[1]!.slice(24)}`,
        to: `41${log.topics[2]!.slice(24)}`,
        amount,
        tokenContract: log.address,
        logIndex: log.index,
      });
    }
    for (const itx of tx.internals) {
      const trc10 = itx.assetId !== null;
      legs.push({
        ...base,
        leg: trc10 ? `internal${itx.index}-trc10` : `internal${itx.index}`,
        kind: trc10 ? 'trc10' : 'internal',
        from: itx.from,
        to: itx.to,
        amount: itx.amount,
        assetId: itx.assetId,
        tracePosition: String(itx.index),
      });
    }
  }
  return legs;
}
