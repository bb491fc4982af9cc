import { describe, expect, it } from 'vitest';
import { createEvmRpcSource } from '../../../src/adapters/evm-rpc/create-evm-rpc-source.js';
import type { EvmRpcClient } from '../../../src/adapters/evm-rpc/create-evm-rpc-client.js';

/** A client whose eth_blockNumber answers the given heads in turn (a pure unit: only fetchHeadNumber is exercised). */
function headsClient(heads: number[]): EvmRpcClient & { asked: number } {
  const state = {
    asked: 0,
    batch: () => Promise.reject(new Error('not used')),
    failover: () => undefined,
    forget: () => undefined,
    endpoints: () => [],
    call: (method: string) => {
      if (method !== 'eth_blockNumber') return Promise.reject(new Error(`unexpected ${method}`));
      const head = heads[state.asked++];
      return head === undefined ? Promise.reject(new Error('no more heads')) : Promise.resolve(`0x${head.toString(16)}`);
    },
  };
  return state;
}

function sourceOver(heads: number[]) {
  const client = headsClient(heads);
  const events: { previous: number; reported: number; accepted: number }[] = [];
  const source = createEvmRpcSource({ chain: 'test', client, traces: 'off', events: { onHeadBackwards: (e) => void events.push(e) } });
  return { source, client, events };
}

describe('EVM source: a head that goes backwards', () => {
  it('a lagging backend answering once is asked again, and the higher answer is used', async () => {
    const { source, client, events } = sourceOver([100, 96, 101]);
    expect(await source.fetchHeadNumber()).toBe(100);
    expect(await source.fetchHeadNumber()).toBe(101);
    expect(client.asked).toBe(3);
    expect(events).toEqual([{ previous: 100, reported: 96, accepted: 101 }]);
  });

  it('a chain that really got shorter (both answers lower) is followed, not held at the old head', async () => {
    const { source, events } = sourceOver([100, 95, 95, 95]);
    expect(await source.fetchHeadNumber()).toBe(100);
    expect(await source.fetchHeadNumber()).toBe(95);
    // Accepted as the new reference: the next equal answer is not asked twice.
    expect(await source.fetchHeadNumber()).toBe(95);
    expect(events).toEqual([{ previous: 100, reported: 95, accepted: 95 }]);
  });

  it('a head that only moves forward is asked once per poll', async () => {
    const { source, client, events } = sourceOver([5, 5, 6, 9]);
    for (const expected of [5, 5, 6, 9]) expect(await source.fetchHeadNumber()).toBe(expected);
    expect(client.asked).toBe(4);
    expect(events).toEqual([]);
  });
});
