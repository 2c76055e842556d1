/**
 * The provider's routing API (DESIGN section 5, "Beyond login"), as pure
 * functions: what an agent types becomes an E.164 number, a routing change is
 * checked here first (the server's word wins), answers are validated, errors
 * mapped to codes with the field they belong to.
 */
import type { ErrorCode } from './errors';
import type { RoutingSummary } from './snapshot';

export interface RoutingDraft {
  forwardingNumber: string | null;
  forwardingEnabled: boolean;
  voicemailEnabled: boolean;
}

export type RoutingFieldError = Extract<ErrorCode, 'invalid_number' | 'forwarding_is_vphone_number' | 'forwarding_needs_number'>;

const E164 = /^\+[1-9][0-9]{6,14}$/;

/**
 * A friendly formatter for what agents type: spaces and `().-` go; a national
 * number takes the account's country code (from its vPhone number), so
 * "(555) 010-1234" on a +1 account is +15550101234. Anything else is left for
 * the check below (and the server's) to refuse.
 */
export function toE164(typed: string, vPhoneNumber: string): string {
  const compact = typed.trim().replace(/[\s().-]/g, '');
  if (compact === '' || compact.startsWith('+')) return compact;
  if (compact.startsWith('00')) return `+${compact.slice(2)}`;
  // North American numbering: ten digits, or eleven starting with 1.
  if (vPhoneNumber.startsWith('+1')) {
    if (/^[2-9][0-9]{9}$/.test(compact)) return `+1${compact}`;
    if (/^1[0-9]{10}$/.test(compact)) return `+${compact}`;
  }
  return compact;
}

/** The extension's own check, before anything is sent. */
export function checkRouting(draft: RoutingDraft, vPhoneNumber: string): RoutingFieldError | null {
  const number = draft.forwardingNumber;
  if (number !== null && !E164.test(number)) return 'invalid_number';
  if (number !== null && number === vPhoneNumber) return 'forwarding_is_vphone_number'; // R6
  if (draft.forwardingEnabled && number === null) return 'forwarding_needs_number';
  return null;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A routing answer (GET or PUT 200), or null when it is off-contract. */
export function parseRouting(body: unknown): RoutingSummary | null {
  if (!isObj(body)) return null;
  const { forwardingNumber, forwardingEnabled, voicemailEnabled, ringTimeoutSeconds } = body;
  if (!(forwardingNumber === null || (typeof forwardingNumber === 'string' && E164.test(forwardingNumber)))) return null;
  if (typeof forwardingEnabled !== 'boolean' || typeof voicemailEnabled !== 'boolean') return null;
  if (typeof ringTimeoutSeconds !== 'number' || !Number.isFinite(ringTimeoutSeconds) || ringTimeoutSeconds < 0 || ringTimeoutSeconds > 600) return null;
  return { forwardingNumber, forwardingEnabled, voicemailEnabled, ringTimeoutSeconds };
}

export type RoutingOutcome = { ok: true; routing: RoutingSummary; greeting?: 'default' | 'custom' } | { ok: false; error: ErrorCode; field?: 'forwardingNumber' };

export function routingOutcome(status: number, body: unknown): RoutingOutcome {
  if (status === 200) {
    const routing = parseRouting(body);
    if (!routing) return { ok: false, error: 'bad_response' };
    // Which greeting callers hear rides along (a provider without voicemail API leaves it out).
    const greeting = isObj(body) && (body.greeting === 'default' || body.greeting === 'custom') ? body.greeting : undefined;
    return greeting ? { ok: true, routing, greeting } : { ok: true, routing };
  }
  if (status === 401) return { ok: false, error: 'session_expired' };
  if (status === 404) return { ok: false, error: 'routing_unsupported' };
  if (status === 422 && isObj(body)) {
    const code = body.error;
    if (code === 'invalid_number' || code === 'forwarding_is_vphone_number' || code === 'forwarding_needs_number') return { ok: false, error: code, field: 'forwardingNumber' };
  }
  if (status >= 500) return { ok: false, error: 'server_unreachable' };
  return { ok: false, error: 'bad_response' };
}
