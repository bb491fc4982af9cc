import { cp, mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import { createWatchlistReloader, type WatchlistChange, type WatchlistReloader } from '../../src/app/watchlist-reloader.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CompactWatchlistIndex } from '../../src/core/index-watchlist-segments.js';
import { waitFor } from '../helpers/wait-for.js';

const RONIN = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const BYBIT = '0x1F4EB0a903619ac168b19A82F1a6e2e426522211';
const STAKE = 'bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk84';

function evmEntry(address: string, label: string): string {
  return `  - chain: ethereum\n    address: "${address}"\n    label: ${label}\n    incident: ronin-2022\n    source: https://home.treasury.gov/news/press-releases/jy0731\n    tags: [dprk]\n`;
}

let dir: string;
let logs: string[];
let metrics: Metrics;
let reloader: WatchlistReloader | undefined;

async function start(intervalMs = 60_000): Promise<WatchlistReloader> {
  const loaded = await loadConfig(dir, {});
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  reloader = createWatchlistReloader({ dir, settings: loaded.settings, intervalMs, logger, metrics, initial: loaded });
  return reloader;
}

async function reloadCount(result: string): Promise<number> {
  const m = await metrics.watchlistReloads.get();
  return m.values.find((v) => v.labels.result === result)?.value ?? 0;
}

async function entriesGauge(chain: string): Promise<number | undefined> {
  const m = await metrics.watchlistEntries.get();
  return m.values.find((v) => v.labels.chain === chain)?.value;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cw-reload-'));
  await cp('test/fixtures/config/valid/basic/chainwatch.yaml', path.join(dir, 'chainwatch.yaml'));
  await mkdir(path.join(dir, 'watchlists'));
  await writeFile(path.join(dir, 'watchlists', 'a.yaml'), `entries:\n${evmEntry(RONIN, 'Ronin exploiter')}`);
  logs = [];
  metrics = createMetrics();
});

