import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Block } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { hash256 } from '../../../src/core/btc/hash256.js';
import { parseBitcoinBlock } from '../../../src/core/btc/parse-bitcoin-block.js';
import { parseBitcoinTransaction } from '../../../src/core/btc/parse-bitcoin-transaction.js';
import { utxoBlockRules } from '../../../src/core/btc/utxo-chain.js';
import { PermanentError, RetryableError } from '../../../src/core/errors.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));

/** electrumx tests/blocks/*.json: the raw block plus the node's own getblock answer (hash, merkle root, every txid). */
interface NodeBlock {
  readonly hash: string;
  readonly height: number;
  readonly size: number;
  readonly merkleroot: string;
  readonly tx: readonly string[];
  readonly block: string;
}
const nodeBlock = (name: string): NodeBlock => JSON.parse(readFileSync(fixture(name), 'utf8')) as NodeBlock;

function corruptCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof RetryableError ? err.code : `not retryable: ${String(err)}`;
  }
  return undefined;
}

describe.each([
  ['dogecoin', 'dogecoin/dogecoin_mainnet_371337.json'],
  ['litecoin', 'litecoin/litecoin_mainnet_2265985.json'],
  ['litecoin', 'litecoin/litecoin_mainnet_900000.json'],
  ['bitcoin-gold', 'bitcoin-gold/bitcoingold_mainnet_499912.json'],
] as const)('%s block %s (recorded with the node\'s getblock answer)', (kind, file) => {
  const rec = nodeBlock(file);
  const raw = Buffer.from(rec.block, 'hex');
  const rules = utxoBlockRules(kind);

  it('parses to exactly the node\'s transaction ids, in order, and the header hashes to the node\'s block hash', () => {
    expect(raw.length).toBe(rec.size);
    const block = parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }, rules);
    expect(block.header.hash).toBe(rec.hash);
    expect(block.txs.map((t) => t.txid)).toEqual(rec.tx);
    expect(block.txs[0]!.coinbase).toBe(true);
    expect(block.txs.slice(1).every((t) => !t.coinbase)).toBe(true);
    // The merkle root the node reports is the one in the header we verified against.
    expect(Buffer.from(raw.subarray(36, 68)).reverse().toString('hex')).toBe(rec.merkleroot);
  });

  it('is an error, never a partial result, when a byte is missing or added', () => {
    expect(corruptCode(() => parseBitcoinBlock(raw.subarray(0, raw.length - 1), { height: rec.height, hash: rec.hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
    expect(corruptCode(() => parseBitcoinBlock(Buffer.concat([raw, Buffer.from([0])]), { height: rec.height, hash: rec.hash }, rules))).toBe('BTC_BLOCK_CORRUPT');
  });
});

describe('Dogecoin AuxPoW', () => {
  const rec = nodeBlock('dogecoin/dogecoin_mainnet_371337.json');
  const raw = Buffer.from(rec.block, 'hex');

  it('is merge-mined (version bit 0x100) and Bitcoin rules cannot read it', () => {
    expect(raw.readInt32LE(0) & 0x100).toBe(0x100);
    // bitcoinjs-lib reads the parent chain's coinbase as the only transaction, and the merkle root then fails.
    const naive = Block.fromBuffer(raw);
    expect(naive.transactions).toHaveLength(1);
    expect(naive.checkTxRoots()).toBe(false);
    expect(corruptCode(() => parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }))).toBe('BTC_BLOCK_CORRUPT');
  });

  it('rejects an AuxPoW whose coinbase branch does not lead to the parent header', () => {
    const tampered = Buffer.from(raw);
    // The parent coinbase starts right after the header: flip a byte of its version.
    tampered[81] = tampered[81]! ^ 0xff;
    expect(corruptCode(() => parseBitcoinBlock(tampered, { height: rec.height, hash: rec.hash }, utxoBlockRules('dogecoin')))).toBe('BTC_BLOCK_CORRUPT');
  });
});

