import type * as Zmq from 'zeromq';
import { redactUrl } from '../../core/errors.js';

export interface SubscribeZmqNotificationsOptions {
  /** tcp://host:port where Bitcoin Core publishes `-zmqpubhashblock` (and `-zmqpubrawtx`, same or own endpoint). */
  readonly url: string;
  /** A new block was announced (its hash is not trusted: the poller fetches and checks everything itself). */
  readonly onBlock: () => void;
  /**
   * A transaction entered the node's mempool (`rawtx`: its serialisation). Subscribed only when given.
   * The bytes are untrusted (ZeroMQ has no authentication): the receiver must confirm with the node.
   */
  readonly onRawTx?: (raw: Buffer) => void;
  /** Could not start (the optional `zeromq` package is missing or the URL is refused): polling goes on. */
  readonly onUnavailable: (reason: string) => void;
  /** Subscribed (libzmq then reconnects by itself with backoff whenever the node goes away). */
  readonly onSubscribed?: (url: string, topics: readonly string[]) => void;
}

export interface ZmqSubscription {
  close(): void;
}

/**
 * Follows Bitcoin Core's ZeroMQ notifications on one endpoint: `hashblock`
 * calls `onBlock`, which only wakes the poller (it still fetches every block
 * over RPC/Esplora and checks it, so a spoofed notification costs one extra
 * poll), and, when `onRawTx` is given, `rawtx` hands over each new mempool
 * transaction's bytes. `zeromq` is an optional dependency loaded on demand
 * (prebuilt binaries, no install script): without it, or on any failure,
 * `onUnavailable` says why and the chain keeps polling every pollIntervalMs.
 * libzmq reconnects a dropped connection itself (reconnect interval 100 ms
 * growing to 10 s); messages published while disconnected are lost, which is
 * why polling stays on as the safety net.
 */
export function subscribeZmqNotifications(options: SubscribeZmqNotificationsOptions): ZmqSubscription {
  let closed = false;
  let socket: { close(): void } | undefined;
  const shownUrl = redactUrl(options.url);
  const topics = options.onRawTx === undefined ? ['hashblock'] : ['hashblock', 'rawtx'];
  void (async () => {
    let zmq: typeof Zmq;
    try {
      zmq = await import('zeromq');
    } catch {
      return options.onUnavailable('the optional package zeromq is not installed (npm install zeromq)');
    }
    if (closed) return;
    // A burst of mempool transactions beyond the high-water mark is dropped by libzmq; the mempool poll catches up.
    const subscriber = new zmq.Subscriber({ reconnectInterval: 100, reconnectMaxInterval: 10_000, receiveHighWaterMark: 10_000 });
    socket = subscriber;
    try {
      subscriber.connect(options.url);
      for (const topic of topics) subscriber.subscribe(topic);
    } catch (err) {
      subscriber.close();
      return options.onUnavailable(`could not subscribe to ${shownUrl} (${err instanceof Error ? err.message : 'error'})`);
    }
    options.onSubscribed?.(shownUrl, topics);
    try {
      // Frames: topic, body (32-byte hash or the raw transaction), 4-byte sequence number.
      for await (const [topic, body] of subscriber) {
        const name = topic?.toString();
        if (name === 'hashblock') options.onBlock();
        else if (name === 'rawtx' && body !== undefined && body.length > 0) options.onRawTx?.(body);
      }
    } catch (err) {
      if (!closed) options.onUnavailable(`the subscription to ${shownUrl} ended (${err instanceof Error ? err.message : 'error'})`);
    }
  })();
  return {
    close() {
      closed = true;
      socket?.close();
    },
  };
}
