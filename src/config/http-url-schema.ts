import { z } from 'zod';

/** Schemes chainwatch can use for the URLs it fetches (RPC, Esplora, webhooks) or links to (explorers). */
const HTTP_SCHEMES: readonly string[] = ['http:', 'https:'];

/**
 * An absolute http:// or https:// URL. `z.string().url()` alone accepts any
 * scheme the WHATWG parser knows (`wss:`, `file:`, `javascript:`, and typos
 * like `htps:`), which then fail at the first request or end up as links in
 * alerts. The message never echoes the value: it may carry credentials.
 * The issue carries `params.code`, so the config loader reports it as
 * `invalid_value` whatever the field.
 */
export const httpUrlSchema = z.string().refine(isHttpUrl, {
  message: 'must be an http:// or https:// URL',
  params: { code: 'invalid_value' },
});

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return HTTP_SCHEMES.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

/** An absolute ws:// or wss:// URL (an EVM node's WebSocket endpoint, `chains.<id>.wsUrl`). */
export const wsUrlSchema = z.string().refine((value) => hasScheme(value, ['ws:', 'wss:']), {
  message: 'must be a ws:// or wss:// URL',
  params: { code: 'invalid_value' },
});

/** A ZeroMQ endpoint as Bitcoin Core's -zmqpub* options name it: tcp://host:port (`chains.<id>.zmqUrl`). */
export const zmqUrlSchema = z.string().refine((value) => hasScheme(value, ['tcp:']) && /:\d+$/.test(value), {
  message: 'must be a tcp://host:port URL',
  params: { code: 'invalid_value' },
});

function hasScheme(value: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}
