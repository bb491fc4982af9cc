/** Bitcoin Gold addresses (G…/A…/btg1…) in watchlists through the real loader, and the shipped chain behind BTG_ENABLED. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, formatConfigProblem, loadConfig } from '../../../src/config/load-config.js';
import { normalizeUtxoAddress } from '../../../src/core/address/normalize-utxo-address.js';
import { validateImportAddress } from '../../../src/core/import/validate-import-address.js';

// trustwallet/wallet-core tests (TWBitcoinGoldScript LockScriptTest, TWBitcoinGoldAddress): addresses and what they lock.
const SEGWIT = [
  { address: 'btg1q6572ulr0kmywle8a30lvagm9xsg9k9n5cmzfdj', script: '0014d53cae7c6fb6c8efe4fd8bfecea36534105b1674' },
  { address: 'btg1qawhpp9gv3g662phqufjmj2ps2ge7sq4thy5g07', script: '0014ebae10950c8a35a506e0e265b928305233e802ab' },
];
const P2PKH = 'GSGUyooxtCUVBonYV8AANp7FvKy3WTvpMR';
const P2PKH_FAKE = 'GSGUyooxtCUVBonYV9AANp7FvKy3WTvpMR';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SETTINGS = `chains:
  bitcoin-gold:
    kind: bitcoin-gold
    network: mainnet
    rpcUrl: http://127.0.0.1:8332
webhooks:
  - id: soc
    url: http://127.0.0.1:9000/hook
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
`;

function configDir(settings: string, watchlist: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-btg-config-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'watchlists'));
  writeFileSync(path.join(dir, 'chainwatch.yaml'), settings);
  writeFileSync(path.join(dir, 'watchlists', 'btg.yaml'), watchlist);
  return dir;
}

const entry = (address: string): string => `  - chain: bitcoin-gold
    address: ${address}
    label: OFAC SDN-listed BTG address
    incident: ofac-sdn
    source: https://sanctionssearch.ofac.treas.gov/
`;

describe('bitcoin-gold addresses', () => {
  it.each(SEGWIT)('$address locks $script (upper case too)', ({ address, script }) => {
    expect(normalizeUtxoAddress(address, 'bitcoin-gold', 'mainnet')).toMatchObject({ display: address, scriptType: 'p2wpkh', matchKey: script });
    expect(normalizeUtxoAddress(address.toUpperCase(), 'bitcoin-gold', 'mainnet').display).toBe(address);
  });

  it('accepts a G… address and refuses its one-character typo', () => {
    expect(normalizeUtxoAddress(P2PKH, 'bitcoin-gold', 'mainnet')).toMatchObject({ display: P2PKH, scriptType: 'p2pkh' });
    expect(validateImportAddress('bitcoin-gold', P2PKH)).toEqual({ ok: true, address: P2PKH, key: P2PKH });
    expect(() => normalizeUtxoAddress(P2PKH_FAKE, 'bitcoin-gold', 'mainnet')).toThrow(/checksum/);
    // A Bitcoin address is another coin's: the same hash would be a different G… address.
    expect(() => normalizeUtxoAddress('1BgGZ9tcN4rm9KBzDn7KprQz87SZ26SAMH', 'bitcoin-gold', 'mainnet')).toThrow(/another coin/);
    expect(() => normalizeUtxoAddress('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'bitcoin-gold', 'mainnet')).toThrow(/bitcoin mainnet/);
  });
});

describe('bitcoin-gold config', () => {
  it('watches a btg1 entry by its script and reports a bad one at file:line', async () => {
    const ok = await loadConfig(configDir(SETTINGS, `entries:\n${entry(SEGWIT[0]!.address)}`), {});
    expect(ok.index.lookup('bitcoin-gold', SEGWIT[0]!.script)).toEqual([expect.objectContaining({ address: SEGWIT[0]!.address })]);
    const { problems } = await checkConfig(configDir(SETTINGS, `entries:\n${entry(P2PKH)}${entry(P2PKH_FAKE)}`), {});
    const p = problems.find((x) => x.code === 'invalid_bitcoin_address');
    expect(p, problems.map(formatConfigProblem).join('\n')).toBeDefined();
    expect(formatConfigProblem(p!)).toMatch(/btg\.yaml:8:\d+: entries\[1\]\.address: not a valid bitcoin-gold address/);
  });

  it('has mainnet only: a testnet chain is a config error', async () => {
    const { problems } = await checkConfig(configDir(SETTINGS.replace('network: mainnet', 'network: testnet'), 'entries: []\n'), {});
    expect(problems.map(formatConfigProblem).join('\n')).toMatch(/network/);
  });

  it('the shipped config polls bitcoin-gold when BTG_ENABLED=true and watches the OFAC entry', async () => {
    const off = await loadConfig('config', {});
    expect(off.settings.chains.get('bitcoin-gold')).toMatchObject({ kind: 'bitcoin-gold', enabled: false });
    const on = await loadConfig('config', { BTG_ENABLED: 'true', BTG_RPC_URL: 'http://127.0.0.1:18332' });
    expect(on.settings.chains.get('bitcoin-gold')).toMatchObject({ kind: 'bitcoin-gold', enabled: true, rpcUrl: 'http://127.0.0.1:18332', seedOnStart: false });
    const ofac = on.entries.filter((e) => e.chain === 'bitcoin-gold');
    expect(ofac.length).toBeGreaterThan(0);
    for (const e of ofac) {
      expect(e.enabled).toBe(true);
      expect(on.index.lookup('bitcoin-gold', normalizeUtxoAddress(e.address, 'bitcoin-gold', 'mainnet').matchKey)).toBeDefined();
    }
  });
});
