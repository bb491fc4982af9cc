/**
 * Loading 1,000,000 watchlist entries, side by side with a floor; the cost
 * of matching one real mainnet EVM block against that list versus 10 entries;
 * and a running `chainwatch start` holding the list: its peak RSS (VmHWM, as
 * the process logs it) once loaded and after an edit of one file, and how
 * long that edit takes to take effect (issue #13 target 3).
 * Run: node --import tsx --expose-gc bench/watchlist-load.bench.ts
 * (BENCH_ROUNDS=n changes the number of interleaved load rounds, default 2: one
 * loadConfig of a million entries takes 10-30 s on the shared 2-core box.)
 *
 * The config is generated in a temp dir: chainwatch.yaml (ethereum, bitcoin
 * mainnet, one webhook) and 20 watchlist files of 50,000 entries each (19 EVM,
 * 1 bitcoin), entries shaped like the shipped ones (label, incident, source,
 * tags, some notes; a share of EVM addresses in EIP-55 mixed case, as importers
 * write them, the rest lowercase as many published lists have them).
 *
 * Baseline: reading an equivalent JSON copy of the same entries and
 * JSON.parse-ing it. JSON.parse is V8's native parser, the cheapest way any
 * program can turn this much text into objects, and it validates nothing: it is
 * the floor for "read the lists", so the ratio says what YAML, validation,
 * address normalisation (EIP-55 keccak, bech32) and indexing cost on top. (The
 * `yaml` package is a poor baseline: it is many times slower than the loader's
 * own scanner, so a ratio against it would flatter the loader. One file of it
 * is timed once, for the record.) Prints ratios, no absolute thresholds: the
 * machine is shared.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync, renameSync, appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getAddress } from 'ethers';
import { networks, payments } from 'bitcoinjs-lib';
import { parse as parseYaml } from 'yaml';
import { loadConfig, type LoadedConfig } from '../src/config/load-config.js';
import { loadWatchlists } from '../src/config/load-watchlists.js';
import { buildWatchlistIndex } from '../src/core/build-watchlist-index.js';
import { CompactWatchlistIndex } from '../src/core/index-watchlist-segments.js';
import { matchEvmBlock } from '../src/core/evm/match-evm-block.js';
import { normalizeEvmBlock } from '../src/core/evm/normalize-evm-block.js';
import { normalizeEvmReceipts } from '../src/core/evm/normalize-evm-receipts.js';
import type { EvmBlockData } from '../src/core/evm/evm-block-data.js';
import type { WatchlistIndex } from '../src/core/watchlist.js';

const FILES = 20;
const PER_FILE = 50_000;
const TOTAL = FILES * PER_FILE;
const BTC_FILES = 1;
/** One EVM address in this many is written EIP-55 mixed case (checked with a keccak at load). */
const CHECKSUMMED_EVERY = 4;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

// --- the real mainnet block (18,000,000) and its receipts, as fetched raw ---
const fixture = (p: string): unknown => (JSON.parse(readFileSync(new URL(`../test/fixtures/evm/rpc-tests/${p}`, import.meta.url), 'utf8')) as { response: { result: unknown } }[])[0]!.response.result;
const rawBlock = normalizeEvmBlock(fixture('eth_getBlockByNumber/test_08.json'));
const rawReceipts = normalizeEvmReceipts(fixture('eth_getBlockReceipts/test_02.json'), rawBlock.header);
const block: EvmBlockData = { ...rawBlock, logs: rawReceipts.logs, internalTransfers: null, txStatus: rawReceipts.txStatus };
// A few real senders of the block are watched in both lists, so both do the same matching work.
const realSenders = [...new Set(block.transactions.slice(0, 5).map((t) => t.from))];

// --- generate the config directory ---
const INCIDENTS = [
  ['bybit-2025', 'https://www.ic3.gov/PSA/2025/PSA250226', ['dprk', 'lazarus', 'laundering']],
  ['ronin-2022', 'https://github.com/tayvano/lazarus-bluenoroff-research/blob/main/ronin_bridge.md', ['dprk', 'lazarus', 'exploiter']],
  ['ofac-sdn', 'https://sanctionssearch.ofac.treas.gov/', ['ofac', 'dprk']],
  ['harmony-2022', 'https://github.com/tayvano/lazarus-bluenoroff-research/blob/main/harmony_horizon_bridge.md', ['dprk', 'tornado-deposit']],
  ['wazirx-2024', 'https://github.com/tayvano/lazarus-bluenoroff-research/blob/main/wazirx.md', ['dprk', 'laundering', 'cex-withdrawal']],
] as const;

