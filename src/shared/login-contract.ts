/**
 * The provider's login contract (DESIGN section 5), as pure functions: URL rules,
 * response validation and the mapping from HTTP answers to error codes. The
 * worker's session module does the fetch; everything it decides lives here.
 */
import type { ErrorCode } from './errors';
import type { RoutingSummary } from './snapshot';

/** An ICE server as the provider gives it (the same shape as WebRTC's RTCIceServer, without needing the DOM). */
export interface IceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface LoginGrant {
  account: { id: string; name: string; email: string; vPhoneNumber: string };
  sip: {
    wsUris: string[];
    uri: string;
    authorizationUser: string;
    password: string;
    displayName: string;
    expiresAt: string;
    iceServers: IceServer[];
  };
  routing: RoutingSummary;
  /** The bearer token for the API beyond login (routing); null when the provider has none. */
  api: { token: string; expiresAt: string } | null;
}

export type LoginOutcome =
  | { ok: true; grant: LoginGrant }
  | { ok: false; error: ErrorCode; retryAfterSeconds?: number; detail?: string };

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
/** ISO 8601 date-time with a zone (Date.parse alone accepts many other shapes). */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

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
/**
 * Limits on what a provider may hand us. Everything here ends up in our own
 * SIP headers (JsSIP escapes only `"` and `\\` in a display name), in the
 * popup, or in storage: no control characters, bounded sizes and counts.
 */
export const GRANT_LIMITS = { text: 256, credential: 512, uri: 512, wsUris: 8, iceServers: 8, iceUrls: 8 } as const;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const isStr = (v: unknown, max: number = GRANT_LIMITS.text): v is string => typeof v === 'string' && v.length <= max && !CONTROL.test(v);
const isNonEmpty = (v: unknown, max: number = GRANT_LIMITS.text): v is string => isStr(v, max) && v.length > 0;

function isWsUri(v: unknown): v is string {
  if (!isStr(v, GRANT_LIMITS.uri)) return false;
  try {
    const u = new URL(v);
    return u.protocol === 'wss:' || (u.protocol === 'ws:' && LOOPBACK_HOSTS.has(u.hostname));
  } catch {
    return false;
  }
}

/** Only STUN and TURN: any other scheme in an ICE server is not one. */
const ICE_URL = /^(stun|turn|turns):[^\s]+$/i;
const isIceUrl = (v: unknown): v is string => isStr(v, GRANT_LIMITS.uri) && ICE_URL.test(v);

function isIceServer(v: unknown): v is IceServer {
  if (!isObj(v)) return false;
  const urls = v.urls;
  const urlsOk = isIceUrl(urls) || (Array.isArray(urls) && urls.length > 0 && urls.length <= GRANT_LIMITS.iceUrls && urls.every(isIceUrl));
  return urlsOk && (v.username === undefined || isStr(v.username, GRANT_LIMITS.credential)) && (v.credential === undefined || isStr(v.credential, GRANT_LIMITS.credential));
}

/** Validates a 200 body. Anything off-contract is `bad_response`, with what was wrong. */
export function parseLoginGrant(body: unknown, now: number = Date.now()): LoginOutcome {
  const bad = (detail: string): LoginOutcome => ({ ok: false, error: 'bad_response', detail });
  if (!isObj(body)) return bad('body is not an object');
  const { account, sip, routing, api } = body;
  if (!isObj(account) || !isNonEmpty(account.id) || !isStr(account.name) || !isStr(account.email) || !isNonEmpty(account.vPhoneNumber)) {
    return bad('account');
  }
  if (!isObj(sip)) return bad('sip');
  if (!Array.isArray(sip.wsUris) || sip.wsUris.length === 0 || sip.wsUris.length > GRANT_LIMITS.wsUris || !sip.wsUris.every(isWsUri)) return bad('sip.wsUris');
  if (!isNonEmpty(sip.uri, GRANT_LIMITS.uri) || !/^sips?:[^@\s<>"]+@[^\s<>"]+$/.test(sip.uri)) return bad('sip.uri');
  if (!isNonEmpty(sip.authorizationUser, GRANT_LIMITS.credential) || !isNonEmpty(sip.password, GRANT_LIMITS.credential)) return bad('sip credentials');
  if (!isStr(sip.displayName)) return bad('sip.displayName');
  if (!isStr(sip.expiresAt) || !ISO_TIME.test(sip.expiresAt) || !(Date.parse(sip.expiresAt) > now)) return bad('sip.expiresAt');
  const iceServers = sip.iceServers ?? [];
  if (!Array.isArray(iceServers) || iceServers.length > GRANT_LIMITS.iceServers || !iceServers.every(isIceServer)) return bad('sip.iceServers');
  if (!isObj(routing)) return bad('routing');
  const { forwardingNumber, forwardingEnabled, voicemailEnabled, ringTimeoutSeconds } = routing;
  if (
    !(forwardingNumber === null || isStr(forwardingNumber, 32)) ||
    typeof forwardingEnabled !== 'boolean' ||
    typeof voicemailEnabled !== 'boolean' ||
    typeof ringTimeoutSeconds !== 'number' ||
    !Number.isFinite(ringTimeoutSeconds) ||
    ringTimeoutSeconds < 0 ||
    ringTimeoutSeconds > 600
  ) {
    return bad('routing');
  }
  // Optional: a provider without the API beyond login has no token (its routing is then read-only).
  let apiGrant: LoginGrant['api'] = null;
  if (api !== undefined && api !== null) {
    if (!isObj(api) || !isNonEmpty(api.token, GRANT_LIMITS.credential) || !/^[A-Za-z0-9._~+/=-]+$/.test(api.token) || !isStr(api.expiresAt) || !ISO_TIME.test(api.expiresAt)) {
      return bad('api');
    }
    apiGrant = { token: api.token, expiresAt: api.expiresAt };
  }
  return {
    ok: true,
    grant: {
      api: apiGrant,
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

export const MAX_RETRY_AFTER_SECONDS = 15 * 60;

/** Maps a non-200 answer to an error code (status first, the body's `error` to confirm). */
export function loginErrorFor(status: number, body: unknown): LoginOutcome {
  const code = isObj(body) ? body.error : undefined;
  if (status === 401) return { ok: false, error: 'invalid_credentials' };
  if (status === 403 && code === 'account_locked') return { ok: false, error: 'account_locked' };
  if (status === 403) return { ok: false, error: 'invalid_credentials' };
  if (status === 429) {
    // Clamped: a server's "wait a year" (or NaN) is not something to show an agent.
    const raw = isObj(body) ? body.retryAfterSeconds : undefined;
    const wait = typeof raw === 'number' && Number.isFinite(raw) ? Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(raw))) : undefined;
    return wait === undefined ? { ok: false, error: 'too_many_attempts' } : { ok: false, error: 'too_many_attempts', retryAfterSeconds: wait };
  }
  if (status >= 500) return { ok: false, error: 'server_unreachable', detail: `HTTP ${status}` };
  return { ok: false, error: 'bad_response', detail: `HTTP ${status}` };
}
