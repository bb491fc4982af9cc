import { networks, type Network } from 'bitcoinjs-lib';
import type { Asset } from '../movement.js';
import type { BitcoinNetworkName } from './bitcoin-network.js';

/**
 * The UTXO chain families chainwatch watches through one engine (raw blocks,
 * scriptPubKey matching, outpoint memory). A family fixes the address formats,
 * the coin and what a raw block may contain; everything else is shared.
 */
export const UTXO_KINDS = ['bitcoin', 'litecoin', 'dogecoin', 'bitcoin-cash', 'bitcoin-sv', 'dash', 'bitcoin-gold', 'zcash', 'verge'] as const;
export type UtxoKind = (typeof UTXO_KINDS)[number];

export function isUtxoKind(kind: unknown): kind is UtxoKind {
  return typeof kind === 'string' && (UTXO_KINDS as readonly string[]).includes(kind);
}

/** Networks each family has (signet is Bitcoin's alone). */
export const UTXO_NETWORK_NAMES: Readonly<Record<UtxoKind, readonly BitcoinNetworkName[]>> = {
  bitcoin: ['mainnet', 'testnet', 'signet', 'regtest'],
  litecoin: ['mainnet', 'testnet', 'regtest'],
  dogecoin: ['mainnet', 'testnet', 'regtest'],
  'bitcoin-cash': ['mainnet', 'testnet', 'regtest'],
  'bitcoin-sv': ['mainnet', 'testnet', 'regtest'],
  dash: ['mainnet', 'testnet', 'regtest'],
  // Bitcoin Gold's header layout changes at a mainnet height; its test networks are not supported.
  'bitcoin-gold': ['mainnet'],
  zcash: ['mainnet', 'testnet', 'regtest'],
  verge: ['mainnet', 'testnet', 'regtest'],
};

/** What a serialized block of the family may contain beyond Bitcoin's pre-segwit layout. */
export interface UtxoBlockRules {
  /** BIP-144 marker/flag and witnesses (Bitcoin, Litecoin). */
  readonly segwit: boolean;
  /** Litecoin MWEB (LIP-0003): flag bit 0x08 on the HogEx transaction and the extension block after the last transaction. */
  readonly mweb: boolean;
  /** Dogecoin merged mining: header version bit 0x100 announces an AuxPoW between header and transactions. */
  readonly auxpow: boolean;
  /** Bitcoin Cash CashTokens (CHIP-2022-02): an output's script field may start with the 0xef token prefix. */
  readonly cashTokens: boolean;
  /**
   * Dash DIP2 special transactions: the 32-bit version is a 16-bit version and a 16-bit type; a version-3
   * transaction with a type other than 0 carries a compactSize-prefixed extra payload after the locktime
   * (masternode registrations, the DIP4 coinbase payload...). It is skipped, and it is part of the txid.
   */
  readonly specialTx: boolean;
  /**
   * How the block hash is computed from the 80-byte header: double SHA-256, X11 (Dash), or scrypt(N=1024, r=1,
   * p=1) (Verge, whatever algorithm mined the block: its CBlockHeader::GetHash is the scrypt hash).
   */
  readonly headerHash: 'sha256d' | 'x11' | 'scrypt';
  /**
   * Bitcoin Gold: every raw block has Equihash's header (140 bytes, then the compactSize-prefixed solution);
   * from this height on the hash covers all of it, below it (blocks inherited from Bitcoin) only Bitcoin's
   * 80 bytes. Undefined for chains with Bitcoin's 80-byte header.
   */
  readonly equihashFromHeight?: number;
  /**
   * Zcash: transactions in Zcash's own formats (v1–v3 Sprout/Overwinter with JoinSplits, v4 Sapling, v5 NU5
   * per ZIP-225 with ZIP-244 BLAKE2b txids), read by scanZcashTransactions; only the transparent parts are matched.
   */
  readonly zcashTransactions?: boolean;
  /** Verge (PPCoin heritage): every transaction has a 4-byte nTime after its version, part of the txid. */
  readonly txTime?: boolean;
  /** Verge: the block ends with a compactSize-prefixed block signature (vchBlockSig) after the last transaction. */
  readonly blockSignature?: boolean;
}

