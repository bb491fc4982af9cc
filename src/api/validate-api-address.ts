import { AddressError } from '../core/address/address-error.js';
import { normalizeBitcoinAddress } from '../core/address/normalize-bitcoin-address.js';
import { normalizeEvmAddress } from '../core/address/normalize-evm-address.js';
import { normalizeHarmonyAddress } from '../core/address/normalize-harmony-address.js';
import { ApiError } from './api-error.js';
import type { TenantApiDeps } from './tenant-api-deps.js';

/** An address validated like a watchlist entry: EIP-55 on EVM chains, the chain's network on Bitcoin. */
export function validateApiAddress(chains: TenantApiDeps['chains'], chain: string, address: string, field: string): { display: string; matchKey: string } {
  const known = chains.get(chain);
  if (known === undefined) throw new ApiError('invalid_request', `${field.replace(/address$/, 'chain')}: unknown chain "${chain}" (configured: ${[...chains.keys()].join(', ') || 'none'})`, field.replace(/address$/, 'chain'));
  try {
    if (known.kind === 'evm') {
      // Harmony's one1… bech32 names the same account as 0x… (as in its watchlists).
      const n = chain === 'harmony' ? normalizeHarmonyAddress(address) : normalizeEvmAddress(address);
      return { display: n.checksummed, matchKey: n.matchKey };
    }
    const n = normalizeBitcoinAddress(address, known.network ?? 'mainnet');
    return { display: n.display, matchKey: n.matchKey };
  } catch (err) {
    if (err instanceof AddressError) throw new ApiError('invalid_request', `${field}: ${err.message}`, field);
    throw err;
  }
}

/** A counterparty: any valid EVM address, or a Bitcoin address of a configured network. */
export function validateCounterparty(chains: TenantApiDeps['chains'], address: string, field: string): string {
  if (/^0x/i.test(address.trim())) {
    try {
      return normalizeEvmAddress(address).checksummed;
    } catch (err) {
      if (err instanceof AddressError) throw new ApiError('invalid_request', `${field}: ${err.message}`, field);
      throw err;
    }
  }
  const networks = new Set([...chains.values()].flatMap((c) => (c.kind === 'bitcoin' ? [c.network ?? 'mainnet'] : [])));
  if (networks.size === 0) networks.add('mainnet');
  let last: unknown;
  for (const network of networks) {
    try {
      return normalizeBitcoinAddress(address, network).display;
    } catch (err) {
      last = err;
    }
  }
  throw new ApiError('invalid_request', `${field}: ${last instanceof AddressError ? last.message : 'not an EVM or Bitcoin address'}`, field);
}
