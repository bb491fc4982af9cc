import { readFileSync } from 'node:fs';

export interface ProcessMemory {
  readonly rssBytes: number;
  /** Peak resident set since the process started (Linux VmHWM); the current RSS elsewhere. */
  readonly peakRssBytes: number;
  readonly heapUsedBytes: number;
}

/**
 * The process's own memory, as the kernel counts it: what `chainwatch start`
 * logs once its watchlists are loaded and after each reload, so a big list's
 * footprint is measured rather than guessed (issue #13).
 */
export function readProcessMemory(): ProcessMemory {
  const usage = process.memoryUsage();
  let peak = usage.rss;
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) peak = Number(m[1]) * 1024;
  } catch {
    // Not Linux: no peak figure, the current RSS stands in.
  }
  return { rssBytes: usage.rss, peakRssBytes: peak, heapUsedBytes: usage.heapUsed };
}

/** Log fields (snake_case, MB). */
export function memoryLogFields(m: ProcessMemory = readProcessMemory()): { rss_mb: number; peak_rss_mb: number; heap_used_mb: number } {
  const mb = (n: number): number => Math.round(n / 1e5) / 10;
  return { rss_mb: mb(m.rssBytes), peak_rss_mb: mb(m.peakRssBytes), heap_used_mb: mb(m.heapUsedBytes) };
}
