import { isLive, type CallView } from './call-state';
import type { ErrorCode } from './errors';
import type { RegistrationState } from './registration-state';
import type { LineTestView } from './line-test';
import { newMessageCount, type VoicemailMessage } from './voicemail';

/** Who the extension is signed in to (rule R8: always shown). */
export interface AccountSummary {
  id: string;
  name: string;
  email: string;
  vPhoneNumber: string;
  username: string;
  server: string;
}

export interface RoutingSummary {
  forwardingNumber: string | null;
  forwardingEnabled: boolean;
  voicemailEnabled: boolean;
  ringTimeoutSeconds: number;
}

export type { CallView };

export type LoginStatus = 'signed-out' | 'signing-in' | 'signed-in';

/**
 * The authoritative state the worker pushes to every page. Pages render it and
 * send intents; they never write it.
 */
export interface Snapshot {
  login: LoginStatus;
  account: AccountSummary | null;
  routing: RoutingSummary | null;
  /** False when the provider has no routing API (or no token): routing is shown read-only. */
  routingEditable: boolean;
  /** The server and username of the last sign-in, to prefill the form. */
  lastLogin: { server: string; username: string } | null;
  loginError: ErrorCode | null;
  /** After a 429: no sign-in to this server as this user before `at` (ms since epoch); the form counts down to it. */
  retry: { at: number; server: string; username: string } | null;
  /** The agent's intent: the softphone should be on. Survives re-login. */
  softphoneEnabled: boolean;
  registration: RegistrationState;
  registrationError: ErrorCode | null;
  /** When the state last changed (ms since epoch), to say "for 2 minutes". */
  registrationSince: number;
  /** Calls ringing or in progress, oldest first (at most MAX_CALLS). Read through the selectors below. */
  calls: CallView[];
  /** Missed calls the agent has not seen yet (the popup opening clears them): how many, and the latest callers. */
  missed: { count: number; recent: string[] };
  /**
   * Voicemail from the provider (R7): `supported` false when it has no
   * voicemail API (the list is hidden); the newest messages; which greeting
   * callers hear (null: not known yet).
   */
  voicemail: { supported: boolean; messages: VoicemailMessage[]; greeting: 'default' | 'custom' | null };
  /** The last "Test my line" (kept until the next one or sign-out). */
  lineTest: LineTestView | null;
  /** The last finished call, kept briefly so the popup can say what happened. */
  lastCall: CallView | null;
  sessionExpiresAt: string | null;
  /**
   * Since when the agent wants calls here and they would not ring: 'lost' when
   * they rang here before (a real outage), 'starting' after switching on,
   * signing in or a browser start. Derived by the snapshot store on every
   * change (see `outageAfter`); nothing else writes it.
   */
  outage: { since: number; kind: 'starting' | 'lost' } | null;
  /** Grace and escalation periods of the words about reachability (from the tuning), so every page says the same at the same time. */
  reachTimes: { graceMs: number; escalateMs: number };
}

/** True when the agent wants calls to ring here (signed in, softphone on). */
export function wantsCalls(s: Pick<Snapshot, 'login' | 'softphoneEnabled'>): boolean {
  return s.login === 'signed-in' && s.softphoneEnabled;
}

/** The outage field after a change from `prev` to `next` (pure; the store's only way to set it). */
export function outageAfter(prev: Snapshot, next: Snapshot, now: number): Snapshot['outage'] {
  if (!wantsCalls(next) || next.registration === 'registered') return null;
  if (prev.outage && wantsCalls(prev)) return prev.outage;
  const wasRinging = wantsCalls(prev) && prev.registration === 'registered';
  // A lost registration is dated by the fact behind it (a dead link is dead since its unanswered request left).
  return wasRinging ? { since: Math.min(now, next.registrationSince), kind: 'lost' } : { since: now, kind: 'starting' };
}

export function initialSnapshot(now: number): Snapshot {
  return {
    login: 'signed-out',
    account: null,
    routing: null,
    routingEditable: false,
    lastLogin: null,
    loginError: null,
    retry: null,
    softphoneEnabled: false,
    registration: 'off',
    registrationError: null,
    registrationSince: now,
    calls: [],
    lastCall: null,
    missed: { count: 0, recent: [] },
    voicemail: { supported: false, messages: [], greeting: null },
    lineTest: null,
    sessionExpiresAt: null,
    outage: null,
    reachTimes: { graceMs: 5000, escalateMs: 20_000 },
  };
}

// --- selectors: the badge, the update gate, session expiry and the view model
// read calls through these, never the field directly.

/** Voicemail messages not heard yet (the badge, the popup and the notification count these). */
export function newVoicemails(s: Pick<Snapshot, 'voicemail'>): number {
  return newMessageCount(s.voicemail.messages);
}

/** The call that rings (the newest, when two do). */
export function ringingCall(s: Pick<Snapshot, 'calls'>): CallView | null {
  return [...s.calls].reverse().find((c) => c.phase === 'ringing') ?? null;
}

/** Calls being answered or in progress. */
export function liveCalls(s: Pick<Snapshot, 'calls'>): CallView[] {
  return s.calls.filter(isLive);
}

export function hasLiveCall(s: Pick<Snapshot, 'calls'>): boolean {
  return s.calls.some(isLive);
}

/** Any call ringing or in progress: the phone is busy (no disruptive recovery, no update). */
export function hasAnyCall(s: Pick<Snapshot, 'calls'>): boolean {
  return s.calls.some((c) => c.phase !== 'ended');
}

export function callById(s: Pick<Snapshot, 'calls'>, id: string): CallView | null {
  return s.calls.find((c) => c.id === id) ?? null;
}
