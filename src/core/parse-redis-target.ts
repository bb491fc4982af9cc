/**
 * Where chainwatch's Redis is, parsed from config (issue #10 "beyond one Redis"):
 * - `redis://` or `rediss://` URL: one server;
 * - `redis+sentinel://[:password@]host:port[,host:port...]/<master name>[?db=N]`:
 *   ask the Sentinels which server is the master, and follow failovers;
 * - `redis.cluster: ["host:port", ...]`: a Redis Cluster, from any of its nodes.
 */
export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly { readonly host: string; readonly port: number }[];
      readonly masterName: string;
      readonly password?: string;
      readonly db?: number;
    }
  | { readonly kind: 'cluster'; readonly nodes: readonly { readonly host: string; readonly port: number }[]; readonly password?: string };

export class RedisTargetError extends Error {
  override readonly name = 'RedisTargetError';
}

export function parseRedisTarget(url: string, cluster?: readonly string[]): RedisTarget {
  if (cluster !== undefined && cluster.length > 0) {
    const password = /^rediss?:\/\/:([^@]+)@/.exec(url)?.[1];
    return { kind: 'cluster', nodes: cluster.map(parseHostPort), ...(password !== undefined ? { password: decodeURIComponent(password) } : {}) };
  }
  if (!url.startsWith('redis+sentinel://')) return { kind: 'single', url };
  const rest = url.slice('redis+sentinel://'.length);
  const at = rest.lastIndexOf('@');
  const auth = at >= 0 ? rest.slice(0, at) : undefined;
  const afterAuth = at >= 0 ? rest.slice(at + 1) : rest;
  const slash = afterAuth.indexOf('/');
  if (slash < 0) throw new RedisTargetError('a redis+sentinel:// URL names the master after the hosts: redis+sentinel://host:26379/mymaster');
  const [path, query] = afterAuth.slice(slash + 1).split('?', 2) as [string, string | undefined];
  const masterName = decodeURIComponent(path);
  if (masterName === '') throw new RedisTargetError('a redis+sentinel:// URL names the master after the hosts: redis+sentinel://host:26379/mymaster');
  const sentinels = afterAuth.slice(0, slash).split(',').map(parseHostPort);
  const password = auth === undefined ? undefined : decodeURIComponent(auth.startsWith(':') ? auth.slice(1) : (auth.split(':')[1] ?? ''));
  const db = query === undefined ? undefined : new URLSearchParams(query).get('db');
  if (db !== undefined && db !== null && !/^\d+$/.test(db)) throw new RedisTargetError('db in a redis+sentinel:// URL must be a database number');
  return {
    kind: 'sentinel',
    sentinels,
    masterName,
    ...(password !== undefined && password !== '' ? { password } : {}),
    ...(db !== undefined && db !== null ? { db: Number(db) } : {}),
  };
}

function parseHostPort(s: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(s.trim());
  if (m === null || Number(m[2]) > 65535) throw new RedisTargetError(`"${s}" is not host:port`);
  return { host: m[1]!, port: Number(m[2]) };
}

/**
 * The key prefix actually used. In a Redis Cluster every key a multi-key
 * command or BullMQ script touches must hash to one slot, so the prefix
 * becomes a hash tag (`{chainwatch}`): each queue, and every store beside it,
 * lives on one slot. (Run several deployments with different prefixes to
 * spread load over the cluster's nodes.)
 */
export function effectiveRedisPrefix(prefix: string, target: RedisTarget): string {
  return target.kind === 'cluster' ? `{${prefix}}` : prefix;
}
