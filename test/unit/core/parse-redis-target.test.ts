import { describe, expect, it } from 'vitest';
import { effectiveRedisPrefix, parseRedisTarget } from '../../../src/core/parse-redis-target.js';
import { checkSettingsText } from '../../../src/config/load-settings.js';

describe('parseRedisTarget', () => {
  it('a redis:// URL is one server', () => {
    expect(parseRedisTarget('redis://10.0.0.5:6379/2')).toEqual({ kind: 'single', url: 'redis://10.0.0.5:6379/2' });
  });

  it('redis+sentinel:// lists the Sentinels, then the master name, with an optional password and db', () => {
    expect(parseRedisTarget('redis+sentinel://:s3cret@s1.example:26379,s2.example:26380,[::1]:26381/mymaster?db=3')).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1.example', port: 26379 },
        { host: 's2.example', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'mymaster',
      password: 's3cret',
      db: 3,
    });
    expect(() => parseRedisTarget('redis+sentinel://s1:26379')).toThrow(/names the master/);
    expect(() => parseRedisTarget('redis+sentinel://s1/mymaster')).toThrow(/"s1" is not host:port/);
  });

  it('a cluster node list wins over the URL, keeping its password; the prefix becomes a hash tag', () => {
    const target = parseRedisTarget('redis://:pw@ignored:6379', ['10.0.0.1:7000', '10.0.0.2:7001']);
    expect(target).toEqual({ kind: 'cluster', nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }], password: 'pw' });
    expect(effectiveRedisPrefix('chainwatch', target)).toBe('{chainwatch}');
    expect(effectiveRedisPrefix('chainwatch', parseRedisTarget('redis://h:1'))).toBe('chainwatch');
  });
});

describe('redis settings in chainwatch.yaml', () => {
  const base = `chains:\n  ethereum:\n    kind: evm\n    rpcUrls: ["http://127.0.0.1:8545"]\nwebhooks:\n  - id: soc\n    url: http://127.0.0.1:9000/hook\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n`;

  it('a bad sentinel URL and a bad cluster node are errors at their line', () => {
    const sentinel = checkSettingsText(`${base}redis:\n  url: redis+sentinel://s1:26379\n`, 'chainwatch.yaml', {});
    expect(sentinel.problems).toContainEqual(expect.objectContaining({ severity: 'error', line: 10, field: 'redis.url', message: expect.stringMatching(/names the master/) as unknown }));
    const cluster = checkSettingsText(`${base}redis:\n  cluster: ["10.0.0.1:7000", "nohost"]\n`, 'chainwatch.yaml', {});
    expect(cluster.problems).toContainEqual(expect.objectContaining({ severity: 'error', line: 10, field: 'redis.cluster[1]' }));
  });

  it('with a cluster the settings carry the hash-tagged prefix', () => {
    const check = checkSettingsText(`${base}redis:\n  prefix: prod\n  cluster: ["10.0.0.1:7000"]\n`, 'chainwatch.yaml', {});
    expect(check.settings?.redis.prefix).toBe('{prod}');
  });
});
