/**
 * Zcash through the UTXO engine, on real mainnet blocks recorded by Zebra (test/fixtures/zcash/NOTES.md): the
 * Equihash header hashed whole, every transaction format (v1/v2 Sprout with JoinSplits, v3 Overwinter, v4
 * Sapling, v5 NU5 with Sapling and Orchard bundles), txids by double SHA-256 (v1–v4) or ZIP-244 (v5).
 * Independent checks: the ZIP-244 test vectors (txids of v5 transactions), the merkle root in each header
 * (every txid of the block), the header's own proof of work and the successor block's parent hash (the
 * block hash), and Zebra's RPC snapshot of block 1 (txid, output script, address).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildBitcoinAddress } from '../../../src/core/btc/build-bitcoin-address.js';
import { parseBitcoinBlock } from '../../../src/core/btc/parse-bitcoin-block.js';
import { parseBitcoinTransaction } from '../../../src/core/btc/parse-bitcoin-transaction.js';
import { readEquihashHeader } from '../../../src/core/btc/read-equihash-header.js';
import { utxoBlockRules, utxoNetwork } from '../../../src/core/btc/utxo-chain.js';
import { RetryableError } from '../../../src/core/errors.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/zcash/${name}`, import.meta.url));
const block = (name: string): Buffer => Buffer.from(readFileSync(fixture(name), 'utf8').trim(), 'hex');
const rules = utxoBlockRules('zcash');

function failure(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RetryableError ? err.code : `not retryable: ${String(err)}`;
  }
  return undefined;
}

/** The header's proof-of-work target from nBits (compact form), as a bigint. */
function target(raw: Buffer): bigint {
  const bits = raw.readUInt32LE(100);
  return BigInt(bits & 0x007fffff) << BigInt(8 * ((bits >>> 24) - 3));
}

/** Heights and the era each recorded block stands for (Zebra's zebra-test/src/vectors/block.rs). */
const BLOCKS = [
  [1, 'block-main-0-000-001.txt', 'Sprout: v1 coinbase paying the founders\' reward to t3'],
  [396, 'block-main-0-000-396.txt', 'Sprout: the first JoinSplit (v2)'],
  [347_501, 'block-main-0-347-501.txt', 'Overwinter: v3'],
  [419_201, 'block-main-0-419-201.txt', 'Sapling: v4 with Sapling outputs'],
  [419_202, 'block-main-0-419-202.txt', 'Sapling: v4'],
  [1_687_106, 'block-main-1-687-106.txt', 'NU5: first Sapling-to-Sapling v5'],
  [1_687_107, 'block-main-1-687-107.txt', 'NU5: first transparent-to-Sapling v5 and Sapling-to-Orchard'],
  [1_687_108, 'block-main-1-687-108.txt', 'NU5: first transparent v5'],
  [1_687_118, 'block-main-1-687-118.txt', 'NU5: Sapling to Sapling and Orchard'],
  [1_687_121, 'block-main-1-687-121.txt', 'NU5: first Orchard-to-Orchard'],
] as const;

