import type { MovementDirection, MovementKind, WatchlistRef } from '../movement.js';
import type { WatchlistIndex } from '../watchlist.js';
import type { EvmBlockData, EvmLog, EvmTokenStandard } from './evm-block-data.js';

/** keccak256("Transfer(address,address,uint256)"): ERC-20 (3 topics) and ERC-721 (4 topics, tokenId indexed). */
export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
/** keccak256("TransferSingle(address,address,address,uint256,uint256)") (ERC-1155). */
export const TRANSFER_SINGLE_TOPIC = '0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62';
/** keccak256("TransferBatch(address,address,address,uint256[],uint256[])") (ERC-1155). */
export const TRANSFER_BATCH_TOPIC = '0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb';

/** A value transfer decoded from a transaction, log or trace, before any watched address is considered. */
interface Transfer {
  /**
   * Movement id leg: native, activity, txlog<k>, txlog<k>-<j> (ERC-1155 batch
   * item j), trace<a_b_c>. k is the log's position within its transaction's
   * receipt, which a reorg cannot change (the transaction re-mined elsewhere in
   * a block emits the same logs in the same order), unlike the block-wide log
   * index.
   */
  readonly leg: string;
  /**
   * The leg as ids had it before txlog<k> (log<block-wide index>, log<i>-<j>),
   * for event legs only: movements queued by an older release under that id
   * must still dedupe this one (see Movement.legacyIds).
   */
  readonly legacyLeg: string | null;
  readonly kind: MovementKind;
  /** Lowercase; `to` is null only for a contract creation whose address is derived later. */
  readonly from: string;
  readonly to: string | null;
  readonly amount: bigint;
  readonly tokenId: bigint | null;
  readonly logIndex: number | null;
  readonly tracePosition: string | null;
  /** Lowercase token contract, null for native value. */
  readonly contract: string | null;
  readonly standard: EvmTokenStandard | null;
}

/** One leg of a transaction, seen from one watched address, before status and token metadata are known. */
export interface EvmLeg extends Transfer {
  readonly txHash: string;
  readonly direction: MovementDirection;
  readonly watchedAddress: string;
  readonly watchlist: readonly WatchlistRef[];
}


/**
 * Finds every leg of the block that touches a watched address: native value
 * (tx from/to), ERC-20/721 Transfer and ERC-1155 TransferSingle/Batch logs of
 * ANY contract (the watched address may appear only in the event arguments),
 * internal value transfers from traces, and an `activity` candidate for every
 * transaction sent by a watched address. Status and "activity only when
 * nothing else moved" are decided by matchEvmBlock.
 *
 * Cost is independent of watchlist size: one `index.lookup` per address seen.
 * Logs that do not decode (a contract emitting the topic with other
 * arguments) are skipped: they are chain data, not an RPC fault.
 */
export function collectEvmLegs(block: EvmBlockData, chain: string, index: WatchlistIndex): EvmLeg[] {
  const legs: EvmLeg[] = [];
  /** The legs of a transfer, given the watchlist entries of its `from` and `to` (undefined: not watched). */
  const addLooked = (txHash: string, t: Transfer, fromRefs: readonly WatchlistRef[] | undefined, toRefs: readonly WatchlistRef[] | undefined): void => {
    if (t.to !== null && t.from === t.to) {
      if (fromRefs) legs.push(legOf(t, txHash, 'self', t.from, fromRefs));
      return;
    }
    if (fromRefs) legs.push(legOf(t, txHash, 'out', t.from, fromRefs));
    if (toRefs && t.to !== null) legs.push(legOf(t, txHash, 'in', t.to, toRefs));
  };
  const add = (txHash: string, t: Transfer): void => addLooked(txHash, t, index.lookup(chain, t.from), t.to === null ? undefined : index.lookup(chain, t.to));

  // Look addresses up first and build objects / decode amounts only for the few
  // legs that touch a watched address: most of a block is someone else's.
  const touches = (from: string, to: string | null): boolean => index.lookup(chain, from) !== undefined || (to !== null && index.lookup(chain, to) !== undefined);

  for (const tx of block.transactions) {
    // Each address of a transaction is looked up once (the sender serves the value leg and the activity leg).
    const senderRefs = index.lookup(chain, tx.from);
    if (tx.value > 0n) {
      const recipientRefs = tx.to === null ? undefined : index.lookup(chain, tx.to);
      if (senderRefs !== undefined || recipientRefs !== undefined) {
        addLooked(tx.hash, { leg: 'native', legacyLeg: null, kind: 'native', from: tx.from, to: tx.to, amount: tx.value, tokenId: null, logIndex: null, tracePosition: null, contract: null, standard: null }, senderRefs, recipientRefs);
      }
    }
    if (senderRefs) {
      legs.push({
        txHash: tx.hash, leg: 'activity', legacyLeg: null, kind: 'activity', direction: 'out', from: tx.from, to: tx.to, amount: 0n, tokenId: null,
        logIndex: null, tracePosition: null, contract: null, standard: null, watchedAddress: tx.from, watchlist: senderRefs,
      });
    }
  }

  // Block-wide index of each transaction's first log: a log's position in its transaction is the difference
  // (a receipt's logs are numbered consecutively in the block).
  const firstLogIndex = new Map<string, number>();
  for (const log of block.logs) {
    const first = firstLogIndex.get(log.txHash);
    if (first === undefined || log.logIndex < first) firstLogIndex.set(log.txHash, log.logIndex);
  }

  for (const log of block.logs) {
    const topic0 = log.topics[0];
    // Transfer: from, to in topics 1-2; ERC-1155: operator in topic 1, from, to in topics 2-3.
    const first = topic0 === TRANSFER_TOPIC ? 1 : topic0 === TRANSFER_SINGLE_TOPIC || topic0 === TRANSFER_BATCH_TOPIC ? 2 : 0;
    if (first === 0) continue;
    const from = topicAddress(log.topics[first]);
    const to = topicAddress(log.topics[first + 1]);
    if (from === undefined || to === undefined || !touches(from, to)) continue;
    const position = log.logIndex - (firstLogIndex.get(log.txHash) ?? log.logIndex);
    if (topic0 === TRANSFER_TOPIC) decodeTransfer(log, position, (t) => add(log.txHash, t));
    else if (topic0 === TRANSFER_SINGLE_TOPIC) decodeTransferSingle(log, position, (t) => add(log.txHash, t));
    else decodeTransferBatch(log, position, (t) => add(log.txHash, t));
  }

  for (const it of block.internalTransfers ?? []) {
    if (!touches(it.from, it.to)) continue;
    add(it.txHash, {
      leg: `trace${it.position.replaceAll('.', '_')}`, legacyLeg: null, kind: 'internal', from: it.from, to: it.to, amount: it.value, tokenId: null,
      logIndex: null, tracePosition: it.position, contract: null, standard: null,
    });
  }
  return legs;
}

