import type { Command } from 'commander';
import { runDemo } from '../../app/demo/run-demo.js';
import { RedisUnavailableError } from '../../app/demo/ensure-redis.js';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('offline demo: local chain, Redis, SMTP sink and webhook receiver; plays a laundering scenario and prints each alert')
    .option('--out <dir>', 'where emails (.eml), the webhook log and the generated config go', '.demo')
    .option('--timeout <seconds>', 'give up waiting for alerts after this long', '180')
    .action(async (opts: { out: string; timeout: string }) => {
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
