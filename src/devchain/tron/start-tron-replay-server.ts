import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbiCoder } from 'ethers';

/** One block to serve: the /wallet/getblockbynum JSON and the /wallet/gettransactioninfobyblocknum list. */
export interface TronReplayBlock {
  readonly block: Record<string, unknown>;
  readonly infos: readonly Record<string, unknown>[];
}

/** Failures the server can inject: real nodes and gateways do all of these. */
export type TronReplayFault =
  /** Next request answers HTTP 503. */
  | 'http503'
  /** Next request answers HTTP 429 with Retry-After: 0. */
  | 'http429'
  /** Next transaction-info request answers [] although the block has transactions (infos not indexed yet). */
  | 'infos-missing'
  /** Next request answers java-tron's {"Error": ...} with HTTP 200. */
  | 'node-error'
  /** Next request answers HTTP 401 (a gateway refusing the API key). */
  | 'http401';

export interface TronReplayServer {
  /** http://127.0.0.1:port : pass as the chain's httpUrl. */
  readonly httpUrl: string;
  /** The head the node reports now (it only serves blocks up to it, like a node that has not seen more). */
  head: number;
  /** Adds or replaces a block (a replaced block with a new hash is a reorg). Its parentHash must link. */
  putBlock(number: number, block: TronReplayBlock): void;
  /** The blockID served for `number` (recorded, assembled or filler). */
  blockId(number: number): string;
  failNext(fault: TronReplayFault, times?: number): void;
  /** Request counts by path, and the API keys seen (to check the header is sent). */
  readonly requests: ReadonlyMap<string, number>;
  readonly apiKeysSeen: ReadonlySet<string>;
  /** Block numbers asked for with /wallet/getblockbynum. */
  readonly blocksRequested: ReadonlySet<number>;
  close(): Promise<void>;
}

/**
 * A partial Tron full node for tests and demos: serves recorded and assembled
 * blocks over the java-tron HTTP API (`/wallet/getnowblock`,
 * `/wallet/getblockbynum`, `/wallet/gettransactioninfobyblocknum`,
 * `/wallet/getnodeinfo`, `/wallet/triggerconstantcontract` for TRC-20 symbol() and decimals()),
 * as partial as real nodes are: it knows nothing past
 * `head` (answers `{}`), and can be told to fail, rate-limit or lag behind
 * with its transaction infos. Numbers between the blocks it was given are
 * filled with empty blocks whose hashes link, so a follower can walk the chain.
 * Loopback only.
 */
