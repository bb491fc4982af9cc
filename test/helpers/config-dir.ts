import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

/** A temporary config directory: chainwatch.yaml from `settings`, one watchlists/<file> per entry list. */
export function writeConfigDir(name: string, settings: Record<string, unknown>, watchlists: Record<string, readonly Record<string, unknown>[]>): string {
  const dir = mkdtempSync(join(tmpdir(), `chainwatch-${name}-`));
  mkdirSync(join(dir, 'watchlists'));
  writeFileSync(join(dir, 'chainwatch.yaml'), stringify(settings));
  for (const [file, entries] of Object.entries(watchlists)) writeFileSync(join(dir, 'watchlists', file), stringify({ entries }));
  return dir;
}
