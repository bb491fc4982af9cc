/**
 * What one part of the process says about its readiness. `ready: false` makes
 * `/readyz` answer 503; `degraded: true` (with `ready: true`) keeps 200 but names
 * the part, for things an operator must know about that do not stop the process
 * from doing its job (an address that could not be seeded).
 */
export interface ReadinessState {
  readonly ready: boolean;
  readonly degraded?: boolean;
  /** One sentence for the operator; never a secret or a full URL. */
  readonly detail?: string;
  /** Machine-readable specifics (addresses, counts). */
  readonly data?: Readonly<Record<string, unknown>>;
}

export type ReadinessCheck = () => ReadinessState | Promise<ReadinessState>;

export interface ReadinessReport {
  readonly status: 'ready' | 'degraded' | 'not_ready';
  /** Names of the parts that are not ready (empty when ready). */
  readonly notReady: readonly string[];
  readonly degraded: readonly string[];
  readonly checks: Readonly<Record<string, ReadinessState>>;
}

/**
 * A small registry of readiness checks, one per named part (`redis`,
 * `seed:<chain>`...). Parts either push their state (`set`) as it changes, or
 * register a check that is asked on every `/readyz`. Later parts add their own
 * names; nothing here knows them.
 */
export interface Readiness {
  set(name: string, state: ReadinessState): void;
  register(name: string, check: ReadinessCheck): void;
  remove(name: string): void;
  report(): Promise<ReadinessReport>;
}

export function createReadiness(): Readiness {
  const checks = new Map<string, ReadinessCheck>();
  return {
    set(name, state) {
      const frozen = Object.freeze({ ...state });
      checks.set(name, () => frozen);
    },
    register(name, check) {
      checks.set(name, check);
    },
    remove(name) {
      checks.delete(name);
    },
    async report() {
      const names = [...checks.keys()].sort();
      const states = await Promise.all(
        names.map(async (name): Promise<ReadinessState> => {
          try {
            return await checks.get(name)!();
          } catch {
            return { ready: false, detail: 'readiness check failed' };
          }
        }),
      );
      const byName: Record<string, ReadinessState> = {};
      names.forEach((name, i) => (byName[name] = states[i]!));
      const notReady = names.filter((_, i) => !states[i]!.ready);
      const degraded = names.filter((_, i) => states[i]!.ready && states[i]!.degraded === true);
      return { status: notReady.length > 0 ? 'not_ready' : degraded.length > 0 ? 'degraded' : 'ready', notReady, degraded, checks: byName };
    },
  };
}
