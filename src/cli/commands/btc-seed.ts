import type { Command } from 'commander';
import type { Redis } from 'ioredis';
import { createRedisConnection } from '../../adapters/redis/create-redis-connection.js';
import { parseRedisTarget } from '../../core/parse-redis-target.js';
import { createRedisOutpointStore } from '../../adapters/redis/outpoint-store.js';
import { btcBackend } from '../../app/btc-backend.js';
import { btcSeedOutpoints } from '../../app/btc-seed-outpoints.js';
import { createLogger } from '../../app/logger.js';
import { createMetrics } from '../../app/metrics.js';
import { ConfigError, formatConfigProblem, loadConfig } from '../../config/load-config.js';
import type { BitcoinChainConfig } from '../../config/schema.js';
import { isUtxoKind } from '../../core/btc/utxo-chain.js';
import { resolveConfigDir } from '../config-dir.js';

/**
 * `chainwatch btc-seed [--chain id]`: loads the unspent outputs of every
 * watched Bitcoin address into Redis (Esplora /address/:a/utxo or Core
 * scantxoutset), so spends of coins that predate watching are alerted.
 * Exit 0 on success, 1 when a backend or Redis fails or refuses an address
 * (the other addresses are still loaded), 2 on bad usage/config.
 */
export function registerBtcSeedCommand(program: Command): void {
  program
    .command('btc-seed')
    .description("load watched Bitcoin addresses' unspent outputs, so their first spend is caught")
    .option('--chain <id>', 'only this bitcoin chain (default: every enabled bitcoin chain)')
    .action(async (opts: { chain?: string }, command: Command) => {
      const dir = resolveConfigDir(command);
      let config;
      try {
        config = await loadConfig(dir, process.env);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        for (const p of err.problems) process.stderr.write(`${formatConfigProblem(p)}\n`);
        process.exitCode = 2;
        return;
      }
      const chains = [...config.settings.chains.values()].filter(
        (c): c is BitcoinChainConfig => isUtxoKind(c.kind) && (opts.chain === undefined ? c.enabled : c.id === opts.chain),
      );
      if (chains.length === 0) {
        process.stderr.write(opts.chain === undefined ? 'no enabled bitcoin chain in chainwatch.yaml\n' : `no bitcoin chain "${opts.chain}" in chainwatch.yaml\n`);
        process.exitCode = 2;
        return;
      }
      const logger = createLogger({ level: process.env['LOG_LEVEL'] ?? 'warn' });
      const metrics = createMetrics();
      let redis: Redis;
      try {
        redis = await createRedisConnection(parseRedisTarget(config.settings.redis.url, config.settings.redis.cluster));
      } catch (err) {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
        return;
      }
      const outpointStore = createRedisOutpointStore(redis, config.settings.redis.prefix);
      let failed = false;
      try {
        for (const chain of chains) {
          try {
            const backend = btcBackend(chain, logger, metrics);
            const report = await btcSeedOutpoints({ chain, index: config.index, backend, outpointStore, logger });
            process.stdout.write(`${chain.id}: ${report.outpoints} unspent output(s) of ${config.index.keysFor(chain.id).size} watched address(es) loaded\n`);
            for (const r of report.refused) {
              failed = true;
              process.stderr.write(`${chain.id}: ${r.address} not seeded (${r.code}): ${r.reason}\n`);
            }
          } catch (err) {
            failed = true;
            process.stderr.write(`${chain.id}: seeding failed: ${err instanceof Error ? err.message : String(err)}\n`);
          }
        }
      } finally {
        redis.disconnect();
      }
      process.exitCode = failed ? 1 : 0;
    });
}