/** A transfer seen from one watched address; every field spelled out, so all legs share one object shape. */
function legOf(t: Transfer, txHash: string, direction: MovementDirection, watchedAddress: string, watchlist: readonly WatchlistRef[]): EvmLeg {
  return {
    leg: t.leg, legacyLeg: t.legacyLeg, kind: t.kind, from: t.from, to: t.to, amount: t.amount, tokenId: t.tokenId, logIndex: t.logIndex,
    tracePosition: t.tracePosition, contract: t.contract, standard: t.standard, txHash, direction, watchedAddress, watchlist,
  };
}

/** The address in a 32-byte topic, or undefined when the upper 12 bytes are not zero (not an address). */
function topicAddress(topic: string | undefined): string | undefined {
  if (topic === undefined || topic.length !== 66 || !topic.startsWith('0x000000000000000000000000')) return undefined;
  return `0x${topic.slice(26)}`;
}

function word(data: string, i: number): bigint | undefined {
  const start = 2 + i * 64;
  if (data.length < start + 64) return undefined;
  return BigInt(`0x${data.slice(start, start + 64)}`);
}

function decodeTransfer(log: EvmLog, position: number, emit: (t: Transfer) => void): void {
  const from = topicAddress(log.topics[1]);
  const to = topicAddress(log.topics[2]);
  if (from === undefined || to === undefined) return;
  const base = { leg: `txlog${position}`, legacyLeg: `log${log.logIndex}`, from, to, logIndex: log.logIndex, tracePosition: null, contract: log.address } as const;
  if (log.topics.length === 3) {
    // ERC-20: Transfer(address indexed from, address indexed to, uint256 value)
    const amount = word(log.data, 0);
    if (amount === undefined || log.data.length !== 66) return;
    emit({ ...base, kind: 'erc20', amount, tokenId: null, standard: 'erc20' });
  } else if (log.topics.length === 4) {
    // ERC-721: Transfer(address indexed from, address indexed to, uint256 indexed tokenId)
    emit({ ...base, kind: 'erc721', amount: 1n, tokenId: BigInt(log.topics[3]!), standard: 'erc721' });
  }
}

function decodeTransferSingle(log: EvmLog, position: number, emit: (t: Transfer) => void): void {
  // TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)
  if (log.topics.length !== 4) return;
  const from = topicAddress(log.topics[2]);
  const to = topicAddress(log.topics[3]);
  const id = word(log.data, 0);
  const value = word(log.data, 1);
  if (from === undefined || to === undefined || id === undefined || value === undefined) return;
  emit({ leg: `txlog${position}`, legacyLeg: `log${log.logIndex}`, kind: 'erc1155', from, to, amount: value, tokenId: id, logIndex: log.logIndex, tracePosition: null, contract: log.address, standard: 'erc1155' });
}

function decodeTransferBatch(log: EvmLog, position: number, emit: (t: Transfer) => void): void {
  // TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)
  if (log.topics.length !== 4) return;
  const from = topicAddress(log.topics[2]);
  const to = topicAddress(log.topics[3]);
  if (from === undefined || to === undefined) return;
  const ids = readUintArray(log.data, word(log.data, 0));
  const values = readUintArray(log.data, word(log.data, 1));
  if (ids === undefined || values === undefined || ids.length !== values.length) return;
  ids.forEach((id, i) => {
    emit({ leg: `txlog${position}-${i}`, legacyLeg: `log${log.logIndex}-${i}`, kind: 'erc1155', from, to, amount: values[i]!, tokenId: id, logIndex: log.logIndex, tracePosition: null, contract: log.address, standard: 'erc1155' });
  });
}

/** A uint256[] at a byte offset of ABI-encoded data (head: length, then items). */
function readUintArray(data: string, offset: bigint | undefined): bigint[] | undefined {
  if (offset === undefined || offset % 32n !== 0n) return undefined;
  const at = Number(offset / 32n);
  const length = word(data, at);
  if (length === undefined || length > BigInt((data.length - 2) / 64)) return undefined;
  const out: bigint[] = [];
  for (let i = 0; i < Number(length); i++) {
    const v = word(data, at + 1 + i);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}