const RULES: Readonly<Record<UtxoKind, UtxoBlockRules>> = {
  bitcoin: { segwit: true, mweb: false, auxpow: false, cashTokens: false, specialTx: false, headerHash: 'sha256d' },
  litecoin: { segwit: true, mweb: true, auxpow: false, cashTokens: false, specialTx: false, headerHash: 'sha256d' },
  dogecoin: { segwit: false, mweb: false, auxpow: true, cashTokens: false, specialTx: false, headerHash: 'sha256d' },
  'bitcoin-cash': { segwit: false, mweb: false, auxpow: false, cashTokens: true, specialTx: false, headerHash: 'sha256d' },
  // Bitcoin SV kept the 2017 layout: no segwit, no tokens in the output format.
  'bitcoin-sv': { segwit: false, mweb: false, auxpow: false, cashTokens: false, specialTx: false, headerHash: 'sha256d' },
  // Dash: Bitcoin's pre-segwit layout plus DIP2 payloads; blocks are identified by the X11 hash of the header.
  dash: { segwit: false, mweb: false, auxpow: false, cashTokens: false, specialTx: true, headerHash: 'x11' },
  // Bitcoin Gold forked from Bitcoin at 491,407 with an Equihash header; it kept segwit (bech32 btg1…).
  'bitcoin-gold': { segwit: true, mweb: false, auxpow: false, cashTokens: false, specialTx: false, headerHash: 'sha256d', equihashFromHeight: 491_407 },
  // Zcash: Equihash header (140 bytes + solution, all hashed) from genesis; Zcash's transaction formats.
  zcash: { segwit: false, mweb: false, auxpow: false, cashTokens: false, specialTx: false, headerHash: 'sha256d', equihashFromHeight: 0, zcashTransactions: true },
  // Verge: 80-byte header named by its scrypt hash, nTime in every transaction, block signature after them; no segwit.
  verge: { segwit: false, mweb: false, auxpow: false, cashTokens: false, specialTx: false, headerHash: 'scrypt', txTime: true, blockSignature: true },
};

export function utxoBlockRules(kind: UtxoKind): UtxoBlockRules {
  return RULES[kind];
}

/**
 * bitcoinjs-lib network parameters, extended: `bech32: ''` means the chain has no
 * segwit addresses (Dogecoin, Bitcoin Cash); `cashAddrPrefix` means addresses are
 * shown as CashAddr (Bitcoin Cash).
 */
export interface UtxoNetwork extends Network {
  readonly cashAddrPrefix?: string;
  /** Base58 P2SH version bytes also accepted on input (Litecoin's old `3…` form). */
  readonly legacyScriptHash?: number;
  /**
   * Zcash: pubKeyHash and scriptHash are two-byte base58 versions (0x1CB8 `t1…`, 0x1CBD `t3…`), written
   * big-endian before the 20-byte hash; bitcoinjs-lib's one-byte base58 functions cannot be used for them.
   */
  readonly twoByteBase58?: boolean;
  /** Zcash ZIP-320 TEX addresses (bech32m of a P2PKH hash): their human-readable part. */
  readonly texHrp?: string;
}

