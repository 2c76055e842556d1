/**
 * The provider's login contract (DESIGN section 5), as pure functions: URL rules,
 * response validation and the mapping from HTTP answers to error codes. The
 * worker's session module does the fetch; everything it decides lives here.
 */
import type { ErrorCode } from './errors';
import type { RoutingSummary } from './snapshot';

export interface LoginGrant {
  account: { id: string; name: string; email: string; vPhoneNumber: string };
  sip: {
    wsUris: string[];
    uri: string;
    authorizationUser: string;
    password: string;
    displayName: string;
    expiresAt: string;
    iceServers: RTCIceServer[];
  };
  routing: RoutingSummary;
}

export type LoginOutcome =
  | { ok: true; grant: LoginGrant }
  | { ok: false; error: ErrorCode; retryAfterSeconds?: number; detail?: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Normalises the server the agent typed. https is required; plain http only for
 * loopback (the lab, a developer's machine), since the password crosses it.
 */
export function parseServerUrl(input: string): { ok: true; url: string } | { ok: false; error: 'invalid_server_url' } {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, error: 'invalid_server_url' };
  }
  const secure = url.protocol === 'https:';
  const loopbackHttp = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if ((!secure && !loopbackHttp) || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return { ok: false, error: 'invalid_server_url' };
  }
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}

export function loginEndpoint(server: string): string {
  return `${server}/v1/softphone/login`;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNonEmpty = (v: unknown): v is string => isStr(v) && v.length > 0;

function isWsUri(v: unknown): v is string {
  if (!isStr(v)) return false;
  try {
    const u = new URL(v);
    return u.protocol === 'wss:' || (u.protocol === 'ws:' && LOOPBACK_HOSTS.has(u.hostname));
  } catch {
    return false;
  }
}

function isIceServer(v: unknown): v is RTCIceServer {
  if (!isObj(v)) return false;
  const urls = v.urls;
  const urlsOk = isStr(urls) || (Array.isArray(urls) && urls.every(isStr));
  return urlsOk && (v.username === undefined || isStr(v.username)) && (v.credential === undefined || isStr(v.credential));
}

/** Validates a 200 body. Anything off-contract is `bad_response`, with what was wrong. */
export function parseLoginGrant(body: unknown): LoginOutcome {
  const bad = (detail: string): LoginOutcome => ({ ok: false, error: 'bad_response', detail });
  if (!isObj(body)) return bad('body is not an object');
  const { account, sip, routing } = body;
  if (!isObj(account) || !isNonEmpty(account.id) || !isStr(account.name) || !isStr(account.email) || !isNonEmpty(account.vPhoneNumber)) {
    return bad('account');
  }
  if (!isObj(sip)) return bad('sip');
  if (!Array.isArray(sip.wsUris) || sip.wsUris.length === 0 || !sip.wsUris.every(isWsUri)) return bad('sip.wsUris');
  if (!isNonEmpty(sip.uri) || !/^sips?:[^@\s]+@[^\s]+$/.test(sip.uri)) return bad('sip.uri');
  if (!isNonEmpty(sip.authorizationUser) || !isNonEmpty(sip.password)) return bad('sip credentials');
  if (!isStr(sip.displayName)) return bad('sip.displayName');
  if (!isStr(sip.expiresAt) || Number.isNaN(Date.parse(sip.expiresAt))) return bad('sip.expiresAt');
  const iceServers = sip.iceServers ?? [];
  if (!Array.isArray(iceServers) || !iceServers.every(isIceServer)) return bad('sip.iceServers');
  if (!isObj(routing)) return bad('routing');
  const { forwardingNumber, forwardingEnabled, voicemailEnabled, ringTimeoutSeconds } = routing;
  if (!(forwardingNumber === null || isStr(forwardingNumber)) || typeof forwardingEnabled !== 'boolean' || typeof voicemailEnabled !== 'boolean' || typeof ringTimeoutSeconds !== 'number') {
    return bad('routing');
  }
  return {
    ok: true,
    grant: {
      account: { id: account.id, name: account.name, email: account.email, vPhoneNumber: account.vPhoneNumber },
      sip: {
        wsUris: sip.wsUris,
        uri: sip.uri,
        authorizationUser: sip.authorizationUser,
        password: sip.password,
        displayName: sip.displayName,
        expiresAt: sip.expiresAt,
        iceServers,
      },
      routing: { forwardingNumber, forwardingEnabled, voicemailEnabled, ringTimeoutSeconds },
    },
  };
}

/** Maps a non-200 answer to an error code (status first, the body's `error` to confirm). */
export function loginErrorFor(status: number, body: unknown): LoginOutcome {
  const code = isObj(body) ? body.error : undefined;
  if (status === 401) return { ok: false, error: 'invalid_credentials' };
  if (status === 403 && code === 'account_locked') return { ok: false, error: 'account_locked' };
  if (status === 403) return { ok: false, error: 'invalid_credentials' };
  if (status === 429) {
    const wait = isObj(body) && typeof body.retryAfterSeconds === 'number' ? Math.max(0, Math.ceil(body.retryAfterSeconds)) : undefined;
    return wait === undefined ? { ok: false, error: 'too_many_attempts' } : { ok: false, error: 'too_many_attempts', retryAfterSeconds: wait };
  }
  if (status >= 500) return { ok: false, error: 'server_unreachable', detail: `HTTP ${status}` };
  return { ok: false, error: 'bad_response', detail: `HTTP ${status}` };
}
