import ipaddr from 'ipaddr.js';

/**
 * The SSRF rule for one resolved address: only global unicast may be the
 * target of a tenant's webhook, unless an operator CIDR opens the range.
 * Refused: loopback, RFC 1918, link-local (and with it 169.254.169.254, the
 * cloud metadata service), CGNAT (RFC 6598; Alibaba's 100.100.100.200),
 * multicast, broadcast, unspecified, reserved/documentation ranges, IPv6
 * unique-local (fd00:ec2::254, AWS metadata over IPv6), and every IPv6 form
 * that embeds an IPv4 address (mapped, NAT64, 6to4, Teredo), since those reach
 * the IPv4 address inside.
 * Pure: ipaddr.js only parses.
 */
export type TargetCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function checkTargetIp(ip: string, allowCidrs: readonly string[]): TargetCheck {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    addr = ipaddr.parse(ip.replace(/^\[|\]$/g, ''));
  } catch {
    return { ok: false, reason: `"${ip}" is not an IP address` };
  }
  if (isAllowed(addr, allowCidrs)) return { ok: true };
  const range = addr.range();
  if (range === 'unicast') return { ok: true };
  const shown = addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString();
  return { ok: false, reason: `${shown} is a ${describeRange(range)} address (not allowed as a webhook target; see subscriptions.allowPrivateTargets)` };
}

function isAllowed(addr: ipaddr.IPv4 | ipaddr.IPv6, allowCidrs: readonly string[]): boolean {
  if (allowCidrs.length === 0) return false;
  // An IPv4-mapped address is the IPv4 address inside: an IPv4 CIDR decides for it.
  const candidates: (ipaddr.IPv4 | ipaddr.IPv6)[] = [addr];
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) candidates.push((addr as ipaddr.IPv6).toIPv4Address());
  for (const cidr of allowCidrs) {
    const parsed = parseCidrOnce(cidr);
    if (parsed === null) continue; // the config schema rejects bad CIDRs; nothing to open here
    for (const c of candidates) if (c.kind() === parsed[0].kind() && c.match(parsed)) return true;
  }
  return false;
}

/**
 * ipaddr.parseCIDR tries IPv6 first and throws for every IPv4 CIDR, and a thrown error costs far more than the
 * match: parsed once per distinct CIDR (they come from config, so the memo stays small). Still pure.
 */
const parsedCidrs = new Map<string, [ipaddr.IPv4 | ipaddr.IPv6, number] | null>();
function parseCidrOnce(cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | null {
  let parsed = parsedCidrs.get(cidr);
  if (parsed !== undefined) return parsed;
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch {
    parsed = null;
  }
  if (parsedCidrs.size < 1024) parsedCidrs.set(cidr, parsed);
  return parsed;
}

const RANGE_NAMES: Readonly<Record<string, string>> = {
  loopback: 'loopback',
  private: 'private (RFC 1918)',
  linkLocal: 'link-local (including cloud metadata)',
  carrierGradeNat: 'carrier-grade NAT (RFC 6598)',
  multicast: 'multicast',
  broadcast: 'broadcast',
  unspecified: 'unspecified',
  uniqueLocal: 'unique-local IPv6',
  ipv4Mapped: 'IPv4-mapped IPv6',
  rfc6145: 'IPv4-translated IPv6',
  rfc6052: 'NAT64 (IPv4-embedded IPv6)',
  '6to4': '6to4 (IPv4-embedded IPv6)',
  teredo: 'Teredo (IPv4-embedded IPv6)',
  reserved: 'reserved',
};

function describeRange(range: string): string {
  return RANGE_NAMES[range] ?? `special-purpose (${range})`;
}
