/** `chainwatch follow ls|show|stop|export` as an operator runs it, over entries in the real Redis; the expiry sweep. */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { createDerivedEntryStore } from '../../src/adapters/redis/derived-entry-store.js';
import { createWatchlistOverlayStore } from '../../src/adapters/redis/watchlist-overlay-store.js';
import { createFollowStage, overlayEntryOf } from '../../src/app/follow-stage.js';
import { createLogger } from '../../src/app/logger.js';
import { createMetrics } from '../../src/app/metrics.js';
import { followSchema } from '../../src/config/follow-schema.js';
import type { EvmChainConfig } from '../../src/config/schema.js';
import type { DerivedEntry } from '../../src/core/follow/derived-entry.js';
import { EMPTY_LABEL_BOOK } from '../../src/core/labels/address-label.js';
import { createWatchlistOverlay } from '../../src/core/watchlist-overlay.js';
import { EMPTY_WATCHLIST_INDEX } from '../../src/core/watchlist.js';
import { deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../helpers/redis.js';
import { startSmtpCapture } from '../helpers/smtp-capture.js';
import { networks, payments } from 'bitcoinjs-lib';
import { waitFor } from '../helpers/wait-for.js';
import { startFollowStage } from '../../src/app/start-follow-stage.js';
import { checkSettingsText } from '../../src/config/load-settings.js';
import type { Movement } from '../../src/core/movement.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const prefix = uniqueRedisPrefix('follow-cli');
let dir: string;
let redis: Redis;

const ROOT = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const A = '0xAb5801a7D398351b8bE11C439e05C5B3259aeC9B';
const B = '0xcd3B766CCDd6AE721141F452C550Ca635964ce71';
const AT = '2026-01-01T00:00:00.000Z';

function entry(address: string, hop: number, parent: string, path: string[], amount: string): DerivedEntry {
  return {
    chain: 'ethereum', address, matchKey: address.toLowerCase(), incident: 'ronin-2022', hop, peelSteps: 0,
    provenance: { parentAddress: parent, txHash: `0x${String(hop).repeat(64)}`, blockNumber: 19_000_000 + hop, blockHash: `0x${'b'.repeat(64)}`, leg: 'native', movementId: `ethereum-0x${String(hop).repeat(64)}-native-${parent.toLowerCase()}`, asset: { contract: null, symbol: 'ETH', decimals: 18 }, amount, rule: 'min-amount', createdAt: AT },
    path, status: 'active', firstSeen: AT, lastSeen: AT, received: amount, remaining: amount,
    root: { address: ROOT, label: 'Ronin Bridge exploiter', source: 'https://home.treasury.gov/news/press-releases/jy0701' }, owner: 'derived:ronin-2022',
  };
}

function runCli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), '--config', dir, ...args], { cwd: root, timeout: 60_000, env: { ...process.env, REDIS_URL: TEST_REDIS_URL } }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chainwatch-follow-'));
  mkdirSync(join(dir, 'watchlists'));
  writeFileSync(join(dir, 'chainwatch.yaml'), stringify({ chains: { ethereum: { kind: 'evm', rpcUrls: ['http://127.0.0.1:1'] } }, redis: { prefix }, subscriptions: {}, follow: { enabled: true } }));
  redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  const store = createDerivedEntryStore(redis, prefix);
  const a = entry(A, 1, ROOT, [ROOT, A], '5000000000000000000');
  const b = entry(B, 2, A, [ROOT, A, B], '2000000000000000000');
  await store.create([a, b]);
  await createWatchlistOverlayStore(redis, prefix).write([a, b].map((e) => ({ op: 'add' as const, entry: overlayEntryOf(e) })));
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  redis.disconnect();
  await deleteRedisPrefix(prefix);
});

