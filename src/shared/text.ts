/**
 * Words for codes. The engine reports codes (the offscreen document has no
 * chrome.i18n); the worker and the pages turn them into these sentences, each
 * from `_locales` through `t()`. One table keeps the notification, the badge
 * tooltip and the popup saying the same.
 */
import type { CallEndReason, CallNotice, CallView, QualityIssue } from './call-state';
import type { AudioDeviceKind } from './audio-preferences';
import type { ErrorCode } from './errors';
import type { RegistrationState } from './registration-state';
import type { RoutingSummary } from './snapshot';
import type { CallAlertWords } from './engine-types';
import type { RecentOutcome } from './recent-calls';
import { t, type MessageKey } from './i18n';

export function describeError(code: ErrorCode, retryAfterSeconds?: number | null): string {
  const base = t(`error_${code}`);
  if (code === 'too_many_attempts' && retryAfterSeconds != null) return `${base} ${t('tryAgainIn', retryAfterSeconds)}`;
  return base;
}

const STATE_TEXT: Record<RegistrationState, MessageKey> = {
  off: 'state_off',
  registering: 'state_registering',
  registered: 'state_registered',
  recovering: 'state_recovering',
  unreachable: 'state_unreachable',
  'mic-needed': 'state_mic_needed',
  'session-expired': 'state_session_expired',
};

export function describeRegistration(state: RegistrationState): string {
  return t(STATE_TEXT[state]);
}

const END_TEXT: Record<CallEndReason, MessageKey> = {
  declined: 'end_declined',
  missed: 'end_missed',
  'answered-elsewhere': 'end_answered_elsewhere',
  'remote-hangup': 'end_remote_hangup',
  'local-hangup': 'end_local_hangup',
  transferred: 'end_transferred',
  failed: 'end_failed',
};

export function describeCallEnd(reason: CallEndReason): string {
  return t(END_TEXT[reason]);
}

const OUTCOME_TEXT: Record<RecentOutcome, MessageKey> = {
  Missed: 'outcome_missed',
  Answered: 'outcome_answered',
  Declined: 'outcome_declined',
  'Answered elsewhere': 'outcome_answered_elsewhere',
};

/** A recent call's outcome (stored as a code) in the agent's language. */
export function describeOutcome(outcome: RecentOutcome): string {
  return t(OUTCOME_TEXT[outcome]);
}

/** Where a call to the agent's number goes while it cannot ring here (rules R2, R4, R5). */
export function whereCallsGo(routing: RoutingSummary | null, meanwhile = true): string {
  const forwarding = routing && routing.forwardingEnabled && routing.forwardingNumber;
  if (!routing) return t(meanwhile ? 'route_other_meanwhile' : 'route_other');
  if (forwarding && routing.voicemailEnabled) return t(meanwhile ? 'route_forwarding_voicemail_meanwhile' : 'route_forwarding_voicemail', forwarding);
  if (forwarding) return t(meanwhile ? 'route_forwarding_meanwhile' : 'route_forwarding', forwarding);
  if (routing.voicemailEnabled) return t(meanwhile ? 'route_voicemail_meanwhile' : 'route_voicemail');
  return t(meanwhile ? 'route_nowhere_meanwhile' : 'route_nowhere');
}

/** The words the engine needs for the call notification it may show itself (it has no chrome.i18n). */
export function callAlertWords(): CallAlertWords {
  return {
    incoming: t('incomingCall'),
    waiting: t('callWaiting'),
    answer: t('answer'),
    holdAndAnswer: t('holdAndAnswer'),
    decline: t('decline'),
    unknownCaller: t('unknownCaller'),
    lineTest: t('lineTestCaller'),
  };
}

/**
 * The incoming-call notification's words and buttons (Answer first: the
 * button index is the action). Shown by the worker, or by the engine from the
 * words it was given: the same words either way (`words` is required: the
 * engine has no chrome.i18n to fall back on).
 */
