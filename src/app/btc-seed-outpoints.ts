import type { BitcoinBackend, RefusedUnspentTarget } from '../core/btc/bitcoin-backend.js';
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

export interface BtcSeedReport {
  /** Outpoints saved. */
  readonly outpoints: number;
  /** Watched addresses asked for. */
  readonly addresses: number;
  /** Addresses the backend refused (too many unspent outputs): not seeded, the others are. */
  readonly refused: readonly RefusedUnspentTarget[];
}

/**
 * Loads the unspent outputs of every watched script on a chain into the
 * outpoint store, so the first spend out of a wallet funded before chainwatch
 * watched it is recognised. Idempotent (re-saving an outpoint overwrites it).
 * An address the backend refuses on its own is logged and reported, and the
 * others are still seeded.
 */
export async function btcSeedOutpoints(options: BtcSeedOutpointsOptions): Promise<BtcSeedReport> {
  const { chain, index, backend, outpointStore, logger } = options;
  const network = utxoNetwork(chain.kind, chain.network);
  const targets = [...index.keysFor(chain.id)].flatMap((scriptHex) => {
    const address = buildBitcoinAddress(scriptHex, network) ?? index.lookup(chain.id, scriptHex)?.[0]?.address;
    return address ? [{ address, scriptHex }] : [];
  });
  const { utxos, refused } = await backend.fetchUnspent(targets);
  const outpoints = utxos.map(
    (u): RememberedOutpoint => ({ txid: u.txid, vout: u.vout, value: u.value, matchKey: u.scriptHex, address: buildBitcoinAddress(u.scriptHex, network) }),
  );
  await outpointStore.saveMany(chain.id, outpoints);
  for (const r of refused) {
    logger.error(
      { chain: chain.id, address: r.address, code: r.code, reason: r.reason, backend: backend.description },
      'watched address could not be seeded: the backend refuses to list its unspent outputs; spends of its coins from before watching began will not be recognised (use Bitcoin Core rpcUrl to seed it)',
    );
  }
  logger.info({ chain: chain.id, addresses: targets.length, outpoints: outpoints.length, refused: refused.length, backend: backend.description }, 'seeded unspent outputs of watched addresses');
  return { outpoints: outpoints.length, addresses: targets.length, refused };
}
