/** Tron chains in chainwatch.yaml and T-addresses in watchlists, through the real loader (file:line problems). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkConfig, formatConfigProblem, loadConfig } from '../../../src/config/load-config.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const SETTINGS = `chains:
  tron:
    kind: tron
    httpUrl: \${TRON_HTTP_URL:-https://api.trongrid.io}
    apiKey: \${TRON_API_KEY:-}
webhooks:
  - id: soc
    url: http://127.0.0.1:9000/hook
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
`;

function configDir(settings: string, watchlist: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-tron-config-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'watchlists'));
  writeFileSync(path.join(dir, 'chainwatch.yaml'), settings);
  writeFileSync(path.join(dir, 'watchlists', 'tron.yaml'), watchlist);
  return dir;
}

const entry = (address: string, extra = ''): string => `  - chain: tron
    address: ${address}
    label: OFAC SDN-listed TRX address
    incident: ofac-sdn
    source: https://sanctionssearch.ofac.treas.gov/
${extra}`;

describe('tron config', () => {
  it('loads a tron chain with defaults (19 confirmations, Tronscan links) and keys T-addresses by their bytes', async () => {
    const dir = configDir(SETTINGS, `entries:\n${entry('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')}`);
    const config = await loadConfig(dir, { TRON_API_KEY: 'k' });
    expect(config.settings.chains.get('tron')).toMatchObject({ kind: 'tron', httpUrl: 'https://api.trongrid.io', apiKey: 'k', confirmations: 19, explorerUrl: 'https://tronscan.org/#/transaction/{tx}' });
    expect(config.index.lookup('tron', '41a614f803b6fd780986a42c78ec9c7f77e6ded13c')).toEqual([expect.objectContaining({ address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' })]);
  });

  it.each([
    ['a bad checksum', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', /checksum/],
    ['an EVM address on tron', '"0xa614f803b6fd780986a42c78ec9c7f77e6ded13c"', /expected T/],
  ])('reports %s at file:line', async (_what, address, message) => {
    const dir = configDir(SETTINGS, `entries:\n${entry('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t')}${entry(address)}`);
    const { problems } = await checkConfig(dir, {});
    const p = problems.find((x) => x.code === 'invalid_tron_address');
    expect(p, problems.map(formatConfigProblem).join('\n')).toBeDefined();
    expect(formatConfigProblem(p!)).toMatch(new RegExp(`tron\\.yaml:8:\\d+: entries\\[1\\]\\.address: `));
    expect(p!.message).toMatch(message);
  });

  it('checks T-addresses in a disabled file even when no tron chain is configured', async () => {
    const settings = `chains:\n  ethereum:\n    kind: evm\n    rpcUrls: ["http://127.0.0.1:8545"]\nwebhooks:\n  - id: soc\n    url: http://127.0.0.1:9000/hook\n    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n`;
    const dir = configDir(settings, `enabled: false\nentries:\n${entry('TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u')}`);
    const { problems } = await checkConfig(dir, {});
    expect(problems.filter((x) => x.code === 'invalid_tron_address').map((x) => x.line)).toEqual([4]);
  });

  it('requires httpUrl and rejects unknown keys', async () => {
    const dir = configDir(SETTINGS.replace(/ {4}httpUrl: .*\n/, '    rpcUrls: ["http://x"]\n'), `entries: []\n`);
    const { problems } = await checkConfig(dir, {});
    const fields = problems.filter((p) => p.severity === 'error').map((p) => `${p.line} ${p.field}`);
    expect(fields).toEqual(expect.arrayContaining(['2 chains.tron.httpUrl', '4 chains.tron.rpcUrls']));
  });
});