function evmAddress(i: number): string {
  // Deterministic and distinct (the index sits in the low 32 bits); a spread of leading digits.
  const lower = `0x${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}${'c0ffee'.repeat(4)}${(i >>> 0).toString(16).padStart(8, '0')}`;
  return i % CHECKSUMMED_EVERY === 0 ? getAddress(lower) : lower;
}
function btcAddress(i: number): string {
  const hash = Buffer.alloc(20);
  hash.writeUInt32BE(i, 0);
  hash.writeUInt32BE(0xc0ffee, 16);
  return payments.p2wpkh({ hash, network: networks.bitcoin }).address!;
}

const dir = mkdtempSync(path.join(tmpdir(), 'cw-bench-load-'));
const jsonDir = path.join(dir, 'json');
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
mkdirSync(path.join(dir, 'watchlists'));
mkdirSync(jsonDir);
writeFileSync(
  path.join(dir, 'chainwatch.yaml'),
  [
    'chains:',
    '  ethereum:',
    '    kind: evm',
    '    rpcUrls: ["http://127.0.0.1:8545"]',
    '  bitcoin:',
    '    kind: bitcoin',
    '    network: mainnet',
    '    esploraUrl: https://mempool.space/api',
    '    seedOnStart: false',
    'redis:',
    `  prefix: cwbench${process.pid}`,
    'reloadIntervalMs: 200',
    'webhooks:',
    '  - id: soc',
    '    url: http://127.0.0.1:9000/hook',
    '    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    '',
  ].join('\n'),
);

const genStart = performance.now();
let yamlBytes = 0;
let jsonBytes = 0;
for (let f = 0; f < FILES; f++) {
  const bitcoin = f >= FILES - BTC_FILES;
  const [incident, source, tags] = INCIDENTS[f % INCIDENTS.length]!;
  const yaml: string[] = [`# generated for the watchlist-load bench\ndescription: ${incident} addresses (${f})\nentries:\n`];
  const json: object[] = [];
  for (let k = 0; k < PER_FILE; k++) {
    const i = f * PER_FILE + k;
    const chain = bitcoin ? 'bitcoin' : 'ethereum';
    const address = f === 0 && k < realSenders.length ? getAddress(realSenders[k]!) : bitcoin ? btcAddress(i) : evmAddress(i);
    const label = `${incident} laundering wallet ${k}`;
    const note = k % 10 === 0 ? `hop ${k % 7} from the exploiter; chain inferred` : undefined;
    yaml.push(`  - chain: ${chain}\n    address: "${address}"\n    label: "${label}"\n    incident: ${incident}\n    source: ${source}\n    tags: [${tags.join(', ')}]\n${note === undefined ? '' : `    note: "${note}"\n`}`);
    json.push({ chain, address, label, incident, source, tags, ...(note === undefined ? {} : { note }) });
  }
  const yamlText = yaml.join('');
  const jsonText = JSON.stringify({ description: `${incident} addresses (${f})`, entries: json });
  yamlBytes += yamlText.length;
  jsonBytes += jsonText.length;
  writeFileSync(path.join(dir, 'watchlists', `list-${String(f).padStart(2, '0')}.yaml`), yamlText);
  writeFileSync(path.join(jsonDir, `list-${String(f).padStart(2, '0')}.json`), jsonText);
}
const yamlFiles = Array.from({ length: FILES }, (_, f) => path.join(dir, 'watchlists', `list-${String(f).padStart(2, '0')}.yaml`));
const jsonFiles = Array.from({ length: FILES }, (_, f) => path.join(jsonDir, `list-${String(f).padStart(2, '0')}.json`));
const mb = (n: number): string => (n / 1e6).toFixed(0);
console.log(
  `generated ${TOTAL.toLocaleString('en')} entries (${((FILES - BTC_FILES) * PER_FILE).toLocaleString('en')} ethereum, 1 in ${CHECKSUMMED_EVERY} EIP-55; ` +
    `${(BTC_FILES * PER_FILE).toLocaleString('en')} bitcoin p2wpkh) in ${FILES} files: ${mb(yamlBytes)} MB YAML, ${mb(jsonBytes)} MB JSON, ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
);

// --- 1) load: interleaved rounds, best and median ---
async function jsonBaseline(): Promise<number> {
  let n = 0;
  for (const file of jsonFiles) n += (JSON.parse(await readFile(file, 'utf8')) as { entries: unknown[] }).entries.length;
  return n;
}
async function readYamlOnly(): Promise<number> {
  let n = 0;
  for (const file of yamlFiles) n += (await readFile(file, 'utf8')).length;
  return n;
}
// The index matched against below comes from the first round's loadConfig (its entries are never materialised).
let loaded: LoadedConfig | undefined;
async function load(): Promise<LoadedConfig> {
  const c = await loadConfig(dir, {});
  if (c.index.size !== TOTAL + edits) throw new Error(`indexed ${c.index.size} entries`);
  loaded ??= c;
  return c;
}
/** An edit of one of the 20 files, then the load a running monitor does: only that file is read again. */
let edits = 0;
const editedFile = path.join(dir, 'watchlists', 'list-05.yaml');
function editOneFile(): void {
  edits++;
  const hash = `0x${(0xe0000000 + edits).toString(16)}${'5eed'.repeat(8)}`;
  appendFileSync(editedFile, `  - chain: ethereum\n    address: "${hash}"\n    label: "edit ${edits}"\n    incident: bybit-2025\n    source: https://www.ic3.gov/PSA/2025/PSA250226\n`);
}
async function reloadAfterEdit(): Promise<number> {
  const c = loaded!;
  editOneFile();
  const w = await loadWatchlists(dir, c.settings, { cache: c.watchlistCache! });
  if (w.index.size !== TOTAL + edits) throw new Error(`reload indexed ${w.index.size}`);
  return w.index.size;
}

