import { createBitcoinCoreBackend } from '../adapters/bitcoin-core-rpc/create-bitcoin-core-backend.js';
import { createEsploraBackend } from '../adapters/esplora/create-esplora-backend.js';
import type { BitcoinBackend } from '../core/btc/bitcoin-backend.js';
import type { BitcoinChainConfig } from '../config/schema.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** The configured backend of a bitcoin chain: Bitcoin Core RPC when rpcUrl is set, else Esplora. Retries are logged and counted. */
export function btcBackend(chain: BitcoinChainConfig, logger: Logger, metrics: Metrics): BitcoinBackend {
  const retry = {
    attempts: 3,
    baseDelayMs: 200,
    maxDelayMs: 5_000,
    onRetry: ({ err, attempt, delayMs }: { err: unknown; attempt: number; delayMs: number }) => {
      metrics.rpcErrors.inc({ chain: chain.id });
      logger.warn({ chain: chain.id, err, attempt, retry_in_ms: delayMs }, 'bitcoin backend call failed; retrying');
    },
  };
  if (chain.rpcUrl !== undefined) {
    return createBitcoinCoreBackend({
      rpcUrl: chain.rpcUrl,
      timeoutMs: chain.rpcTimeoutMs,
      retry,
      ...(chain.kind === 'dogecoin' ? { rawBlockParam: false as const } : {}),
      ...(chain.kind === 'zcash' ? { rawTransactionParam: 0 as const } : {}),
    });
  }
  if (chain.esploraUrl !== undefined) return createEsploraBackend({ esploraUrl: chain.esploraUrl, timeoutMs: chain.rpcTimeoutMs, retry });
  throw new Error(`chain ${chain.id}: a bitcoin chain needs rpcUrl or esploraUrl`);
}
