/**
 * The alerter against real peers: Redis (unique prefix per test), an
 * in-process smtp-server parsed with mailparser, and node:http receivers on
 * port 0 answering scripted statuses. Movements are built by hand and
 * published through the same sink the pollers use.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { simpleParser, type ParsedMail } from 'mailparser';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { startAlerter, type Alerter } from '../../src/app/alerter.js';
import { createMetrics, type Metrics } from '../../src/app/metrics.js';
import { createRedisConnection } from '../../src/adapters/redis/create-redis-connection.js';
import { createMovementSink, type ClosableMovementSink } from '../../src/adapters/redis/create-movement-sink.js';
import { EMAIL_QUEUE, MOVEMENTS_QUEUE, webhookQueueName } from '../../src/adapters/redis/queue-names.js';
import { evmChainSchema, bitcoinChainSchema, type ChainConfig, type Settings, type WebhookConfig } from '../../src/config/schema.js';
import { RetryableError } from '../../src/core/errors.js';
import { TEST_REDIS_URL, deleteRedisPrefix, uniqueRedisPrefix } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';
import { STAKE, RONIN, btcOut, erc20In, evmNativeOut } from '../unit/alert/movements.js';

// ---------------------------------------------------------------- peers

interface ReceivedHook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly status: number | 'hang';
}

interface Receiver {
  readonly url: string;
  readonly received: ReceivedHook[];
  /** Answers every request still hanging with 200. */
  release(): void;
  readonly hanging: number;
  close(): Promise<void>;
}

