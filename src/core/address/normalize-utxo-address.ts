import { bech32m } from 'bech32';
import { address as btcAddress } from 'bitcoinjs-lib';
import { utxoNetwork, UTXO_KINDS, UTXO_NETWORK_NAMES, type UtxoKind, type UtxoNetwork } from '../btc/utxo-chain.js';
import { AddressError } from './address-error.js';
import { decodeBase58Check } from './base58-address.js';
import { decodeCashAddr, encodeCashAddr } from './cash-addr.js';
import { normalizeBitcoinAddress, type BitcoinNetworkName, type BitcoinScriptType } from './normalize-bitcoin-address.js';

export type UtxoScriptType = BitcoinScriptType | 'p2sh32';

export interface NormalizedUtxoAddress {
  /** How alerts show it: bech32 lowercased, base58 as written, Bitcoin Cash always CashAddr with its prefix. */
  readonly display: string;
  readonly scriptType: UtxoScriptType;
  /** scriptPubKey hex: what matching compares against outputs. */
  readonly matchKey: string;
}

/**
 * Validates an address of one UTXO family and network and returns its
 * scriptPubKey (matching stays by script bytes):
 * - bitcoin: normalizeBitcoinAddress (BIP-173/350, base58check);
 * - litecoin: base58check `L…` (0x30), `M…` (0x32) and the old `3…` P2SH (0x05),
 *   bech32/bech32m `ltc1…` (BIP-173/350 with HRP ltc); MWEB `ltcmweb1…` stealth
 *   addresses never appear in a transparent output, so they are refused;
 * - dogecoin: base58check `D…` (0x1e), `A…`/`9…` (0x16); no segwit;
 * - bitcoin-sv: base58check `1…`/`3…` (Bitcoin's prefixes; no segwit);
 * - dash: base58check `X…` (0x4c) and `7…` (0x10); no segwit;
 * - bitcoin-gold: base58check `G…` (0x26) and `A…` (0x17), bech32/bech32m `btg1…`;
 * - zcash: transparent addresses only, base58check with two-byte versions `t1…` (0x1CB8) and `t3…` (0x1CBD),
 *   testnet/regtest `tm…`/`t2…`, and ZIP-320 TEX `tex1…` (bech32m of a P2PKH hash); shielded (`zs1…`, `zc…`)
 *   and unified (`u1…`) addresses are refused: shielded value never names an address on chain;
 * - verge: base58check `D…` (30) and `E…` (33); no segwit;
 * - bitcoin-cash: CashAddr (`bitcoincash:q…`/`p…`, with or without prefix, token-aware
 *   `z…`/`r…` too, P2SH32) and legacy base58 `1…`/`3…`, always shown as CashAddr.
 * An address of another network or another coin is an error naming what it is.
 */
export function normalizeUtxoAddress(input: string, kind: UtxoKind, network: BitcoinNetworkName): NormalizedUtxoAddress {
  if (kind === 'bitcoin') return normalizeBitcoinAddress(input, network);
  const raw = input.trim();
  if (raw.length === 0) throw invalid(kind, 'empty');
  const params = utxoNetwork(kind, network);
  if (kind === 'bitcoin-cash') {
    const cash = decodeCashAddr(raw, params.cashAddrPrefix!);
    if (cash !== undefined) return fromCashAddr(cash.prefix, cash.type, cash.hash, network);
    if (raw.includes(':') || /^[qpzr][02-9ac-hj-np-z]{41,}$/i.test(raw)) throw invalid(kind, 'bad CashAddr prefix, characters or checksum');
  }
  if (kind === 'zcash') return fromZcash(raw, network, params);
  if (/^ltcmweb1|^tmweb1/i.test(raw)) {
    throw invalid(kind, 'an MWEB stealth address: MWEB outputs are confidential and never name it on chain, so it cannot be watched');
  }
  const bech = /^([a-z]{1,10})1[02-9ac-hj-np-z]+$/i.exec(raw);
  if (bech !== null && whoseBech32(bech[1]!.toLowerCase()) !== undefined) return fromBech32(raw, bech[1]!.toLowerCase(), kind, network);
  return fromBase58(raw, kind, network, params);
}

function invalid(kind: UtxoKind, why: string): AddressError {
  return new AddressError('invalid_bitcoin_address', `not a valid ${kind} address (${why})`);
}

function p2pkh(hash: Uint8Array): string {
  return `76a914${Buffer.from(hash).toString('hex')}88ac`;
}
function p2sh(hash: Uint8Array): string {
  return `a914${Buffer.from(hash).toString('hex')}87`;
}

