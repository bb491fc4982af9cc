import type { LedgerKind } from '../ledger/ledger-kinds.js';
import { ledgerProfileOf } from '../ledger/ledger-profiles.js';
import { normalizeLedgerAddress } from '../ledger/normalize-ledger-address.js';
import { getAddress, sha256, decodeBase58, toBeHex } from 'ethers';
import { address as btcAddress, networks, type Network } from 'bitcoinjs-lib';
import { AddressError } from '../address/address-error.js';
import { normalizeUtxoAddress } from '../address/normalize-utxo-address.js';
import { isHarmonyBech32Address, normalizeHarmonyAddress } from '../address/normalize-harmony-address.js';

/**
 * Checks an address an importer is about to write, for the chain it is filed
 * under, and returns its canonical display form. Pure: no I/O.
 *
 * Chains chainwatch watches get the same checks as the loader (EIP-55 for EVM,
 * base58check/bech32 per network for Bitcoin); chains it only keeps data for
 * get the check their format allows with the libraries we have, or a shape
 * check (the address is kept, never dropped, but the file stays disabled).
 */
export type ImportAddressCheck =
  | { readonly ok: true; readonly address: string; readonly key: string }
  | { readonly ok: false; readonly reason: string };

/** Chains whose addresses are 20-byte EVM accounts (EIP-55 display form). */
export const EVM_CHAIN_IDS: ReadonlySet<string> = new Set([
  'ethereum',
  'arbitrum',
  'bsc',
  'polygon',
  'optimism',
  'fantom',
  'avalanche',
  'ethereum-classic',
  'ethereum-pow',
  'tomochain',
  'vechain',
]);

// Base58/bech32 parameters of Bitcoin-derived chains. Only the fields
// toOutputScript reads matter (pubKeyHash, scriptHash, bech32).
const litecoin: Network = { ...networks.bitcoin, bech32: 'ltc', pubKeyHash: 0x30, scriptHash: 0x32 };
const litecoinLegacyP2sh: Network = { ...litecoin, scriptHash: 0x05 };
const dogecoin: Network = { ...networks.bitcoin, bech32: 'doge', pubKeyHash: 0x1e, scriptHash: 0x16 };

const BASE58_NETWORKS: Readonly<Record<string, readonly Network[]>> = {
  bitcoin: [networks.bitcoin],
  'bitcoin-sv': [networks.bitcoin],
  litecoin: [litecoin, litecoinLegacyP2sh],
  dogecoin: [dogecoin],
};

/** Loose shapes for chains whose checksum we do not verify (data is kept, file disabled). */
const SHAPES: Readonly<Record<string, RegExp>> = {
  'bitcoin-cash': /^(bitcoincash:)?[qp][02-9ac-hj-np-z]{41}$|^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/,
  monero: /^[48][1-9A-HJ-NP-Za-km-z]{94}$|^4[1-9A-HJ-NP-Za-km-z]{105}$/,
  ripple: /^r[1-9A-HJ-NP-Za-km-z]{24,34}$/,
};

const TRON_RE = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;

/** Ledger chains of the shipped lists by their chain id (the import names chains, not kinds). */
export const WELL_KNOWN_LEDGER_CHAINS: ReadonlyMap<string, { readonly kind: LedgerKind; readonly addressPrefix?: string }> = new Map<string, { readonly kind: LedgerKind; readonly addressPrefix?: string }>([
  ...(['ripple', 'stellar', 'solana', 'ton', 'polkadot', 'tezos', 'aptos', 'kadena', 'zilliqa', 'xdag', 'vechain'] as const).map((k) => [k, { kind: k }] as const),
  ['kava-cosmos', { kind: 'cosmos', addressPrefix: 'kava' }],
  ['cosmos', { kind: 'cosmos', addressPrefix: 'cosmos' }],
]);

