import { sha256 } from '@noble/hashes/sha2.js';
import { RetryableError } from '../../errors.js';
import type { Asset } from '../../movement.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import type { CosmosOptions } from './cosmos-profile.js';
import { cosmosAccountKey, decodeCosmosAddress } from './decode-cosmos-address.js';

/** What the source fetched for one height: the `result` of CometBFT's `/block` and `/block_results`. */
export interface CosmosRawBlock {
  readonly block: unknown;
  readonly results: unknown;
}

/** A transaction left out of the block because its data could not be read (counted, never guessed). */
export interface SkippedCosmosTransaction {
  readonly hash: string;
  readonly reason: string;
}

export interface NormalizedCosmosBlock {
  readonly block: LedgerBlock;
  readonly skipped: readonly SkippedCosmosTransaction[];
}

/** The fee collector module account: SHA-256("fee_collector")[:20] (Cosmos SDK x/auth NewModuleAddress). */
const FEE_COLLECTOR_KEY = cosmosAccountKey(sha256(new TextEncoder().encode('fee_collector')).slice(0, 20));
/** One coin of an sdk.Coins string (`1000ukava`, `5erc20/0xabc...`, `7ibc/27394F...`): SDK denom rules. */
const COIN = /^(\d{1,78})([a-zA-Z][a-zA-Z0-9/:._-]{2,127})$/;
/** Attribute keys the normaliser reads; CometBFT < 0.37 writes every key and value base64-encoded. */
const READ_KEYS = new Set(['sender', 'recipient', 'amount', 'fee', 'fee_payer', 'action']);
const BASE64_KEYS = new Map([...READ_KEYS].map((k) => [Buffer.from(k).toString('base64'), k]));

/**
 * A CometBFT block and its results as one LedgerBlock (pure).
 * - tx hash: uppercase hex SHA-256 of the tx bytes (what explorers and `/tx?hash=` use);
 * - success: `txs_results[i].code === 0`; a failed tx moves nothing (its fee is still paid);
 * - transfers: every bank `transfer` event (sender, recipient, coins), one leg per coin
 *   (`e<event>.c<coin>`), except the signer's fee payment to the fee collector before the
 *   first message (reported as `fee`);
 * - signer: the `tx` event's `fee_payer`, else the first `message.sender`; other
 *   `message.sender`s are actors (an authz grantee's granter, multi-message txs);
 *   Ethermint chains write an EVM tx's sender as `0x` hex: the same account bytes, same key;
 * - fee: the `tx` event's `fee` in the native denom, else that fee payment's native amount.
 * Attributes are read in either encoding (plain since CometBFT 0.37, base64 before).
 * A transaction whose events cannot be read is skipped and listed in `skipped`;
 * a block whose header or result list is malformed is a RetryableError.
 */
export function normalizeCosmosBlock(raw: CosmosRawBlock, height: number, options: CosmosOptions): NormalizedCosmosBlock {
  const where = `Cosmos block ${height}`;
  const blockResult = asRecord(raw.block);
  const block = asRecord(blockResult?.['block']);
  const header = asRecord(block?.['header']);
  const hash = asRecord(blockResult?.['block_id'])?.['hash'];
  if (header === undefined || typeof hash !== 'string' || !/^[0-9A-Fa-f]{64}$/.test(hash)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: the node answered no block header`);
  if (String(header['height']) !== String(height)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: the node answered block ${String(header['height']).slice(0, 20)}`);
  const parent = asRecord(header['last_block_id'])?.['hash'];
  if (typeof parent !== 'string' || (parent !== '' && !/^[0-9A-Fa-f]{64}$/.test(parent))) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: the header has no parent block id`);

  const txs = asRecord(block?.['data'])?.['txs'] ?? [];
  const results = asRecord(raw.results);
  const txResults = results?.['txs_results'] ?? [];
  if (!Array.isArray(txs) || !Array.isArray(txResults)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: transactions or their results are not lists`);
  if (results === undefined || String(results['height']) !== String(height)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: the node answered no results for this height`);
  // Results are per position: a node still indexing, or a proxy mixing nodes, must not pair a tx with another's result.
  if (txResults.length !== txs.length) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: ${txs.length} transactions but ${txResults.length} results`);

  const transactions: LedgerTransaction[] = [];
  const skipped: SkippedCosmosTransaction[] = [];
  txs.forEach((tx, i) => {
    if (typeof tx !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(tx)) throw new RetryableError('RPC_BAD_RESPONSE', `${where}: transaction ${i} is not base64`);
    const txHash = cosmosTxHash(tx);
    try {
      transactions.push(normalizeCosmosTransaction(txHash, txResults[i], options));
    } catch (err) {
      skipped.push({ hash: txHash, reason: err instanceof Error ? err.message : String(err) });
    }
  });
  return { block: { header: { number: height, hash: hash.toUpperCase(), parentHash: parent.toUpperCase() }, transactions }, skipped };
}

