import { networks, type Network } from 'bitcoinjs-lib';
import type { Asset } from '../movement.js';
import type { BitcoinNetworkName } from './bitcoin-network.js';

/**
 * The UTXO chain families chainwatch watches through one engine (raw blocks,
 * scriptPubKey matching, outpoint memory). A family fixes the address formats,
 * the coin and what a raw block may contain; everything else is shared.
 */
export const UTXO_KINDS = ['bitcoin', 'litecoin', 'dogecoin', 'bitcoin-cash', 'bitcoin-sv', 'dash', 'bitcoin-gold'] as const;
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
  /** How the block hash is computed from the 80-byte header: double SHA-256, or X11 (Dash). */
  readonly headerHash: 'sha256d' | 'x11';
  /**
   * Bitcoin Gold: every raw block has Equihash's header (140 bytes, then the compactSize-prefixed solution);
   * from this height on the hash covers all of it, below it (blocks inherited from Bitcoin) only Bitcoin's
   * 80 bytes. Undefined for chains with Bitcoin's 80-byte header.
   */
  readonly equihashFromHeight?: number;
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

const NETWORKS: Readonly<Record<UtxoKind, Partial<Record<BitcoinNetworkName, UtxoNetwork>>>> = {
  bitcoin: { mainnet: networks.bitcoin, testnet: networks.testnet, signet: networks.testnet, regtest: networks.regtest },
  litecoin: { mainnet: ltcMain, testnet: ltcTest, regtest: ltcReg },
  dogecoin: { mainnet: dogeMain, testnet: dogeTest, regtest: dogeReg },
  'bitcoin-cash': { mainnet: bchMain, testnet: bchTest, regtest: bchReg },
  'bitcoin-sv': { mainnet: bsvMain, testnet: bsvTest, regtest: bsvReg },
  dash: { mainnet: dashMain, testnet: dashTest, regtest: dashReg },
  'bitcoin-gold': { mainnet: btgMain },
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
};

/** The coin a family's movements carry (every family counts in 10^-8 units). */
export function utxoAsset(kind: UtxoKind): Asset {
  return ASSETS[kind];
}
