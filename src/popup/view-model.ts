/**
 * What the popup shows, computed from the worker's snapshot. Pure: the
 * components only lay this out, and the tests check it without a DOM.
 */
import { hasLiveCall, liveCalls, ringingCall, type CallView, type Snapshot } from '../shared/snapshot';
import { DEFAULT_TUNING } from '../shared/tuning';
import { diagnose, type Diagnosis } from '../shared/line-test';
import type { VoicemailMessage } from '../shared/voicemail';
import { callerLabel, callerOf, describeCallEnd, describeCallNotice, describeCallStatus, describeError, describeQuality, whereCallsGo } from '../shared/text';
import { formatAge, reachability, type Tone } from '../shared/reachability';
import { t } from '../shared/i18n';

export type { Tone };

export interface StatusLine {
  text: string;
  detail: string | null;
  tone: Tone;
  /** The one action that can fix it, if any. */
  action: string | null;
}

/** A ringing call: "Incoming call", or "Call waiting" while the agent is in another call. */
export interface RingingPanel {
  kind: 'ringing';
  id: string;
  /** A second call while the agent is in one. */
  waiting: boolean;
  /** The region's accessible name: "Incoming call" or "Call waiting". */
  region: string;
  /** The answer button's name: "Answer", or "Hold & answer" (the current call goes on hold first). */
  answerLabel: string;
  caller: string;
  name: string;
  number: string;
}

/** An answered call with its controls. */
export interface InCallPanel {
  kind: 'in-call';
  id: string;
  /** The call the agent talks in (else the other one, on hold). */
  current: boolean;
  /** The region's accessible name: "Call in progress", or "Call on hold" for the other one. */
  region: string;
  caller: string;
  name: string;
  number: string;
  status: string;
  answeredAt: number | null;
  /** Controls work once the call is connected (not while answering or transferring). */
  controls: boolean;
  muted: boolean;
  held: boolean;
  notice: string | null;
  quality: string | null;
}

export type CallPanel = RingingPanel | InCallPanel;

export interface PopupView {
  screen: 'sign-in' | 'phone';
  signIn: {
    server: string;
    username: string;
    error: string | null;
    busy: boolean;
    expired: string | null;
    /** After a 429: seconds left before this server and user may sign in again. */
    wait: { seconds: number; server: string; username: string } | null;
  };
  account: { name: string; number: string; login: string } | null;
  status: StatusLine;
  softphone: { checked: boolean; disabled: boolean };
  /** The ringing call first (it needs attention), then the current call, then the held one. */
  calls: CallPanel[];
  lastCall: string | null;
  /** Where calls to the vPhone number go, at a glance (R2, R4, R5), and a warning when nothing rings. */
  routing: { lines: string[]; warning: string | null } | null;
  /** Shown ahead of expiry: re-enter the password to stay signed in. */
  renew: { endsAt: number; server: string; username: string } | null;
  /** Voicemail messages, newest first; null when the provider has no voicemail API. */
  voicemail: VoicemailMessage[] | null;
  /** "Test my line": offered when the provider API is there; the last test's diagnosis. */
  lineTest: { offered: boolean; running: boolean; diagnosis: Diagnosis | null };
}

/**
 * The status line, from the same derivation as the badge and the notification
 * (src/shared/reachability.ts): the headline, then why, for how long and where
 * calls go meanwhile, and the one action that can fix it.
 */
export function statusLine(s: Snapshot, now: number = Date.now()): StatusLine {
  const r = reachability(s, now);
  const parts: string[] = [];
  if (r.reason) parts.push(r.reason);
  if (r.since !== null && (r.kind === 'down' || r.kind === 'reconnecting' || r.kind === 'mic' || r.action !== null)) parts.push(t('forDuration', formatAge(now - r.since)));
  if (r.meanwhile && (r.kind !== 'connecting' || r.action !== null)) parts.push(r.meanwhile);
  return { text: r.headline, detail: parts.length ? parts.join(' ') : null, tone: r.tone, action: r.action };
}

