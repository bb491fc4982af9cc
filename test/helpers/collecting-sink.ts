import type { Movement } from '../../src/core/movement.js';
import type { MovementSink } from '../../src/core/ports.js';

/** A MovementSink that keeps what pollers publish, for tests that drive pollOnce() directly. */
export function collectingSink(): MovementSink & { movements: Movement[] } {
  const movements: Movement[] = [];
  return { movements, publish: async (m) => void movements.push(...m) };
}
