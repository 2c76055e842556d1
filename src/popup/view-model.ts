/**
 * What the popup shows, computed from the worker's snapshot. Pure: the
 * components only lay this out, and the tests check it without a DOM.
 */
import type { Snapshot } from '../shared/snapshot';
import { DEFAULT_TUNING } from '../shared/tuning';
import { callerLabel, describeCallEnd, describeError, describeRegistration, whereCallsGo } from '../shared/text';

export type Tone = 'ok' | 'off' | 'busy' | 'bad';

export interface StatusLine {
  text: string;
  detail: string | null;
  tone: Tone;
  /** The one action that can fix it, if any. */
  action: string | null;
}

export type CallPanel =
  | { kind: 'ringing'; id: string; caller: string; name: string; number: string }
  | { kind: 'in-call'; id: string; caller: string; answering: boolean; answeredAt: number | null };

export interface PopupView {
  screen: 'sign-in' | 'phone';
  signIn: { server: string; username: string; error: string | null; busy: boolean; expired: string | null };
  account: { name: string; number: string; login: string } | null;
  status: StatusLine;
  softphone: { checked: boolean; disabled: boolean };
  call: CallPanel | null;
  lastCall: string | null;
  /** Shown ahead of expiry: re-enter the password to stay signed in. */
  renew: { endsAt: number; server: string; username: string } | null;
}

const TONE: Record<Snapshot['registration'], Tone> = {
  off: 'off',
  registering: 'busy',
  registered: 'ok',
  recovering: 'busy',
  unreachable: 'bad',
  'mic-needed': 'bad',
  'session-expired': 'bad',
};

export function statusLine(s: Snapshot): StatusLine {
  const detail = s.registrationError && s.registration !== 'registered' && s.registration !== 'off' ? describeError(s.registrationError) : null;
  if (s.registration === 'off' && s.softphoneEnabled) {
    return { text: describeRegistration('registering'), detail: null, tone: 'busy', action: null };
  }
  const action =
    s.registration === 'mic-needed' ? 'Allow microphone' : s.registration === 'unreachable' || s.registration === 'recovering' ? 'Reconnect now' : null;
  return { text: describeRegistration(s.registration), detail, tone: TONE[s.registration], action };
}

export function popupView(s: Snapshot, defaultServer: string, now: number = Date.now()): PopupView {
  const signIn = {
    server: s.lastLogin?.server ?? defaultServer,
    username: s.lastLogin?.username ?? '',
    error: s.loginError ? describeError(s.loginError, s.retryAfterSeconds) : null,
    busy: s.login === 'signing-in',
    expired:
      s.registration === 'session-expired' || s.loginError === 'session_expired'
        ? `Your session expired. Sign in again to receive calls. ${whereCallsGo(s.routing)}`
        : null,
  };
  const account =
    s.account && s.login === 'signed-in'
      ? { name: s.account.name, number: s.account.vPhoneNumber, login: `${s.account.username} · ${new URL(s.account.server).host}` }
      : null;

  let call: CallPanel | null = null;
  if (s.call && s.call.phase === 'ringing') {
    call = { kind: 'ringing', id: s.call.id, caller: callerLabel(s.call.remoteName, s.call.remoteNumber), name: s.call.remoteName, number: s.call.remoteNumber };
  } else if (s.call && s.call.phase !== 'ended') {
    call = { kind: 'in-call', id: s.call.id, caller: callerLabel(s.call.remoteName, s.call.remoteNumber), answering: s.call.phase === 'answering', answeredAt: s.call.answeredAt };
  }

  return {
    screen: account ? 'phone' : 'sign-in',
    signIn,
    account,
    status: statusLine(s),
    softphone: { checked: s.softphoneEnabled, disabled: s.login !== 'signed-in' },
    call,
    renew: renewOffer(s, now),
    lastCall: s.lastCall?.endReason ? `${callerLabel(s.lastCall.remoteName, s.lastCall.remoteNumber)}: ${describeCallEnd(s.lastCall.endReason)}` : null,
  };
}

/** "1:05" for a call that has lasted 65 s. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(total / 60);
  const sec = total % 60;
  return `${m}:${sec.toString().padStart(2, '0')}`;
}

function renewOffer(s: Snapshot, now: number): PopupView['renew'] {
  if (s.login !== 'signed-in' || !s.account || !s.sessionExpiresAt) return null;
  const endsAt = Date.parse(s.sessionExpiresAt);
  if (Number.isNaN(endsAt) || endsAt - now > DEFAULT_TUNING.sessionWarningMinutes * 60_000) return null;
  return { endsAt, server: s.account.server, username: s.account.username };
}
