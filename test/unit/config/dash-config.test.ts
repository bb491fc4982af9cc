/** Dash addresses (X…/7…) in watchlists through the real loader, and the shipped chain behind DASH_ENABLED. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, formatConfigProblem, loadConfig } from '../../../src/config/load-config.js';
import { normalizeUtxoAddress } from '../../../src/core/address/normalize-utxo-address.js';
import { validateImportAddress } from '../../../src/core/import/validate-import-address.js';

// trustwallet/wallet-core tests (Dash LockScripts): an address and the locking script it names.
const P2PKH = { address: 'XgkpWEFe59pX3aMhx6PrDawjNnoZKHeZbp', script: '76a91442914f5b70c61619eca5359df57d0b9bdcf8ccff88ac' };
const P2SH = { address: '7eprxeVjKfVgS8p2RNsZ89K72YV61xg4gq', script: 'a9148835ae54f297ad069552a1401e535dfe5f396f6187' };

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SETTINGS = `chains:
  dash:
    kind: dash
    network: mainnet
    rpcUrl: http://127.0.0.1:9998
webhooks:
  - id: soc
    url: http://127.0.0.1:9000/hook
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
`;

function configDir(watchlist: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-dash-config-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'watchlists'));
  writeFileSync(path.join(dir, 'chainwatch.yaml'), SETTINGS);
  writeFileSync(path.join(dir, 'watchlists', 'dash.yaml'), watchlist);
  return dir;
}

const entry = (address: string): string => `  - chain: dash
    address: ${address}
    label: OFAC SDN-listed DASH address
    incident: ofac-sdn
    source: https://sanctionssearch.ofac.treas.gov/
`;

describe('dash addresses', () => {
  it.each([P2PKH, P2SH])('$address locks $script', ({ address, script }) => {
    expect(normalizeUtxoAddress(address, 'dash', 'mainnet')).toMatchObject({ display: address, matchKey: script });
    expect(validateImportAddress('dash', address)).toEqual({ ok: true, address, key: address });
  });

  it.each([
    ['a mistyped character', `${P2PKH.address.slice(0, -1)}q`, 'invalid_bitcoin_address', /checksum/],
    ['a Bitcoin address', '1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', 'invalid_bitcoin_address', /another coin/],
    ['a Dogecoin address', 'DH5yaieqoZN36fDVciNyRueRGvGLR3mr7L', 'invalid_bitcoin_address', /dogecoin/],
  ])('rejects %s', (_what, address, code, message) => {
    let err: unknown;
    try {
      normalizeUtxoAddress(address, 'dash', 'mainnet');
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(message);
  });
});

describe('dash config', () => {
  it('watches an X… entry by its locking script and reports a bad one at file:line', async () => {
    const ok = await loadConfig(configDir(`entries:\n${entry(P2PKH.address)}`), {});
    expect(ok.settings.chains.get('dash')).toMatchObject({ kind: 'dash', network: 'mainnet' });
    expect(ok.index.lookup('dash', P2PKH.script)).toEqual([expect.objectContaining({ address: P2PKH.address })]);

    const { problems } = await checkConfig(configDir(`entries:\n${entry(P2PKH.address)}${entry(`${P2SH.address.slice(0, -1)}h`)}`), {});
    const p = problems.find((x) => x.code === 'invalid_bitcoin_address');
    expect(p, problems.map(formatConfigProblem).join('\n')).toBeDefined();
    expect(formatConfigProblem(p!)).toMatch(/dash\.yaml:8:\d+: entries\[1\]\.address: not a valid dash address/);
  });

  it('the shipped config polls dash when DASH_ENABLED=true and watches the OFAC entries', async () => {
    const off = await loadConfig('config', {});
    expect(off.settings.chains.get('dash')).toMatchObject({ kind: 'dash', enabled: false });
    const on = await loadConfig('config', { DASH_ENABLED: 'true', DASH_RPC_URL: 'http://127.0.0.1:19998' });
    expect(on.settings.chains.get('dash')).toMatchObject({ kind: 'dash', enabled: true, rpcUrl: 'http://127.0.0.1:19998' });
    const ofac = on.entries.filter((e) => e.chain === 'dash');
    expect(ofac.length).toBeGreaterThan(0);
    for (const e of ofac) {
      expect(e.enabled).toBe(true);
      expect(on.index.lookup('dash', normalizeUtxoAddress(e.address, 'dash', 'mainnet').matchKey)).toBeDefined();
    }
  });
});
