import type * as Zmq from 'zeromq';
import { redactUrl } from '../../core/errors.js';

export interface SubscribeZmqHashBlockOptions {
  /** tcp://host:port of Bitcoin Core's `-zmqpubhashblock`. */
  readonly url: string;
  /** A new block was announced (its hash is not trusted: the poller fetches and checks everything itself). */
  readonly onBlock: () => void;
  /** Could not start (the optional `zeromq` package is missing or the URL is refused): polling goes on. */
  readonly onUnavailable: (reason: string) => void;
  /** Subscribed (libzmq then reconnects by itself with backoff whenever the node goes away). */
  readonly onSubscribed?: (url: string) => void;
}

export interface ZmqHashBlockSubscription {
  close(): void;
}

/**
 * Follows Bitcoin Core's ZeroMQ `hashblock` notifications and calls `onBlock`
 * for each: it only wakes the poller, which still fetches every block over
 * RPC/Esplora and checks it, so a spoofed notification costs one extra poll.
 * `zeromq` is an optional dependency loaded on demand (prebuilt binaries, no
 * install script): without it, or on any failure, `onUnavailable` says why and
 * the chain keeps polling every pollIntervalMs. libzmq reconnects a dropped
 * connection itself (reconnect interval 100 ms growing to 10 s).
 */
export function subscribeZmqHashBlock(options: SubscribeZmqHashBlockOptions): ZmqHashBlockSubscription {
  let closed = false;
  let socket: { close(): void } | undefined;
  const shownUrl = redactUrl(options.url);
  void (async () => {
    let zmq: typeof Zmq;
    try {
      zmq = await import('zeromq');
    } catch {
      return options.onUnavailable('the optional package zeromq is not installed (npm install zeromq)');
    }
    if (closed) return;
    const subscriber = new zmq.Subscriber({ reconnectInterval: 100, reconnectMaxInterval: 10_000, receiveHighWaterMark: 1_000 });
    socket = subscriber;
    try {
      subscriber.connect(options.url);
      subscriber.subscribe('hashblock');
    } catch (err) {
      subscriber.close();
      return options.onUnavailable(`could not subscribe to ${shownUrl} (${err instanceof Error ? err.message : 'error'})`);
    }
    options.onSubscribed?.(shownUrl);
    try {
      // Frames: topic, 32-byte hash, 4-byte sequence number.
      for await (const [topic] of subscriber) {
        if (topic?.toString() === 'hashblock') options.onBlock();
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
