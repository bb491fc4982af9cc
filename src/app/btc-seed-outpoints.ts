import type { BitcoinBackend } from '../core/btc/bitcoin-backend.js';
import { utxoNetwork } from '../core/btc/utxo-chain.js';
import { buildBitcoinAddress } from '../core/btc/build-bitcoin-address.js';
import type { OutpointStore, RememberedOutpoint } from '../core/btc/outpoint-store.js';
import type { BitcoinChainConfig } from '../config/schema.js';
import type { WatchlistIndex } from '../core/watchlist.js';
import type { Logger } from './logger.js';

export interface BtcSeedOutpointsOptions {
  readonly chain: BitcoinChainConfig;
  readonly index: WatchlistIndex;
  readonly backend: BitcoinBackend;
  readonly outpointStore: OutpointStore;
  readonly logger: Logger;
}

/**
 * Loads the unspent outputs of every watched script on a chain into the
 * outpoint store, so the first spend out of a wallet funded before chainwatch
 * watched it is recognised. Idempotent (re-saving an outpoint overwrites it).
 * Returns how many outpoints were saved.
 */
export async function btcSeedOutpoints(options: BtcSeedOutpointsOptions): Promise<number> {
  const { chain, index, backend, outpointStore, logger } = options;
  const network = utxoNetwork(chain.kind, chain.network);
  const targets = [...index.keysFor(chain.id)].flatMap((scriptHex) => {
    const address = buildBitcoinAddress(scriptHex, network) ?? index.lookup(chain.id, scriptHex)?.[0]?.address;
    return address ? [{ address, scriptHex }] : [];
  });
  const utxos = await backend.fetchUnspent(targets);
  const outpoints = utxos.map(
    (u): RememberedOutpoint => ({ txid: u.txid, vout: u.vout, value: u.value, matchKey: u.scriptHex, address: buildBitcoinAddress(u.scriptHex, network) }),
  );
  await outpointStore.saveMany(chain.id, outpoints);
  logger.info({ chain: chain.id, addresses: targets.length, outpoints: outpoints.length, backend: backend.description }, 'seeded unspent outputs of watched addresses');
  return outpoints.length;
}
