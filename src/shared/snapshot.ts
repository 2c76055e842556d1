import type { CallEndReason, CallPhase } from './call-state';
import type { ErrorCode } from './errors';
import type { RegistrationState } from './registration-state';

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

export interface CallView {
  id: string;
  phase: CallPhase;
  /** Untrusted text from the caller's SIP headers: render as text only. */
  remoteName: string;
  remoteNumber: string;
  startedAt: number;
  answeredAt: number | null;
  endReason: CallEndReason | null;
}

export type LoginStatus = 'signed-out' | 'signing-in' | 'signed-in';

/**
 * The authoritative state the worker pushes to every page. Pages render it and
 * send intents; they never write it.
 */
export interface Snapshot {
  login: LoginStatus;
  account: AccountSummary | null;
  routing: RoutingSummary | null;
  /** The server and username of the last sign-in, to prefill the form. */
  lastLogin: { server: string; username: string } | null;
  loginError: ErrorCode | null;
  retryAfterSeconds: number | null;
  /** The agent's intent: the softphone should be on. Survives re-login. */
  softphoneEnabled: boolean;
  registration: RegistrationState;
  registrationError: ErrorCode | null;
  /** When the state last changed (ms since epoch), to say "for 2 minutes". */
  registrationSince: number;
  call: CallView | null;
  /** The last finished call, kept briefly so the popup can say what happened. */
  lastCall: CallView | null;
  sessionExpiresAt: string | null;
}

export function initialSnapshot(now: number): Snapshot {
  return {
    login: 'signed-out',
    account: null,
    routing: null,
    lastLogin: null,
    loginError: null,
    retryAfterSeconds: null,
    softphoneEnabled: false,
    registration: 'off',
    registrationError: null,
    registrationSince: now,
    call: null,
    lastCall: null,
    sessionExpiresAt: null,
  };
}