export function validateImportAddress(chain: string, raw: string): ImportAddressCheck {
  const input = raw.trim();
  if (input === '') return { ok: false, reason: 'empty address' };
  if (/\s/.test(input)) return { ok: false, reason: 'address contains whitespace' };

  if (chain === 'harmony') {
    // one1… (as Harmony's explorer shows it) and 0x… name the same account: keep the source's form, key by the 0x bytes.
    try {
      const norm = normalizeHarmonyAddress(input);
      return { ok: true, address: isHarmonyBech32Address(input) ? input.toLowerCase() : norm.checksummed, key: norm.matchKey };
    } catch (err) {
      if (err instanceof AddressError) return { ok: false, reason: err.message };
      throw err;
    }
  }

  if (EVM_CHAIN_IDS.has(chain)) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(input)) return { ok: false, reason: `not a 20-byte 0x address for ${chain}` };
    try {
      // EIP-55: mixed-case input must carry a valid checksum; all-lower/upper is accepted and checksummed.
      const display = getAddress(input);
      return { ok: true, address: display, key: display.toLowerCase() };
    } catch {
      return { ok: false, reason: 'bad EIP-55 checksum (mixed-case address whose checksum does not match)' };
    }
  }

  // Chains chainwatch polls through its UTXO engine: exactly the loader's check, and its display form
  // (Bitcoin Cash legacy addresses become CashAddr, as alerts show them).
  if (chain === 'litecoin' || chain === 'dogecoin' || chain === 'bitcoin-cash' || chain === 'bitcoin-sv' || chain === 'dash' || chain === 'bitcoin-gold' || chain === 'zcash' || chain === 'verge') {
    try {
      const norm = normalizeUtxoAddress(input, chain, 'mainnet');
      return { ok: true, address: norm.display, key: norm.display };
    } catch (err) {
      if (err instanceof AddressError) return { ok: false, reason: err.message };
      throw err;
    }
  }

  const base58Networks = BASE58_NETWORKS[chain];
  if (base58Networks !== undefined) {
    for (const network of base58Networks) {
      try {
        btcAddress.toOutputScript(input, network);
        // bech32 (BIP-173/350) is case-insensitive and displayed lowercase; base58 is case-sensitive.
        const display = /^[a-z]{2,4}1/i.test(input) && input.toLowerCase().startsWith(`${network.bech32}1`) ? input.toLowerCase() : input;
        return { ok: true, address: display, key: display };
      } catch {
        // try the next network variant
      }
    }
    return { ok: false, reason: `not a valid ${chain} mainnet address (base58check/bech32 check failed)` };
  }

  if (chain === 'tron') {
    if (!TRON_RE.test(input) || !isTronChecksumValid(input)) return { ok: false, reason: 'not a valid Tron address (base58check with 0x41 prefix)' };
    return { ok: true, address: input, key: input };
  }

  const ledger = WELL_KNOWN_LEDGER_CHAINS.get(chain);
  if (ledger !== undefined && ledgerProfileOf(ledger.kind) !== undefined) {
    try {
      const n = normalizeLedgerAddress(ledger.kind, input, { addressPrefix: ledger.addressPrefix });
      return { ok: true, address: n.display, key: n.matchKey };
    } catch (err) {
      if (err instanceof AddressError) return { ok: false, reason: err.message };
      throw err;
    }
  }

  const shape = SHAPES[chain];
  if (shape !== undefined && !shape.test(input)) return { ok: false, reason: `does not look like a ${chain} address` };
  const display = chain === 'bitcoin-cash' ? input.toLowerCase() : input;
  return { ok: true, address: display, key: display };
}

/** Tron: base58check of 0x41 || 20-byte account, checksum = first 4 bytes of double SHA-256. */
function isTronChecksumValid(input: string): boolean {
  try {
    const hex = toBeHex(decodeBase58(input), 25).slice(2);
    if (!hex.startsWith('41')) return false;
    const payload = `0x${hex.slice(0, 42)}`;
    const checksum = sha256(sha256(payload)).slice(2, 10);
    return checksum === hex.slice(42);
  } catch {
    return false;
  }
}
