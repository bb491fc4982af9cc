/** The README's run command: `chainwatch demo` must work offline on a fresh machine. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/app/demo/run-demo.js';
import { TEST_REDIS_URL } from '../helpers/redis.js';

const outDir = mkdtempSync(join(tmpdir(), 'chainwatch-demo-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('chainwatch demo', () => {
  it('plays the scenario: every movement as a signed webhook, grouped digest emails, no spam email', async () => {
    const lines: string[] = [];
    const result = await runDemo({ outDir, redisUrl: TEST_REDIS_URL, timeoutMs: 120_000, print: (l) => lines.push(l) });

    const emails = readdirSync(join(outDir, 'mail')).filter((f) => f.endsWith('.eml'));
    const hooks = readFileSync(join(outDir, 'webhooks.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { signature: string; data: Record<string, unknown> });
    expect(emails).toHaveLength(result.emails);
    const mailTexts = emails.map((f) => readFileSync(join(outDir, 'mail', f), 'utf8').replace(/=\r?\n/g, ''));
    expect(hooks).toHaveLength(result.webhooks);
    expect(result.webhooks).toBe(result.movements);
    expect(hooks.every((h) => h.signature === 'verified')).toBe(true);

    const kinds = (chain: string): string[] => hooks.filter((h) => h.data['chain'] === chain).map((h) => `${String(h.data['kind'])}:${String(h.data['direction'])}:${Number(h.data['confirmations']) === 0 ? 'mempool' : 'confirmed'}`).sort();
    // EVM: funded, 3 splits, a burst of 30 splits, token minted + moved, NFT minted + moved, approval, two poisoning
    // attempts (forged Transfer, zero-value transferFrom), exchange deposit; the unrelated transfer raises nothing.
    expect(kinds('ethereum')).toEqual(
      ['activity:out:confirmed', 'erc20:in:confirmed', 'erc20:out:confirmed', 'erc20:out:confirmed', 'erc20:out:confirmed', 'erc721:in:confirmed', 'erc721:out:confirmed', 'native:in:confirmed', ...Array<string>(34).fill('native:out:confirmed')].sort(),
    );
    // Issue #8: the burst goes out as digests (each split listed exactly once), far fewer emails than movements,
    // and the poisoning attempts reach webhooks as spoofed info alerts but never the inbox.
    expect(result.burst).toHaveLength(30);
    for (const tx of result.burst) expect(mailTexts.reduce((n, t) => n + t.split(`${tx}\r\n`).length - 1, 0)).toBe(1);
    expect(mailTexts.filter((t) => result.burst.some((tx) => t.includes(tx))).length).toBeLessThanOrEqual(2);
    // Grouped: a few digests per incident thread, not one email per movement.
    expect(result.emails).toBeLessThan(result.movements / 2);
    expect(result.spam).toHaveLength(2);
    for (const tx of result.spam) {
      expect(mailTexts.some((t) => t.includes(tx))).toBe(false);
      expect(hooks.find((h) => h.data['txHash'] === tx)?.data).toMatchObject({ severity: 'info', spoofed: true });
    }
    // Bitcoin: payment in and the peel out, each first from the mempool then confirmed.
    expect(kinds('bitcoin')).toEqual(['btc:in:confirmed', 'btc:in:mempool', 'btc:out:confirmed', 'btc:out:mempool']);
    // The peel spends the 2 BTC that arrived and the 3 BTC held before watching began (known only by seeding).
    const out = hooks.find((h) => h.data['chain'] === 'bitcoin' && h.data['direction'] === 'out' && Number(h.data['confirmations']) > 0);
    expect(out?.data['amount']).toBe('500000000');
    expect(lines.join('\n')).toContain('Where to look');
  });
});