function fromCashAddr(prefix: string, type: number, hash: Uint8Array, network: BitcoinNetworkName): NormalizedUtxoAddress {
  const belongs = UTXO_NETWORK_NAMES['bitcoin-cash'].filter((n) => utxoNetwork('bitcoin-cash', n).cashAddrPrefix === prefix);
  if (!belongs.includes(network)) {
    throw new AddressError('wrong_network', `wrong network: this is a bitcoin-cash ${belongs.join('/') || `"${prefix}:"`} address, the chain is ${network}`, { actualNetwork: belongs.join('/') || prefix });
  }
  const isP2sh = (type & 1) === 1;
  // Token-aware types (2, 3) lock the same scripts; display the plain form so one address has one spelling.
  if (!isP2sh && hash.length === 20) return { display: encodeCashAddr(prefix, 0, hash), scriptType: 'p2pkh', matchKey: p2pkh(hash) };
  if (isP2sh && hash.length === 20) return { display: encodeCashAddr(prefix, 1, hash), scriptType: 'p2sh', matchKey: p2sh(hash) };
  if (isP2sh && hash.length === 32) {
    return { display: encodeCashAddr(prefix, 1, hash), scriptType: 'p2sh32', matchKey: `aa20${Buffer.from(hash).toString('hex')}87` };
  }
  throw invalid('bitcoin-cash', `unsupported CashAddr type ${type} with a ${hash.length}-byte hash`);
}

function fromBech32(raw: string, hrp: string, kind: UtxoKind, network: BitcoinNetworkName): NormalizedUtxoAddress {
  if (raw !== raw.toLowerCase() && raw !== raw.toUpperCase()) throw invalid(kind, 'bech32 must not mix upper and lower case');
  const lower = raw.toLowerCase();
  const owner = whoseBech32(hrp);
  if (owner === undefined) throw invalid(kind, `unknown bech32 prefix "${hrp}1"`);
  if (owner.kind !== kind) throw invalid(kind, `this is a ${owner.kind} ${owner.network} address`);
  if (owner.network !== network) {
    throw new AddressError('wrong_network', `wrong network: this is a ${kind} ${owner.network} address, the chain is ${network}`, { actualNetwork: owner.network });
  }
  let decoded: { version: number; data: Uint8Array };
  try {
    decoded = btcAddress.fromBech32(lower);
  } catch (err) {
    throw new AddressError('invalid_bitcoin_address', `not a valid ${kind} address (bad bech32/bech32m encoding or checksum)`, { cause: err });
  }
  const { version, data } = decoded;
  const program = Buffer.from(data).toString('hex');
  if (version === 0 && data.length === 20) return { display: lower, scriptType: 'p2wpkh', matchKey: `0014${program}` };
  if (version === 0 && data.length === 32) return { display: lower, scriptType: 'p2wsh', matchKey: `0020${program}` };
  if (version === 1 && data.length === 32) return { display: lower, scriptType: 'p2tr', matchKey: `5120${program}` };
  throw invalid(kind, `unsupported segwit output (witness version ${version}, ${data.length}-byte program)`);
}

function whoseBech32(hrp: string): { kind: UtxoKind; network: BitcoinNetworkName } | undefined {
  for (const kind of UTXO_KINDS) {
    for (const network of UTXO_NETWORK_NAMES[kind]) {
      const b = utxoNetwork(kind, network).bech32;
      if (b !== '' && b === hrp) return { kind, network };
    }
  }
  return undefined;
}

/**
 * Zcash transparent addresses. The payload is two version bytes (big-endian) and the 20-byte hash
 * (zcashd chainparams base58Prefixes); TEX (ZIP-320) names the same P2PKH script in bech32m.
 */
