import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, loadConfig } from '../../../src/config/load-config.js';
import { writeConfigDir } from '../../helpers/config-dir.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const SOURCE = 'https://example.org/attribution';
const settings = (chains: Record<string, unknown>): Record<string, unknown> => ({ chains, webhooks: [{ id: 'a', url: 'http://127.0.0.1:9/h', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }] });
const entry = (chain: string, address: string): Record<string, unknown> => ({ chain, address, label: 'x', incident: 'test-2026', source: SOURCE });
const chains = {
  ltc: { kind: 'litecoin', network: 'mainnet', rpcUrl: 'http://127.0.0.1:9332' },
  doge: { kind: 'dogecoin', network: 'mainnet', rpcUrl: 'http://127.0.0.1:22555' },
  bch: { kind: 'bitcoin-cash', network: 'mainnet', rpcUrl: 'http://127.0.0.1:8332' },
};

describe('litecoin, dogecoin and bitcoin-cash chains in chainwatch.yaml and watchlists', () => {
  it('loads each kind with the bitcoin keys and keys every entry by its script (Bitcoin Cash shown as CashAddr)', async () => {
    const dir = writeConfigDir('utxo-ok', settings(chains), {
      'a.yaml': [entry('ltc', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb'), entry('doge', 'DGAipZhEbf9r65QdB7WPwzdBKDpefVwwsZ'), entry('bch', '18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB')],
    });
    dirs.push(dir);
    const config = await loadConfig(dir, {});
    expect([...config.settings.chains.values()].map((c) => [c.id, c.kind, 'seedOnStart' in c ? c.seedOnStart : null])).toEqual([
      ['ltc', 'litecoin', true],
      ['doge', 'dogecoin', true],
      ['bch', 'bitcoin-cash', true],
    ]);
    const [ltc, doge, bch] = config.entries;
    expect(ltc!.matchKey).toMatch(/^76a914[0-9a-f]{40}88ac$/);
    expect(doge!.matchKey).toMatch(/^76a914[0-9a-f]{40}88ac$/);
    expect(bch!.address).toBe('bitcoincash:qpgf0ztxq3mwfq6eg5versgfdzq9c3pwv5jsk6wnay');
    expect(config.index.lookup('bch', bch!.matchKey)).toHaveLength(1);
  });

  it('reports a wrong-chain address at its file:line and a network the family lacks at its field', async () => {
    const dir = writeConfigDir('utxo-bad', settings({ ...chains, dsig: { kind: 'dogecoin', network: 'signet', rpcUrl: 'http://127.0.0.1:1' } }), {
      'a.yaml': [entry('ltc', 'DGAipZhEbf9r65QdB7WPwzdBKDpefVwwsZ'), entry('bch', 'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6b'), entry('doge', 'bc1qfesn3jj65fhmf00hh45ueql8je8jae6ep3qk84')],
    });
    dirs.push(dir);
    const check = await checkConfig(dir, {});
    const problems = check.problems.map((p) => ({ file: p.file.replace(/.*\//, ''), line: p.line, field: p.field, code: p.code, message: p.message }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'chainwatch.yaml', field: 'chains.dsig.network', message: expect.stringContaining('dogecoin has no signet network') as unknown }),
        expect.objectContaining({ file: 'a.yaml', line: 3, field: 'entries[0].address', code: 'invalid_bitcoin_address', message: expect.stringContaining('dogecoin') as unknown }),
        expect.objectContaining({ file: 'a.yaml', field: 'entries[1].address', code: 'invalid_bitcoin_address', message: expect.stringContaining('CashAddr') as unknown }),
        expect.objectContaining({ file: 'a.yaml', field: 'entries[2].address', code: 'invalid_bitcoin_address', message: expect.stringContaining('bitcoin mainnet address') as unknown }),
      ]),
    );
  });
});
