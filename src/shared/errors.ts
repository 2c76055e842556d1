/**
 * Named error codes. Expected failures (wrong password, microphone denied, socket
 * lost, ...) travel between contexts as data carrying one of these codes; the
 * worker and the pages turn codes into words (see `describeError` in text.ts).
 * The offscreen document has no chrome.i18n, so it only ever reports codes.
 */
export const ERROR_CODES = [
  // login (provider API, DESIGN section 5)
  'invalid_credentials',
  'account_locked',
  'too_many_attempts',
  'server_unreachable',
  'invalid_server_url',
  'login_redirected', // the provider answered the sign-in with a redirect: never followed
  'bad_response',
  'session_expired',
  'not_signed_in',
  // routing (the provider API beyond login)
  'invalid_number',
  'forwarding_is_vphone_number',
  'forwarding_needs_number',
  'routing_unsupported', // the provider has no routing API: shown read-only
  'not_found', // a voicemail message that is gone
  'greeting_too_large',
  'greeting_unsupported',
  'line_test_running',
  'line_test_unavailable',
  // microphone
  'mic_not_granted',
  'mic_denied',
  'mic_unavailable',
  // SIP / phone engine
  'sip_transport_error',
  'sip_auth_failed',
  'sip_registration_failed',
  'engine_unavailable',
  // calls
  'no_such_call',
  'call_failed',
  'call_busy', // a re-INVITE is still pending: JsSIP refuses a second
  'call_limit', // at most MAX_CALLS calls at once
  'hold_refused',
  'invalid_transfer_target',
  'transfer_refused',
  'dtmf_failed',
  // misuse or bugs
  'bad_request',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** The result type of every request that can fail in an expected way. */
export type Result<T = void> =
  | (T extends void ? { ok: true } : { ok: true; value: T })
  | { ok: false; error: ErrorCode; retryAfterSeconds?: number; detail?: string };

export const ok = { ok: true } as const;

export function fail(error: ErrorCode, extra: { retryAfterSeconds?: number; detail?: string } = {}) {
  return { ok: false as const, error, ...extra };
}

/** Thrown for misuse (an illegal state transition, a message that breaks the protocol). */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(machine: string, from: string, event: string) {
    super(`${machine}: no transition from "${from}" on "${event}"`);
  }
}
