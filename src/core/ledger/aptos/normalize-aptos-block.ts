import { RetryableError } from '../../errors.js';
import type { Asset } from '../../movement.js';
import type { LedgerBlock, LedgerParty, LedgerTransaction, LedgerTransfer } from '../ledger-block.js';
import { pairLedgerFlows } from '../pair-ledger-flows.js';
import { normalizeAptosAddress } from './normalize-aptos-address.js';

export const APT_ASSET: Asset = { contract: null, symbol: 'APT', decimals: 8 };
const APT_COIN_TYPE = '0x1::aptos_coin::AptosCoin';
const APT_FA_METADATA = '0x' + '0'.repeat(63) + 'a';

/** The block fields of `GET /v1/blocks/by_height/{h}` (u64s are decimal strings in the Aptos REST API). */
export interface AptosRawBlock {
  readonly block_height: string;
  readonly block_hash: string;
  readonly first_version: string;
  readonly last_version: string;
  readonly transactions?: readonly unknown[] | null;
}

/** What a block's parent contributes to its header: its hash and where its versions end. */
export interface AptosParentRef {
  readonly hash: string;
  readonly lastVersion: bigint;
}

export interface NormalizedAptosBlock {
  readonly block: LedgerBlock;
  /** This block as the next one's parent. */
  readonly ref: AptosParentRef;
  readonly skipped: readonly { readonly version: string; readonly reason: string }[];
}

/**
 * An Aptos block as a LedgerBlock. Aptos blocks name no parent hash, so the
 * source hands in the previous block's hash and last version: the block must
 * start at the version right after it (versions number every transaction of
 * the ledger, so contiguous ranges prove no transaction fell between), and
 * then parentHash = that block's hash. AptosBFT commits are final (no forks),
 * so this link only guards against a node serving a wrong or partial block.
 * Only user transactions are listed (block metadata, state checkpoints and
 * epilogues move no user value).
 */
export function normalizeAptosBlock(height: number, raw: unknown, parent: AptosParentRef | null, options: { readonly withTransactions: boolean } = { withTransactions: true }): NormalizedAptosBlock {
  const b = raw as Partial<AptosRawBlock> | null;
  const bad = (what: string): RetryableError => new RetryableError('RPC_BAD_RESPONSE', `Aptos block ${height} ${what}`);
  if (b === null || typeof b !== 'object') throw bad('is no object');
  if (b.block_height !== String(height)) throw bad(`came back as height ${String(b.block_height)}`);
  if (typeof b.block_hash !== 'string' || !/^0x[0-9a-f]{64}$/.test(b.block_hash)) throw bad('has no valid block_hash');
  const first = u64(b.first_version);
  const last = u64(b.last_version);
  if (first === undefined || last === undefined || last < first) throw bad('has no valid version range');
  if (parent !== null && first !== parent.lastVersion + 1n) throw bad(`starts at version ${first}, not right after its parent's last version ${parent.lastVersion}`);
  const transactions: LedgerTransaction[] = [];
  const skipped: { version: string; reason: string }[] = [];
  if (options.withTransactions) {
    const raws = b.transactions;
    if (!Array.isArray(raws) || BigInt(raws.length) !== last - first + 1n) throw bad(`lists ${Array.isArray(raws) ? raws.length : 'no'} transactions for versions ${first}..${last}`);
    raws.forEach((t: unknown, i) => {
      const version = (first + BigInt(i)).toString();
      try {
        const tx = normalizeAptosTransaction(t, version);
        if (tx !== null) transactions.push(tx);
      } catch (err) {
        skipped.push({ version, reason: err instanceof Error ? err.message : String(err) });
      }
    });
  }
  return {
    block: { header: { number: height, hash: b.block_hash, parentHash: parent?.hash ?? '' }, transactions },
    ref: { hash: b.block_hash, lastVersion: last },
    skipped,
  };
}

