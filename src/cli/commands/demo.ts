import { createRequire } from 'node:module';
import type { Command } from 'commander';
import { describeMissingDemoPackages, findMissingDemoPackages } from '../find-missing-demo-packages.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('offline demo: local chain, Redis, SMTP sink and webhook receiver; plays a laundering scenario and prints each alert')
    .option('--out <dir>', 'where emails (.eml), the webhook log and the generated config go', '.demo')
    .option('--timeout <seconds>', 'give up waiting for alerts after this long', '180')
    .action(async (opts: { out: string; timeout: string }) => {
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
        });
      } catch (err) {
        process.stderr.write(`chainwatch demo failed: ${err instanceof RedisUnavailableError ? err.message : err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
