import type { LabelCategory } from '../labels/address-label.js';
import type { Movement, MovementDirection, MovementKind, Severity } from '../movement.js';

/** What the matcher looks at, derived once per movement by enrichMovement (or from an enriched movement). */
export interface MovementFacts {
  readonly chain: string;
  readonly incidents: readonly string[];
  readonly tags: readonly string[];
  readonly direction: MovementDirection;
  readonly kind: MovementKind;
  readonly known: boolean;
  readonly spoofed: boolean;
  /** Symbol of a known asset (listed symbol for tokens), null for unknown tokens. */
  readonly symbol: string | null;
  readonly decimals: number;
  readonly amount: bigint;
  /** USD value in micro-dollars (10^-8), null when unknown. */
  readonly usdScaled: bigint | null;
  readonly severity?: Severity;
  /** Category of the labelled counterparty (movement.counterparty), null when the other side is not labelled. */
  readonly counterpartyCategory: LabelCategory | null;
}

export function baseFacts(m: Movement): Pick<MovementFacts, 'chain' | 'incidents' | 'tags' | 'direction' | 'kind' | 'decimals' | 'amount' | 'counterpartyCategory'> {
  return {
    chain: m.chain,
    incidents: [...new Set(m.watchlist.map((w) => w.incident))],
    tags: [...new Set(m.watchlist.flatMap((w) => w.tags))],
    direction: m.direction,
    kind: m.kind,
    decimals: m.asset.decimals,
    amount: m.amount,
    counterpartyCategory: m.counterparty?.category ?? null,
  };
}