describe('Litecoin MWEB', () => {
  const rec = nodeBlock('litecoin/litecoin_mainnet_2265985.json');
  const raw = Buffer.from(rec.block, 'hex');

  it('has 58 transactions, the last the HogEx with flag 0x08, then the extension block; Bitcoin rules refuse it', () => {
    const block = parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }, utxoBlockRules('litecoin'));
    expect(block.txs).toHaveLength(58);
    expect(corruptCode(() => parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }))).toBe('BTC_BLOCK_CORRUPT');
    // bitcoinjs-lib cannot read it either: it throws or returns something other than the node's transactions.
    let naiveIds: string[] | undefined;
    try {
      naiveIds = Block.fromBuffer(raw).transactions?.map((t) => t.getId());
    } catch {
      naiveIds = undefined;
    }
    expect(naiveIds).not.toEqual(rec.tx);
  });

  it('rejects an MWEB extension block cut anywhere inside', () => {
    // Cut 700 bytes off the end: the last kernel/output is incomplete.
    expect(corruptCode(() => parseBitcoinBlock(raw.subarray(0, raw.length - 700), { height: rec.height, hash: rec.hash }, utxoBlockRules('litecoin')))).toBe('BTC_BLOCK_CORRUPT');
  });
});

describe.each([
  ['0000000000000000012F011B29194439757A67186A54C2614978F0D6192570F2', 576069],
  ['000000000000000004CC499E0D8B13A3D08562B8336C4B207E79A625E17F13D1', 634522],
] as const)('Bitcoin Cash block %s', (fileHash, height) => {
  const raw = Buffer.from(readFileSync(fixture(`bitcoin-cash/${fileHash}`), 'utf8').trim(), 'hex');
  const hash = fileHash.toLowerCase();

  it('parses; every txid and the merkle root agree with bitcoinjs-lib, an independent decoder of this pre-token layout', () => {
    const block = parseBitcoinBlock(raw, { height, hash }, utxoBlockRules('bitcoin-cash'));
    const reference = Block.fromBuffer(raw);
    expect(reference.getId()).toBe(hash);
    expect(reference.checkTxRoots()).toBe(true);
    expect(block.txs.map((t) => t.txid)).toEqual(reference.transactions!.map((t) => t.getId()));
    expect(block.txs.flatMap((t) => t.outs.map((o) => o.scriptHex))).toEqual(reference.transactions!.flatMap((t) => t.outs.map((o) => Buffer.from(o.script).toString('hex'))));
    expect(hash256(raw.subarray(0, 80)).reverse().toString('hex')).toBe(hash);
  });
});

describe('mempool transactions of the UTXO families', () => {
  const rec = nodeBlock('litecoin/litecoin_mainnet_2265985.json');
  const raw = Buffer.from(rec.block, 'hex');
  const block = parseBitcoinBlock(raw, { height: rec.height, hash: rec.hash }, utxoBlockRules('litecoin'));

  it('a Litecoin transaction with MWEB data is skipped as BTC_TX_UNSUPPORTED (confidential), not retried as corrupt', () => {
    // version | marker 0 | flag 0x08 | ... : the MWEB flag on a mempool transaction means MWEB data follows.
    const mwebTx = Buffer.from('02000000000801' + '00'.repeat(40), 'hex');
    let err: unknown;
    try {
      parseBitcoinTransaction(mwebTx, '00'.repeat(32), utxoBlockRules('litecoin'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as PermanentError).code).toBe('BTC_TX_UNSUPPORTED');
  });

  it('a Bitcoin Cash mempool transaction goes through the family scanner and must hash to its txid', () => {
    const bchRaw = Buffer.from(readFileSync(fixture('bitcoin-cash/000000000000000004CC499E0D8B13A3D08562B8336C4B207E79A625E17F13D1'), 'utf8').trim(), 'hex');
    const tx = Block.fromBuffer(bchRaw).transactions![3]!;
    const parsed = parseBitcoinTransaction(tx.toBuffer(), tx.getId(), utxoBlockRules('bitcoin-cash'));
    expect(parsed.txid).toBe(tx.getId());
    expect(corruptCode(() => parseBitcoinTransaction(tx.toBuffer(), block.txs[1]!.txid, utxoBlockRules('bitcoin-cash')))).toBe('BTC_TX_CORRUPT');
  });
});