function fromZcash(raw: string, network: BitcoinNetworkName, params: UtxoNetwork): NormalizedUtxoAddress {
  // Sapling (bech32 zs1…), unified (bech32m u1…) and Sprout (base58 zc…/zt…, 95 characters) addresses.
  if (/^(zs|ztestsapling|zregtestsapling|u|utest|uregtest)1/i.test(raw) || /^z[ct][1-9A-HJ-NP-Za-km-z]{90,}$/.test(raw)) {
    throw invalid('zcash', 'a shielded or unified address: shielded value is encrypted and never names its address on chain, so only transparent t… addresses can be watched');
  }
  const tex = /^(tex|textest|texregtest)1[02-9ac-hj-np-z]+$/i.exec(raw);
  if (tex !== null) {
    const hrp = tex[1]!.toLowerCase();
    if (raw !== raw.toLowerCase() && raw !== raw.toUpperCase()) throw invalid('zcash', 'bech32m must not mix upper and lower case');
    let hash: Uint8Array;
    try {
      hash = Uint8Array.from(bech32m.fromWords(bech32m.decode(raw.toLowerCase()).words));
    } catch (err) {
      throw new AddressError('invalid_bitcoin_address', 'not a valid zcash address (bad TEX bech32m encoding or checksum)', { cause: err });
    }
    const owner = UTXO_NETWORK_NAMES.zcash.filter((n) => utxoNetwork('zcash', n).texHrp === hrp);
    if (!owner.includes(network)) throw new AddressError('wrong_network', `wrong network: this is a zcash ${owner.join('/')} address, the chain is ${network}`, { actualNetwork: owner.join('/') });
    if (hash.length !== 20) throw invalid('zcash', `a TEX address with a ${hash.length}-byte hash`);
    return { display: raw.toLowerCase(), scriptType: 'p2pkh', matchKey: p2pkh(hash) };
  }
  const payload = decodeBase58Check(raw);
  if (payload === undefined) throw invalid('zcash', 'bad base58check encoding or checksum');
  if (payload.length !== 22) throw invalid('zcash', `a ${payload.length}-byte base58 payload (a transparent address has a 2-byte version and a 20-byte hash)`);
  const version = payload.readUInt16BE(0);
  const hash = payload.subarray(2);
  if (version === params.pubKeyHash) return { display: raw, scriptType: 'p2pkh', matchKey: p2pkh(hash) };
  if (version === params.scriptHash) return { display: raw, scriptType: 'p2sh', matchKey: p2sh(hash) };
  const nets = UTXO_NETWORK_NAMES.zcash.filter((n) => utxoNetwork('zcash', n).pubKeyHash === version || utxoNetwork('zcash', n).scriptHash === version);
  if (nets.length > 0) throw new AddressError('wrong_network', `wrong network: this is a zcash ${nets.join('/')} address, the chain is ${network}`, { actualNetwork: nets.join('/') });
  throw invalid('zcash', `base58 version 0x${version.toString(16).padStart(4, '0')} is not a Zcash transparent address`);
}

function fromBase58(raw: string, kind: UtxoKind, network: BitcoinNetworkName, params: UtxoNetwork): NormalizedUtxoAddress {
  let b58: { version: number; hash: Uint8Array };
  try {
    b58 = btcAddress.fromBase58Check(raw);
  } catch (err) {
    // A Zcash t-address has a two-byte version, which bitcoinjs-lib reads as a payload too long: say what it is.
    const payload = decodeBase58Check(raw);
    if (payload?.length === 22 && UTXO_NETWORK_NAMES.zcash.some((n) => [utxoNetwork('zcash', n).pubKeyHash, utxoNetwork('zcash', n).scriptHash].includes(payload.readUInt16BE(0)))) {
      throw invalid(kind, 'a zcash transparent address belongs to another coin');
    }
    throw new AddressError('invalid_bitcoin_address', `not a valid ${kind} address (bad base58check encoding or checksum)`, { cause: err });
  }
  if (b58.hash.length !== 20) throw invalid(kind, `a ${b58.hash.length}-byte base58 payload`);
  const display = (scriptHash: boolean): string =>
    kind === 'bitcoin-cash' ? encodeCashAddr(params.cashAddrPrefix!, scriptHash ? 1 : 0, b58.hash) : raw;
  if (b58.version === params.pubKeyHash) return { display: display(false), scriptType: 'p2pkh', matchKey: p2pkh(b58.hash) };
  if (b58.version === params.scriptHash || b58.version === params.legacyScriptHash) return { display: display(true), scriptType: 'p2sh', matchKey: p2sh(b58.hash) };
  // Same family, other network?
  for (const other of UTXO_NETWORK_NAMES[kind]) {
    const o = utxoNetwork(kind, other);
    if (b58.version === o.pubKeyHash || b58.version === o.scriptHash || b58.version === o.legacyScriptHash) {
      const nets = UTXO_NETWORK_NAMES[kind].filter((n) => {
        const p = utxoNetwork(kind, n);
        return b58.version === p.pubKeyHash || b58.version === p.scriptHash || b58.version === p.legacyScriptHash;
      });
      throw new AddressError('wrong_network', `wrong network: this is a ${kind} ${nets.join('/')} address, the chain is ${network}`, { actualNetwork: nets.join('/') });
    }
  }
  const coins = UTXO_KINDS.filter((k) => k !== kind && k !== 'bitcoin-cash' && k !== 'bitcoin-sv' && k !== 'zcash' && (utxoNetwork(k, 'mainnet').pubKeyHash === b58.version || utxoNetwork(k, 'mainnet').scriptHash === b58.version));
  const hint = coins.length > 0 ? `: a ${coins.join('/')} mainnet address` : '';
  throw invalid(kind, `base58 version byte ${b58.version} belongs to another coin${hint}`);
}
