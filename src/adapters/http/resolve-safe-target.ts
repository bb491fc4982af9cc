import { lookup as dnsLookup } from 'node:dns/promises';
import { PermanentError } from '../../core/errors.js';
import { checkTargetIp } from '../../core/net/check-target-ip.js';
import { isLoopbackName, parseTargetUrl } from '../../core/net/parse-target-url.js';

/** Resolves a host name to every address it has (node's getaddrinfo by default; tests inject their own). */
export type ResolveHost = (hostname: string) => Promise<readonly { readonly address: string; readonly family: number }[]>;

export interface TargetPolicy {
  /** subscriptions.allowHttp */
  readonly allowHttp: boolean;
  /** subscriptions.allowPrivateTargets */
  readonly allowPrivateTargets: readonly string[];
  readonly resolveHost?: ResolveHost | undefined;
}

export interface SafeTarget {
  readonly url: URL;
  readonly hostname: string;
  /** The checked address the request must connect to (no second lookup). */
  readonly address: string;
  readonly family: 4 | 6;
}

/** A target the SSRF guard refuses; `reason` is safe to show the tenant (it names only host and address). */
export class TargetRefusedError extends PermanentError {
  readonly reason: string;
  constructor(reason: string) {
    super('TARGET_REFUSED', `webhook target refused: ${reason}`);
    this.reason = reason;
  }
}

export const defaultResolveHost: ResolveHost = async (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * The SSRF guard: parses the URL, resolves the host once and checks every
 * address it resolves to (one bad address refuses the name, so a rebinding
 * answer that mixes public and private addresses fails). The caller connects to
 * `address` only. Throws TargetRefusedError (permanent) or RetryableError when
 * DNS itself fails.
 */
export async function resolveSafeTarget(rawUrl: string, policy: TargetPolicy): Promise<SafeTarget> {
  const parsed = parseTargetUrl(rawUrl, { allowHttp: policy.allowHttp });
  if (!parsed.ok) throw new TargetRefusedError(parsed.reason);
  let addresses: readonly { readonly address: string; readonly family: number }[];
  if (parsed.ipLiteral !== undefined) {
    addresses = [{ address: parsed.ipLiteral, family: parsed.ipLiteral.includes(':') ? 6 : 4 }];
  } else if (isLoopbackName(parsed.hostname)) {
    addresses = [{ address: '127.0.0.1', family: 4 }];
  } else {
    try {
      addresses = await (policy.resolveHost ?? defaultResolveHost)(parsed.hostname);
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'error';
      throw new TargetRefusedError(`${parsed.hostname} does not resolve (${code})`);
    }
    if (addresses.length === 0) throw new TargetRefusedError(`${parsed.hostname} does not resolve`);
  }
  for (const a of addresses) {
    const check = checkTargetIp(a.address, policy.allowPrivateTargets);
    if (!check.ok) throw new TargetRefusedError(parsed.ipLiteral === undefined ? `${parsed.hostname} resolves to ${check.reason}` : check.reason);
  }
  const first = addresses[0]!;
  return { url: parsed.url, hostname: parsed.hostname, address: first.address, family: first.family === 6 ? 6 : 4 };
}
