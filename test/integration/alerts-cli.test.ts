/** Issue #8 CLI: `chainwatch email preview FILE.json` and `chainwatch import tokenlist FILE`, run as an operator does. */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSettings } from '../../src/config/load-settings.js';
import { buildWebhookPayload } from '../../src/core/alert/build-webhook-payload.js';
import { evmNativeOut, RONIN } from '../unit/alert/movements.js';

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, CHAINWATCH_CONFIG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'chainwatch-alerts-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('chainwatch email preview', () => {
  it('renders a webhook data object to an .eml with the alert subject, links and headers', async () => {
    const m = { ...evmNativeOut({ amount: 1_250_500_000_000_000_000_000n, watchlist: [{ ...RONIN, label: 'Ronin\r\nBcc: x@example.com' }] }), enrichment: { severity: 'critical' as const, usdValue: '4210000.00', assetKnown: true, spoofed: false } };
    const file = join(dir, 'movement.json');
    writeFileSync(file, JSON.stringify(buildWebhookPayload(m, new Date()).data));
    const out = join(dir, 'movement.eml');
    const r = await runCli(['email', 'preview', file, '--out', out, '--config', 'config']);
    expect(r.code).toBe(0);
    const mail = await simpleParser(readFileSync(out));
    expect(mail.subject).toBe('[chainwatch] [CRITICAL] Ronin Bcc: x@example.com: OUT 1,250.5 ETH ($4,210,000) → 0x8589…DA16');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.messageId).toMatch(/^<chainwatch-[0-9a-f]+-1@/);
    expect(mail.text).toContain(`https://etherscan.io/tx/${m.txHash}`);
    expect(mail.text).toContain(RONIN.source);
  }, 60_000);

  it('exits 1 with a clear message for a file that is not webhook data', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"hello": 1}');
    const r = await runCli(['email', 'preview', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a chainwatch webhook data object');
  }, 60_000);
});

describe('chainwatch import tokenlist', () => {
  it('adds the chain\'s tokens to tokens.<chain> in chainwatch.yaml, keeping comments, skipping listed and invalid ones', async () => {
    const config = join(dir, 'config');
    cpSync('config', config, { recursive: true });
    const list = join(dir, 'list.json');
    writeFileSync(
      list,
      JSON.stringify({
        name: 'Test list',
        timestamp: '2026-01-01T00:00:00Z',
        version: { major: 1, minor: 0, patch: 0 },
        tokens: [
          { chainId: 1, address: '0xdAC17F958D2ee523a2206206994597C13D831ec7', symbol: 'USDT', decimals: 6, name: 'Tether' },
          { chainId: 1, address: '0x1f9840a85d5af5bf1d1762f925bdaddc4201f984', symbol: 'UNI', decimals: 18, name: 'Uniswap' },
          { chainId: 1, address: '0x1F9840a85d5aF5bf1D1762F925BDADdC4201F985', symbol: 'BAD', decimals: 18, name: 'bad checksum' },
          { chainId: 137, address: '0x2791Bca1f2de4661ED88A30C99A7a9449Aa84174', symbol: 'USDC', decimals: 6, name: 'polygon' },
        ],
      }),
    );
    const r = await runCli(['import', 'tokenlist', list, '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 token(s) added to tokens.ethereum, 1 already listed, 1 skipped');
    const text = readFileSync(join(config, 'chainwatch.yaml'), 'utf8');
    expect(text).toContain('# Listed tokens per chain');
    const settings = (await checkSettings(config, {})).settings!;
    expect(settings.tokens?.['ethereum']?.map((t) => t.symbol)).toContain('UNI');
    expect(settings.tokens?.['ethereum']?.find((t) => t.symbol === 'UNI')?.address).toBe('0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984');
  }, 60_000);
});
