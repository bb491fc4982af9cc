import WebSocket from 'ws';
import { redactUrl } from '../../core/errors.js';
import { parseQuantity } from '../../core/evm/parse-rpc-value.js';

export interface SubscribeNewHeadsOptions {
  readonly chain: string;
  /** ws:// or wss:// (credentials in the URL are sent by the ws client, never logged). */
  readonly url: string;
  /** A new head was announced: its block number. */
  readonly onHead: (blockNumber: number) => void;
  /** The subscription is live (true) or lost (false, with why and when it is tried again). */
  readonly onStateChange?: (state: NewHeadsState) => void;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A socket that answers no ping within this long is dropped and reconnected (default 30 s). */
  readonly pingIntervalMs?: number;
}

export type NewHeadsState =
  | { readonly connected: true; readonly url: string }
  | { readonly connected: false; readonly url: string; readonly reason: string; readonly retryInMs: number };

export interface NewHeadsSubscription {
  readonly connected: boolean;
  close(): void;
}

/** A newHeads notification carries a whole header; anything near this size is not one. */
const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * Follows an EVM node's new heads over WebSocket (`eth_subscribe("newHeads")`)
 * and calls `onHead` with each announced block number: it only wakes the
 * poller, which still fetches and checks everything over HTTP, so a lying or
 * flapping socket can delay nothing beyond the poll interval. A dropped socket,
 * a refused subscription or a silent one (no pong) is reconnected with
 * exponential backoff; the URL is redacted in every state report.
 */
export function subscribeNewHeads(options: SubscribeNewHeadsOptions): NewHeadsSubscription {
  const minBackoffMs = options.minBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 30_000;
  const pingIntervalMs = options.pingIntervalMs ?? 30_000;
  const shownUrl = redactUrl(options.url);
  /** Ends the current socket and its pinger without reconnecting. */
  let endCurrent: (() => void) | undefined;
  let closed = false;
  let connected = false;
  let failures = 0;
  let retryTimer: NodeJS.Timeout | undefined;

  function connect(): void {
    if (closed) return;
    let subscriptionId: string | undefined;
    let awaitingPong = false;
    let pinger: NodeJS.Timeout | undefined;
    let lost = false;
    const ws = new WebSocket(options.url, { maxPayload: MAX_MESSAGE_BYTES, handshakeTimeout: 10_000 });
    const end = (): void => {
      lost = true;
      if (pinger) clearInterval(pinger);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
    };
    endCurrent = end;

    const drop = (reason: string): void => {
      if (lost) return;
      end();
      const wasConnected = connected;
      connected = false;
      if (closed) return;
      if (wasConnected) failures = 0;
      const retryInMs = Math.min(minBackoffMs * 2 ** failures, maxBackoffMs);
      failures++;
      options.onStateChange?.({ connected: false, url: shownUrl, reason, retryInMs });
      retryTimer = setTimeout(connect, retryInMs);
    };

    ws.on('open', () => {
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
      pinger = setInterval(() => {
        if (awaitingPong) return drop(`no answer to a ping within ${pingIntervalMs} ms`);
        awaitingPong = true;
        ws.ping();
      }, pingIntervalMs);
    });
    ws.on('pong', () => (awaitingPong = false));
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      let message: unknown;
      try {
        if (isBinary) throw new Error('binary frame');
        message = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
      } catch {
        return drop('the node sent a message that is not JSON');
      }
      if (typeof message !== 'object' || message === null) return;
      const m = message as { id?: unknown; result?: unknown; error?: { message?: unknown }; method?: unknown; params?: { subscription?: unknown; result?: { number?: unknown } } };
      if (m.id === 1) {
        if (typeof m.result !== 'string') return drop(`eth_subscribe("newHeads") refused: ${typeof m.error?.message === 'string' ? m.error.message.slice(0, 200) : 'no subscription id'}`);
        subscriptionId = m.result;
        connected = true;
        options.onStateChange?.({ connected: true, url: shownUrl });
        return;
      }
      if (m.method !== 'eth_subscription' || subscriptionId === undefined || m.params?.subscription !== subscriptionId) return;
      let number: number;
      try {
        number = parseQuantity(m.params.result?.number, `newHeads block number of chain ${options.chain}`);
      } catch {
        return; // A malformed head only costs its wake-up: polling still finds the block.
      }
      options.onHead(number);
    });
    ws.on('error', (err: Error & { code?: string }) => drop(`WebSocket error (${err.code ?? 'error'})`));
    ws.on('close', (code: number) => drop(`WebSocket closed (code ${code})`));
  }

  connect();
  return {
    get connected() {
      return connected;
    },
    close() {
      closed = true;
      connected = false;
      if (retryTimer) clearTimeout(retryTimer);
      endCurrent?.();
      endCurrent = undefined;
    },
  };
}