/** A webhook endpoint; `script(n)` gives the answer to the n-th request (0-based). */
async function startReceiver(script: (n: number) => number | 'hang' | { status: number; headers: Record<string, string> } = () => 200): Promise<Receiver> {
  const received: ReceivedHook[] = [];
  const pending: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = script(received.length);
      const status = typeof answer === 'object' ? answer.status : answer;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      if (status === 'hang') {
        pending.push(res);
        return;
      }
      res.writeHead(status, typeof answer === 'object' ? answer.headers : {}).end(status >= 400 ? 'nope' : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    // The path stands in for a secret token some receivers put in their URL.
    url: `http://127.0.0.1:${port}/hooks/path-token-${randomBytes(4).toString('hex')}`,
    received,
    release: () => {
      for (const res of pending.splice(0)) res.writeHead(200).end('ok');
    },
    get hanging() {
      return pending.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of pending.splice(0)) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface SmtpPeer {
  readonly port: number;
  readonly messages: ParsedMail[];
  /** MAIL FROM commands seen (one per delivery attempt that got that far). */
  readonly mailFromCount: () => number;
  readonly connectionCount: () => number;
  close(): Promise<void>;
}

/** An in-process SMTP server. `failFirst`: answer the first MAIL FROM with 421, or drop the first connection. */
async function startSmtp(options: { failFirst?: '421' | 'drop' } = {}): Promise<SmtpPeer> {
  const messages: ParsedMail[] = [];
  let mailFrom = 0;
  let connections = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    // Plain-text AUTH is fine on loopback; credentials come from email.smtpUrl.
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === 'alerts' && auth.password === 'hunter2-smtp-pass') callback(null, { user: 'alerts' });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      mailFrom++;
      if (options.failFirst === '421' && mailFrom === 1) {
        callback(Object.assign(new Error('Too busy, try again later'), { responseCode: 421 }));
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  server.on('error', () => undefined);
  server.server.prependListener('connection', (socket: Socket) => {
    connections++;
    if (options.failFirst === 'drop' && connections === 1) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    messages,
    mailFromCount: () => mailFrom,
    connectionCount: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------- harness

const SECRET_KEY = randomBytes(32);
const SECRET = `whsec_${SECRET_KEY.toString('base64')}`;

function chains(): ReadonlyMap<string, ChainConfig> {
  const eth = { ...evmChainSchema.parse({ kind: 'evm', rpcUrls: ['http://127.0.0.1:1'], explorerUrl: 'https://etherscan.io' }), id: 'ethereum' };
  const btc = { ...bitcoinChainSchema.parse({ kind: 'bitcoin', network: 'mainnet', esploraUrl: 'http://127.0.0.1:1', explorerUrl: 'https://mempool.space/' }), id: 'bitcoin' };
  return new Map<string, ChainConfig>([
    ['ethereum', eth],
    ['bitcoin', btc],
  ]);
}

function webhook(id: string, url: string, extra: Partial<WebhookConfig> = {}): WebhookConfig {
  return { id, url, secret: SECRET, timeoutMs: 10_000, enabled: true, ...extra };
}

interface Harness {
  readonly prefix: string;
  readonly sink: ClosableMovementSink;
  readonly metrics: Metrics;
  readonly logs: string[];
  readonly alerter: Alerter;
  readonly connection: Redis;
  queue(name: string): Queue;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHarness(opts: { smtpPort?: number; smtpPassword?: string; webhooks: WebhookConfig[] }): Promise<Harness> {
  const prefix = uniqueRedisPrefix('alerter');
  cleanups.push(() => deleteRedisPrefix(prefix));
  const connection = await createRedisConnection(TEST_REDIS_URL);
  cleanups.push(async () => {
    await connection.quit();
  });
  const settings: Settings = {
    chains: chains(),
    email:
      opts.smtpPort === undefined
        ? undefined
        : { smtpUrl: `smtp://alerts:${opts.smtpPassword ?? 'hunter2-smtp-pass'}@127.0.0.1:${opts.smtpPort}`, from: 'chainwatch@example.com', to: ['soc@example.com', 'oncall@example.com'], subjectPrefix: '[chainwatch]', enabled: true },
    webhooks: opts.webhooks,
    api: { port: 0, host: '127.0.0.1' },
    redis: { url: TEST_REDIS_URL, prefix },
    reloadIntervalMs: 2000,
    shutdownTimeoutMs: 10_000,
    // Issue #8 grouping: no wait, and groups fine enough that each of these movements is its own email.
    alerts: { rules: [], email: { minSeverity: 'low', groupBy: ['incident', 'direction', 'kind'], groupWaitMs: 0, groupIntervalMs: 0 } },
  };
  const logs: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs.push(chunk.toString('utf8'));
        cb();
      },
    }),
  );
  const metrics = createMetrics();
  const queues: Queue[] = [];
  const sink = createMovementSink(connection, prefix);
  const alerter = await startAlerter({ settings, connection, logger, metrics, backoff: { baseDelayMs: 25, maxDelayMs: 200 } });
  cleanups.push(async () => {
    await alerter.close();
    await sink.close();
    await Promise.all(queues.map((q) => q.close()));
  });
  return {
    prefix,
    sink,
    metrics,
    logs,
    alerter,
    connection,
    queue(name: string) {
      const q = new Queue(name, { connection, prefix });
      queues.push(q);
      return q;
    },
  };
}

/** True once no queue has work waiting, running or scheduled for retry. */
async function allIdle(h: Harness, names: string[]): Promise<boolean> {
  for (const name of names) {
    const c = await h.queue(name).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    if (Object.values(c).some((n) => n > 0)) return false;
  }
  return true;
}

/** Independent of src/: Standard Webhooks v1 with node:crypto. */
function verifiesIndependently(h: ReceivedHook): boolean {
  const id = String(h.headers['webhook-id']);
  const ts = String(h.headers['webhook-timestamp']);
  const expected = createHmac('sha256', SECRET_KEY).update(`${id}.${ts}.${h.body}`).digest('base64');
  return String(h.headers['webhook-signature']).split(' ').includes(`v1,${expected}`);
}

function dataOf(h: ReceivedHook): Record<string, unknown> {
  return (JSON.parse(h.body) as { data: Record<string, unknown> }).data;
}

function mailFor(smtp: SmtpPeer, txHash: string): ParsedMail[] {
  return smtp.messages.filter((m) => (m.text ?? '').includes(txHash));
}

async function counterValue(metrics: Metrics, name: 'deliveries' | 'deliveryFailures', labels: Record<string, string>): Promise<number> {
  const got = await metrics[name].get();
  return got.values.filter((v) => Object.entries(labels).every(([k, val]) => v.labels[k as 'channel'] === val)).reduce((a, v) => a + v.value, 0);
}

// ---------------------------------------------------------------- tests

describe('alerter', () => {
  it('delivers every movement once by email and once to each webhook, signed, and never again when re-published', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const soc = await startReceiver();
    const partner = await startReceiver();
    cleanups.push(() => soc.close(), () => partner.close());
    const h = await startHarness({ smtpPort: smtp.port, webhooks: [webhook('soc', soc.url), webhook('partner.exchange', partner.url)] });

    const native = evmNativeOut();
    const token = erc20In();
    const btc = btcOut();
    await h.sink.publish([native, token, btc]);

    await waitFor(() => smtp.messages.length >= 3 && soc.received.length >= 3 && partner.received.length >= 3, { what: 'three emails and three webhooks per endpoint' });

    // Email: one per movement, with subject, text, HTML and explorer link.
    const nativeMail = mailFor(smtp, native.txHash);
    expect(nativeMail).toHaveLength(1);
    expect(nativeMail[0]!.subject).toBe('[chainwatch] [MEDIUM] Ronin Bridge exploiter: OUT 1.5 ETH → 0x8589…DA16');
    expect(nativeMail[0]!.from?.text).toBe('chainwatch@example.com');
    expect(nativeMail[0]!.text).toContain(RONIN.source);
    expect(nativeMail[0]!.text).toContain('0x8589427373D6D84E98730D7795D8f6f8731FDA16');
    expect(nativeMail[0]!.html).toContain(`<a href="https://etherscan.io/tx/${native.txHash}">`);
    const recipients = nativeMail[0]!.to;
    expect((Array.isArray(recipients) ? recipients : [recipients]).map((a) => a?.text).join(',')).toContain('oncall@example.com');
    const tokenMail = mailFor(smtp, token.txHash);
    expect(tokenMail).toHaveLength(1);
    expect(tokenMail[0]!.subject).toMatch(/^\[chainwatch\] \[MEDIUM\] Ronin Bridge exploiter: IN 250 USDC ← 0x[0-9a-fA-F]{4}…[0-9a-fA-F]{4}$/);
    const btcMail = mailFor(smtp, btc.txHash);
    expect(btcMail).toHaveLength(1);
    expect(btcMail[0]!.subject).toBe('[chainwatch] [MEDIUM] Stake.com theft / laundering address: OUT 0.5 BTC → 2 addresses');
    expect(btcMail[0]!.text).toContain(`https://mempool.space/tx/${btc.txHash}`);

    // Webhooks: one per movement per endpoint, Standard Webhooks headers, verifiable signature, contract body.
    for (const [receiver, id] of [
      [soc, 'soc'],
      [partner, 'partner.exchange'],
    ] as const) {
      expect(receiver.received).toHaveLength(3);
      for (const hook of receiver.received) {
        expect(hook.headers['content-type']).toBe('application/json');
        expect(hook.headers['user-agent']).toMatch(/chainwatch/);
        expect(Math.abs(Number(hook.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(600);
        expect(verifiesIndependently(hook)).toBe(true);
      }
      expect(receiver.received.map((r) => r.headers['webhook-id']).sort()).toEqual([`${native.id}-${id}`, `${token.id}-${id}`, `${btc.id}-${id}`].sort());
    }
    const nativeHook = soc.received.find((r) => r.headers['webhook-id'] === `${native.id}-soc`)!;
    const body = JSON.parse(nativeHook.body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['type', 'timestamp', 'data']);
    expect(body['type']).toBe('movement.detected');
    expect(new Date(String(body['timestamp'])).toISOString()).toBe(body['timestamp']);
    expect(body['data']).toEqual({
      id: native.id,
      chain: 'ethereum',
      direction: 'out',
      kind: 'native',
      txHash: native.txHash,
      blockNumber: 19000000,
      blockHash: native.blockHash,
      logIndex: null,
      from: RONIN.address,
      to: '0x8589427373D6D84E98730D7795D8f6f8731FDA16',
      asset: { contract: null, symbol: 'ETH', decimals: 18, known: true },
      amount: '1500000000000000000',
      tokenId: null,
      watchlist: [{ address: RONIN.address, label: RONIN.label, incident: 'ronin-2022', source: RONIN.source, tags: ['lazarus', 'dprk'], hop: 0 }],
      confirmations: 3,
      // Issue #8 fields; this movement was published without enrichment, so the defaults.
      txFrom: null,
      severity: 'medium',
      usdValue: null,
      spoofed: false,
    });
    const tokenHook = partner.received.find((r) => r.headers['webhook-id'] === `${token.id}-partner.exchange`)!;
    expect(dataOf(tokenHook)).toMatchObject({ kind: 'erc20', direction: 'in', logIndex: 7, amount: '250000000', asset: { contract: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', symbol: 'USDC', decimals: 6 } });
    const btcHook = soc.received.find((r) => r.headers['webhook-id'] === `${btc.id}-soc`)!;
    expect(dataOf(btcHook)).toMatchObject({ kind: 'btc', logIndex: null, vin: [0, 2], vout: [], from: [STAKE.address], fee: '12345', outputs: [{ vout: 0, amount: '30000000' }, { vout: 1, amount: '19987655' }] });

    // Re-publish everything after full delivery, then a fresh marker movement.
    await waitFor(() => allIdle(h, [MOVEMENTS_QUEUE, EMAIL_QUEUE, webhookQueueName('soc'), webhookQueueName('partner.exchange')]), { what: 'queues idle' });
    await h.sink.publish([native, token, btc]);
    await h.sink.publish([native]);
    const marker = evmNativeOut({ id: 'ethereum-0xmarker-native-0xabc', txHash: '0x' + '77'.repeat(32) });
    await h.sink.publish([marker]);
    await waitFor(() => mailFor(smtp, marker.txHash).length === 1 && soc.received.length >= 4 && partner.received.length >= 4, { what: 'marker delivered' });
    await waitFor(() => allIdle(h, [MOVEMENTS_QUEUE, EMAIL_QUEUE, webhookQueueName('soc'), webhookQueueName('partner.exchange')]), { what: 'queues idle' });
    expect(smtp.messages).toHaveLength(4);
    expect(soc.received).toHaveLength(4);
    expect(partner.received).toHaveLength(4);
    expect(await h.queue(MOVEMENTS_QUEUE).getCompletedCount()).toBe(4);

    expect(await counterValue(h.metrics, 'deliveries', { channel: 'email', target: 'email' })).toBe(4);
    expect(await counterValue(h.metrics, 'deliveries', { channel: 'webhook', target: 'soc' })).toBe(4);
    expect(await counterValue(h.metrics, 'deliveryFailures', {})).toBe(0);
  });

  it('sends a mempool sighting and the later confirmation as two deliveries, and the sighting only once', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const soc = await startReceiver();
    cleanups.push(() => soc.close());
    const h = await startHarness({ smtpPort: smtp.port, webhooks: [webhook('soc', soc.url)] });

    const unconfirmed = btcOut({ confirmations: 0, blockNumber: null, blockHash: null });
    await h.sink.publish([unconfirmed]);
    await waitFor(() => smtp.messages.length === 1 && soc.received.length === 1, { what: 'unconfirmed alert' });
    // The poller sees it in the mempool again, then in a block.
    await h.sink.publish([unconfirmed]);
    const confirmed = btcOut({ confirmations: 1 });
    await h.sink.publish([confirmed, unconfirmed]);
    await waitFor(() => smtp.messages.length >= 2 && soc.received.length >= 2, { what: 'confirmed alert' });
    await waitFor(() => allIdle(h, [MOVEMENTS_QUEUE, EMAIL_QUEUE, webhookQueueName('soc')]), { what: 'queues idle' });

    expect(soc.received.map((r) => r.headers['webhook-id'])).toEqual([`${unconfirmed.id}-unconfirmed-soc`, `${confirmed.id}-soc`]);
    expect(soc.received.map((r) => dataOf(r)['confirmations'])).toEqual([0, 1]);
    expect(soc.received.map((r) => dataOf(r)['id'])).toEqual([unconfirmed.id, confirmed.id]);
    expect(smtp.messages.map((m) => m.subject)).toEqual([
      '[chainwatch] [MEDIUM] Stake.com theft / laundering address: OUT 0.5 BTC → 2 addresses (unconfirmed)',
      '[chainwatch] [MEDIUM] Stake.com theft / laundering address: OUT 0.5 BTC → 2 addresses',
    ]);
  });

  it('retries a webhook that fails twice with the same webhook-id and body, and delivers it once', async () => {
    const flaky = await startReceiver((n) => (n < 2 ? 500 : 200));
    cleanups.push(() => flaky.close());
    const h = await startHarness({ webhooks: [webhook('flaky', flaky.url)] });
    const m = erc20In();
    await h.sink.publish([m]);
    await waitFor(() => flaky.received.some((r) => r.status === 200), { what: 'successful attempt' });
    await waitFor(() => allIdle(h, [MOVEMENTS_QUEUE, webhookQueueName('flaky')]), { what: 'queues idle' });

    expect(flaky.received.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(flaky.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([`${m.id}-flaky`]));
    expect(new Set(flaky.received.map((r) => r.body)).size).toBe(1);
    expect(flaky.received.every(verifiesIndependently)).toBe(true);
    expect(await counterValue(h.metrics, 'deliveries', { channel: 'webhook', target: 'flaky' })).toBe(1);
    expect(await counterValue(h.metrics, 'deliveryFailures', { channel: 'webhook', target: 'flaky' })).toBe(2);
    // The receiver's URL path (it may hold a token) and the secret never reach the logs.
    const logText = h.logs.join('');
    expect(logText).toContain('answered HTTP 500');
    expect(logText).not.toContain(new URL(flaky.url).pathname);
    expect(logText).not.toContain(SECRET);
  });

  it('waits as long as a 429 Retry-After asks before retrying', async () => {
    const limited = await startReceiver(() => ({ status: 429, headers: { 'retry-after': '120' } }));
    cleanups.push(() => limited.close());
    const h = await startHarness({ webhooks: [webhook('limited', limited.url)] });
    const m = erc20In();
    await h.sink.publish([m]);
    const delayed = await waitFor(async () => {
      const jobs = await h.queue(webhookQueueName('limited')).getDelayed();
      return jobs.length > 0 ? jobs : undefined;
    }, { what: 'delayed retry' });
    expect(limited.received).toHaveLength(1);
    expect(delayed[0]!.id).toBe(`${m.id}-limited`);
    // The test policy's own backoff is 25 ms; the receiver asked for 120 s.
    expect(delayed[0]!.delay).toBe(120_000);
    expect(delayed[0]!.failedReason).toContain('answered HTTP 429');
  });

  it('keeps a permanently rejected webhook in the failed set without retrying it', async () => {
    const gone = await startReceiver(() => 410);
    cleanups.push(() => gone.close());
    const h = await startHarness({ webhooks: [webhook('gone', gone.url)] });
    const m = evmNativeOut();
    await h.sink.publish([m]);
    const failed = await waitFor(async () => {
      const jobs = await h.queue(webhookQueueName('gone')).getFailed();
      return jobs.length > 0 ? jobs : undefined;
    }, { what: 'failed job' });
    expect(gone.received).toHaveLength(1);
    expect(failed[0]!.id).toBe(`${m.id}-gone`);
    expect(failed[0]!.failedReason).toContain('WEBHOOK_GONE');
    expect(failed[0]!.failedReason).not.toContain(new URL(gone.url).pathname);
  });

  it('does not let an endpoint that hangs delay delivery to another', async () => {
    const stuck = await startReceiver(() => 'hang');
    const fast = await startReceiver();
    cleanups.push(() => stuck.close(), () => fast.close());
    // The hanging endpoint gets a generous timeout: the fast one must not wait for it.
    const h = await startHarness({ webhooks: [webhook('stuck', stuck.url, { timeoutMs: 60_000 }), webhook('fast', fast.url)] });
    const movements = [evmNativeOut(), erc20In(), btcOut()];
    await h.sink.publish(movements);

    await waitFor(() => fast.received.length === 3, { what: 'fast endpoint served' });
    // All three reached the fast endpoint while the stuck one still holds its requests open.
    expect(stuck.hanging).toBeGreaterThan(0);
    expect(stuck.received.every((r) => r.status === 'hang')).toBe(true);
    expect(fast.received.every(verifiesIndependently)).toBe(true);

    // Once it answers, the stuck endpoint gets its alerts too.
    const releaser = setInterval(() => stuck.release(), 20);
    cleanups.push(async () => clearInterval(releaser));
    await waitFor(() => allIdle(h, [webhookQueueName('stuck'), webhookQueueName('fast')]) , { what: 'stuck endpoint drained' });
    expect(new Set(stuck.received.map((r) => r.headers['webhook-id']))).toEqual(new Set(movements.map((m) => `${m.id}-stuck`)));
  });

  it.each(['421', 'drop'] as const)('retries email after the SMTP server answers %s, then delivers it once', async (failFirst) => {
    const smtp = await startSmtp({ failFirst });
    cleanups.push(() => smtp.close());
    const h = await startHarness({ smtpPort: smtp.port, webhooks: [] });
    const m = evmNativeOut();
    await h.sink.publish([m]);
    await waitFor(() => smtp.messages.length === 1, { what: 'email after a retry' });
    await waitFor(() => allIdle(h, [MOVEMENTS_QUEUE, EMAIL_QUEUE]), { what: 'queues idle' });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.subject).toBe('[chainwatch] [MEDIUM] Ronin Bridge exploiter: OUT 1.5 ETH → 0x8589…DA16');
    if (failFirst === '421') expect(smtp.mailFromCount()).toBe(2);
    else expect(smtp.connectionCount()).toBe(2);
    // A dropped pooled connection may be retried by nodemailer's pool itself on a fresh connection (no failed attempt).
    const failures = await counterValue(h.metrics, 'deliveryFailures', { channel: 'email', target: 'email' });
    if (failFirst === '421') expect(failures).toBe(1);
    else expect(failures).toBeLessThanOrEqual(1);
    expect(await counterValue(h.metrics, 'deliveries', { channel: 'email', target: 'email' })).toBe(1);
    // The SMTP password never reaches a log line.
    expect(h.logs.join('')).not.toContain('hunter2-smtp-pass');
  });

  it('keeps an email the SMTP server refuses to authenticate in the failed set, without retrying', async () => {
    const smtp = await startSmtp();
    cleanups.push(() => smtp.close());
    const h = await startHarness({ smtpPort: smtp.port, smtpPassword: 'wrong-pass', webhooks: [] });
    const m = erc20In();
    await h.sink.publish([m]);
    const failed = await waitFor(async () => {
      const jobs = await h.queue(EMAIL_QUEUE).getFailed();
      return jobs.length > 0 ? jobs : undefined;
    }, { what: 'failed email job' });
    // Issue #8: every email is a group email job with a deterministic id (group, sequence).
    expect(failed[0]!.id).toMatch(/^digest-[0-9a-f]+-1$/);
    expect(failed[0]!.attemptsMade).toBe(1);
    expect(failed[0]!.failedReason).toMatch(/^SMTP_REJECTED: /);
    expect(failed[0]!.failedReason).not.toContain('wrong-pass');
    expect(smtp.messages).toHaveLength(0);
    // Permanent failures are counted by code (issue #8).
    const permanent = (await h.metrics.registry.getSingleMetric('chainwatch_email_permanent_failures_total')?.get())?.values ?? [];
    expect(permanent.find((v) => v.labels['code'] === 'SMTP_REJECTED')?.value).toBe(1);
    expect(h.logs.join('')).not.toContain('wrong-pass');
  });

  it('fails start with a clear, redacted message when Redis is unreachable', async () => {
    const err = await createRedisConnection('redis://user:redis-secret@127.0.0.1:1/0', { connectTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableError);
    expect((err as RetryableError).code).toBe('REDIS_UNREACHABLE');
    expect((err as Error).message).toContain('redis://127.0.0.1:1');
    expect((err as Error).message).not.toContain('redis-secret');
  });
});