const ltcMain: UtxoNetwork = { ...networks.bitcoin, messagePrefix: '\x19Litecoin Signed Message:\n', bech32: 'ltc', pubKeyHash: 0x30, scriptHash: 0x32, wif: 0xb0, legacyScriptHash: 0x05 };
const ltcTest: UtxoNetwork = { ...networks.testnet, messagePrefix: '\x19Litecoin Signed Message:\n', bech32: 'tltc', pubKeyHash: 0x6f, scriptHash: 0x3a, legacyScriptHash: 0xc4 };
const ltcReg: UtxoNetwork = { ...ltcTest, bech32: 'rltc' };
const dogeMain: UtxoNetwork = { ...networks.bitcoin, messagePrefix: '\x19Dogecoin Signed Message:\n', bech32: '', pubKeyHash: 0x1e, scriptHash: 0x16, wif: 0x9e };
const dogeTest: UtxoNetwork = { ...networks.testnet, messagePrefix: '\x19Dogecoin Signed Message:\n', bech32: '', pubKeyHash: 0x71, scriptHash: 0xc4, wif: 0xf1 };
const dogeReg: UtxoNetwork = { ...dogeTest, pubKeyHash: 0x6f, wif: 0xef };
const bchMain: UtxoNetwork = { ...networks.bitcoin, bech32: '', cashAddrPrefix: 'bitcoincash' };
const bchTest: UtxoNetwork = { ...networks.testnet, bech32: '', cashAddrPrefix: 'bchtest' };
const bchReg: UtxoNetwork = { ...networks.regtest, bech32: '', cashAddrPrefix: 'bchreg' };
const bsvMain: UtxoNetwork = { ...networks.bitcoin, bech32: '' };
const bsvTest: UtxoNetwork = { ...networks.testnet, bech32: '' };
const bsvReg: UtxoNetwork = { ...networks.regtest, bech32: '' };
// Dash Core chainparams: base58 prefixes 76 (X…) and 16 (7…) on mainnet, 140 (y…) and 19 (8…/9…) on testnet and regtest; no segwit.
const dashMain: UtxoNetwork = { ...networks.bitcoin, messagePrefix: '\x19DarkCoin Signed Message:\n', bech32: '', pubKeyHash: 0x4c, scriptHash: 0x10, wif: 0xcc };
const dashTest: UtxoNetwork = { ...networks.testnet, messagePrefix: '\x19DarkCoin Signed Message:\n', bech32: '', pubKeyHash: 0x8c, scriptHash: 0x13, wif: 0xef };
const dashReg: UtxoNetwork = { ...dashTest };
// Bitcoin Gold chainparams: base58 38 (G…) and 23 (A…), bech32 btg.
const btgMain: UtxoNetwork = { ...networks.bitcoin, messagePrefix: '\x1dBitcoin Gold Signed Message:\n', bech32: 'btg', pubKeyHash: 0x26, scriptHash: 0x17, wif: 0x80 };
// zcashd chainparams: two-byte base58 prefixes {0x1C,0xB8} t1 and {0x1C,0xBD} t3 on mainnet, {0x1D,0x25} tm and
// {0x1C,0xBA} t2 on testnet and regtest; no segwit; ZIP-320 TEX HRPs tex, textest, texregtest.
const zecMain: UtxoNetwork = { ...networks.bitcoin, messagePrefix: '\x16Zcash Signed Message:\n', bech32: '', pubKeyHash: 0x1cb8, scriptHash: 0x1cbd, twoByteBase58: true, texHrp: 'tex' };
const zecTest: UtxoNetwork = { ...networks.testnet, messagePrefix: '\x16Zcash Signed Message:\n', bech32: '', pubKeyHash: 0x1d25, scriptHash: 0x1cba, twoByteBase58: true, texHrp: 'textest' };
const zecReg: UtxoNetwork = { ...zecTest, texHrp: 'texregtest' };
// Verge chainparams: base58 30 (D…) and 33 (E…) on mainnet, 115/196 on testnet, 111/196 on regtest; its
// transactions have no witness serialisation, so no segwit addresses.
const xvgMain: UtxoNetwork = { ...networks.bitcoin, messagePrefix: '\x16VERGE Signed Message:\n', bech32: '', pubKeyHash: 0x1e, scriptHash: 0x21, wif: 0x9e };
const xvgTest: UtxoNetwork = { ...networks.testnet, messagePrefix: '\x16VERGE Signed Message:\n', bech32: '', pubKeyHash: 0x73, scriptHash: 0xc4, wif: 0xf3 };
const xvgReg: UtxoNetwork = { ...xvgTest, pubKeyHash: 0x6f, wif: 0xef };

const NETWORKS: Readonly<Record<UtxoKind, Partial<Record<BitcoinNetworkName, UtxoNetwork>>>> = {
  bitcoin: { mainnet: networks.bitcoin, testnet: networks.testnet, signet: networks.testnet, regtest: networks.regtest },
  litecoin: { mainnet: ltcMain, testnet: ltcTest, regtest: ltcReg },
  dogecoin: { mainnet: dogeMain, testnet: dogeTest, regtest: dogeReg },
  'bitcoin-cash': { mainnet: bchMain, testnet: bchTest, regtest: bchReg },
  'bitcoin-sv': { mainnet: bsvMain, testnet: bsvTest, regtest: bsvReg },
  dash: { mainnet: dashMain, testnet: dashTest, regtest: dashReg },
  'bitcoin-gold': { mainnet: btgMain },
  zcash: { mainnet: zecMain, testnet: zecTest, regtest: zecReg },
  verge: { mainnet: xvgMain, testnet: xvgTest, regtest: xvgReg },
};

/** Address parameters of one family's network; throws for a network the family does not have (config validation prevents it). */
export function utxoNetwork(kind: UtxoKind, name: BitcoinNetworkName): UtxoNetwork {
  const n = NETWORKS[kind][name];
  if (n === undefined) throw new Error(`${kind} has no ${name} network`);
  return n;
}

const ASSETS: Readonly<Record<UtxoKind, Asset>> = {
  bitcoin: { contract: null, symbol: 'BTC', decimals: 8 },
  litecoin: { contract: null, symbol: 'LTC', decimals: 8 },
  dogecoin: { contract: null, symbol: 'DOGE', decimals: 8 },
  'bitcoin-cash': { contract: null, symbol: 'BCH', decimals: 8 },
  'bitcoin-sv': { contract: null, symbol: 'BSV', decimals: 8 },
  dash: { contract: null, symbol: 'DASH', decimals: 8 },
  'bitcoin-gold': { contract: null, symbol: 'BTG', decimals: 8 },
  zcash: { contract: null, symbol: 'ZEC', decimals: 8 },
  // Verge's COIN is 1,000,000 base units (amount.h), not Bitcoin's 10^8.
  verge: { contract: null, symbol: 'XVG', decimals: 6 },
};

/** The coin a family's movements carry (10^-8 units, except Verge's 10^-6). */
export function utxoAsset(kind: UtxoKind): Asset {
  return ASSETS[kind];
}
