import { hash256 } from '../../src/core/btc/hash256.js';

/**
 * Serializes transactions and blocks in Bitcoin's legacy (pre-segwit) layout,
 * which Bitcoin Cash and Dogecoin keep, to construct blocks the recorded
 * fixtures lack (a CashTokens output paying a watched address). Tests only.
 */
export interface LegacyTxInput {
  /** Display hex txid of the outpoint spent; all zeros for a coinbase. */
  readonly txid: string;
  readonly vout: number;
  readonly script: Buffer;
}

export interface LegacyTxOutput {
  readonly value: bigint;
  /** The whole script field, token prefix included. */
  readonly script: Buffer;
}

function compactSize(n: number): Buffer {
  if (n < 0xfd) return Buffer.from([n]);
  const b = Buffer.alloc(3);
  b[0] = 0xfd;
  b.writeUInt16LE(n, 1);
  return b;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

export function serializeLegacyTx(ins: readonly LegacyTxInput[], outs: readonly LegacyTxOutput[], version = 2): Buffer {
  const parts: Buffer[] = [u32(version), compactSize(ins.length)];
  for (const i of ins) parts.push(Buffer.from(i.txid, 'hex').reverse(), u32(i.vout), compactSize(i.script.length), i.script, u32(0xffffffff));
  parts.push(compactSize(outs.length));
  for (const o of outs) {
    const value = Buffer.alloc(8);
    value.writeBigUInt64LE(o.value);
    parts.push(value, compactSize(o.script.length), o.script);
  }
  parts.push(u32(0));
  return Buffer.concat(parts);
}

export function txidOf(tx: Buffer): string {
  return hash256(tx).reverse().toString('hex');
}

/** A block on top of `parentHash` holding `txs` (the first must be a coinbase), with its merkle root computed. */
export function buildLegacyBlock(parentHash: string, txs: readonly Buffer[], time: number): { raw: Buffer; hash: string } {
  let level = txs.map((t) => hash256(t));
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(hash256(Buffer.concat([level[i]!, level[i + 1] ?? level[i]!])));
    level = next;
  }
  const header = Buffer.concat([u32(0x20000000), Buffer.from(parentHash, 'hex').reverse(), level[0]!, u32(time), u32(0x18034a3c), u32(0)]);
  const raw = Buffer.concat([header, compactSize(txs.length), ...txs]);
  return { raw, hash: hash256(header).reverse().toString('hex') };
}
