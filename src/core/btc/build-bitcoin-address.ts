import { address, type Network } from 'bitcoinjs-lib';
import { toBase58Address } from '../address/base58-address.js';
import { encodeCashAddr } from '../address/cash-addr.js';
import type { UtxoNetwork } from './utxo-chain.js';

/**
 * The address an output script pays, for display only (matching is on script
 * hex). Recognises the standard templates by their bytes, so it needs no ECC
 * library (bitcoinjs' fromOutputScript wants one for P2TR):
 * P2PKH `76a914{20}88ac`, P2SH `a914{20}87`, witness v0 `0014{20}`/`0020{32}`
 * (BIP-173), witness v1..16 `5120{32}`... (BIP-350, bech32m). Anything else
 * (P2PK, bare multisig, OP_RETURN) has no address: null.
 * Other UTXO families (UtxoNetwork): their base58 prefixes (Zcash's two-byte ones too); Bitcoin Cash as
 * CashAddr (P2SH32 `aa20{32}87` too); no witness addresses where the chain has
 * no segwit (`bech32: ''`).
 */
export function buildBitcoinAddress(scriptHex: string, network: Network): string | null {
  const s = Buffer.from(scriptHex, 'hex');
  const cashPrefix = (network as UtxoNetwork).cashAddrPrefix;
  if (s.length === 25 && s[0] === 0x76 && s[1] === 0xa9 && s[2] === 0x14 && s[23] === 0x88 && s[24] === 0xac) {
    if (cashPrefix !== undefined) return encodeCashAddr(cashPrefix, 0, s.subarray(3, 23));
    return toBase58Address(s.subarray(3, 23), network.pubKeyHash);
  }
  if (s.length === 23 && s[0] === 0xa9 && s[1] === 0x14 && s[22] === 0x87) {
    if (cashPrefix !== undefined) return encodeCashAddr(cashPrefix, 1, s.subarray(2, 22));
    return toBase58Address(s.subarray(2, 22), network.scriptHash);
  }
  if (cashPrefix !== undefined && s.length === 35 && s[0] === 0xaa && s[1] === 0x20 && s[34] === 0x87) return encodeCashAddr(cashPrefix, 1, s.subarray(2, 34));
  if (network.bech32 === '') return null;
  const op = s[0];
  const push = s[1];
  if (op !== undefined && push !== undefined && s.length === push + 2 && push >= 2 && push <= 40) {
    if (op === 0x00 && (push === 20 || push === 32)) return address.toBech32(s.subarray(2), 0, network.bech32);
    if (op >= 0x51 && op <= 0x60) return address.toBech32(s.subarray(2), op - 0x50, network.bech32);
  }
  return null;
}
