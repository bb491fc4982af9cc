import { z } from 'zod';
import { LEDGER_KINDS, type LedgerKind } from '../core/ledger/ledger-kinds.js';
import { ledgerProfileOf } from '../core/ledger/ledger-profiles.js';
import { httpUrlSchema } from './http-url-schema.js';

/**
 * A ledger chain (issue #14: XRP Ledger, Stellar, Solana, TON, Polkadot, Tezos,
 * Aptos, Kadena, Cosmos chains, Zilliqa, XDAG, VeChain): followed block by
 * block over its node's API, through the same follower, queue and alerts as
 * EVM. Defaults that differ per family (confirmations, poll interval,
 * explorer) come from the family's profile when the file sets none.
 */
export const ledgerChainSchema = z
  .object({
    kind: z.enum(LEDGER_KINDS),
    /** Base URL of the node's API (rippled JSON-RPC, Horizon, Solana JSON-RPC, Tezos RPC, Thor REST...; docs/<family>.md). */
    apiUrl: httpUrlSchema,
    /** More URLs of the same API, tried in order when the one in use fails. */
    fallbackApiUrls: z.array(httpUrlSchema).optional(),
    /** An API key for hosted endpoints, sent as the family's header (docs); a secret: never logged. */
    apiKey: z.string().optional(),
    /** The family's network name (mainnet by default; e.g. Kadena's mainnet01, a testnet). */
    network: z.string().min(1).default('mainnet'),
    /** Cosmos: the bech32 account prefix (kava, cosmos, osmo...); Polkadot: the SS58 prefix number. */
    addressPrefix: z.string().min(1).optional(),
    confirmations: z.number().int().min(1).optional(),
    pollIntervalMs: z.number().int().min(50).optional(),
    startBlock: z.union([z.literal('latest'), z.number().int().nonnegative()]).default('latest'),
    explorerUrl: httpUrlSchema.optional(),
    /** Blocks fetched concurrently per step while catching up. */
    maxBlocksPerBatch: z.number().int().min(1).max(100).default(5),
    rpcTimeoutMs: z.number().int().min(100).default(15_000),
    enabled: z.boolean().default(true),
    /** Watchdog (issue #10): blocks behind beyond the confirmations wait before /readyz and the operator email say so; default 20. */
    maxLagBlocks: z.number().int().min(1).optional(),
    stallAfterMs: z.number().int().min(1000).optional(),
    /** Family-specific settings, checked by the family's own schema (docs/<family>.md). */
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

type ParsedLedgerChain = z.infer<typeof ledgerChainSchema>;

/** A ledger chain with the family's defaults filled in. */
export type LedgerChainConfig = Omit<ParsedLedgerChain, 'confirmations' | 'pollIntervalMs' | 'explorerUrl'> & {
  readonly id: string;
  readonly kind: LedgerKind;
  readonly confirmations: number;
  readonly pollIntervalMs: number;
  readonly explorerUrl: string;
};

/** Problems zod cannot see: a family chainwatch has no engine for, options that family refuses. */
export function checkLedgerChain(c: ParsedLedgerChain, ctx: z.RefinementCtx): void {
  const profile = ledgerProfileOf(c.kind);
  if (profile === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['kind'], message: `chainwatch does not support ${c.kind} chains yet` });
    return;
  }
  const schema = profile.optionsSchema;
  if (schema === undefined) {
    if (c.options !== undefined && Object.keys(c.options).length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['options'], message: `${c.kind} chains take no options` });
    return;
  }
  const parsed = schema.safeParse(c.options ?? {});
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['options', ...issue.path] });
}

export function withLedgerDefaults(c: ParsedLedgerChain, id: string): LedgerChainConfig {
  const profile = ledgerProfileOf(c.kind);
  // checkLedgerChain refused kinds without a profile before this runs.
  if (profile === undefined) throw new Error(`no ${c.kind} profile`);
  const options = profile.optionsSchema === undefined ? c.options : (profile.optionsSchema.parse(c.options ?? {}));
  return {
    ...c,
    id,
    confirmations: c.confirmations ?? profile.defaultConfirmations,
    pollIntervalMs: c.pollIntervalMs ?? profile.defaultPollIntervalMs,
    explorerUrl: c.explorerUrl ?? profile.defaultExplorerUrl,
    ...(options !== undefined ? { options } : {}),
  };
}
