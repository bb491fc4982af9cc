import * as ecc from '@bitcoinerlab/secp256k1';
import { address as btcAddress, initEccLib, networks, type Network } from 'bitcoinjs-lib';
import { AddressError } from './address-error.js';

export type BitcoinNetworkName = 'mainnet' | 'testnet' | 'signet' | 'regtest';
export type BitcoinScriptType = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr';

export interface NormalizedBitcoinAddress {
  /** bech32/bech32m lowercased (BIP-173 allows all-uppercase), base58 as written. */
  readonly display: string;
  readonly scriptType: BitcoinScriptType;
  /** scriptPubKey hex: what the Bitcoin matcher compares against outputs. */
  readonly matchKey: string;
}

// Signet shares testnet's prefixes (tb1, m/n/2), so bitcoinjs has no separate signet params.
const NETWORK_PARAMS: Record<BitcoinNetworkName, Network> = {
  mainnet: networks.bitcoin,
  testnet: networks.testnet,
  signet: networks.testnet,
  regtest: networks.regtest,
};

let eccReady = false;
function ensureEcc(): void {
  // P2TR outputs check that the x-only key is on the curve, which needs an ECC backend.
  if (!eccReady) {
    initEccLib(ecc);
    eccReady = true;
  }
}

/**
 * Validates a Bitcoin address for one network (BIP-173 bech32, BIP-350 bech32m,
 * base58check) and returns its scriptPubKey. An address of another network is a
 * `wrong_network` error naming the network it belongs to, since watching it would
 * silently never match.
 */
export function normalizeBitcoinAddress(input: string, network: BitcoinNetworkName): NormalizedBitcoinAddress {
  const raw = input.trim();
  const decoded = decode(raw);
  if (!decoded.networks.includes(network)) {
    const belongs = decoded.networks.join('/');
    throw new AddressError('wrong_network', `wrong network: this is a ${belongs} address, the chain is ${network}`, { actualNetwork: belongs });
  }
  // Segwit v0 scripts follow from the decoded program (BIP-141): toOutputScript would decode the
  // address again, through a base58 attempt that throws first, costing more than all the rest.
  if (decoded.program !== undefined && (decoded.scriptType === 'p2wpkh' || decoded.scriptType === 'p2wsh')) {
    return { display: decoded.display, scriptType: decoded.scriptType, matchKey: `${decoded.scriptType === 'p2wpkh' ? '0014' : '0020'}${Buffer.from(decoded.program).toString('hex')}` };
  }
  if (decoded.scriptType === 'p2tr') ensureEcc();
  let script: Uint8Array;
  try {
    script = btcAddress.toOutputScript(decoded.display, NETWORK_PARAMS[network]);
  } catch (err) {
    throw new AddressError('invalid_bitcoin_address', `not a valid bitcoin address (${decoded.scriptType} payload rejected)`, { cause: err });
  }
  return { display: decoded.display, scriptType: decoded.scriptType, matchKey: Buffer.from(script).toString('hex') };
}

interface Decoded {
  readonly display: string;
  readonly scriptType: BitcoinScriptType;
  readonly networks: readonly BitcoinNetworkName[];
  /** Segwit: the witness program. */
  readonly program?: Uint8Array;
}

function decode(raw: string): Decoded {
  if (raw.length === 0) throw new AddressError('invalid_bitcoin_address', 'not a bitcoin address: empty');
  const lower = raw.toLowerCase();
  const hrp = /^(bc|tb|bcrt)1/.exec(lower)?.[1];
  if (hrp !== undefined) return decodeSegwit(raw, lower, hrp);
  let b58: { version: number; hash: Uint8Array };
  try {
    b58 = btcAddress.fromBase58Check(raw);
  } catch (err) {
    throw new AddressError('invalid_bitcoin_address', 'not a valid bitcoin address (bad base58check encoding or checksum)', { cause: err });
  }
  switch (b58.version) {
    case networks.bitcoin.pubKeyHash:
      return { display: raw, scriptType: 'p2pkh', networks: ['mainnet'] };
    case networks.bitcoin.scriptHash:
      return { display: raw, scriptType: 'p2sh', networks: ['mainnet'] };
    case networks.testnet.pubKeyHash:
      return { display: raw, scriptType: 'p2pkh', networks: ['testnet', 'signet', 'regtest'] };
    case networks.testnet.scriptHash:
      return { display: raw, scriptType: 'p2sh', networks: ['testnet', 'signet', 'regtest'] };
    default:
      throw new AddressError('invalid_bitcoin_address', `not a bitcoin address (base58 version byte ${b58.version} belongs to another coin)`);
  }
}

function decodeSegwit(raw: string, lower: string, hrp: string): Decoded {
  if (raw !== lower && raw !== raw.toUpperCase()) {
    throw new AddressError('invalid_bitcoin_address', 'not a valid bitcoin address (bech32 must not mix upper and lower case)');
  }
  let b32: { version: number; data: Uint8Array };
  try {
    b32 = btcAddress.fromBech32(lower);
  } catch (err) {
    throw new AddressError('invalid_bitcoin_address', 'not a valid bitcoin address (bad bech32/bech32m encoding or checksum)', { cause: err });
  }
  const nets: readonly BitcoinNetworkName[] = hrp === 'bc' ? ['mainnet'] : hrp === 'tb' ? ['testnet', 'signet'] : ['regtest'];
  let scriptType: BitcoinScriptType;
  if (b32.version === 0 && b32.data.length === 20) scriptType = 'p2wpkh';
  else if (b32.version === 0 && b32.data.length === 32) scriptType = 'p2wsh';
  else if (b32.version === 1 && b32.data.length === 32) scriptType = 'p2tr';
  else {
    throw new AddressError('invalid_bitcoin_address', `unsupported segwit output (witness version ${b32.version}, ${b32.data.length}-byte program)`);
  }
  return { display: lower, scriptType, networks: nets, program: b32.data };
}
