import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { describeMissingDemoPackages, findMissingDemoPackages } from '../find-missing-demo-packages.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('offline demo: local chain, Redis, SMTP sink and webhook receiver; plays a laundering scenario and prints each alert')
    .option('--out <dir>', 'where emails (.eml), the webhook log and the generated config go', '.demo')
    .option('--timeout <seconds>', 'give up waiting for alerts after this long', '180')
    .option('--port <port>', 'serve the dashboard and API on this port (0 = any free port)', '0')
    .option('--start-delay <seconds>', 'time to open the printed dashboard URL before the scenario plays', '10')
    .option('--exit', 'stop once every alert is delivered instead of keeping the dashboard up until Ctrl-C')
    .action(async (opts: { out: string; timeout: string; port: string; startDelay: string; exit?: boolean }) => {
      const require = createRequire(import.meta.url);
      const missing = findMissingDemoPackages((name) => require.resolve(name));
      if (missing.length > 0) {
        process.stderr.write(`${describeMissingDemoPackages(missing)}\n`);
        process.exitCode = 1;
        return;
      }
      // Loaded only here: the demo's modules import the optional packages, and production commands must start without them.
      const { runDemo } = await import('../../app/demo/run-demo.js');
      const { RedisUnavailableError } = await import('../../app/demo/ensure-redis.js');
      try {
        await runDemo({
          outDir: opts.out,
          redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
          timeoutMs: Number(opts.timeout) * 1000,
          print: (line) => process.stdout.write(`${line}\n`),
          apiPort: Number(opts.port),
          ...(process.env['CHAINWATCH_ADMIN_TOKEN'] !== undefined && process.env['CHAINWATCH_ADMIN_TOKEN'] !== '' ? { adminToken: process.env['CHAINWATCH_ADMIN_TOKEN'] } : {}),
          beforeScenario: async () => {
            const delayMs = Number(opts.startDelay) * 1000;
            if (!(delayMs > 0)) return;
            process.stdout.write(`\nOpen the dashboard now: the scenario starts in ${opts.startDelay} s (--start-delay 0 to skip).\n`);
            await new Promise((r) => setTimeout(r, delayMs));
          },
          afterScenario: async (url) => {
            if (opts.exit === true) return;
            process.stdout.write(`\nThe dashboard stays up at ${url}: press Ctrl-C to stop the demo.\n`);
            await new Promise<void>((resolve) => {
              process.once('SIGINT', () => resolve());
              process.once('SIGTERM', () => resolve());
            });
          },
        });
      } catch (err) {
        process.stderr.write(`chainwatch demo failed: ${err instanceof RedisUnavailableError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