type Case = readonly [string, () => unknown]; // sync or async: the runner awaits the result
const BASELINE = 'read + JSON.parse of the same entries (baseline)';
const cases: Case[] = [
  [BASELINE, jsonBaseline],
  ['read the YAML files only (I/O floor)', readYamlOnly],
  ['loadConfig(dir): parse, validate, normalise, index', load],
  ['reload after editing 1 of the 20 files (per-file cache)', reloadAfterEdit],
];
const samples = new Map<string, number[]>(cases.map(([n]) => [n, []]));
// Warm-up: the page cache and JSON.parse. A load of 1M entries is long enough that the
// JIT warm-up inside it does not matter, so loadConfig gets no separate warm-up run.
await jsonBaseline();
await readYamlOnly();
await load();
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of cases) {
    gc();
    const start = performance.now();
    let result: unknown = await fn();
    samples.get(name)!.push((performance.now() - start) / 1000);
    result = undefined;
    void result;
  }
}
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const best = (xs: readonly number[]): number => Math.min(...xs);
const base = samples.get(BASELINE)!;
console.log(`\n1) loading ${TOTAL.toLocaleString('en')} entries, ${ROUNDS} interleaved rounds (ratios vs the JSON.parse baseline)`);
console.table(
  [...samples].map(([name, xs]) => ({
    case: name,
    best_s: best(xs).toFixed(2),
    median_s: median(xs).toFixed(2),
    best_vs_baseline: (best(xs) / best(base)).toFixed(2),
    median_vs_baseline: (median(xs) / median(base)).toFixed(2),
    entries_per_s: Math.round(TOTAL / best(xs)).toLocaleString('en'),
  })),
);

// For the record: the general-purpose `yaml` package on the first 5,000 entries of one file, once.
{
  gc();
  const SAMPLE = 5_000;
  const lines = readFileSync(yamlFiles[0]!, 'utf8').split('\n');
  let cut = 0;
  for (let seen = 0; cut < lines.length; cut++) if (lines[cut]!.startsWith('  - ') && ++seen > SAMPLE) break;
  const text = lines.slice(0, cut).join('\n');
  const start = performance.now();
  const doc = parseYaml(text) as { entries: unknown[] };
  const s = (performance.now() - start) / 1000;
  if (doc.entries.length !== SAMPLE) throw new Error(`yaml package read ${doc.entries.length} entries`);
  const perS = SAMPLE / s;
  console.log(`for the record: the yaml package parses ${SAMPLE.toLocaleString('en')} of these entries in ${s.toFixed(2)} s, ${Math.round(perS).toLocaleString('en')} entries/s (~${(TOTAL / perS).toFixed(0)} s for the whole list, parsing only)`);
}

// --- 2) cost per block does not grow with the list ---
gc();
const large = loaded!.index;
if (!(large instanceof CompactWatchlistIndex)) throw new Error('not the compact index');
// The first 10 entries of the first file: the real senders among them.
const first = large.segments[0]!;
const small = buildWatchlistIndex(Array.from({ length: 10 }, (_, i) => first.entry(i)));
if (small.size !== 10) throw new Error(`small index has ${small.size} entries`);
const ctx = (index: WatchlistIndex) => ({ chain: 'ethereum', index, headNumber: 18_000_000, nativeSymbol: 'ETH' });
const found = matchEvmBlock(block, ctx(small)).length;
if (found === 0 || matchEvmBlock(block, ctx(large)).length !== found) throw new Error('the two lists found different movements');