export function callNotification(call: Pick<CallView, 'remoteName' | 'remoteNumber' | 'lineTest'>, waiting: boolean, words: CallAlertWords) {
  const who = call.lineTest ? { name: words.lineTest, number: '' } : { name: call.remoteName, number: call.remoteNumber };
  return {
    title: waiting ? words.waiting : words.incoming,
    message: labelOf(who.name, who.number, words.unknownCaller),
    buttons: waiting ? [words.holdAndAnswer, words.decline] : [words.answer, words.decline],
    requireInteraction: true,
    priority: 2 as const,
  };
}

const DEVICE_FALLBACK: Record<AudioDeviceKind, { title: MessageKey; message: MessageKey }> = {
  microphone: { title: 'deviceMissingMicrophone', message: 'deviceFallbackMicrophone' },
  speaker: { title: 'deviceMissingSpeaker', message: 'deviceFallbackSpeaker' },
  ringer: { title: 'deviceMissingRinger', message: 'deviceFallbackRinger' },
};

/** A chosen device is missing: what the agent is told (the call, if any, goes on). */
export function describeDeviceFallback(kind: AudioDeviceKind): { title: string; message: string } {
  return { title: t(DEVICE_FALLBACK[kind].title), message: t(DEVICE_FALLBACK[kind].message) };
}

/** Who a call is from, as shown (a line test by its name alone: "Line test"). */
export function callerOf(call: Pick<CallView, 'remoteName' | 'remoteNumber' | 'lineTest'>): { name: string; number: string } {
  return call.lineTest ? { name: t('lineTestCaller'), number: '' } : { name: call.remoteName, number: call.remoteNumber };
}

function labelOf(name: string, number: string, unknown: string): string {
  const n = name.trim();
  if (n === '' || n === number) return number || unknown;
  return number ? `${n} (${number})` : n;
}

/** A caller line for notifications and the popup: "Name (number)", or the number alone. */
export function callerLabel(name: string, number: string): string {
  return labelOf(name, number, t('unknownCaller'));
}

const NOTICE_TEXT: Record<CallNotice, MessageKey> = {
  'hold-refused': 'notice_hold_refused',
  'resume-refused': 'notice_resume_refused',
  'hold-busy': 'notice_hold_busy',
  'transfer-refused': 'notice_transfer_refused',
  'dtmf-failed': 'notice_dtmf_failed',
};

export function describeCallNotice(notice: CallNotice): string {
  return t(NOTICE_TEXT[notice]);
}

const QUALITY_TEXT: Record<QualityIssue, MessageKey> = {
  latency: 'quality_latency',
  jitter: 'quality_jitter',
  loss: 'quality_loss',
};

/** One sentence per quality issue, in an agent's words; null when the line is good. */
export function describeQuality(issues: QualityIssue[]): string | null {
  return issues.length === 0 ? null : issues.map((i) => t(QUALITY_TEXT[i])).join(' ');
}

/** What a call is doing right now, in one line. */
export function describeCallStatus(call: Pick<CallView, 'phase' | 'held' | 'remoteHeld' | 'muted' | 'transfer'>): string {
  if (call.phase === 'ringing') return t('incomingCall');
  if (call.phase === 'answering') return t('callConnecting');
  if (call.phase === 'ended') return t('callEnded');
  if (call.transfer) return t('callTransferring', call.transfer.target);
  if (call.held && call.remoteHeld) return t('callHeldBoth');
  if (call.held) return t('callHeld');
  if (call.remoteHeld) return t('callHeldByCaller');
  return t(call.muted ? 'callActiveMuted' : 'callActive');
}

/** "1 min 5 s", "40 s": how long something has lasted. */
export function formatAge(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  if (total < 60) return t('ageSeconds', total);
  const m = Math.floor(total / 60);
  const sec = total % 60;
  return sec === 0 ? t('ageMinutes', m) : t('ageMinutesSeconds', m, sec);
}
