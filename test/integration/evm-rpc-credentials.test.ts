import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmRpcClient } from '../../src/adapters/evm-rpc/create-evm-rpc-client.js';
import { findFreePort } from '../../src/devchain/find-free-port.js';

let server: Server;
let port: number;
const seenAuth: (string | undefined)[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenAuth.push(req.headers.authorization);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.headers.authorization !== `Basic ${Buffer.from('alice:s3cret pass').toString('base64')}`) {
        res.writeHead(401).end();
        return;
      }
      const calls = JSON.parse(body) as { id: number }[];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: '0x10' }))));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('EVM RPC URLs with credentials', () => {
  it('sends user:password from the URL as Basic authorization', async () => {
    const client = createEvmRpcClient({ chain: 'ethereum', urls: [`http://alice:s3cret%20pass@127.0.0.1:${port}/v3/APIKEY123`], timeoutMs: 2000 });
    const [outcome] = await client.batch([{ method: 'eth_blockNumber', params: [] }]);
    expect(outcome).toEqual({ ok: true, result: '0x10' });
    expect(seenAuth.at(-1)).toBe(`Basic ${Buffer.from('alice:s3cret pass').toString('base64')}`);
  });

  it('never puts the password or the URL path in errors when the node is down', async () => {
    const dead = await findFreePort();
    const reported: string[] = [];
    const client = createEvmRpcClient({
      chain: 'ethereum',
      urls: [`http://alice:s3cret@127.0.0.1:${dead}/v3/APIKEY123`],
      timeoutMs: 500,
      maxAttempts: 2,
      baseBackoffMs: 1,
      onAttemptFailed: ({ url, error }) => reported.push(url, JSON.stringify(error, Object.getOwnPropertyNames(error)), String((error as Error & { cause?: unknown }).cause && JSON.stringify((error as Error & { cause: object }).cause, Object.getOwnPropertyNames((error as Error & { cause: object }).cause)))),
    });
    const error = await client.batch([{ method: 'eth_blockNumber', params: [] }]).then(() => undefined, (err: unknown) => err as Error);
    expect(error).toBeInstanceOf(Error);
    const everything = [...reported, error!.message, JSON.stringify(error, Object.getOwnPropertyNames(error))].join('\n');
    expect(everything).toContain('ECONNREFUSED');
    expect(everything).not.toContain('s3cret');
    expect(everything).not.toContain('APIKEY123');
  });
});
