import * as ecc from '@bitcoinerlab/secp256k1';
import { Block, Psbt, Transaction, address, crypto, initEccLib, networks, payments, script, toXOnly, type Network, type Signer } from 'bitcoinjs-lib';
import { ECPairFactory } from 'ecpair';

/**
 * An in-memory Bitcoin regtest chain with REAL bytes: transactions signed with
 * bitcoinjs-lib + ecpair (P2WPKH, P2TR key path, P2SH 2-of-3 multisig, P2PKH),
 * blocks with a BIP-34 coinbase, merkle root, BIP-141 witness commitment and
 * proof of work ground for regtest's target (bits 0x207fffff). Forks: blocks
 * can be disconnected (kept fetchable by hash, like a node's stale blocks) and
 * a longer branch mined. Consensus is not enforced (no coinbase maturity,
 * no script validation): it is a data source for chainwatch, not a node.
 *
 * ecpair is a devDependency: the offline demo needs it installed at runtime.
 */
export type RegtestWalletType = 'p2wpkh' | 'p2tr' | 'p2sh-multisig' | 'p2pkh';

export interface RegtestWallet {
  readonly type: RegtestWalletType;
  readonly label: string;
  readonly address: string;
  readonly scriptHex: string;
}

export interface RegtestUtxo {
  readonly txid: string;
  readonly vout: number;
  readonly value: bigint;
  readonly scriptHex: string;
  /** null while only in the mempool. */
  readonly height: number | null;
}

export interface RegtestPayment {
  readonly to: RegtestWallet | string;
  readonly amount: bigint;
}

export interface RegtestChain {
  readonly network: Network;
  /** Receives every coinbase reward; fund other wallets from it. */
  readonly faucet: RegtestWallet;
  newWallet(type: RegtestWalletType, label?: string): RegtestWallet;
  height(): number;
  tipHash(): string;
  blockHash(height: number): string | undefined;
  /** Any block ever mined (also disconnected ones), by hash. */
  rawBlock(hash: string): Uint8Array | undefined;
  mempoolTxids(): string[];
  /** A mempool or active-chain transaction. */
  rawTransaction(txid: string): Uint8Array | undefined;
  /** Unspent outputs of a script: confirmed, plus mempool ones when asked. */
  unspent(scriptHex: string, options?: { includeMempool?: boolean }): RegtestUtxo[];
  /** Builds, signs and adds a transaction to the mempool; change goes to `changeTo` (default: the sender). Returns the txid. */
  send(from: RegtestWallet, payments: readonly RegtestPayment[], options?: { fee?: bigint; changeTo?: RegtestWallet }): string;
  /** Mines blocks on the tip; the first includes the whole mempool. Returns their hashes. */
  mine(count?: number): string[];
  /** Takes the top `count` blocks off the active chain; their transactions go back to the mempool unless dropTransactions. */
  disconnect(count: number, options?: { dropTransactions?: boolean }): void;
  /** Removes a transaction from the mempool (e.g. to build a different branch). */
  dropFromMempool(txid: string): void;
}

interface StoredBlock {
  readonly hash: string;
  readonly height: number;
  readonly raw: Uint8Array;
  readonly txids: readonly string[];
}

interface Keyed extends RegtestWallet {
  readonly keys: readonly RegtestKey[];
  readonly redeem?: Uint8Array;
}

const REGTEST_BITS = 0x207fffff;
const SUBSIDY = 5_000_000_000n;
const ZERO32 = new Uint8Array(32);

/**
 * The slice of ecpair this file uses. ecpair@3's .d.ts files re-export from extensionless
 * relative paths inside a `"type": "module"` package, which NodeNext cannot resolve, so every
 * ecpair type is `any` (skipLibCheck hides the error). Declaring the slice keeps signing typed.
 */
interface RegtestKey extends Signer {
  readonly publicKey: Uint8Array;
  tweak(t: Uint8Array): RegtestKey;
}
interface RegtestKeyFactory {
  fromPrivateKey(privateKey: Uint8Array, options: { network: Network }): RegtestKey;
}

initEccLib(ecc);
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- ecpair's types are `any`, see RegtestKey
const ECPair: RegtestKeyFactory = ECPairFactory(ecc);

