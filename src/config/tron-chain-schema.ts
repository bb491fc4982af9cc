import { z } from 'zod';

/**
 * A Tron chain (issue #14): followed over the node's HTTP API (`/wallet/...`,
 * java-tron or a TronGrid-compatible endpoint), because only its blocks show
 * each transaction's contract type (JSON-RPC reports TRX and TRC-10 transfers
 * alike). Kept in its own file so the other chain families' schemas stay apart.
 */
export const tronChainSchema = z
  .object({
    kind: z.literal('tron'),
    /** Base URL of the HTTP API, e.g. https://api.trongrid.io (without /wallet). */
    httpUrl: z.string().url(),
    /** TronGrid key, sent as the TRON-PRO-API-KEY header; empty = none. A secret: never logged. */
    apiKey: z.string().optional(),
    /** The node's JSON-RPC endpoint (/jsonrpc): not needed for watching, accepted for tools that want it. */
    rpcUrl: z.string().url().optional(),
    /** Tron blocks are final once solidified: 19 of 27 super representatives built on them (~57 s). */
    confirmations: z.number().int().min(1).default(19),
    pollIntervalMs: z.number().int().min(50).default(3000),
    startBlock: z.union([z.literal('latest'), z.number().int().nonnegative()]).default('latest'),
    explorerUrl: z.string().url().default('https://tronscan.org/#/transaction/{tx}'),
    /** Blocks fetched concurrently per step while catching up. */
    maxBlocksPerBatch: z.number().int().min(1).max(100).default(5),
    rpcTimeoutMs: z.number().int().min(100).default(15_000),
    enabled: z.boolean().default(true),
    /** Watchdog (issue #10): blocks behind beyond the confirmations wait before /readyz and the operator email say so; default 20. */
    maxLagBlocks: z.number().int().min(1).optional(),
    stallAfterMs: z.number().int().min(1000).optional(),
  })
  .strict();

export type TronChainConfig = z.infer<typeof tronChainSchema> & { readonly id: string };
