import { z } from 'zod';

/**
 * `follow:` in chainwatch.yaml (issue #11, docs/follow.md): following stolen funds
 * across hops. The keys written in the issue (enabled, maxHops, minAmount,
 * minFraction, idleDays) are public interface; the others are optional tuning.
 */
const decimalString = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a plain decimal number as a string, like "0.05"');

/** Beyond this many hops a trail is noise and the index grows without bound: a config error, not a clamp. */
export const FOLLOW_MAX_HOPS_HARD_CAP = 10;

export const followSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Recipients up to this many hops from a listed address are followed (default 4, at most 10). */
    maxHops: z
      .number()
      .int()
      .min(0)
      .max(FOLLOW_MAX_HOPS_HARD_CAP, `maxHops is at most ${FOLLOW_MAX_HOPS_HARD_CAP} (the hard cap)`)
      .default(4),
    /** Smallest amount followed, by asset symbol, in whole units ("1" ETH, "0.05" BTC). Assets not listed are followed only by minUsd. */
    minAmount: z.record(z.string().min(1), decimalString).default({}),
    /** Smallest USD value followed when the movement has a USD value (issue #8 valuation); else minAmount decides. */
    minUsd: decimalString.optional(),
    /** A leg below this fraction of what the parent received is not followed (default 1 %). */
    minFraction: decimalString.refine((s) => Number(s) <= 1, 'minFraction is a fraction between 0 and 1').default('0.01'),
    /** An entry whose remaining balance is below the threshold and that has been inactive this long expires (kept for the record). */
    idleDays: z.number().int().min(1).default(30),
    /** Bitcoin peel chains: steps followed without spending a hop, per chain of peels. */
    maxPeelSteps: z.number().int().min(0).max(100_000).default(500),
    /** At most this many entries are created from one transaction (the largest legs first); more raises an operator alert. */
    maxPerTransaction: z.number().int().min(1).max(10_000).default(50),
    /** At most this many active entries per incident; more raises an operator alert. */
    maxPerIncident: z.number().int().min(1).max(10_000_000).default(10_000),
    /** Deposit-address heuristic: an entry that forwards at least this fraction of what it received to one labelled exchange... */
    depositForwardFraction: decimalString.refine((s) => Number(s) > 0 && Number(s) <= 1, 'depositForwardFraction is a fraction between 0 and 1').default('0.9'),
    /** ...within this many blocks of being derived is that exchange's deposit address (`exchange-deposit`) and is no longer followed. */
    depositWindowBlocks: z.number().int().min(1).default(5000),
    /** Re-matching rounds per block for hops inside the same block (each round needs a new entry to run). */
    maxRoundsPerBlock: z.number().int().min(1).max(1000).default(32),
    /** How often the expiry sweep runs. */
    sweepIntervalMs: z.number().int().min(1000).default(3_600_000),
  })
  .strict();

export type FollowConfig = z.infer<typeof followSchema>;

/** Settings without a `follow:` section (hand-built in tests, older configs): following is off. */
export const FOLLOW_DISABLED: FollowConfig = followSchema.parse({ enabled: false });
