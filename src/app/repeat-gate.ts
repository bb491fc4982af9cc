/**
 * Decides whether a repeated event is worth another log line: the first
 * occurrence of a key passes; later ones within `windowMs` are counted, and the
 * first one after the window passes with how many were held back.
 */
export class RepeatGate {
  private readonly seen = new Map<string, { since: number; held: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
    /** Bounds memory when keys vary (a key is evicted oldest-first beyond this). */
    private readonly maxKeys = 1000,
  ) {}

  check(key: string): { readonly log: boolean; readonly repeated: number } {
    const at = this.now();
    const entry = this.seen.get(key);
    if (entry !== undefined && at - entry.since < this.windowMs) {
      entry.held += 1;
      return { log: false, repeated: 0 };
    }
    const repeated = entry?.held ?? 0;
    this.seen.delete(key);
    this.seen.set(key, { since: at, held: 0 });
    if (this.seen.size > this.maxKeys) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return { log: true, repeated };
  }
}
