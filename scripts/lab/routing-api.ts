/**
 * The provider's routing API (DESIGN.md §5, "Beyond login"): GET and PUT
 * /v1/softphone/routing with the bearer token the login returned. The lab's
 * account directory is the single source of truth; Kamailio asks it for every
 * call, so a change applies to the next call without a restart.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account } from './accounts';
import { sendJson } from './http-util';
import type { ServiceState } from './service-state';

const E164 = /^\+[1-9][0-9]{6,14}$/;

export interface ApiTokens {
  issue(user: string, expiresAt: Date): { token: string; expiresAt: string };
  /** The account the token belongs to, or null (unknown or expired). */
  resolve(token: string, now: number): string | null;
}

export function createTokenStore(): ApiTokens {
  const tokens = new Map<string, { user: string; expiresAt: number }>();
  return {
    issue(user, expiresAt) {
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, { user, expiresAt: expiresAt.getTime() });
      return { token, expiresAt: expiresAt.toISOString() };
    },
    resolve(token, now) {
      const entry = tokens.get(token);
      if (!entry || entry.expiresAt <= now) return null;
      return entry.user;
    },
  };
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header);
  return match?.[1] ?? null;
}

/** The account behind the request's bearer token, or a 401 already sent. */
export function authorised(state: ServiceState, req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): Account | null {
  const token = bearer(req);
  const user = token ? state.tokens.resolve(token, Date.now()) : null;
  const account = user ? state.directory.find(user) : undefined;
  if (!account) {
    sendJson(res, 401, { error: 'session_expired' }, cors);
    return null;
  }
  return account;
}

function routingBody(state: ServiceState, account: Account) {
  return { ...account.routing, greeting: state.voicemail.greetingKind(account.user) };
}

export function getRouting(state: ServiceState, req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): void {
  const account = authorised(state, req, res, cors);
  if (account) sendJson(res, 200, routingBody(state, account), cors);
}

/** Spaces and `().-` are stripped before the E.164 check (what agents type). */
export function normaliseNumber(raw: string): string {
  return raw.replace(/[\s().-]/g, '');
}

export function putRouting(state: ServiceState, req: IncomingMessage, body: unknown, res: ServerResponse, cors: Record<string, string>): void {
  const account = authorised(state, req, res, cors);
  if (!account) return;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return sendJson(res, 400, { error: 'invalid_request' }, cors);
  const patch = body as Record<string, unknown>;
  const known = new Set(['forwardingNumber', 'forwardingEnabled', 'voicemailEnabled']);
  if (Object.keys(patch).some((k) => !known.has(k))) return sendJson(res, 400, { error: 'invalid_request' }, cors);
  const { forwardingNumber, forwardingEnabled, voicemailEnabled } = patch;
  if (forwardingNumber !== undefined && forwardingNumber !== null && typeof forwardingNumber !== 'string') return sendJson(res, 400, { error: 'invalid_request' }, cors);
  if ((forwardingEnabled !== undefined && typeof forwardingEnabled !== 'boolean') || (voicemailEnabled !== undefined && typeof voicemailEnabled !== 'boolean')) {
    return sendJson(res, 400, { error: 'invalid_request' }, cors);
  }
  const next = { ...account.routing };
  if (forwardingNumber !== undefined) {
    const number = forwardingNumber === null ? '' : normaliseNumber(forwardingNumber);
    if (number !== '' && !E164.test(number)) return sendJson(res, 422, { error: 'invalid_number', field: 'forwardingNumber' }, cors);
    next.forwardingNumber = number === '' ? null : number;
  }
  if (forwardingEnabled !== undefined) next.forwardingEnabled = forwardingEnabled;
  if (voicemailEnabled !== undefined) next.voicemailEnabled = voicemailEnabled;
  // R6, even while forwarding is off: the number would loop the moment it is switched on.
  if (next.forwardingNumber !== null && next.forwardingNumber.replace(/^\+/, '') === account.vPhoneNumber.replace(/^\+/, '')) {
    return sendJson(res, 422, { error: 'forwarding_is_vphone_number', field: 'forwardingNumber' }, cors);
  }
  if (next.forwardingEnabled && next.forwardingNumber === null) return sendJson(res, 422, { error: 'forwarding_needs_number', field: 'forwardingNumber' }, cors);
  const saved = state.directory.updateRouting(account.user, next);
  if (typeof saved === 'string') return sendJson(res, 422, { error: 'invalid_number', field: 'forwardingNumber' }, cors);
  sendJson(res, 200, routingBody(state, account), cors);
}