describe('chainwatch follow', () => {
  it('ls lists entries with hop, parent, amount, first/last seen and status, then the incident totals; --json gives both', async () => {
    const table = await runCli(['follow', 'ls', '--incident', 'ronin-2022']);
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^CHAIN +ADDRESS +INCIDENT +HOP +PARENT +AMOUNT +FIRST SEEN +LAST SEEN +STATUS$/);
    expect(lines[1]).toMatch(new RegExp(`^ethereum +${A} +ronin-2022 +1 +${ROOT} +5 ETH +${AT} +${AT} +active$`));
    expect(lines[2]).toMatch(new RegExp(`^ethereum +${B} +ronin-2022 +2 +${A} +2 ETH`));
    expect(table.stdout).toContain('ronin-2022: 2 active, max hop 2; base units: stolen 5000000000000000000 ETH; still held 7000000000000000000 ETH');
    const json = await runCli(['follow', 'ls', '--chain', 'ethereum', '--json']);
    const parsed = JSON.parse(json.stdout) as { entries: DerivedEntry[]; totals: { incident: string; activeEntries: number }[] };
    expect(parsed.entries.map((e) => e.address)).toEqual([A, B]);
    expect(parsed.totals).toEqual([expect.objectContaining({ incident: 'ronin-2022', activeEntries: 2 })]);
    expect((await runCli(['follow', 'ls', '--incident', 'nothing-here'])).stdout).toBe('no derived entries\n');
  });

  it('show prints the path back to the listed root with each hop\'s transaction', async () => {
    const shown = await runCli(['follow', 'show', 'ethereum', B.toLowerCase()]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`${B} on ethereum: incident ronin-2022, hop 2, active`);
    expect(shown.stdout).toContain(`root: ${ROOT} (Ronin Bridge exploiter)`);
    const steps = shown.stdout.split('\n').filter((l) => l.includes('→'));
    expect(steps.map((l) => l.trim().split(/\s+/)[1])).toEqual([A, B]);
    expect(steps[1]).toContain(`tx 0x${'2'.repeat(64)} block 19000002 leg native  rule min-amount`);
    expect((await runCli(['follow', 'show', 'ethereum', '0x000000000000000000000000000000000000dEaD'])).code).toBe(1);
    const bad = await runCli(['follow', 'show', 'ethereum', 'not-an-address']);
    expect([bad.code, bad.stderr]).toEqual([2, '"not-an-address" is not an address on ethereum (evm)\n']);
  });

  it('export prints a GraphSense TagPack with the provenance in each tag\'s context', async () => {
    const out = await runCli(['follow', 'export', '--incident', 'ronin-2022']);
    expect(out.code).toBe(0);
    const pack = parse(out.stdout) as { title: string; creator: string; is_public: boolean; tags: { address: string; currency: string; label: string; source: string; category: string; context: string }[] };
    expect(pack).toMatchObject({ title: 'chainwatch followed trail: ronin-2022', is_public: false });
    expect(pack.tags.map((t) => [t.address, t.currency, t.label, t.source, t.category])).toEqual([
      [A, 'ETH', 'Ronin Bridge exploiter (followed, hop 1)', 'https://home.treasury.gov/news/press-releases/jy0701', 'perpetrator'],
      [B, 'ETH', 'Ronin Bridge exploiter (followed, hop 2)', 'https://home.treasury.gov/news/press-releases/jy0701', 'perpetrator'],
    ]);
    expect(JSON.parse(pack.tags[1]!.context)).toMatchObject({ parent: A, txHash: `0x${'2'.repeat(64)}`, blockNumber: 19_000_002, leg: 'native', amount: '2000000000000000000', rule: 'min-amount', path: [ROOT, A, B] });
    expect((await runCli(['follow', 'export', '--incident', 'unknown'])).code).toBe(1);
  });

  it('stop takes an entry out of the watched set for every replica and keeps it for the record', async () => {
    const stopped = await runCli(['follow', 'stop', 'ethereum', B, '--reason', 'cleared: an OTC desk\'s wallet']);
    expect([stopped.code, stopped.stdout]).toEqual([0, `${B} on ethereum is no longer followed (incident ronin-2022, hop 2)\n`]);
    const store = createDerivedEntryStore(redis, prefix);
    expect(await store.getEntry('ethereum', B.toLowerCase())).toMatchObject({ status: 'stopped', statusReason: 'operator: cleared: an OTC desk\'s wallet' });
    expect(await store.activeCount('ronin-2022')).toBe(1);
    const overlay = createWatchlistOverlay();
    overlay.apply((await createWatchlistOverlayStore(redis, prefix).loadAll(['ethereum'])).changes);
    expect(overlay.lookup('ethereum', B.toLowerCase())).toBeUndefined();
    expect(overlay.lookup('ethereum', A.toLowerCase())).toEqual([expect.objectContaining({ hop: 1 })]);
    const again = await runCli(['follow', 'stop', 'ethereum', B, '--reason', 'x']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already stopped');
    expect((await runCli(['follow', 'ls', '--status', 'stopped'])).stdout).toContain(`stopped (operator: cleared: an OTC desk's wallet)`);
  });

  it('the expiry sweep expires an idle entry holding less than the threshold, keeps it for the record and stops watching it', async () => {
    const store = createDerivedEntryStore(redis, prefix);
    const small = { ...entry('0x1111111111111111111111111111111111111111', 1, ROOT, [ROOT, '0x1111111111111111111111111111111111111111'], '900000000000000000'), incident: 'sweep-test' };
    await store.create([small]);
    await createWatchlistOverlayStore(redis, prefix).write([{ op: 'add', entry: overlayEntryOf(small) }]);
    const overlay = createWatchlistOverlay();
    overlay.apply((await createWatchlistOverlayStore(redis, prefix).loadAll(['ethereum'])).changes);
    const chain: EvmChainConfig = { id: 'ethereum', kind: 'evm', rpcUrls: ['http://127.0.0.1:1'], confirmations: 1, pollIntervalMs: 1000, startBlock: 'latest', nativeSymbol: 'ETH', traces: 'auto', maxBlocksPerBatch: 10, rpcTimeoutMs: 1000, enabled: true, explorerUrl: undefined };
    const stage = createFollowStage({ config: followSchema.parse({ minAmount: { ETH: '1' }, idleDays: 30 }), chains: new Map([['ethereum', chain]]), redis, prefix, labels: EMPTY_LABEL_BOOK, overlay, currentWatchlist: () => EMPTY_WATCHLIST_INDEX, logger: createLogger({ level: 'silent' }), metrics: createMetrics() });
    const t0 = Date.parse(AT);
    expect(await stage.sweepOnce(t0 + 29 * 86_400_000)).toBe(0);
    // 31 days idle: the 0.9 ETH entry (below 1 ETH) expires; A (5 ETH) stays active.
    expect(await stage.sweepOnce(t0 + 31 * 86_400_000)).toBe(1);
    expect(await store.getEntry('ethereum', small.matchKey)).toMatchObject({ status: 'expired' });
    expect(await store.getEntry('ethereum', A.toLowerCase())).toMatchObject({ status: 'active' });
    expect(overlay.lookup('ethereum', small.matchKey)).toBeUndefined();
    expect(await store.activeCount('sweep-test')).toBe(0);
  });
});

