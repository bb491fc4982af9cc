/**
 * Every error the tenant API answers, in one place: code, HTTP status and the
 * message. Bodies are `{"error": {"code", "message", "field"?}}`; `field` names
 * the request field at fault (`body.filters.chains[0]`). Never a key or secret.
 */
export const API_ERRORS = {
  invalid_request: 400,
  target_refused: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  constructor(code: ApiErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.status = API_ERRORS[code];
    this.field = field;
  }
}

export function apiErrorBody(err: ApiError): { error: { code: string; message: string; field?: string } } {
  return { error: { code: err.code, message: err.message, ...(err.field !== undefined ? { field: err.field } : {}) } };
}