export async function startTronReplayServer(options: {
  readonly blocks: ReadonlyMap<number, TronReplayBlock>;
  readonly head: number;
  /** TRC-20 contracts (hex, 41…) that answer symbol()/decimals() to /wallet/triggerconstantcontract. */
  readonly tokens?: ReadonlyMap<string, { readonly symbol: string; readonly decimals: number }>;
  readonly port?: number;
}): Promise<TronReplayServer> {
  const blocks = new Map(options.blocks);
  const faults: TronReplayFault[] = [];
  const requests = new Map<string, number>();
  const apiKeysSeen = new Set<string>();
  const blocksRequested = new Set<number>();
  const fillers = new Map<number, TronReplayBlock>();

  const take = (kinds: readonly TronReplayFault[]): TronReplayFault | undefined => {
    const i = faults.findIndex((f) => kinds.includes(f));
    return i === -1 ? undefined : faults.splice(i, 1)[0];
  };

  const blockAt = (n: number): TronReplayBlock => {
    const given = blocks.get(n);
    if (given !== undefined) return given;
    let filler = fillers.get(n);
    if (filler === undefined) {
      filler = { block: fillerBlock(n, n > 0 ? idOf(blockAt(n - 1)) : '00'.repeat(32)), infos: [] };
      fillers.set(n, filler);
    }
    return filler;
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0] ?? '';
    requests.set(path, (requests.get(path) ?? 0) + 1);
    const key = req.headers['tron-pro-api-key'];
    if (typeof key === 'string') apiKeysSeen.add(key);
    const body = await readJson(req);
    const fault = take(['http503', 'http429', 'node-error', 'http401']);
    if (fault === 'http503') return send(res, 503, { error: 'service unavailable' });
    if (fault === 'http401') return send(res, 401, { Error: 'ApiKey not exists' });
    if (fault === 'http429') {
      res.setHeader('retry-after', '0');
      return send(res, 429, { error: 'rate limited' });
    }
    if (fault === 'node-error') return send(res, 200, { Error: 'class org.tron.core.exception.StoreException : replay fault' });
    const num = typeof body['num'] === 'number' ? body['num'] : Number.NaN;
    if (path === '/wallet/getblockbynum') blocksRequested.add(num);
    switch (path) {
      case '/wallet/getnowblock':
        return send(res, 200, blockAt(replay.head).block);
      case '/wallet/getblockbynum':
        return send(res, 200, Number.isInteger(num) && num >= 0 && num <= replay.head ? blockAt(num).block : {});
      case '/wallet/gettransactioninfobyblocknum': {
        if (!Number.isInteger(num) || num < 0 || num > replay.head) return send(res, 200, []);
        if (take(['infos-missing']) !== undefined) return send(res, 200, []);
        return send(res, 200, blockAt(num).infos);
      }
      case '/wallet/triggerconstantcontract': {
        const token = options.tokens?.get(String(body['contract_address']).toLowerCase());
        if (token === undefined) return send(res, 200, { result: { code: 'CONTRACT_VALIDATE_ERROR', message: Buffer.from('No contract or not a valid smart contract').toString('hex') } });
        const coder = AbiCoder.defaultAbiCoder();
        const selector = body['function_selector'];
        const word = selector === 'symbol()' ? coder.encode(['string'], [token.symbol]) : selector === 'decimals()' ? coder.encode(['uint8'], [token.decimals]) : undefined;
        // A getter the contract lacks reverts: the call "succeeds" with a FAILED transaction and no result.
        if (word === undefined) return send(res, 200, { result: { result: true }, constant_result: [''], transaction: { ret: [{ ret: 'FAILED' }] } });
        return send(res, 200, { result: { result: true }, energy_used: 300, constant_result: [word.slice(2)], transaction: { ret: [{}] } });
      }
      case '/wallet/getnodeinfo':
        return send(res, 200, { beginSyncNum: replay.head, block: `Num:${replay.head},ID:${idOf(blockAt(replay.head))}`, configNodeInfo: { codeVersion: 'chainwatch-replay' } });
      default:
        return send(res, 404, { Error: `no such API ${path}` });
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const replay: TronReplayServer = {
    httpUrl: `http://127.0.0.1:${port}`,
    head: options.head,
    putBlock(number, block) {
      blocks.set(number, block);
      // Fillers after it must link to the new hash.
      for (const n of [...fillers.keys()]) if (n > number) fillers.delete(n);
    },
    blockId: (n) => idOf(blockAt(n)),
    failNext(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    requests,
    apiKeysSeen,
    blocksRequested,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return replay;
}

/**
 * An assembled empty block: its id follows the protocol's shape (8-byte
 * number, then 24 bytes of a hash), the hash being over number and parent.
 */
export function fillerBlock(number: number, parentHash: string): Record<string, unknown> {
  return {
    blockID: assembledBlockId(number, `filler|${parentHash}`),
    block_header: { raw_data: { number, parentHash, timestamp: 1_767_879_414_000 + (number % 1_000_000) * 3000, version: 32 } },
  };
}

export function assembledBlockId(number: number, seed: string): string {
  const hash = createHash('sha256').update(`${number}|${seed}`).digest();
  hash.writeBigUInt64BE(BigInt(number), 0);
  return hash.toString('hex');
}

function idOf(b: TronReplayBlock): string {
  return String(b.block['blockID']);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return {};
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
