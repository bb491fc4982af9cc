import { describe, expect, it } from 'vitest';
import type { ImportCandidate } from '../../../src/core/import/import-candidate.js';
import { mergeWatchlistEntries } from '../../../src/core/import/merge-watchlist-entries.js';
import { WATCHLIST_YAML_OPTIONS, parseWatchlistDocument } from '../../../src/core/import/watchlist-yaml.js';

const LAZARUS_1 = '0x098B716B8Aaf21512996dC57EB0615e2383E2f96';
const LAZARUS_2 = '0xa0e1c89Ef1a489c9C7dE96311eD5Ce5D32c20E4B';
const TORNADO = '0x8589427373D6D84E98730D7795D8f6f8731FDA16';

const candidate = (address: string, label: string): ImportCandidate => ({
  chain: 'ethereum',
  address,
  key: address.toLowerCase(),
  label,
  incident: 'ofac-sdn',
  source: 'https://sanctionssearch.ofac.treas.gov/Details.aspx?id=40000',
  tags: ['ofac', 'dprk', 'lazarus'],
});

// A hand-maintained file: comments, a hand edit to a label, an unquoted 0x address (a hex int to YAML 1.2).
const HAND_WRITTEN = `# Our OFAC list. Keep this comment.
description: OFAC SDN sanctioned addresses on ethereum
entries:
  # Ronin exploiter; label edited by hand
  - chain: ethereum
    address: ${LAZARUS_1}
    label: LAZARUS GROUP (Ronin exploiter)
    incident: ofac-sdn
    source: https://sanctionssearch.ofac.treas.gov/
    tags: [ofac, dprk, lazarus]
  - chain: ethereum
    address: "${TORNADO}"
    label: TORNADO CASH
    incident: ofac-sdn
    source: https://sanctionssearch.ofac.treas.gov/
    tags: [ofac]
  - chain: ethereum
    address: "0x0000000000000000000000000000000000000001"
    label: Our own note, not from OFAC
    incident: internal-2024
    source: https://example.org/case/1
    tags: []
`;

describe('mergeWatchlistEntries', () => {
  it('adds new addresses, keeps hand edits and comments, marks delisted ones removed, and leaves other incidents alone', () => {
    const doc = parseWatchlistDocument(HAND_WRITTEN);
    const summary = mergeWatchlistEntries(doc, [candidate(LAZARUS_1, 'LAZARUS GROUP'), candidate(LAZARUS_2, 'LAZARUS GROUP')], {
      today: '2025-03-21',
      removalScope: (e) => e.incident === 'ofac-sdn',
    });
    expect(summary.added.map((c) => c.address)).toEqual([LAZARUS_2]);
    expect(summary.unchanged).toBe(1);
    expect(summary.removed).toEqual([{ chain: 'ethereum', address: TORNADO, label: 'TORNADO CASH' }]);
    const text = doc.toString(WATCHLIST_YAML_OPTIONS);
    expect(text).toContain('# Our OFAC list. Keep this comment.');
    expect(text).toContain('# Ronin exploiter; label edited by hand');
    expect(text).toContain('label: LAZARUS GROUP (Ronin exploiter)');
    // the unquoted address survives as written (not turned into a number)
    expect(text).toContain(`address: "${LAZARUS_1}"`);
    expect(text).toMatch(new RegExp(`address: "${TORNADO}"\\n    label: TORNADO CASH\\n[\\s\\S]*?removed: 2025-03-21`));
    expect(text).toContain('label: Our own note, not from OFAC');
    expect(text).not.toMatch(/Our own note[\s\S]*?removed:[\s\S]*?0x098B/);
    expect(text.match(/removed:/g)).toHaveLength(1);
    expect(text).toContain(`  - chain: ethereum\n    address: "${LAZARUS_2}"\n    label: LAZARUS GROUP\n    incident: ofac-sdn\n    source: https://sanctionssearch.ofac.treas.gov/Details.aspx?id=40000\n    tags: [ofac, dprk, lazarus]\n`);
  });

  it('is idempotent: merging the same list again changes nothing', () => {
    const doc = parseWatchlistDocument(HAND_WRITTEN);
    const list = [candidate(LAZARUS_1, 'LAZARUS GROUP'), candidate(LAZARUS_2, 'LAZARUS GROUP')];
    const opts = { today: '2025-03-21', removalScope: (e: { incident: string | undefined }) => e.incident === 'ofac-sdn' };
    mergeWatchlistEntries(doc, list, opts);
    const once = doc.toString(WATCHLIST_YAML_OPTIONS);
    const again = parseWatchlistDocument(once);
    const summary = mergeWatchlistEntries(again, list, { ...opts, today: '2025-04-01' });
    expect(summary).toEqual({ added: [], relisted: [], unchanged: 2, removed: [] });
    expect(again.toString(WATCHLIST_YAML_OPTIONS)).toBe(once);
  });

  it('drops removed when the source lists an address again', () => {
    const doc = parseWatchlistDocument(HAND_WRITTEN.replace('    tags: [ofac]\n', '    tags: [ofac]\n    removed: 2025-03-21\n'));
    const summary = mergeWatchlistEntries(doc, [candidate(TORNADO, 'TORNADO CASH'), candidate(LAZARUS_1, 'x')], {
      today: '2025-06-01',
      removalScope: (e) => e.incident === 'ofac-sdn',
    });
    expect(summary.relisted.map((c) => c.address)).toEqual([TORNADO]);
    expect(doc.toString(WATCHLIST_YAML_OPTIONS)).not.toContain('removed:');
  });

  it('compares EVM addresses case-insensitively, so a lowercase listing is not a new entry', () => {
    const doc = parseWatchlistDocument(HAND_WRITTEN);
    const lower = { ...candidate(LAZARUS_1, 'LAZARUS GROUP') };
    const summary = mergeWatchlistEntries(doc, [lower], { today: '2025-01-01' });
    expect(summary.added).toEqual([]);
    expect(summary.unchanged).toBe(1);
  });
});
