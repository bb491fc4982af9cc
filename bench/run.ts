// `npm run bench`: runs every bench/*.bench.ts one after another (each in its own
// process, so one's warm caches and garbage do not skew the next). Each bench
// prints ratios against a baseline measured side by side in the same run; this
// runner also writes them, with the machine they ran on, to bench/RESULTS.md
// (only for a full run: `npm run bench -- <name>` runs one bench and writes nothing).
import { spawnSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only === undefined || f.includes(only))
  .sort();
let failed = 0;
const sections: string[] = [];
for (const file of files) {
  process.stdout.write(`\n=== ${file} ===\n`);
  // Output is both shown and kept for RESULTS.md.
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(dir, file)], { stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(result.stdout);
  if (result.status !== 0) failed++;
  sections.push(`## ${file}${result.status === 0 ? '' : ' (FAILED)'}\n\n\`\`\`\n${result.stdout.trimEnd()}\n\`\`\`\n`);
}
process.stdout.write(`\n${files.length - failed} benches ran, ${failed} failed\n`);
if (only === undefined) {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
  writeFileSync(
    join(dir, 'RESULTS.md'),
    [
      '# Benchmark results',
      '',
      `Written by \`npm run bench\` on ${new Date().toISOString()}. Machine: ${machine}.`,
      'Every figure is a ratio against a baseline measured side by side in the same run (raw medians beside them);',
      'absolute times on a shared machine mean little. Targets (issue #13): EVM catch-up ≥ 0.9× the raw batched fetch',
      '(≥ 0.7× with 30 % watched traffic); Bitcoin parse+verify+match ≤ 1.2× a bare bitcoinjs-lib parse and 1M addresses',
      '≤ 1.1× 10; watchlist load of 1M entries ≤ 2× JSON.parse; matching with 1M entries ≤ 1.1× 10; block mined → signed',
      'webhook p50 ≤ 150 ms and p99 ≤ 500 ms with newHeads (polling only: p50 ≤ pollIntervalMs/2 + 100 ms); fan-out to',
      '1,000 subscriptions ≥ 0.5× raw keep-alive POSTs; catch-up after downtime against the raw fetch of the same blocks.',
      '',
      ...sections,
    ].join('\n'),
  );
  process.stdout.write(`results written to ${join(dir, 'RESULTS.md')}\n`);
}
process.exitCode = failed > 0 ? 1 : 0;
