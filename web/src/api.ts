/** The dashboard API client: same-origin fetch with the session cookie; mutations carry the CSRF header. */
export class UnauthorizedError extends Error {}

export class ApiRequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

async function handle<T>(res: Response): Promise<T> {
  if (res.status === 401) {
    onUnauthorized();
    throw new UnauthorizedError('not logged in');
  }
  const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  if (!res.ok) throw new ApiRequestError(res.status, body?.error?.message ?? `HTTP ${res.status}`);
  return body as T;
}

export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  return handle<T>(await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' }, ...(signal !== undefined ? { signal } : {}) }));
}

export async function apiPost<T>(path: string, body: unknown): Promise<T> {
  return handle<T>(await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-chainwatch-csrf': '1' }, body: JSON.stringify(body) }));
}
