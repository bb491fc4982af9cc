/** XDAG through the real config loader: the shipped address is watched by its account hash; a typo is reported at file:line. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, formatConfigProblem, loadConfig } from '../../../../src/config/load-config.js';
import { normalizeLedgerAddress } from '../../../../src/core/ledger/normalize-ledger-address.js';

const SHIPPED = '15VY3MadZvLpXhjzFXwCUmtZcHszju6L9';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configDir(address: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-xdag-config-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'watchlists'));
  writeFileSync(path.join(dir, 'chainwatch.yaml'), 'chains:\n  xdag:\n    kind: xdag\n    apiUrl: http://127.0.0.1:10001\nwebhooks:\n  - id: soc\n    url: http://127.0.0.1:9000/hook\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n');
  writeFileSync(path.join(dir, 'watchlists', 'w.yaml'), `entries:\n  - chain: xdag\n    address: ${address}\n    label: CoinEx theft\n    incident: coinex-2023\n    source: https://example.org\n`);
  return dir;
}

describe('XDAG config', () => {
  it('watches the shipped address with the profile defaults, and reports a typo at file:line', async () => {
    const ok = await loadConfig(configDir(SHIPPED), {});
    expect(ok.settings.chains.get('xdag')).toMatchObject({ kind: 'xdag', confirmations: 16, explorerUrl: 'https://explorer.xdag.io/block/{tx}' });
    expect(ok.index.lookup('xdag', normalizeLedgerAddress('xdag', SHIPPED).matchKey)).toEqual([expect.objectContaining({ address: SHIPPED })]);
    const { problems } = await checkConfig(configDir(`${SHIPPED.slice(0, -1)}8`), {});
    expect(problems.map(formatConfigProblem).join('\n')).toMatch(/w\.yaml:\d+.*checksum/);
  });

  it('the shipped config polls xdag when switched on, and its shipped CoinEx entry validates', async () => {
    const off = await loadConfig('config', {});
    expect(off.settings.chains.get('xdag')).toMatchObject({ kind: 'xdag', enabled: false, apiUrl: 'http://127.0.0.1:10001' });
    const on = await loadConfig('config', { XDAG_ENABLED: 'true', XDAG_API_URL: 'http://10.0.0.7:10001' });
    expect(on.settings.chains.get('xdag')).toMatchObject({ enabled: true, apiUrl: 'http://10.0.0.7:10001', confirmations: 16 });
    expect(on.entries.filter((e) => e.chain === 'xdag').map((e) => e.address)).toContain(SHIPPED);
  });
});