function u64(value: unknown): bigint | undefined {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

interface RawEvent {
  readonly type?: unknown;
  readonly guid?: { readonly account_address?: unknown; readonly creation_number?: unknown };
  readonly data?: Record<string, unknown>;
}
interface RawChange {
  readonly type?: unknown;
  readonly address?: unknown;
  readonly data?: { readonly type?: unknown; readonly data?: Record<string, unknown> };
}

/**
 * One transaction of a block; null for the ones that are not user transactions.
 * Value legs come from the transaction's events, in event order:
 * - `0x1::fungible_asset::Withdraw/Deposit {store, amount}`: the store's owner
 *   is read from the `0x1::object::ObjectCore` the write set gives for the store,
 *   the asset from its `FungibleStore.metadata` (metadata `0xa` is APT);
 * - `0x1::coin::CoinWithdraw/CoinDeposit {coin_type, account, amount}`;
 * - legacy `0x1::coin::WithdrawEvent/DepositEvent {amount}`: the account is the
 *   event's guid address, the coin the `CoinStore<T>` whose handle has that
 *   creation number in the write set.
 * Withdrawals are paired with deposits of the same asset (legs `ev<w>.<d>`);
 * what is left over is a mint or burn against the asset's own address.
 * Throws when a transfer event cannot be attributed.
 */
export function normalizeAptosTransaction(raw: unknown, version: string): LedgerTransaction | null {
  const t = raw as { type?: unknown; hash?: unknown; success?: unknown; sender?: unknown; gas_used?: unknown; gas_unit_price?: unknown; events?: unknown; changes?: unknown; signature?: { type?: unknown; fee_payer_address?: unknown; secondary_signer_addresses?: unknown } } | null;
  if (t === null || typeof t !== 'object') throw new Error(`transaction at version ${version} is no object`);
  if (t.type !== 'user_transaction') return null;
  if (typeof t.hash !== 'string' || !/^0x[0-9a-f]{64}$/.test(t.hash)) throw new Error(`transaction at version ${version} has no valid hash`);
  if (typeof t.success !== 'boolean' || typeof t.sender !== 'string') throw new Error(`transaction ${t.hash} has no success flag or sender`);
  const gasUsed = u64(t.gas_used);
  const gasPrice = u64(t.gas_unit_price);
  if (gasUsed === undefined || gasPrice === undefined) throw new Error(`transaction ${t.hash} has no gas figures`);
  const party = (address: unknown): LedgerParty => {
    if (typeof address !== 'string') throw new Error(`transaction ${String(t.hash)} names an account that is not a string`);
    const a = normalizeAptosAddress(address);
    return { key: a.matchKey, display: a.display };
  };
  const signer = party(t.sender);
  // A sponsored transaction's gas is paid by its fee payer, not its sender.
  const feePayer = typeof t.signature?.fee_payer_address === 'string' ? party(t.signature.fee_payer_address) : null;
  const secondary = Array.isArray(t.signature?.secondary_signer_addresses) ? (t.signature.secondary_signer_addresses as unknown[]).map(party) : [];
  const actors = [...(feePayer !== null && feePayer.key !== signer.key ? [feePayer] : []), ...secondary];
  const fee = feePayer !== null && feePayer.key !== signer.key ? null : gasUsed * gasPrice;
  const transfers = t.success ? transfersOf(t.hash, t.events, t.changes, party) : [];
  return { hash: t.hash, success: t.success, signer, fee, transfers, ...(actors.length > 0 ? { actors } : {}) };
}

function transfersOf(hash: string, rawEvents: unknown, rawChanges: unknown, party: (a: unknown) => LedgerParty): LedgerTransfer[] {
  if (!Array.isArray(rawEvents) || !Array.isArray(rawChanges)) throw new Error(`transaction ${hash} has no event or change list`);
  const events = rawEvents as RawEvent[];
  const changes = rawChanges as RawChange[];
  const storeOwner = new Map<string, string>();
  const storeMetadata = new Map<string, string>();
  const faMetadata = new Map<string, { symbol: string; decimals: number }>();
  const coinStoreHandle = new Map<string, string>();
  for (const c of changes) {
    if (c?.type !== 'write_resource' || typeof c.address !== 'string' || typeof c.data?.type !== 'string') continue;
    const at = normalizeAptosAddress(c.address).matchKey;
    const d = c.data.data ?? {};
    if (c.data.type === '0x1::object::ObjectCore' && typeof d['owner'] === 'string') storeOwner.set(at, d['owner']);
    else if (c.data.type === '0x1::fungible_asset::FungibleStore') {
      const inner = (d['metadata'] as { inner?: unknown } | undefined)?.inner;
      if (typeof inner === 'string') storeMetadata.set(at, normalizeAptosAddress(inner).matchKey);
    } else if (c.data.type === '0x1::fungible_asset::Metadata' && typeof d['symbol'] === 'string' && typeof d['decimals'] === 'number') {
      faMetadata.set(at, { symbol: d['symbol'], decimals: d['decimals'] });
    } else if (c.data.type.startsWith('0x1::coin::CoinStore<') && c.data.type.endsWith('>')) {
      const coinType = c.data.type.slice('0x1::coin::CoinStore<'.length, -1);
      for (const field of ['withdraw_events', 'deposit_events']) {
        const num = (d[field] as { guid?: { id?: { creation_num?: unknown } } } | undefined)?.guid?.id?.creation_num;
        if (typeof num === 'string') coinStoreHandle.set(`${at}/${num}`, coinType);
      }
    }
  }
  const assetOf = (kind: 'fa' | 'coin', id: string): { key: string; asset: Asset; issuer: string } => {
    if ((kind === 'coin' && id === APT_COIN_TYPE) || (kind === 'fa' && id === APT_FA_METADATA.slice(2))) return { key: 'APT', asset: APT_ASSET, issuer: '0x1' };
    if (kind === 'coin') return { key: `coin:${id}`, asset: { contract: id, symbol: id.split('::').at(-1) ?? 'COIN', decimals: 0, rawUnits: true }, issuer: id.split('::')[0] ?? '0x1' };
    const meta = faMetadata.get(id);
    // An FA whose Metadata this transaction did not write: amounts stay in base units.
    return { key: `fa:${id}`, asset: meta !== undefined ? { contract: `0x${id}`, symbol: meta.symbol, decimals: meta.decimals } : { contract: `0x${id}`, symbol: 'FA', decimals: 0, rawUnits: true }, issuer: `0x${id}` };
  };
  const byAsset = new Map<string, { asset: Asset; issuer: string; deltas: [number, bigint][]; owners: Map<number, string> }>();
  events.forEach((e, i) => {
    const type = e?.type;
    let sign: 1n | -1n;
    let owner: unknown;
    let resolved: { key: string; asset: Asset; issuer: string };
    const data = e?.data ?? {};
    if (type === '0x1::fungible_asset::Withdraw' || type === '0x1::fungible_asset::Deposit') {
      sign = type.endsWith('Withdraw') ? -1n : 1n;
      if (typeof data['store'] !== 'string') throw new Error(`transaction ${hash} event ${i} names no store`);
      const store = normalizeAptosAddress(data['store']).matchKey;
      const metadata = storeMetadata.get(store);
      if (metadata === undefined) throw new Error(`transaction ${hash} event ${i}: store ${data['store']} has no FungibleStore in the write set`);
      // A store deleted in the transaction has no ObjectCore left: it is then the party itself.
      owner = storeOwner.get(store) ?? data['store'];
      resolved = assetOf('fa', metadata);
    } else if (type === '0x1::coin::CoinWithdraw' || type === '0x1::coin::CoinDeposit') {
      sign = type.endsWith('Withdraw') ? -1n : 1n;
      if (typeof data['coin_type'] !== 'string') throw new Error(`transaction ${hash} event ${i} names no coin type`);
      owner = data['account'];
      resolved = assetOf('coin', data['coin_type']);
    } else if (type === '0x1::coin::WithdrawEvent' || type === '0x1::coin::DepositEvent') {
      sign = type === '0x1::coin::WithdrawEvent' ? -1n : 1n;
      owner = e.guid?.account_address;
      if (typeof owner !== 'string') throw new Error(`transaction ${hash} event ${i} has no guid account`);
      const coinType = coinStoreHandle.get(`${normalizeAptosAddress(owner).matchKey}/${String(e.guid?.creation_number)}`);
      if (coinType === undefined) throw new Error(`transaction ${hash} event ${i}: no CoinStore in the write set owns its event handle`);
      resolved = assetOf('coin', coinType);
    } else {
      return;
    }
    const amount = u64(data['amount']);
    if (amount === undefined) throw new Error(`transaction ${hash} event ${i} has no amount`);
    if (typeof owner !== 'string') throw new Error(`transaction ${hash} event ${i} names no account`);
    const group = byAsset.get(resolved.key) ?? byAsset.set(resolved.key, { asset: resolved.asset, issuer: resolved.issuer, deltas: [], owners: new Map() }).get(resolved.key)!;
    group.deltas.push([i, amount * sign]);
    group.owners.set(i, owner);
  });
  const legs: LedgerTransfer[] = [];
  for (const [, group] of byAsset) {
    const sum = group.deltas.reduce((a, [, d]) => a + d, 0n);
    // More deposited than withdrawn is a mint, the reverse a burn: the asset's issuer is the other side.
    const deltas: [number, bigint][] = sum === 0n ? group.deltas : [[-1, -sum], ...group.deltas];
    for (const { from, to, amount } of pairLedgerFlows(deltas, `transaction ${hash} ${group.asset.symbol}`)) {
      const side = (i: number): LedgerParty => party(i < 0 ? group.issuer : group.owners.get(i));
      legs.push({
        leg: `ev${from < 0 ? 'mint' : from}.${to < 0 ? 'burn' : to}`,
        kind: group.asset.contract === null ? 'native' : 'token',
        from: side(from),
        to: side(to),
        asset: group.asset,
        amount,
        tokenId: null,
      });
    }
  }
  return legs;
}