const INNER = 200;
const matchCases: Case[] = [
  ['matchEvmBlock, 10 entries (baseline)', () => { for (let i = 0; i < INNER; i++) matchEvmBlock(block, ctx(small)); }],
  [`matchEvmBlock, ${TOTAL.toLocaleString('en')} entries`, () => { for (let i = 0; i < INNER; i++) matchEvmBlock(block, ctx(large)); }],
];
const matchSamples = new Map<string, number[]>(matchCases.map(([n]) => [n, []]));
for (const [, fn] of matchCases) for (let i = 0; i < 3; i++) await fn();
for (let r = 0; r < 30; r++) {
  for (const [name, fn] of matchCases) {
    const start = process.hrtime.bigint();
    await fn();
    matchSamples.get(name)!.push(Number(process.hrtime.bigint() - start) / 1e3 / INNER);
  }
}
const matchBase = matchSamples.get(matchCases[0]![0])!;
console.log(`\n2) matching mainnet block 18,000,000 (${block.transactions.length} txs, ${block.logs.length} logs, ${found} movements of watched senders): 10-entry vs ${TOTAL.toLocaleString('en')}-entry index (should stay ~1x)`);
console.table(
  [...matchSamples].map(([name, xs]) => ({
    case: name,
    best_us: best(xs).toFixed(1),
    median_us: median(xs).toFixed(1),
    best_vs_baseline: (best(xs) / best(matchBase)).toFixed(2),
    median_vs_baseline: (median(xs) / median(matchBase)).toFixed(2),
  })),
);

// --- 3) a running `chainwatch start` holding the list: peak RSS and an edit taking effect ---
// The process reports its own memory (VmHWM from /proc/self/status) in its log lines.
const root = fileURLToPath(new URL('..', import.meta.url));
const built = existsSync(path.join(root, 'dist/src/cli/main.js'));
const args = built ? [path.join(root, 'bin/chainwatch.js')] : ['--import', 'tsx', path.join(root, 'src/cli/main.ts')];
loaded = undefined;
gc();
interface LogLine { msg?: string; peak_rss_mb?: number; rss_mb?: number; duration_ms?: number; entries?: number; added?: number }
const child = spawn(process.execPath, [...args, 'start', '--config', dir, '--port', '0'], { env: { ...process.env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
const lines: LogLine[] = [];
const waiters: Array<() => void> = [];
let pending = '';
child.stdout.on('data', (d: Buffer) => {
  pending += d.toString();
  let nl;
  while ((nl = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    try {
      lines.push(JSON.parse(line) as LogLine);
    } catch {
      // not a log line
    }
    for (const w of waiters.splice(0)) w();
  }
});
child.stderr.on('data', () => {});
async function waitForLine(msg: RegExp, after: number, timeoutMs: number): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = lines.slice(after).find((l) => msg.test(l.msg ?? ''));
    if (hit !== undefined) return hit;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`chainwatch start: no "${msg.source}" line (exit ${child.exitCode})`);
    await new Promise<void>((r) => {
      waiters.push(r);
      setTimeout(r, 200);
    });
  }
}
try {
  const startedAt = performance.now();
  const up = await waitForLine(/^watchlists loaded$/, 0, 600_000);
  const upS = (performance.now() - startedAt) / 1000;
  const editLatencies: number[] = [];
  let afterEdit: LogLine | undefined;
  for (let k = 0; k < 3; k++) {
    const mark = lines.length;
    // Atomic replace, as the importers write: the monitor never reads a half-written file.
    const text = readFileSync(editedFile, 'utf8');
    const tmp = `${editedFile}.tmp`;
    writeFileSync(tmp, `${text}  - chain: ethereum\n    address: "0x${(0xd0000000 + k).toString(16)}${'ed17'.repeat(8)}"\n    label: "live edit ${k}"\n    incident: bybit-2025\n    source: https://www.ic3.gov/PSA/2025/PSA250226\n`);
    const t0 = performance.now();
    renameSync(tmp, editedFile);
    afterEdit = await waitForLine(/^watchlist reloaded/, mark, 120_000);
    editLatencies.push((performance.now() - t0) / 1000);
  }
  console.log(`\n3) chainwatch start (${built ? 'dist' : 'tsx sources'}) holding ${up.entries?.toLocaleString('en')} entries: up in ${upS.toFixed(1)} s; memory as the process reports it (VmHWM)`);
  console.table([
    { measure: 'peak RSS once the watchlists are loaded (MB)', value: up.peak_rss_mb, target: '<= 300' },
    { measure: 'peak RSS after 3 edits of one file (MB)', value: afterEdit?.peak_rss_mb, target: '<= 300' },
    { measure: 'RSS after the edits (MB)', value: afterEdit?.rss_mb, target: '' },
    { measure: 'edit on disk -> reloaded index, worst of 3 (s)', value: Math.max(...editLatencies).toFixed(2), target: '<= 1' },
    { measure: 'reload itself, as logged (ms)', value: afterEdit?.duration_ms, target: '' },
  ]);
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const redis = new Redis({ lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`cwbench${process.pid}*`);
    if (keys.length > 0) await redis.del(...keys);
  } catch {
    // no Redis: nothing was written either
  } finally {
    redis.disconnect();
  }
}
rmSync(dir, { recursive: true, force: true });
