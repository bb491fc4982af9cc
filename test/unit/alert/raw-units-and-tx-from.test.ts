import { describe, expect, it } from 'vitest';
import { parseMovementJob, serializeMovement } from '../../../src/core/movement-job.js';
import { buildWebhookPayload } from '../../../src/core/alert/build-webhook-payload.js';
import { renderEmail } from '../../../src/core/alert/render-email.js';
import { buildMovementId } from '../../../src/core/movement.js';
import { RONIN, erc20In } from './movements.js';

const AT = new Date('2024-05-01T12:00:00.000Z');
const HOSTILE = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const SENDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

/** A forged ERC-20 "outflow" of a hostile token whose decimals() could not be read (issue #7). */
const forged = () =>
  erc20In({
    direction: 'out',
    from: RONIN.address,
    to: SENDER,
    asset: { contract: HOSTILE, symbol: 'UNKNOWN', decimals: 0, rawUnits: true },
    amount: 1_000_000n,
    txFrom: SENDER,
    legacyIds: [buildMovementId('ethereum', `0x${'12'.repeat(32)}`, 'log7', RONIN.address)],
  });

describe('raw units and txFrom through job, webhook and email (issue #7)', () => {
  it('a movement job keeps asset.rawUnits and txFrom, and never carries legacyIds', () => {
    const wire = JSON.parse(JSON.stringify(serializeMovement(forged()))) as { movement: Record<string, unknown> };
    expect(wire.movement).not.toHaveProperty('legacyIds');
    const { legacyIds: _dropped, ...expected } = forged();
    expect(parseMovementJob(wire)).toEqual(expected);
  });

  it('the webhook says rawUnits: true only for such a token (other bodies are unchanged) and names the sender', () => {
    expect(buildWebhookPayload(forged(), AT).data).toMatchObject({ asset: { contract: HOSTILE, symbol: 'UNKNOWN', decimals: 0, rawUnits: true }, txFrom: SENDER, amount: '1000000' });
    expect(buildWebhookPayload(erc20In(), AT).data.asset).not.toHaveProperty('rawUnits');
  });

  it('the email says the amount is in raw units and who sent the transaction', () => {
    const email = renderEmail(forged(), { subjectPrefix: '[chainwatch]' });
    expect(email.subject).toContain('OUT 1000000 UNKNOWN (raw units)');
    expect(email.text).toMatch(new RegExp(`Sent by:\\s+${SENDER}`));
    expect(email.html).toContain(SENDER);
    expect(renderEmail(erc20In(), { subjectPrefix: '[chainwatch]' }).subject).not.toContain('raw units');
  });
});
