/** kava-cosmos and polkadot through the real config loader: shipped chains behind their switches, file:line errors. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bech32 } from 'bech32';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, formatConfigProblem, loadConfig } from '../../../src/config/load-config.js';
import { normalizeLedgerAddress } from '../../../src/core/ledger/normalize-ledger-address.js';

const KAVA = 'kava1spv566tt3gt05n7cx9vfz47j3z878h88yywgan';
const DOT = '1WUqwCnEpTN8cEHBqmVrFxxgDArBuBb2KBVtbKBTVFhFxAs';
// The same account bytes under the Cosmos Hub prefix: valid bech32, wrong chain.
const COSMOS_HUB = bech32.encode('cosmos', bech32.decode(KAVA).words);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configDir(settings: string, watchlist: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-ledger-config-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'watchlists'));
  writeFileSync(path.join(dir, 'chainwatch.yaml'), `${settings}webhooks:\n  - id: soc\n    url: http://127.0.0.1:9000/hook\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n`);
  writeFileSync(path.join(dir, 'watchlists', 'w.yaml'), watchlist);
  return dir;
}

const entry = (chain: string, address: string) => `  - chain: ${chain}\n    address: ${address}\n    label: CoinEx theft\n    incident: coinex-2023\n    source: https://example.org\n`;
const CHAINS = `chains:\n  kava-cosmos:\n    kind: cosmos\n    apiUrl: http://127.0.0.1:26657\n    addressPrefix: kava\n  polkadot:\n    kind: polkadot\n    apiUrl: http://127.0.0.1:8080\n`;

describe('kava-cosmos and polkadot config', () => {
  it('watches the shipped addresses by account bytes, and reports a wrong prefix or checksum at file:line', async () => {
    const ok = await loadConfig(configDir(CHAINS, `entries:\n${entry('kava-cosmos', KAVA)}${entry('polkadot', DOT)}`), {});
    expect(ok.settings.chains.get('kava-cosmos')).toMatchObject({ kind: 'cosmos', confirmations: 1, options: { nativeDenom: 'ukava', nativeSymbol: 'KAVA', nativeDecimals: 6 } });
    expect(ok.settings.chains.get('polkadot')).toMatchObject({ kind: 'polkadot', confirmations: 1, explorerUrl: 'https://polkadot.subscan.io/extrinsic/{tx}' });
    expect(ok.index.lookup('kava-cosmos', normalizeLedgerAddress('cosmos', KAVA, { addressPrefix: 'kava' }).matchKey)).toEqual([expect.objectContaining({ address: KAVA })]);
    expect(ok.index.lookup('polkadot', normalizeLedgerAddress('polkadot', DOT).matchKey)).toEqual([expect.objectContaining({ address: DOT })]);

    const { problems } = await checkConfig(configDir(CHAINS, `entries:\n${entry('kava-cosmos', COSMOS_HUB)}${entry('polkadot', `${DOT.slice(0, -1)}b`)}`), {});
    const text = problems.map(formatConfigProblem).join('\n');
    expect(text).toMatch(/w\.yaml:3:\d+: entries\[0\]\.address: .*prefix "cosmos".*"kava1"/);
    expect(text).toMatch(/w\.yaml:8:\d+: entries\[1\]\.address: .*SS58.*checksum/);
  });

  it('refuses bad cosmos options with file and field', async () => {
    const { problems } = await checkConfig(configDir(`${CHAINS}    options: { nativeDenom: ukava }\n`, ''), {});
    expect(problems.map(formatConfigProblem).join('\n')).toMatch(/chainwatch\.yaml:\d+:\d+: chains\.polkadot\.options: polkadot chains take no options/);
    const bad = await checkConfig(configDir(CHAINS.replace('addressPrefix: kava\n', 'addressPrefix: kava\n    options: { nativeDecimals: -1 }\n'), ''), {});
    expect(bad.problems.map(formatConfigProblem).join('\n')).toMatch(/chainwatch\.yaml:\d+:\d+: chains\.kava-cosmos\.options\.nativeDecimals/);
  });

  it('the shipped config polls both when switched on, and their shipped entries validate', async () => {
    const off = await loadConfig('config', {});
    expect(off.settings.chains.get('kava-cosmos')).toMatchObject({ kind: 'cosmos', enabled: false, addressPrefix: 'kava' });
    expect(off.settings.chains.get('polkadot')).toMatchObject({ kind: 'polkadot', enabled: false });
    const on = await loadConfig('config', { KAVA_ENABLED: 'true', KAVA_API_URL: 'http://127.0.0.1:26657', POLKADOT_ENABLED: 'true', POLKADOT_API_URL: 'http://127.0.0.1:8080' });
    expect(on.settings.chains.get('kava-cosmos')).toMatchObject({ enabled: true, apiUrl: 'http://127.0.0.1:26657' });
    expect(on.settings.chains.get('polkadot')).toMatchObject({ enabled: true, apiUrl: 'http://127.0.0.1:8080' });
    for (const [chain, address] of [['kava-cosmos', KAVA], ['polkadot', DOT]] as const) {
      const shipped = on.entries.filter((e) => e.chain === chain);
      expect(shipped.map((e) => e.address)).toContain(address);
    }
  });
});
