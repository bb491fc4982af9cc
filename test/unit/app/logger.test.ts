import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, parseLogFormat } from '../../../src/app/logger.js';
import { PermanentError, RetryableError } from '../../../src/core/errors.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter((l) => l !== '') };
}

describe('createLogger', () => {
  it('JSON: a transient failure is one record with its code and no stack; a permanent one keeps its stack', () => {
    const out = capture();
    const logger = createLogger({ format: 'json', destination: out.stream });
    logger.warn({ chain: 'ethereum', err: new RetryableError('RPC_TIMEOUT', 'eth_getBlockByNumber timed out after 10000 ms') }, 'RPC request failed');
    logger.error({ chain: 'ethereum', err: new PermanentError('JOB_INVALID', 'bad job') }, 'job failed');
    const [transient, permanent] = out.lines().map((l) => JSON.parse(l) as { err: Record<string, unknown> });
    expect(transient!.err).toEqual({ type: 'RetryableError', code: 'RPC_TIMEOUT', message: 'eth_getBlockByNumber timed out after 10000 ms' });
    expect(permanent!.err['stack']).toEqual(expect.stringContaining('PermanentError'));
  });

  it('collapses the same warning within the window, then says how many were held back', () => {
    const out = capture();
    let now = 0;
    const logger = createLogger({ format: 'json', destination: out.stream, repeatWindowMs: 1000, now: () => now });
    const err = new RetryableError('ESPLORA_UNREACHABLE', 'connect ECONNREFUSED');
    for (let i = 0; i < 50; i++) logger.warn({ chain: 'bitcoin', address: `bc1q${i}`, err }, 'seeding failed');
    logger.warn({ chain: 'litecoin', err }, 'seeding failed'); // another chain is another warning
    for (let i = 0; i < 5; i++) logger.info({ block_number: i }, 'block processed'); // info is never collapsed
    now = 1500;
    logger.warn({ chain: 'bitcoin', address: 'bc1qlast', err }, 'seeding failed');
    const records = out.lines().map((l) => JSON.parse(l) as { msg: string; chain?: string; repeated?: number });
    const seeding = records.filter((r) => r.msg === 'seeding failed');
    expect(seeding.map((r) => [r.chain, r.repeated])).toEqual([
      ['bitcoin', undefined],
      ['litecoin', undefined],
      ['bitcoin', 49],
    ]);
    expect(records.filter((r) => r.msg === 'block processed')).toHaveLength(5);
  });

  it('pretty: one human line per event, with the fields and no JSON braces', () => {
    const out = capture();
    const logger = createLogger({ format: 'pretty', destination: out.stream });
    logger.info({ chain: 'ethereum', block_number: 123 }, 'block processed');
    logger.warn({ chain: 'ethereum', err: new RetryableError('RPC_HTTP_STATUS', 'HTTP 503') }, 'RPC request failed');
    const lines = out.lines();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/INFO.*block processed.*chain.*ethereum.*block_number.*123/);
    expect(lines[0]!.startsWith('{')).toBe(false);
    expect(lines[1]).toMatch(/WARN.*RPC request failed.*RPC_HTTP_STATUS/);
    expect(lines[1]).not.toMatch(/\n|at .*\.ts:\d+/);
  });

  it('LOG_FORMAT accepts pretty or json and names a wrong value', () => {
    expect(parseLogFormat(undefined)).toBeUndefined();
    expect(parseLogFormat('json')).toBe('json');
    expect(() => parseLogFormat('xml')).toThrow(/LOG_FORMAT must be "pretty" or "json", not "xml"/);
  });
});
