import { crypto, payments, script as bscript, type Network } from 'bitcoinjs-lib';
import type { BitcoinTxInput } from './bitcoin-block.js';

/**
 * The address an input spends from, when the input itself reveals it (Bitcoin
 * inputs name only an outpoint): P2WPKH (witness [sig, 33-byte key]),
 * P2SH-P2WPKH (that witness plus a scriptSig pushing `0014<hash>`), P2PKH
 * (scriptSig [sig, key]). P2TR key-path, P2WSH and bare scripts do not reveal
 * the paying script: null. Display only, for matched transactions.
 */
export function buildInputAddress(input: BitcoinTxInput, network: Network): string | null {
  const witness = input.witness ?? [];
  const scriptSig = input.script ?? new Uint8Array(0);
  try {
    if (witness.length === 2 && witness[1]!.length === 33) {
      const hash = crypto.hash160(witness[1]!);
      if (scriptSig.length === 0) return payments.p2wpkh({ hash, network }).address ?? null;
      const redeem = payments.p2wpkh({ hash, network });
      if (scriptSig.length === 23 && Buffer.compare(Buffer.from(scriptSig.subarray(1)), Buffer.from(redeem.output!)) === 0) {
        return payments.p2sh({ redeem, network }).address ?? null;
      }
      return null;
    }
    if (witness.length === 0 && scriptSig.length > 0) {
      const chunks = bscript.decompile(scriptSig);
      const key = chunks?.[1];
      if (chunks?.length === 2 && key instanceof Uint8Array && (key.length === 33 || key.length === 65) && (key[0] === 2 || key[0] === 3 || key[0] === 4)) {
        return payments.p2pkh({ pubkey: key, network }).address ?? null;
      }
    }
  } catch {
    // Malformed data in someone else's input is not our error: no address.
  }
  return null;
}
