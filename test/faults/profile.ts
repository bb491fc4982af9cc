/**
 * How big and how hostile a fault-suite run is. `fast` runs in CI (a few
 * minutes on two cores); `long` (CHAINWATCH_FAULTS_PROFILE=long) soaks longer
 * with harsher faults.
 */
export interface FaultProfile {
  readonly name: 'fast' | 'long';
  /** Watched EVM movements (native and ERC-20, in and out). */
  readonly evmMovements: number;
  /** Watched Bitcoin movements. */
  readonly btcMovements: number;
  /** Transactions touching no watched address (both chains). */
  readonly unrelated: number;
  /** Pause between two scripted transactions. */
  readonly paceMs: number;
  /** kill -9 of a chainwatch process (poller, alerter or all-in-one), each followed by a restart. */
  readonly kills: number;
  /** EVM reorgs; depths are drawn from 1..20, at least one deeper than the chain's confirmations. */
  readonly reorgs: number;
  readonly redisUnreachableMs: number;
  /** Each receiver fault stretch (refuse, hang, fail) per receiver. */
  readonly receiverFaultMs: number;
  /** How long the first RPC URL is down (the second must take over). */
  readonly rpcDownMs: number;
  /** Share of RPC requests the fault proxies fail. */
  readonly rpcFailureRate: number;
  /** How long the ledger may take to complete once the faults stop. */
  readonly drainTimeoutMs: number;
}

export const FAST_PROFILE: FaultProfile = {
  name: 'fast',
  evmMovements: 180,
  btcMovements: 65,
  unrelated: 40,
  paceMs: 300,
  kills: 22,
  reorgs: 3,
  redisUnreachableMs: 12_000,
  receiverFaultMs: 6_000,
  rpcDownMs: 15_000,
  rpcFailureRate: 0.3,
  drainTimeoutMs: 150_000,
};

export const LONG_PROFILE: FaultProfile = {
  name: 'long',
  evmMovements: 500,
  btcMovements: 150,
  unrelated: 150,
  paceMs: 300,
  kills: 60,
  reorgs: 10,
  redisUnreachableMs: 60_000,
  receiverFaultMs: 30_000,
  rpcDownMs: 60_000,
  rpcFailureRate: 0.3,
  drainTimeoutMs: 600_000,
};

export function selectProfile(env: NodeJS.ProcessEnv): FaultProfile {
  const name = env['CHAINWATCH_FAULTS_PROFILE'] ?? 'fast';
  if (name === 'fast') return FAST_PROFILE;
  if (name === 'long') return LONG_PROFILE;
  throw new Error(`CHAINWATCH_FAULTS_PROFILE must be fast or long, not ${JSON.stringify(name)}`);
}

/** The run's seed: CHAINWATCH_FAULTS_SEED replays a run, otherwise a fresh one. */
export function selectSeed(env: NodeJS.ProcessEnv): number {
  const given = env['CHAINWATCH_FAULTS_SEED'];
  if (given === undefined || given === '') return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`CHAINWATCH_FAULTS_SEED must be a non-negative integer, not ${JSON.stringify(given)}`);
  return seed;
}

/** mulberry32: small, fast, good enough to script a scenario reproducibly. */
export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    shuffle: <T>(items: readonly T[]): T[] => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}

export interface Random {
  next(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
}