describe.each(BLOCKS)('Zcash mainnet block %i (%s)', (height, file) => {
  const raw = block(file);
  const header = readEquihashHeader(raw, file);

  it('has a real proof of work: the hash of the whole header (1344-byte solution included) is below its target', () => {
    expect(raw.subarray(140, 143).toString('hex')).toBe('fd4005'); // compactSize 1344: Equihash(200,9)
    expect(BigInt(`0x${header.hash}`) <= target(raw)).toBe(true);
  });

  it('parses with every transaction id committing to the header\'s merkle root, and consumes every byte', () => {
    const parsed = parseBitcoinBlock(raw, { height, hash: header.hash }, rules);
    expect(parsed.header).toEqual({ number: height, hash: header.hash, parentHash: Buffer.from(raw.subarray(4, 36)).reverse().toString('hex') });
    expect(parsed.txs[0]!.coinbase).toBe(true);
    expect(parsed.txs.slice(1).every((t) => !t.coinbase)).toBe(true);
    expect(new Set(parsed.txs.map((t) => t.txid)).size).toBe(parsed.txs.length);
  });

  it('is an error, never a partial result, when a byte is missing or added, or read with Bitcoin\'s rules', () => {
    const expected = { height, hash: header.hash };
    expect(failure(() => parseBitcoinBlock(raw.subarray(0, raw.length - 1), expected, rules))).toBe('BTC_BLOCK_CORRUPT');
    expect(failure(() => parseBitcoinBlock(Buffer.concat([raw, Buffer.from([0])]), expected, rules))).toBe('BTC_BLOCK_CORRUPT');
    expect(failure(() => parseBitcoinBlock(raw, expected, utxoBlockRules('bitcoin-gold')))).toBe('BTC_BLOCK_CORRUPT');
  });
});