/** CometBFT's transaction hash: SHA-256 of the raw tx bytes, uppercase hex. */
export function cosmosTxHash(base64Tx: string): string {
  return Buffer.from(sha256(Buffer.from(base64Tx, 'base64'))).toString('hex').toUpperCase();
}

interface ReadEvent {
  readonly type: string;
  readonly attributes: ReadonlyMap<string, string>;
}

function normalizeCosmosTransaction(hash: string, rawResult: unknown, options: CosmosOptions): LedgerTransaction {
  const result = asRecord(rawResult);
  if (result === undefined) throw new Error('its result is not an object');
  const code = result['code'] ?? 0;
  if (typeof code !== 'number') throw new Error('its result code is not a number');
  const rawEvents = result['events'] ?? [];
  if (!Array.isArray(rawEvents)) throw new Error('its events are not a list');
  const events = rawEvents.map(readEvent);

  const txEvents = events.filter((e) => e.type === 'tx');
  const feePayerText = txEvents.map((e) => e.attributes.get('fee_payer')).find((v) => v !== undefined && v !== '');
  const feeText = txEvents.map((e) => e.attributes.get('fee')).find((v) => v !== undefined);
  const senders = events.filter((e) => e.type === 'message').map((e) => e.attributes.get('sender')).filter((v): v is string => v !== undefined && v !== '');
  const signer = feePayerText !== undefined ? party(feePayerText) : senders[0] !== undefined ? party(senders[0]) : null;
  const feeCoins = feeText === undefined ? [] : parseCoins(feeText);
  const nativeFee = feeCoins.find((c) => c.denom === options.nativeDenom)?.amount ?? (feeText === undefined ? null : 0n);

  const actors: LedgerParty[] = [];
  for (const sender of senders) {
    const p = party(sender);
    if (p.key !== signer?.key && !actors.some((a) => a.key === p.key)) actors.push(p);
  }

  const transfers: LedgerTransfer[] = [];
  let feeFromTransfer: bigint | null = null;
  let feeTransferSeen = false;
  let messagesStarted = false;
  events.forEach((event, e) => {
    // The ante handler (fees) runs before the first message, whose event carries `action`.
    if (event.type === 'message' && event.attributes.has('action')) messagesStarted = true;
    if (event.type !== 'transfer') return;
    const sender = event.attributes.get('sender');
    const recipient = event.attributes.get('recipient');
    const amount = event.attributes.get('amount');
    if (sender === undefined || recipient === undefined || amount === undefined) throw new Error(`transfer event ${e} lacks sender, recipient or amount`);
    const from = party(sender);
    const to = party(recipient);
    // The ante handler's fee payment is the tx's fee, not a movement of its own. SDK 0.45 txs
    // may lack the `tx` event `fee`: then the payment before the first message is the fee.
    if (!feeTransferSeen && !messagesStarted && to.key === FEE_COLLECTOR_KEY && from.key === signer?.key && (feeText === undefined || amount === feeText)) {
      feeTransferSeen = true;
      if (feeText === undefined) feeFromTransfer = parseCoins(amount).find((c) => c.denom === options.nativeDenom)?.amount ?? null;
      return;
    }
    parseCoins(amount).forEach((coin, c) => {
      if (coin.amount === 0n) return;
      transfers.push({ leg: `e${e}.c${c}`, kind: coin.denom === options.nativeDenom ? 'native' : 'token', from, to, asset: assetOf(coin.denom, options), amount: coin.amount, tokenId: null });
    });
  });

  const success = code === 0;
  return { hash, success, signer, fee: nativeFee ?? feeFromTransfer, transfers: success ? transfers : [], ...(actors.length > 0 ? { actors } : {}) };
}

