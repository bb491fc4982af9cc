import { describe, expect, it } from 'vitest';
import { parseMovementJob, serializeMovement } from '../../../src/core/movement-job.js';
import { RONIN, evmNativeOut } from '../alert/movements.js';

describe('watchlist owner in movement jobs', () => {
  it('survives the queue round trip, and entries without one stay without one', () => {
    const own = { address: '0x8589427373D6D84E98730D7795D8f6f8731FDA16', label: 'hot', incident: 'tenant-list', source: 'chainwatch:tenant-list', tags: ['tenant-list'], owner: 'tenant:ten_a' };
    const m = evmNativeOut({ watchlist: [RONIN, own] });
    const back = parseMovementJob(JSON.parse(JSON.stringify(serializeMovement(m))));
    expect(back.watchlist).toEqual([RONIN, own]);
    expect(back.watchlist[0]).not.toHaveProperty('owner');
  });
});
