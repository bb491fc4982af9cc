/** Recorded Substrate API Sidecar blocks of Polkadot mainnet (test/fixtures/ledger/polkadot/NOTES.md). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'ledger', 'polkadot');

export type SidecarBlock = Record<string, unknown> & { number: string; hash: string; parentHash: string; extrinsics: SidecarExtrinsic[] };
export type SidecarExtrinsic = Record<string, unknown> & { hash: string; success: boolean; method: { pallet: string; method: string }; events: { method: { pallet: string; method: string }; data: unknown[] }[] };

export function recordedSidecarBlock(number: 789629 | 19772575): SidecarBlock {
  return JSON.parse(readFileSync(join(DIR, `sidecar-block-${number}.json`), 'utf8')) as SidecarBlock;
}

export function recordedRawBlock789629(): { extrinsics: string[] } {
  return JSON.parse(readFileSync(join(DIR, 'sidecar-block-789629-raw.json'), 'utf8')) as { extrinsics: string[] };
}
