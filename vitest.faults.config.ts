import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import type { Reporter } from 'vitest/reporters';

/**
 * `npm run test:faults` (issue #10 item 3): the fault-injection suite alone,
 * one scenario in one fork. The suite writes its summary to a file and this
 * reporter prints it after vitest's own report, so the summary is the last line.
 */
const summaryFile = join(tmpdir(), `chainwatch-faults-summary-${process.pid}.txt`);
rmSync(summaryFile, { force: true });

const summaryLast: Reporter = {
  onFinished() {
    let summary: string;
    try {
      summary = readFileSync(summaryFile, 'utf8').trim();
    } catch {
      summary = 'no summary: the fault suite did not reach its ledger';
    }
    rmSync(summaryFile, { force: true });
    console.log(summary);
  },
};

export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 30 * 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    env: { CHAINWATCH_FAULTS_SUMMARY_FILE: summaryFile },
    reporters: ['default', summaryLast],
  },
});