function readEvent(raw: unknown, e: number): ReadEvent {
  const event = asRecord(raw);
  const type = event?.['type'];
  const attributes = event?.['attributes'] ?? [];
  if (typeof type !== 'string' || !Array.isArray(attributes)) throw new Error(`event ${e} has no type or attribute list`);
  const read = new Map<string, string>();
  for (const rawAttribute of attributes) {
    const attribute = asRecord(rawAttribute);
    const key = attribute?.['key'];
    const value = attribute?.['value'] ?? '';
    if (typeof key !== 'string' || typeof value !== 'string') throw new Error(`event ${e} (${type.slice(0, 40)}) has an attribute that is not key/value text`);
    // Per attribute rather than per node version: proxies and archive nodes mix both encodings.
    if (READ_KEYS.has(key)) setOnce(read, key, value);
    else {
      const decodedKey = BASE64_KEYS.get(key);
      if (decodedKey !== undefined) setOnce(read, decodedKey, Buffer.from(value, 'base64').toString('utf8'));
    }
  }
  return { type, attributes: read };
}

/** First value wins: SDK 0.47+ adds `msg_index`, never a second sender; a repeated key is kept as first written. */
function setOnce(map: Map<string, string>, key: string, value: string): void {
  if (!map.has(key)) map.set(key, value);
}

/** An EVM-style account as Ethermint chains (Kava, Evmos, Cronos, Injective) write `message.sender` of EVM txs. */
const HEX_ACCOUNT = /^0x[0-9a-fA-F]{40}$/;

function party(address: string): LedgerParty {
  // The same 20 account bytes as the bech32 form, so the same match key: an EVM tx's sender is
  // matched like its bech32 account instead of making the whole transaction unreadable.
  if (HEX_ACCOUNT.test(address)) return { key: address.slice(2).toLowerCase(), display: address.toLowerCase() };
  const decoded = decodeCosmosAddress(address);
  if (decoded === undefined) throw new Error(`"${address.slice(0, 80)}" is not a bech32 account`);
  return { key: cosmosAccountKey(decoded.bytes), display: address.toLowerCase() };
}

/** An sdk.Coins string (`1000ukava,5erc20/0x...`); "" is no coins. */
export function parseCoins(text: string): { readonly denom: string; readonly amount: bigint }[] {
  if (text === '') return [];
  return text.split(',').map((part) => {
    const m = COIN.exec(part.trim());
    if (m === null) throw new Error(`"${part.slice(0, 80)}" is not an amount with a denom`);
    return { amount: BigInt(m[1]!), denom: m[2]! };
  });
}

function assetOf(denom: string, options: CosmosOptions): Asset {
  if (denom === options.nativeDenom) return { contract: null, symbol: options.nativeSymbol, decimals: options.nativeDecimals };
  // Bank metadata (symbol, decimals) is not in the block: the denom names the token and amounts stay in base units.
  return { contract: denom, symbol: symbolOf(denom), decimals: 0, rawUnits: true };
}

/** A short symbol for a denom: `erc20/0xabc...` -> ERC20, `ibc/27394F...` -> IBC, `hard` -> HARD, `ukava` style stays. */
function symbolOf(denom: string): string {
  const head = denom.split('/')[0]!;
  return head.toUpperCase().slice(0, 16);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
