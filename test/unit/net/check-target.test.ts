import { describe, expect, it } from 'vitest';
import { checkTargetIp } from '../../../src/core/net/check-target-ip.js';
import { parseTargetUrl } from '../../../src/core/net/parse-target-url.js';

describe('SSRF rules', () => {
  it('refuses every non-global address and allows global unicast', () => {
    const refused = ['127.0.0.1', '127.1.2.3', '::1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.100.100.200', '0.0.0.0', '::', '224.0.0.1', 'ff02::1', '255.255.255.255', 'fd00:ec2::254', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '64:ff9b::a00:1', '2002:7f00:1::', '2001::1', '192.0.2.1'];
    for (const ip of refused) expect(checkTargetIp(ip, []).ok, ip).toBe(false);
    for (const ip of ['93.184.215.14', '8.8.8.8', '2606:4700:4700::1111']) expect(checkTargetIp(ip, []).ok, ip).toBe(true);
  });

  it('opens exactly the allowlisted CIDRs (IPv4-mapped forms by their IPv4 address)', () => {
    expect(checkTargetIp('10.20.1.1', ['10.20.0.0/16']).ok).toBe(true);
    expect(checkTargetIp('10.21.0.1', ['10.20.0.0/16']).ok).toBe(false);
    expect(checkTargetIp('::ffff:10.20.1.1', ['10.20.0.0/16']).ok).toBe(true);
    expect(checkTargetIp('fd12::1', ['fd12::/16']).ok).toBe(true);
  });

  it('normalises every IPv4 spelling with the WHATWG parser and refuses schemes, credentials and metadata names', () => {
    for (const url of ['https://2130706433/', 'https://0x7f000001/', 'https://0177.0.0.1/', 'https://127.1/']) {
      const p = parseTargetUrl(url, { allowHttp: false });
      expect(p.ok && p.ipLiteral, url).toBe('127.0.0.1');
    }
    const v6 = parseTargetUrl('https://[::ffff:127.0.0.1]/', { allowHttp: false });
    expect(v6.ok && v6.ipLiteral).toBe('::ffff:7f00:1');
    expect(parseTargetUrl('http://example.com/', { allowHttp: false })).toMatchObject({ ok: false, reason: expect.stringContaining('allowHttp') });
    expect(parseTargetUrl('http://example.com/', { allowHttp: true }).ok).toBe(true);
    expect(parseTargetUrl('ftp://example.com/', { allowHttp: true }).ok).toBe(false);
    expect(parseTargetUrl('https://user:pw@example.com/', { allowHttp: false }).ok).toBe(false);
    expect(parseTargetUrl('https://metadata.google.internal/', { allowHttp: false }).ok).toBe(false);
    expect(parseTargetUrl('not a url', { allowHttp: false }).ok).toBe(false);
  });
});