describe('block hashes are the chain\'s own', () => {
  it.each([
    ['block-main-1-687-106.txt', 'block-main-1-687-107.txt'],
    ['block-main-1-687-107.txt', 'block-main-1-687-108.txt'],
    ['block-main-0-419-201.txt', 'block-main-0-419-202.txt'],
  ])('%s hashes to the parent hash that %s names', (parentFile, childFile) => {
    const child = block(childFile);
    expect(readEquihashHeader(block(parentFile), parentFile).hash).toBe(Buffer.from(child.subarray(4, 36)).reverse().toString('hex'));
  });

  it('a changed solution byte changes the hash (the solution is part of the header)', () => {
    const raw = block('block-main-1-687-108.txt');
    const hash = readEquihashHeader(raw, 'x').hash;
    const tampered = Buffer.from(raw);
    tampered[143 + 500] = tampered[143 + 500]! ^ 0x01;
    expect(failure(() => parseBitcoinBlock(tampered, { height: 1_687_108, hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
  });
});

describe('hostile bytes: no single changed byte crashes the parse or changes what is matched', () => {
  // Every 61st byte of blocks of each era: the parse either refuses the block (BTC_BLOCK_CORRUPT, retried) or,
  // when the byte is outside what the txids commit to (v5 proofs and signatures, ZIP-244), returns the same
  // txids, outpoints and outputs. Never another error, never a different match.
  it.each(['block-main-0-000-396.txt', 'block-main-0-419-202.txt', 'block-main-1-687-108.txt', 'block-main-1-687-121.txt'])('%s', (file) => {
    const raw = block(file);
    const hash = readEquihashHeader(raw, file).hash;
    const summary = (b: ReturnType<typeof parseBitcoinBlock>): string => JSON.stringify(b.txs.map((t) => [t.txid, t.ins.map((i) => i.outpoint), t.outs.map((o) => [o.scriptHex, o.value.toString()])]));
    const original = summary(parseBitcoinBlock(raw, { height: 0, hash }, rules));
    let refused = 0;
    for (let at = 0; at < raw.length; at += 61) {
      const tampered = Buffer.from(raw);
      tampered[at] = tampered[at]! ^ 0x5a;
      try {
        expect(summary(parseBitcoinBlock(tampered, { height: 0, hash }, rules))).toBe(original);
      } catch (err) {
        expect(err instanceof RetryableError ? err.code : String(err)).toBe('BTC_BLOCK_CORRUPT');
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});

describe('shielded value is marked, so no fee is claimed from the transparent parts alone', () => {
  it('a coinbase-only Sprout block has no shielded transaction; block 1,687,108\'s tx 4 pays t1 out of the shielded pool', () => {
    const one = block('block-main-0-000-001.txt');
    expect(parseBitcoinBlock(one, { height: 1, hash: readEquihashHeader(one, 'x').hash }, rules).txs[0]!.shielded).toBeUndefined();
    const raw = block('block-main-1-687-108.txt');
    const tx = parseBitcoinBlock(raw, { height: 1_687_108, hash: readEquihashHeader(raw, 'x').hash }, rules).txs[4]!;
    expect(tx).toMatchObject({ shielded: true, ins: [] });
    expect(tx.outs).toHaveLength(1);
  });
});

describe('block 1 against Zebra\'s RPC snapshot (getaddressutxos)', () => {
  // zebra-rpc snapshot: the founders' reward of block 1 pays t3Vz22vK5z2LcKEdg16Yv4FFneEL1zg9ojd.
  const snapshot = readFileSync(fixture('get_address_utxos@mainnet_10.snap'), 'utf8');
  const utxos = JSON.parse(snapshot.slice(snapshot.indexOf('['))) as { address: string; txid: string; outputIndex: number; script: string; satoshis: number; height: number }[];

  it('the txid, output script, value and t3 address are the node\'s', () => {
    const raw = block('block-main-0-000-001.txt');
    const parsed = parseBitcoinBlock(raw, { height: 1, hash: readEquihashHeader(raw, 'x').hash }, rules);
    const utxo = utxos.find((u) => u.height === 1)!;
    expect(parsed.txs[0]!.txid).toBe(utxo.txid);
    const out = parsed.txs[0]!.outs[utxo.outputIndex]!;
    expect(out).toEqual({ scriptHex: utxo.script, value: BigInt(utxo.satoshis) });
    expect(buildBitcoinAddress(out.scriptHex, utxoNetwork('zcash', 'mainnet'))).toBe(utxo.address);
  });
});

describe('ZIP-244 test vectors (zcash-test-vectors zip_0244.json): v5 transactions and their txids', () => {
  const rows = (JSON.parse(readFileSync(fixture('zip_0244.json'), 'utf8')) as unknown[][]).slice(2) as [string, string, ...unknown[]][];

  it.each(rows.map((r, i) => [i, r[0], r[1]] as const))('vector %i parses exactly and hashes to its txid', (_i, txHex, txidInternal) => {
    // The vectors give txids in internal byte order; RPCs and chainwatch show them reversed.
    const txid = Buffer.from(txidInternal, 'hex').reverse().toString('hex');
    const tx = parseBitcoinTransaction(Buffer.from(txHex, 'hex'), txid, rules);
    expect(tx.txid).toBe(txid);
  });

  it('a transaction with a byte more, a byte less, or a changed effecting byte is refused', () => {
    const [txHex, txidInternal] = rows[0]!;
    const raw = Buffer.from(txHex, 'hex');
    const txid = Buffer.from(txidInternal, 'hex').reverse().toString('hex');
    expect(failure(() => parseBitcoinTransaction(Buffer.concat([raw, Buffer.from([0])]), txid, rules))).toBe('BTC_TX_CORRUPT');
    expect(failure(() => parseBitcoinTransaction(raw.subarray(0, raw.length - 1), txid, rules))).toBe('BTC_TX_CORRUPT');
    const lockTimeChanged = Buffer.from(raw);
    lockTimeChanged[12] = lockTimeChanged[12]! ^ 0x01; // nLockTime is part of the header digest
    expect(failure(() => parseBitcoinTransaction(lockTimeChanged, txid, rules))).toBe('BTC_TX_CORRUPT');
  });

  it('an unknown version or a wrong version group id is refused, not guessed', () => {
    const raw = Buffer.from(rows[0]![0], 'hex');
    const v6 = Buffer.from(raw);
    v6.writeUInt32LE(0x80000006, 0);
    expect(failure(() => parseBitcoinTransaction(v6, '00'.repeat(32), rules))).toBe('BTC_TX_CORRUPT');
    const wrongGroup = Buffer.from(raw);
    wrongGroup.writeUInt32LE(0x892f2085, 4); // Sapling's group id on a v5 header
    expect(failure(() => parseBitcoinTransaction(wrongGroup, '00'.repeat(32), rules))).toBe('BTC_TX_CORRUPT');
  });
});
