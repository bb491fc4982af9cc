import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined | null = null;

/**
 * A full garbage collection, now. A watchlist (re)load leaves tens of MB of
 * typed arrays behind (the previous index, read buffers), and V8 frees such
 * external memory only once enough of it piles up, so without this a running
 * monitor's peak RSS would grow by that much on every edit of a big list
 * (issue #13: 1M entries within 300 MB, edits included). Called only after a
 * load, never on a hot path. A no-op where V8 refuses the flag.
 */
export function collectGarbage(): void {
  if (gc === null) {
    try {
      // The documented way to reach gc() without starting node with --expose-gc.
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = undefined;
    }
  }
  gc?.();
}
