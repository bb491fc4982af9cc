import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { RetryableError } from '../../core/errors.js';
import { resolveSafeTarget, type SafeTarget, type TargetPolicy } from './resolve-safe-target.js';

export interface SafePostParams {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  readonly policy: TargetPolicy;
  /**
   * Targets already checked by this caller's current run (one batch of deliveries), by URL: a URL is
   * resolved and checked once for the run instead of once per request. Safe against DNS rebinding all
   * the same: every socket connects only to the address that was checked, never to a new DNS answer.
   * Keep it only as long as the run (a changed DNS answer is seen by the next run).
   */
  readonly checkedTargets?: Map<string, Promise<SafeTarget>>;
}

export interface SafePostResult {
  readonly status: number;
  /** Lowercase response header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly latencyMs: number;
}

/** A transport failure (timeout, refused, reset); `kind` says which, the message names only the host. */
export class HttpTransportError extends RetryableError {
  readonly kind: 'timeout' | 'network';
  constructor(kind: 'timeout' | 'network', message: string) {
    super(kind === 'timeout' ? 'HTTP_TIMEOUT' : 'HTTP_UNREACHABLE', message);
    this.kind = kind;
  }
}

const MAX_RESPONSE_BYTES = 64 * 1024;
/** Keep-alive pools kept at most (one per checked address and host name); the oldest is closed beyond. */
const MAX_POOLS = 256;
const pools = new Map<string, HttpAgent>();

/**
 * The keep-alive pool for one checked target. Keyed by the address the SSRF
 * guard checked (and the host name, which TLS verifies), so a reused socket is
 * always one that was opened to an address checked for this very name; a DNS
 * answer that changes gets a pool of its own. Fan-outs of hundreds of
 * deliveries to one receiver then cost one TCP (and TLS) handshake per socket,
 * not per delivery.
 */
function poolFor(target: SafeTarget): HttpAgent {
  const key = `${target.url.protocol}//${target.hostname}|${target.address}|${target.url.port}`;
  let agent = pools.get(key);
  if (agent !== undefined) {
    // Most recently used last: the first key is the one to evict.
    pools.delete(key);
    pools.set(key, agent);
    return agent;
  }
  const options = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64, scheduling: 'lifo' as const };
  agent = target.url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
  pools.set(key, agent);
  if (pools.size > MAX_POOLS) {
    const [oldestKey, oldest] = pools.entries().next().value as [string, HttpAgent];
    pools.delete(oldestKey);
    oldest.destroy();
  }
  return agent;
}

/**
 * The one HTTP client for tenant webhooks: the SSRF guard checks the target at
 * every call (or once per run of calls sharing `checkedTargets`), and the socket connects to the address that was checked (a
 * custom `lookup` that answers with it, so DNS is never asked twice and a
 * rebinding answer never reaches the socket). TLS still verifies the
 * certificate for the URL's host name (SNI). Redirects are never followed
 * (node:http does not), the whole exchange is bounded by `timeoutMs`, and the
 * response body is drained and discarded (at most 64 KiB read).
 */
export async function sendSafePost(params: SafePostParams): Promise<SafePostResult> {
  const target = await checkedTarget(params);
  try {
    return await postTo(target, params, poolFor(target));
  } catch (err) {
    // A kept-alive socket the receiver closed while idle fails at once: send again on a fresh connection
    // (the request never reached the receiver's handler).
    if (err instanceof StaleSocketError) return postTo(target, params, false);
    throw err;
  }
}

function checkedTarget({ url, policy, checkedTargets }: SafePostParams): Promise<SafeTarget> {
  if (checkedTargets === undefined) return resolveSafeTarget(url, policy);
  let target = checkedTargets.get(url);
  // A refusal is kept too: every request of the run to that URL is refused the same way.
  if (target === undefined) checkedTargets.set(url, (target = resolveSafeTarget(url, policy)));
  return target;
}

class StaleSocketError extends Error {}

function postTo(target: SafeTarget, params: SafePostParams, agent: HttpAgent | false): Promise<SafePostResult> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all === true) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const isHttps = target.url.protocol === 'https:';
  const request = isHttps ? httpsRequest : httpRequest;
  const started = performance.now();
  return new Promise<SafePostResult>((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      reject(err);
    };
    const req = request(
      target.url,
      {
        method: 'POST',
        lookup: pinned,
        ...(isHttps ? { servername: target.hostname } : {}),
        headers: { ...params.headers, 'content-length': String(Buffer.byteLength(params.body)) },
        agent,
      },
      (res: IncomingMessage) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        const done = (): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, latencyMs: Math.round(performance.now() - started) });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    const timer = setTimeout(() => fail(new HttpTransportError('timeout', `${target.hostname} did not answer within ${params.timeoutMs} ms`)), params.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return fail(new StaleSocketError(err.code));
      fail(new HttpTransportError('network', `${target.hostname} is unreachable (${err.code ?? 'network error'})`));
    });
    req.end(params.body);
  });
}