afterEach(async () => {
  reloader?.stop();
  reloader = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe('watchlist reloader', () => {
  it('reports no change when nothing changed on disk', async () => {
    const r = await start();
    const before = r.current();
    expect(await r.refreshIfChanged()).toBe(false);
    expect(await r.refreshIfChanged()).toBe(false);
    expect(r.current()).toBe(before);
    expect(await entriesGauge('ethereum')).toBe(1);
  });

  it('picks up an edited, an added and a deleted file, logging added/removed counts', async () => {
    const r = await start();
    const changes: WatchlistChange[] = [];
    r.onChange((c) => changes.push(c));
    await r.refreshIfChanged();
    expect(r.current().lookup('ethereum', BYBIT.toLowerCase())).toBeUndefined();

    // Edit: one entry added to an existing file.
    await writeFile(path.join(dir, 'watchlists', 'a.yaml'), `entries:\n${evmEntry(RONIN, 'Ronin exploiter')}${evmEntry(BYBIT, 'Bybit signer')}`);
    expect(await r.refreshIfChanged()).toBe(true);
    expect(r.current().lookup('ethereum', BYBIT.toLowerCase())?.[0]?.label).toBe('Bybit signer');
    expect(logs.some((l) => l.includes('watchlist reloaded: 1 added, 0 removed'))).toBe(true);
    expect(await entriesGauge('ethereum')).toBe(2);

    // Add a file on another chain.
    await writeFile(path.join(dir, 'watchlists', 'b.yaml'), `entries:\n  - chain: bitcoin\n    address: ${STAKE}\n    label: Stake theft\n    incident: stake-2023\n    source: https://example.org/stake\n`);
    expect(await r.refreshIfChanged()).toBe(true);
    expect(r.current().keysFor('bitcoin').size).toBe(1);
    expect(await entriesGauge('bitcoin')).toBe(1);

    // Delete it again.
    await unlink(path.join(dir, 'watchlists', 'b.yaml'));
    expect(await r.refreshIfChanged()).toBe(true);
    expect(r.current().keysFor('bitcoin').size).toBe(0);
    expect(logs.some((l) => l.includes('watchlist reloaded: 0 added, 1 removed'))).toBe(true);
    expect(await entriesGauge('bitcoin')).toBe(0);

    expect(changes.map((c) => [c.added, c.removed])).toEqual([[1, 0], [1, 0], [0, 1]]);
    expect(await reloadCount('ok')).toBe(4);
  });

  it('keeps the last good index on an invalid edit and logs every problem with file:line', async () => {
    const r = await start();
    const good = r.current();
    await writeFile(
      path.join(dir, 'watchlists', 'a.yaml'),
      `entries:\n${evmEntry('0x098b716B8Aaf21512996dC57EB0615e2383E2f96', 'Ronin exploiter')}  - chain: solana\n    address: x\n    label: y\n    incident: z\n    source: https://example.org\n`,
    );
    expect(await r.refreshIfChanged()).toBe(false);
    expect(r.current()).toBe(good);
    expect(r.current().lookup('ethereum', RONIN.toLowerCase())).toHaveLength(1);
    const file = path.join(dir, 'watchlists', 'a.yaml');
    expect(logs.some((l) => l.includes(`${file}:3:5: entries[0].address: bad EIP-55 checksum, expected ${RONIN}`))).toBe(true);
    expect(logs.some((l) => l.includes(`${file}:8:5: entries[1].chain: unknown chain \\"solana\\"`))).toBe(true);
    expect(logs.some((l) => l.includes('still watching the last good list'))).toBe(true);
    expect(await reloadCount('invalid')).toBe(1);
    // Not re-logged while the files stay the same.
    const count = logs.length;
    expect(await r.refreshIfChanged()).toBe(false);
    expect(logs.length).toBe(count);

    // Fixing the file takes effect.
    await writeFile(path.join(dir, 'watchlists', 'a.yaml'), `entries:\n${evmEntry(BYBIT, 'Bybit signer')}`);
    expect(await r.refreshIfChanged()).toBe(true);
    expect(r.current().lookup('ethereum', RONIN.toLowerCase())).toBeUndefined();
    expect(r.current().lookup('ethereum', BYBIT.toLowerCase())).toHaveLength(1);
  });

  it('shares one reload between concurrent callers', async () => {
    const r = await start();
    await r.refreshIfChanged();
    await writeFile(path.join(dir, 'watchlists', 'a.yaml'), `entries:\n${evmEntry(BYBIT, 'Bybit signer')}`);
    const results = await Promise.all([r.refreshIfChanged(), r.refreshIfChanged(), r.refreshIfChanged()]);
    expect(results).toEqual([true, true, true]);
    expect(await reloadCount('ok')).toBe(2);
  });

  it('once started, applies an edit on its own (timer or fs.watch) without anyone calling refresh', async () => {
    const r = await start(100);
    r.start();
    await writeFile(path.join(dir, 'watchlists', 'a.yaml'), `entries:\n${evmEntry(BYBIT, 'Bybit signer')}`);
    await waitFor(() => r.current().lookup('ethereum', BYBIT.toLowerCase()), { timeoutMs: 10_000, what: 'the edit to be applied' });
    expect(r.current().lookup('ethereum', RONIN.toLowerCase())).toBeUndefined();
    r.stop();
  });

  it('re-reads only the edited file of many, and the edit and its diff are exact', async () => {
    // Ten files of 200 entries: an edit of one must re-read that file only (issue #13).
    const files = 10;
    const per = 200;
    const address = (i: number): string => `0x${(0xa0000000 + i).toString(16)}${'0badc0de'.repeat(4)}`;
    for (let f = 0; f < files; f++) {
      const body = Array.from({ length: per }, (_, k) => evmEntry(address(f * per + k), `wallet ${f * per + k}`)).join('');
      await writeFile(path.join(dir, 'watchlists', `big-${f}.yaml`), `entries:\n${body}`);
    }
    const r = await start();
    const changes: WatchlistChange[] = [];
    r.onChange((c) => changes.push(c));
    expect(await r.refreshIfChanged()).toBe(false);
    const before = r.current();
    expect(before).toBeInstanceOf(CompactWatchlistIndex);
    expect(before.size).toBe(files * per + 1);

    // Edit big-3: relabel one entry, drop one, add one.
    const edited = Array.from({ length: per }, (_, k) => 3 * per + k)
      .filter((i) => i !== 3 * per + 7)
      .map((i) => evmEntry(address(i), i === 3 * per ? 'relabelled' : `wallet ${i}`))
      .join('');
    await writeFile(path.join(dir, 'watchlists', 'big-3.yaml'), `entries:\n${edited}${evmEntry(BYBIT, 'Bybit signer')}`);
    expect(await r.refreshIfChanged()).toBe(true);
    const after = r.current() as CompactWatchlistIndex;
    expect(after.lookup('ethereum', BYBIT.toLowerCase())?.[0]?.label).toBe('Bybit signer');
    expect(after.lookup('ethereum', address(3 * per))?.[0]?.label).toBe('relabelled');
    expect(after.lookup('ethereum', address(3 * per + 7))).toBeUndefined();
    expect(after.lookup('ethereum', address(9 * per + 5))?.[0]?.label).toBe(`wallet ${9 * per + 5}`);
    expect(after.size).toBe(files * per + 1);
    // relabelled + Bybit added; the old label and the dropped entry removed.
    expect(changes.map((c) => [c.added, c.removed])).toEqual([[2, 2]]);
    expect(logs.some((l) => l.includes('watchlist reloaded: 2 added, 2 removed'))).toBe(true);
    // Every other file's compact segment is the very object loaded before: not read again.
    const old = (before as CompactWatchlistIndex).segments;
    const kept = after.segments.filter((s) => old.includes(s));
    expect(kept).toHaveLength(after.segments.length - 1);
    expect(after.segments.findIndex((s) => !old.includes(s))).toBe(1 + 3); // a.yaml sorts first
    // The materialised entries agree with the index.
    expect(r.currentEntries().filter((e) => e.file.endsWith('big-3.yaml'))).toHaveLength(per);
  });
});
