/** POST /v1/softphone/login: the provider's login contract (DESIGN.md §5). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson } from './http-util';
import { sipConfig, type ServiceState } from './service-state';

interface LoginRequest {
  username: string;
  password: string;
}

const MAX_FIELD_LENGTH = 256;

export function handleLogin(
  state: ServiceState,
  body: unknown,
  res: ServerResponse,
  cors: Record<string, string>,
): void {
  const login = parseLoginRequest(body);
  if (!login) {
    sendJson(res, 400, { error: 'invalid_request' }, cors);
    return;
  }
  const retryAfterSeconds = state.throttle.retryAfterSeconds(login.username);
  if (retryAfterSeconds > 0) {
    sendJson(res, 429, { error: 'too_many_attempts', retryAfterSeconds }, {
      ...cors,
      'Retry-After': String(retryAfterSeconds),
    });
    return;
  }
  const account = state.directory.find(login.username);
  if (!account || !samePassword(account.password, login.password)) {
    state.throttle.recordFailure(login.username);
    sendJson(res, 401, { error: 'invalid_credentials' }, cors);
    return;
  }
  // Only the right password learns that the account is locked.
  if (account.locked) {
    sendJson(res, 403, { error: 'account_locked' }, cors);
    return;
  }
  state.throttle.recordSuccess(login.username);
  const sip = sipConfig(state, account.user, account.name, state.sessionLifetimeSeconds);
  sendJson(
    res,
    200,
    {
      account: { id: account.id, name: account.name, email: account.email, vPhoneNumber: account.vPhoneNumber },
      sip,
      routing: { ...account.routing },
      api: state.tokens.issue(account.user, new Date(sip.expiresAt)),
    },
    cors,
  );
}

function parseLoginRequest(body: unknown): LoginRequest | null {
  if (typeof body !== 'object' || body === null) return null;
  const { username, password } = body as Record<string, unknown>;
  if (!isField(username) || !isField(password)) return null;
  return { username, password };
}

function isField(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD_LENGTH;
}

/** Compares digests so the comparison time does not depend on where the strings differ. */
function samePassword(expected: string, given: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(expected), digest(given));
}
