import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { parseWatchlistFast } from '../../../src/config/parse-watchlist-fast.js';

/** What the full YAML parser makes of the text (unquoted hex addresses kept as written, as the loader does). */
function viaYaml(text: string): { top: unknown; lines: number[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  expect(doc.errors).toEqual([]);
  const js = doc.toJS() as Record<string, unknown>;
  const lines: number[] = [];
  const seq = isMap(doc.contents) ? doc.contents.get('entries', true) : undefined;
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      lines.push(lineCounter.linePos((item as { range: [number] }).range[0]).line);
      const addr = isMap(item) ? item.get('address', true) : undefined;
      if (isScalar(addr) && typeof addr.value === 'number') ((js['entries'] as Record<string, unknown>[])[i]!)['address'] = addr.source;
    });
  }
  return { top: js, lines };
}

// Small deterministic PRNG so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LABELS = ['Ronin Bridge exploiter', "Lazarus' hot wallet", 'CoinEx: Theft', 'a:b#c', 'Bybit Cold Wallet 1 (Safe)', 'Ünïcode wallet', 'x'];
const ADDRS = ['0x098B716B8Aaf21512996dC57EB0615e2383E2f96', '0x1db92e2eebc8e0c075a02bea49a2935bcd2dfcf4', 'bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk84', '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH'];

function scalar(r: () => number, v: string): string {
  const plainOk = !/[:#'"]/.test(v) || /^[^-?:,[\]{}#&*!|>'"%@`][^#]*$/.test(v) && !v.includes(': ') && !v.includes(' #');
  const choice = r();
  if (choice < 0.4 && plainOk && !/^[\d.+-]/.test(v)) return v;
  if (choice < 0.7 && !v.includes('"') && !v.includes('\\')) return `"${v}"`;
  return `'${v.replaceAll("'", "''")}'`;
}

function generate(seed: number): string {
  const r = rng(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const dash = r() < 0.3 ? 0 : 2;
  const pad = ' '.repeat(dash);
  const keyPad = ' '.repeat(dash + 2);
  const eol = r() < 0.2 ? '\r\n' : '\n';
  const out: string[] = ['# generated'];
  if (r() < 0.5) out.push(`description: ${scalar(r, 'DPRK-linked addresses')}`);
  if (r() < 0.3) out.push(`enabled: ${r() < 0.5 ? 'true' : 'false'}  # whole file`);
  out.push('entries:');
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) {
    const fields: string[] = [];
    const addr = pick(ADDRS);
    fields.push(`chain: ${pick(['ethereum', 'bitcoin', 'arbitrum'])}`);
    fields.push(`address: ${addr.startsWith('0x') && r() < 0.5 ? addr : scalar(r, addr)}${r() < 0.2 ? '  # EIP-55' : ''}`);
    fields.push(`label: ${scalar(r, pick(LABELS))}`);
    fields.push(`incident: ${pick(['ronin-2022', 'bybit-2025'])}`);
    fields.push(`source: ${scalar(r, 'https://home.treasury.gov/news/press-releases/jy0731')}`);
    const t = r();
    if (t < 0.35) fields.push(`tags: [${['dprk', 'lazarus'].slice(0, 1 + Math.floor(r() * 2)).map((x) => scalar(r, x)).join(', ')}]`);
    else if (t < 0.5) fields.push('tags: []');
    else if (t < 0.75) {
      const itemPad = keyPad + (r() < 0.5 ? '  ' : '');
      fields.push(`tags:${eol}${itemPad}- dprk${eol}${itemPad}- ${scalar(r, 'victim')}`);
    }
    if (r() < 0.2) fields.push(`removed: 2025-0${1 + Math.floor(r() * 9)}-01`);
    if (r() < 0.2) fields.push(`enabled: ${r() < 0.5 ? 'true' : 'false'}`);
    if (r() < 0.2) fields.push(`note: ${scalar(r, 'role in source: theft')}`);
    if (r() < 0.2) fields.push('note:');
    // Shuffle keys after the first, keep uniqueness.
    const seen = new Set<string>();
    const unique = fields.filter((f) => {
      const k = f.slice(0, f.indexOf(':'));
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    unique.forEach((f, j) => out.push(`${j === 0 ? `${pad}- ` : keyPad}${f}`));
    if (r() < 0.3) out.push('');
    if (r() < 0.2) out.push(`${keyPad}# a comment between entries`);
  }
  return out.join(eol) + eol;
}

describe('parseWatchlistFast', () => {
  it.each(Array.from({ length: 300 }, (_, i) => [i]))('agrees with the yaml package on generated file %i', (seed) => {
    const text = generate(seed);
    const fast = parseWatchlistFast(text);
    const slow = viaYaml(text);
    expect(fast, text).toBeDefined();
    expect(fast!.top).toEqual(slow.top);
    expect([...fast!.entryLines]).toEqual(slow.lines);
  });

  it.each([
    ['an anchor', 'entries:\n  - &a\n    chain: ethereum\n'],
    ['an alias', 'entries:\n  - chain: *c\n'],
    ['a flow mapping entry', 'entries:\n  - { chain: ethereum }\n'],
    ['an escape in a double-quoted scalar', 'entries:\n  - label: "a\\tb"\n'],
    ['a multi-line plain scalar', 'entries:\n  - label: first\n      continued\n'],
    ['a block scalar', 'entries:\n  - note: |\n      text\n'],
    ['a duplicate key', 'entries:\n  - chain: a\n    chain: b\n'],
    ['a number where a string is expected', 'entries:\n  - label: 42\n'],
    ['null written as ~', 'entries:\n  - label: ~\n'],
    ['a tab in indentation', 'entries:\n\t- chain: a\n'],
    ['a nested mapping', 'entries:\n  - chain:\n      id: a\n'],
    ['a quoted key', 'entries:\n  - "chain": a\n'],
  ])('gives up on %s so the yaml package decides', (_what, text) => {
    expect(parseWatchlistFast(text)).toBeUndefined();
  });
});