export function createRegtestChain(options: { initialBlocks?: number; startTime?: number } = {}): RegtestChain {
  const network = networks.regtest;
  const wallets = new Map<string, Keyed>(); // by script hex
  const txs = new Map<string, Transaction>();
  const blocks = new Map<string, StoredBlock>();
  const active: string[] = [];
  let mempool: string[] = [];
  let walletCounter = 0;
  let time = options.startTime ?? 1_700_000_000;
  let extraNonce = 0;

  function key(label: string): RegtestKey {
    return ECPair.fromPrivateKey(crypto.sha256(Buffer.from(`chainwatch-regtest:${label}`)), { network });
  }

  function newWallet(type: RegtestWalletType, label = `${type}-${++walletCounter}`): RegtestWallet {
    let wallet: Keyed;
    if (type === 'p2wpkh' || type === 'p2pkh') {
      const k = key(label);
      const p = type === 'p2wpkh' ? payments.p2wpkh({ pubkey: k.publicKey, network }) : payments.p2pkh({ pubkey: k.publicKey, network });
      wallet = { type, label, address: p.address!, scriptHex: hex(p.output!), keys: [k] };
    } else if (type === 'p2tr') {
      const k = key(label);
      const p = payments.p2tr({ internalPubkey: toXOnly(k.publicKey), network });
      wallet = { type, label, address: p.address!, scriptHex: hex(p.output!), keys: [k] };
    } else {
      const keys = [key(`${label}/0`), key(`${label}/1`), key(`${label}/2`)];
      const redeem = payments.p2ms({ m: 2, pubkeys: keys.map((k) => k.publicKey), network });
      const p = payments.p2sh({ redeem, network });
      wallet = { type, label, address: p.address!, scriptHex: hex(p.output!), keys, redeem: redeem.output! };
    }
    wallets.set(wallet.scriptHex, wallet);
    const { keys: _keys, redeem: _redeem, ...pub } = wallet;
    return pub;
  }

  const faucet = newWallet('p2wpkh', 'faucet');

  /** Unspent outputs after applying the active chain, then (optionally) the mempool. */
  function utxoSet(includeMempool: boolean): Map<string, RegtestUtxo> {
    const set = new Map<string, RegtestUtxo>();
    const apply = (txid: string, height: number | null): void => {
      const tx = txs.get(txid)!;
      if (!tx.isCoinbase()) for (const input of tx.ins) set.delete(`${rhex(input.hash)}:${input.index}`);
      tx.outs.forEach((o, vout) => set.set(`${txid}:${vout}`, { txid, vout, value: o.value, scriptHex: hex(o.script), height }));
    };
    active.forEach((h, height) => blocks.get(h)!.txids.forEach((t) => apply(t, height)));
    if (includeMempool) mempool.forEach((t) => apply(t, null));
    return set;
  }

  function send(from: RegtestWallet, pays: readonly RegtestPayment[], opts: { fee?: bigint; changeTo?: RegtestWallet } = {}): string {
    const wallet = wallets.get(from.scriptHex);
    if (!wallet) throw new Error(`regtest: no keys for ${from.address}`);
    const fee = opts.fee ?? 1_000n;
    const need = pays.reduce((s, p) => s + p.amount, 0n) + fee;
    const coins = [...utxoSet(true).values()].filter((u) => u.scriptHex === wallet.scriptHex);
    const chosen: RegtestUtxo[] = [];
    let total = 0n;
    for (const c of coins) {
      if (total >= need) break;
      chosen.push(c);
      total += c.value;
    }
    if (total < need) throw new Error(`regtest: ${from.address} has ${total} sats, needs ${need}`);
    const psbt = new Psbt({ network });
    const script = Buffer.from(wallet.scriptHex, 'hex');
    for (const c of chosen) {
      const prev = txs.get(c.txid)!;
      if (wallet.type === 'p2wpkh') psbt.addInput({ hash: c.txid, index: c.vout, witnessUtxo: { script, value: c.value } });
      else if (wallet.type === 'p2tr') psbt.addInput({ hash: c.txid, index: c.vout, witnessUtxo: { script, value: c.value }, tapInternalKey: toXOnly(wallet.keys[0]!.publicKey) });
      else if (wallet.type === 'p2pkh') psbt.addInput({ hash: c.txid, index: c.vout, nonWitnessUtxo: prev.toBuffer() });
      else psbt.addInput({ hash: c.txid, index: c.vout, nonWitnessUtxo: prev.toBuffer(), redeemScript: wallet.redeem! });
    }
    for (const p of pays) psbt.addOutput({ script: outputScript(p.to), value: p.amount });
    const change = total - need;
    if (change > 0n) psbt.addOutput({ script: Buffer.from((opts.changeTo ?? from).scriptHex, 'hex'), value: change });
    chosen.forEach((_, i) => {
      if (wallet.type === 'p2tr') {
        const k = wallet.keys[0]!;
        psbt.signInput(i, k.tweak(crypto.taggedHash('TapTweak', toXOnly(k.publicKey))));
      } else if (wallet.type === 'p2sh-multisig') {
        psbt.signInput(i, wallet.keys[0]!);
        psbt.signInput(i, wallet.keys[2]!);
      } else {
        psbt.signInput(i, wallet.keys[0]!);
      }
    });
    psbt.finalizeAllInputs();
    const tx = psbt.extractTransaction();
    const txid = tx.getId();
    txs.set(txid, tx);
    mempool.push(txid);
    return txid;
  }

  function outputScript(to: RegtestWallet | string): Uint8Array {
    return typeof to === 'string' ? address.toOutputScript(to, network) : Buffer.from(to.scriptHex, 'hex');
  }

  function mineOne(included: readonly string[]): string {
    const height = active.length;
    const body = included.map((t) => txs.get(t)!);
    const fees = feesOf(body);
    const coinbase = new Transaction();
    coinbase.version = 2;
    const tag = Buffer.alloc(4);
    tag.writeUInt32LE(++extraNonce);
    coinbase.addInput(ZERO32, 0xffffffff, 0xffffffff, script.compile([script.number.encode(height), tag]));
    coinbase.addOutput(Buffer.from(faucet.scriptHex, 'hex'), SUBSIDY + fees);
    const all = [coinbase, ...body];
    if (body.some((t) => t.hasWitnesses())) {
      // BIP-141: coinbase commits to the witness merkle root (coinbase wtxid = 0) with a zero reserved value.
      coinbase.setWitness(0, [ZERO32]);
      const root = merkle([ZERO32, ...body.map((t) => t.getHash(true))]);
      const commitment = crypto.hash256(Buffer.concat([root, ZERO32]));
      coinbase.addOutput(script.compile([script.OPS.OP_RETURN, Buffer.concat([Buffer.from('aa21a9ed', 'hex'), commitment])]), 0n);
    }
    const block = new Block();
    block.version = 0x20000000;
    block.prevHash = height === 0 ? ZERO32 : Buffer.from(active[height - 1]!, 'hex').reverse();
    block.timestamp = time += 600;
    block.bits = REGTEST_BITS;
    block.transactions = all;
    block.merkleRoot = Block.calculateMerkleRoot(all);
    block.nonce = 0;
    while (!block.checkProofOfWork()) block.nonce++;
    const hash = block.getId();
    for (const t of all) txs.set(t.getId(), t);
    blocks.set(hash, { hash, height, raw: block.toBuffer(), txids: all.map((t) => t.getId()) });
    active.push(hash);
    return hash;
  }

  function feesOf(body: readonly Transaction[]): bigint {
    let fees = 0n;
    for (const tx of body) {
      let inSum = 0n;
      for (const input of tx.ins) inSum += txs.get(rhex(input.hash))?.outs[input.index]?.value ?? 0n;
      fees += inSum - tx.outs.reduce((s, o) => s + o.value, 0n);
    }
    return fees;
  }

  function mine(count = 1): string[] {
    const hashes: string[] = [];
    for (let i = 0; i < count; i++) {
      hashes.push(mineOne(mempool));
      mempool = [];
    }
    return hashes;
  }

  for (let i = 0; i < (options.initialBlocks ?? 1); i++) mine();

  return {
    network,
    faucet,
    newWallet,
    height: () => active.length - 1,
    tipHash: () => active[active.length - 1]!,
    blockHash: (height) => active[height],
    rawBlock: (hash) => blocks.get(hash.toLowerCase())?.raw,
    mempoolTxids: () => [...mempool],
    rawTransaction(txid) {
      const id = txid.toLowerCase();
      const inActive = mempool.includes(id) || active.some((h) => blocks.get(h)!.txids.includes(id));
      return inActive ? txs.get(id)?.toBuffer() : undefined;
    },
    unspent: (scriptHex, opts) => [...utxoSet(opts?.includeMempool ?? false).values()].filter((u) => u.scriptHex === scriptHex.toLowerCase()),
    send,
    mine,
    disconnect(count, opts) {
      const removed = active.splice(active.length - count, count);
      if (opts?.dropTransactions) return;
      const back = removed.flatMap((h) => blocks.get(h)!.txids.slice(1));
      mempool = [...back, ...mempool];
    },
    dropFromMempool(txid) {
      mempool = mempool.filter((t) => t !== txid.toLowerCase());
    },
  };
}

function merkle(leaves: readonly Uint8Array[]): Uint8Array {
  let level = leaves;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(crypto.hash256(Buffer.concat([level[i]!, level[i + 1] ?? level[i]!])));
    level = next;
  }
  return level[0]!;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function rhex(bytes: Uint8Array): string {
  return Buffer.from(bytes).reverse().toString('hex');
}
