/** The README's run command: `chainwatch demo` must work offline on a fresh machine. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
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
    // Issue #11: five more outflows along the followed trail (to hop 1, its two splits, hop 2 -> hop 3, hop 3 -> exchange).
    expect(kinds('ethereum')).toEqual(
      ['activity:out:confirmed', 'erc20:in:confirmed', 'erc20:out:confirmed', 'erc20:out:confirmed', 'erc20:out:confirmed', 'erc721:in:confirmed', 'erc721:out:confirmed', 'native:in:confirmed', ...Array<string>(39).fill('native:out:confirmed')].sort(),
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
    // Issue #11: then three peel steps and the deposit at the exchange, each alerted from the mempool and confirmed.
    expect(kinds('bitcoin')).toEqual(['btc:in:confirmed', 'btc:in:mempool', ...Array<string>(5).fill('btc:out:confirmed'), ...Array<string>(5).fill('btc:out:mempool')]);
    // The peel spends the 2 BTC that arrived and the 3 BTC held before watching began (known only by seeding).
    const out = hooks.find((h) => h.data['chain'] === 'bitcoin' && h.data['direction'] === 'out' && Number(h.data['confirmations']) > 0);
    expect(out?.data['amount']).toBe('500000000');
    expect(lines.join('\n')).toContain('Where to look');
    // Email subjects are printed as a person reads them (decoded), never as RFC 2047 encoded words.
    const subjects = lines.filter((l) => l.includes('📧 email'));
    expect(subjects.length).toBeGreaterThan(0);
    for (const s of subjects) expect(s).not.toMatch(/=\?UTF-8\?/i);

    // Issue #11: every followed hop was alerted live, saying its path; the trail reaches the exchange on both chains and exports.
    for (const tx of result.follow.txs) expect(hooks.some((h) => h.data['txHash'] === tx)).toBe(true);
    const hopOf = (tx: string): { hop: number; path?: string[]; via?: { txHash: string } } => (hooks.find((h) => h.data['txHash'] === tx)!.data['watchlist'] as { hop: number; path?: string[]; via?: { txHash: string } }[])[0]!;
    const [toHop1, split1, , toHop3, deposit] = result.follow.txs;
    expect(hopOf(toHop1!).hop).toBe(0);
    expect(hopOf(split1!)).toMatchObject({ hop: 1, via: { txHash: toHop1 } });
    expect(hopOf(deposit!).hop).toBe(3);
    expect(hopOf(deposit!).path).toHaveLength(4);
    expect(hopOf(deposit!).via?.txHash).toBe(toHop3);
    expect(result.follow.totals.toExchanges).toEqual([{ exchange: 'Demo Exchange', amounts: { BTC: expect.stringMatching(/^\d+$/), ETH: (12_850_000_000_000_000_000n).toString() } }]);
    // Quoted-printable bodies: decode =XX escapes to read the arrows.
    const decoded = mailTexts.map((t) => Buffer.from(t.replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
    expect(decoded.some((t) => /Path: +Demo hack wallet \(Lazarus-style\) → 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4} → 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}, hop 2/.test(t))).toBe(true);
    const pack = parse(readFileSync(result.follow.tagpackFile, 'utf8')) as { tags: { address: string; context: string }[] };
    expect(pack.tags).toHaveLength(result.follow.entries);
    expect(pack.tags.map((t) => (JSON.parse(t.context) as { hop: number }).hop)).toEqual(expect.arrayContaining([1, 2, 3]));
  });
});
