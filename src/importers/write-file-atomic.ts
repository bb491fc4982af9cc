import { rename, writeFile } from 'node:fs/promises';

/**
 * Writes through a temporary file and a rename, so a process hot-reloading the
 * watchlist directory never reads a half-written file.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}
