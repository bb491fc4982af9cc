import type { ChainConfig } from '../config/schema.js';
import type { Movement } from '../core/movement.js';
import type { ChainCursor, ChainLease, CursorStore, MovementSink } from '../core/ports.js';

/**
 * Issue #10 `movement.confirmed`: a chain with `finality` set gets a second
 * follower that trails the head by that many confirmations (or follows the
 * node's `finalized` block) and publishes the movements of each block it
 * reaches again, tagged `movement.confirmed`. It is the same machinery as the
 * main follower (reorgs, cursor, lease), under its own cursor and lease names,
 * so the confirmation of a movement is sent once, from a block that is final
 * by the operator's definition; its job id (`<id>-confirmed`) never collides
 * with the detection's.
 */
export type FinalitySetting = number | 'finalized';

export function finalityOf(chain: ChainConfig): FinalitySetting | undefined {
  const finality = (chain as { readonly finality?: number | 'finalized' | 'off' }).finality;
  return finality === undefined || finality === 'off' ? undefined : finality;
}

/** The follower's own cursor and lease keys (`<chain>~final`), so it never moves the main cursor. */
export function finalityWiring(parts: { readonly cursorStore: CursorStore; readonly lease: ChainLease; readonly sink: MovementSink }): {
  readonly cursorStore: CursorStore;
  readonly lease: ChainLease;
  readonly sink: MovementSink;
} {
  const key = (chain: string): string => `${chain}~final`;
  return {
    cursorStore: {
      load: (chain) => parts.cursorStore.load(key(chain)),
      save: (chain, cursor: ChainCursor) => parts.cursorStore.save(key(chain), cursor),
    },
    lease: { hold: (chain) => parts.lease.hold(key(chain)), release: (chain) => parts.lease.release(key(chain)) },
    sink: {
      publish: (movements: readonly Movement[]) =>
        // Mempool sightings never reach a final block; only mined legs are confirmed.
        parts.sink.publish(movements.filter((m) => m.blockNumber !== null).map((m) => ({ ...m, event: 'movement.confirmed' as const }))),
    },
  };
}
