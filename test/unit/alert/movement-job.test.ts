import { describe, expect, it } from 'vitest';
import { movementJobId, parseMovementJob, serializeMovement } from '../../../src/core/movement-job.js';
import { PermanentError } from '../../../src/core/errors.js';
import { btcOut, erc20In, evmNativeOut } from './movements.js';

describe('movement job payload', () => {
  it.each([
    ['EVM native', evmNativeOut()],
    ['ERC-20', erc20In()],
    ['Bitcoin', btcOut()],
    ['internal', evmNativeOut({ kind: 'internal', tracePosition: '0.2.1' })],
    ['ERC-721', erc20In({ kind: 'erc721', amount: 1n, tokenId: 2n ** 200n, asset: { contract: '0xBC4CA0EdA7647A8aB7C2061c2E118A18a936f13D', symbol: 'BAYC', decimals: 0 } })],
  ])('round-trips a %s movement through JSON exactly, bigints included', (_name, m) => {
    const wire = JSON.parse(JSON.stringify(serializeMovement(m))) as unknown;
    expect(parseMovementJob(wire)).toEqual(m);
  });

  it('serialises bigints as decimal strings under a version field', () => {
    const data = serializeMovement(btcOut());
    expect(data.v).toBe(1);
    expect(data.movement.amount).toBe('50000000');
    expect(data.movement.fee).toBe('12345');
    expect(data.movement.outputs?.[1]?.amount).toBe('19987655');
  });

  it('rejects bad job data with a PermanentError naming the field', () => {
    const good = JSON.parse(JSON.stringify(serializeMovement(evmNativeOut()))) as { movement: Record<string, unknown> };
    expect(() => parseMovementJob({ ...good, v: 2 })).toThrow(PermanentError);
    expect(() => parseMovementJob({ v: 1, movement: { ...good.movement, amount: '1.5' } })).toThrow(/movement\.amount/);
    expect(() => parseMovementJob({ v: 1, movement: { ...good.movement, kind: 'sol' } })).toThrow(/movement\.kind/);
    expect(() => parseMovementJob(null)).toThrow(PermanentError);
  });

  it('uses the movement id for confirmed movements and a distinct id for mempool sightings', () => {
    const confirmed = btcOut();
    const unconfirmed = btcOut({ confirmations: 0, blockNumber: null, blockHash: null });
    expect(movementJobId(confirmed)).toBe(confirmed.id);
    expect(movementJobId(unconfirmed)).toBe(`${confirmed.id}-unconfirmed`);
    expect(movementJobId(unconfirmed)).not.toBe(movementJobId(confirmed));
  });

  it('never puts a ":" in a job id (bullmq reserves it)', () => {
    expect(movementJobId({ id: 'eip155:1-0xab-native-0x12', confirmations: 1 })).not.toContain(':');
    expect(movementJobId(evmNativeOut())).not.toContain(':');
  });
});
