/**
 * Voicemail messages (rule R7) from the provider's API (DESIGN section 5,
 * "Beyond login"), as pure functions: answers validated and bounded, caller
 * identity treated as untrusted input like an INVITE's, and the "new" count
 * the badge, the popup and the notification share.
 */
import { sanitizeDisplayName, sanitizeNumber } from './caller-id';
import type { ErrorCode } from './errors';

export interface VoicemailMessage {
  id: string;
  from: string;
  fromName: string;
  /** Epoch ms. */
  receivedAt: number;
  durationSeconds: number;
  heard: boolean;
}

/** What the snapshot keeps: the newest messages only (the provider keeps them all). */
export const VOICEMAIL_LIMIT = 50;
/** A greeting the provider accepts (DESIGN section 5): at most 60 s and 2 MB. */
export const GREETING_MAX_BYTES = 2_000_000;
export const GREETING_MAX_SECONDS = 60;

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isMessageId(v: unknown): v is string {
  return typeof v === 'string' && ID.test(v);
}

function parseMessage(v: unknown): VoicemailMessage | null {
  if (!isObj(v) || !isMessageId(v.id) || typeof v.heard !== 'boolean') return null;
  const receivedAt = typeof v.receivedAt === 'string' && v.receivedAt.length <= 40 ? Date.parse(v.receivedAt) : NaN;
  const duration = v.durationSeconds;
  if (!Number.isFinite(receivedAt) || typeof duration !== 'number' || !Number.isFinite(duration) || duration < 0 || duration > 3600) return null;
  return { id: v.id, from: sanitizeNumber(v.from), fromName: sanitizeDisplayName(v.fromName), receivedAt, durationSeconds: Math.round(duration), heard: v.heard };
}

/**
 * The messages answer, newest first and bounded, or null when it is off
 * contract. One bad entry is dropped, not the whole list: a message the
 * extension cannot show must not hide the others.
 */
export function parseMessages(body: unknown): VoicemailMessage[] | null {
  if (!isObj(body) || !Array.isArray(body.messages)) return null;
  const seen = new Set<string>();
  const messages: VoicemailMessage[] = [];
  for (const raw of body.messages.slice(0, 1000)) {
    const m = parseMessage(raw);
    if (m && !seen.has(m.id)) {
      seen.add(m.id);
      messages.push(m);
    }
  }
  return messages.sort((a, b) => b.receivedAt - a.receivedAt).slice(0, VOICEMAIL_LIMIT);
}

export function newMessageCount(messages: readonly VoicemailMessage[]): number {
  return messages.filter((m) => !m.heard).length;
}

/** Unheard messages in `next` that `prev` did not have: what deserves a notification. */
export function arrivals(prev: readonly VoicemailMessage[], next: readonly VoicemailMessage[]): VoicemailMessage[] {
  const known = new Set(prev.map((m) => m.id));
  return next.filter((m) => !m.heard && !known.has(m.id));
}

/** The provider's error for a voicemail or greeting request, as a code. */
export function voicemailError(status: number): ErrorCode {
  if (status === 401) return 'session_expired';
  if (status === 404) return 'not_found';
  if (status === 413) return 'greeting_too_large';
  if (status === 415) return 'greeting_unsupported';
  if (status >= 500 || status === 0) return 'server_unreachable';
  return 'bad_response';
}

/** "2:05" for a message's length. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