export function popupView(s: Snapshot, defaultServer: string, now: number = Date.now()): PopupView {
  // After a 429, Sign in waits, counting down; once the wait is over the error has nothing to add.
  const waitSeconds = s.retry && s.retry.at > now ? Math.ceil((s.retry.at - now) / 1000) : null;
  const signIn = {
    server: s.lastLogin?.server ?? defaultServer,
    username: s.lastLogin?.username ?? '',
    // An expired session is said once, by `expired` below, not also as an error.
    error: s.loginError && s.loginError !== 'session_expired' ? describeError(s.loginError, waitSeconds) : null,
    wait: s.retry && waitSeconds !== null ? { seconds: waitSeconds, server: s.retry.server, username: s.retry.username } : null,
    busy: s.login === 'signing-in',
    expired:
      s.registration === 'session-expired' || s.loginError === 'session_expired'
        ? `${t('error_session_expired')} ${whereCallsGo(s.routing)}`
        : null,
  };
  const account =
    s.account && s.login === 'signed-in'
      ? { name: s.account.name, number: s.account.vPhoneNumber, login: `${s.account.username} · ${new URL(s.account.server).host}` }
      : null;

  const calls = callPanels(s);

  return {
    screen: account ? 'phone' : 'sign-in',
    signIn,
    account,
    status: statusLine(s, now),
    softphone: { checked: s.softphoneEnabled, disabled: s.login !== 'signed-in' },
    calls,
    routing: routingSummary(s),
    voicemail: s.voicemail.supported ? s.voicemail.messages : null,
    lineTest: lineTestView(s),
    renew: renewOffer(s, now),
    lastCall: s.lastCall?.endReason && !s.lastCall.lineTest ? t('lastCall', callerLabel(callerOf(s.lastCall).name, callerOf(s.lastCall).number), describeCallEnd(s.lastCall.endReason)) : null,
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

function ringingPanel(call: CallView, waiting: boolean): RingingPanel {
  return {
    kind: 'ringing',
    id: call.id,
    waiting,
    region: t(waiting ? 'callWaiting' : 'incomingCall'),
    answerLabel: t(waiting ? 'holdAndAnswer' : 'answer'),
    caller: callerLabel(callerOf(call).name, callerOf(call).number),
    ...callerOf(call),
  };
}

function inCallPanel(call: CallView, current: boolean): InCallPanel {
  return {
    kind: 'in-call',
    id: call.id,
    current,
    region: t(current ? 'callInProgress' : 'callOnHold'),
    caller: callerLabel(callerOf(call).name, callerOf(call).number),
    ...callerOf(call),
    status: describeCallStatus(call),
    answeredAt: call.answeredAt,
    controls: call.phase === 'active' && call.transfer === null,
    muted: call.muted,
    held: call.held,
    notice: call.notice ? describeCallNotice(call.notice) : null,
    quality: describeQuality(call.quality),
  };
}

/** The calls as panels: which one is "in progress" and which "on hold" is decided here only. */
export function callPanels(s: Pick<Snapshot, 'calls'>): CallPanel[] {
  const panels: CallPanel[] = [];
  const ringing = ringingCall(s);
  if (ringing) panels.push(ringingPanel(ringing, hasLiveCall(s)));
  const live = liveCalls(s);
  // The current call: the one not on hold, else the most recently answered.
  const current = live.find((c) => !c.held) ?? [...live].sort((a, b) => (b.answeredAt ?? b.startedAt) - (a.answeredAt ?? a.startedAt))[0];
  if (current) panels.push(inCallPanel(current, true));
  for (const other of live) if (other !== current) panels.push(inCallPanel(other, false));
  return panels;
}

/** The line test's button and diagnosis (the forwarding phone named as the routing names it). */
export function lineTestView(s: Snapshot): PopupView['lineTest'] {
  const forwarding = s.routing?.forwardingEnabled ? s.routing.forwardingNumber : null;
  return {
    offered: s.routingEditable,
    running: s.lineTest?.phase === 'running',
    diagnosis: s.lineTest ? diagnose(s.lineTest, forwarding) : null,
  };
}

/** The routing at a glance, from the provider's last answer. */
export function routingSummary(s: Snapshot): PopupView['routing'] {
  const r = s.routing;
  if (!r || s.login !== 'signed-in') return null;
  const forwarding = r.forwardingEnabled && r.forwardingNumber !== null;
  const lines = [
    forwarding ? t('routingAlsoRings', r.forwardingNumber ?? '') : t('routingNoForwarding'),
    r.voicemailEnabled ? t('routingVoicemailAfter', r.ringTimeoutSeconds) : t('routingVoicemailOff'),
  ];
  // With the softphone off and no forwarding, nothing rings anywhere (R5).
  const warning = !s.softphoneEnabled && !forwarding ? t(r.voicemailEnabled ? 'route_voicemail' : 'routingNothingRings') : null;
  return { lines, warning };
}
