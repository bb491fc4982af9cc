import { AddressError } from '../core/address/address-error.js';
import { normalizeChainAddress } from '../core/address/normalize-chain-address.js';
import { normalizeEvmAddress } from '../core/address/normalize-evm-address.js';
import { ApiError } from './api-error.js';
import type { TenantApiDeps } from './tenant-api-deps.js';

/** An address validated like a watchlist entry of its chain: EIP-55 on EVM, the network on UTXO chains, Base58Check on Tron, the family's checksum on ledger chains. */
export function validateApiAddress(chains: TenantApiDeps['chains'], chain: string, address: string, field: string): { display: string; matchKey: string } {
  const known = chains.get(chain);
  if (known === undefined) throw new ApiError('invalid_request', `${field.replace(/address$/, 'chain')}: unknown chain "${chain}" (configured: ${[...chains.keys()].join(', ') || 'none'})`, field.replace(/address$/, 'chain'));
  try {
    // Harmony's one1… bech32 names the same account as 0x… (as in its watchlists).
    return normalizeChainAddress(known, address, chain);
  } catch (err) {
    if (err instanceof AddressError) throw new ApiError('invalid_request', `${field}: ${err.message}`, field);
    throw err;
  }
}

/** A counterparty: any valid EVM address, or an address of one of the configured chains' formats. */
export function validateCounterparty(chains: TenantApiDeps['chains'], address: string, field: string): string {
  if (/^0x[0-9a-f]{40}$/i.test(address.trim())) {
    try {
      return normalizeEvmAddress(address).checksummed;
    } catch (err) {
      if (err instanceof AddressError) throw new ApiError('invalid_request', `${field}: ${err.message}`, field);
      throw err;
    }
  }
  const formats = [...chains.entries()].filter(([, c]) => c.kind !== 'evm');
  if (formats.length === 0) formats.push(['bitcoin', { kind: 'bitcoin', network: 'mainnet' }]);
  let last: unknown;
  for (const [id, format] of formats) {
    try {
      return normalizeChainAddress(format, address, id).display;
    } catch (err) {
      last = err;
    }
  }
  throw new ApiError('invalid_request', `${field}: ${last instanceof AddressError ? last.message : 'not an address of any configured chain'}`, field);
}