describe('derived entry store', () => {
  it('a balance write never undoes an operator stop made meanwhile', async () => {
    const store = createDerivedEntryStore(redis, prefix);
    const e = { ...entry('0x2222222222222222222222222222222222222222', 1, ROOT, [ROOT, '0x2222222222222222222222222222222222222222'], '3000000000000000000'), incident: 'race-test' };
    await store.create([e]);
    await store.save([{ ...e, status: 'stopped', statusReason: 'operator: done' }]);
    await store.saveBalances([{ ...e, remaining: '1', lastSeen: '2026-02-01T00:00:00.000Z' }]);
    expect(await store.getEntry('ethereum', e.matchKey)).toMatchObject({ status: 'stopped', remaining: '3000000000000000000' });
    const f = { ...e, matchKey: '0x3333333333333333333333333333333333333333', address: '0x3333333333333333333333333333333333333333' };
    await store.create([f]);
    await store.saveBalances([{ ...f, remaining: '1' }]);
    expect(await store.getEntry('ethereum', f.matchKey)).toMatchObject({ status: 'active', remaining: '1' });
  });
});

describe('operator alert when a follow cap is hit', () => {
  it('emails email.operatorTo through real SMTP, once per cap and incident within the hour, and counts the metric', async () => {
    const smtp = await startSmtpCapture();
    try {
      const { settings, problems } = checkSettingsText(stringify({
        chains: { btcreg: { kind: 'bitcoin', network: 'regtest', rpcUrl: 'http://127.0.0.1:1' } },
        email: { smtpUrl: smtp.url, from: 'chainwatch@example.org', to: ['alerts@example.org'], operatorTo: ['ops@example.org'] },
        redis: { prefix },
        follow: { minAmount: { BTC: '0.05' }, maxPerIncident: 1 },
      }), 'chainwatch.yaml', {});
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      const metrics = createMetrics();
      const stage = startFollowStage({ settings: settings!, redis, labels: EMPTY_LABEL_BOOK, overlay: createWatchlistOverlay(), currentWatchlist: () => EMPTY_WATCHLIST_INDEX, logger: createLogger({ level: 'silent' }), metrics })!;
      const [p1, p2, p3] = [0x11, 0x22, 0x33].map((b) => payments.p2wpkh({ hash: Buffer.alloc(20, b), network: networks.regtest }).address!) as [string, string, string];
      const spend = (txid: string): Movement => ({
        id: `btcreg-${txid}-vin0-${p1}`, chain: 'btcreg', direction: 'out', kind: 'btc', txHash: txid, blockNumber: 500, blockHash: 'ab'.repeat(32), logIndex: null, vin: [0],
        from: [p1], to: [p2, p3], asset: { contract: null, symbol: 'BTC', decimals: 8 }, amount: 300_000_000n, tokenId: null, fee: 1000n,
        outputs: [{ vout: 0, address: p2, amount: 150_000_000n }, { vout: 1, address: p3, amount: 149_999_000n }],
        watchedAddress: p1, watchlist: [{ address: p1, label: 'Exploiter', incident: 'cap-test', source: 'https://example.org/a', tags: [] }], confirmations: 1,
      });
      const shape = (): { position: number; inputs: number; outputs: number } => ({ position: 0, inputs: 3, outputs: 2 });
      await stage.afterMatch({ chain: 'btcreg', movements: [spend('01'.repeat(32))], txShape: shape, rematch: () => Promise.resolve([]) });
      await stage.afterMatch({ chain: 'btcreg', movements: [spend('02'.repeat(32))], txShape: shape, rematch: () => Promise.resolve([]) });
      stage.stop();
      await waitFor(() => smtp.messages.length >= 1, { what: 'the operator email' });
      expect(smtp.messages).toHaveLength(1);
      const [mail] = smtp.messages;
      expect(mail!.to).toMatchObject({ text: 'ops@example.org' });
      expect(mail!.subject).toBe('[chainwatch] follow cap hit for cap-test');
      expect(mail!.text).toContain(`hit follow.maxPerIncident (1) on btcreg in transaction ${'01'.repeat(32)}: 1 qualifying recipient(s) are not followed`);
      const caps = await metrics.registry.getSingleMetric('chainwatch_follow_caps_total')!.get();
      expect(caps.values.find((v) => v.labels['cap'] === 'per-incident')?.value).toBe(2);
      expect(await createDerivedEntryStore(redis, prefix).activeCount('cap-test')).toBe(1);
    } finally {
      await smtp.close();
    }
  });
});
