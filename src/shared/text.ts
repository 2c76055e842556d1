/**
 * Words for codes. The engine reports codes (the offscreen document has no
 * chrome.i18n); the worker and the pages turn them into these sentences. One
 * table keeps the notification, the badge tooltip and the popup saying the same.
 */
import type { CallEndReason, CallNotice, CallView, QualityIssue } from './call-state';
import type { AudioDeviceKind } from './audio-preferences';
import type { ErrorCode } from './errors';
import type { RegistrationState } from './registration-state';
import type { RoutingSummary } from './snapshot';

const ERROR_TEXT: Record<ErrorCode, string> = {
  invalid_credentials: 'Wrong username or password.',
  account_locked: 'This account is locked. Contact your administrator.',
  too_many_attempts: 'Too many sign-in attempts.',
  server_unreachable: 'Cannot reach the server. Check the address and your connection.',
  invalid_server_url: 'The server address must start with https:// (http:// only for localhost).',
  login_redirected: 'The server tried to send your sign-in elsewhere. Nothing was sent there; check the server address.',
  bad_response: 'The server sent an answer this extension does not understand.',
  session_expired: 'Your session expired. Sign in again to receive calls.',
  not_signed_in: 'Sign in first.',
  invalid_number: 'Enter the number with its country code, like +1 555 010 1234.',
  forwarding_is_vphone_number: 'That is your vPhone number itself: calls would loop. Enter another phone.',
  forwarding_needs_number: 'Enter a number to forward calls to, or switch forwarding off.',
  routing_unsupported: 'Your provider does not let the extension change routing.',
  not_found: 'That message is no longer there.',
  greeting_too_large: 'The greeting is too long: keep it under a minute.',
  greeting_unsupported: 'The provider cannot play this recording format.',
  line_test_running: 'A line test is already running. Wait for its result.',
  line_test_unavailable: 'Your provider cannot run a line test right now. Try again later.',
  mic_not_granted: 'Microphone access is needed to take calls.',
  mic_denied: 'Microphone access is blocked for this extension.',
  mic_unavailable: 'No microphone was found.',
  sip_transport_error: 'Lost connection to the phone server.',
  sip_auth_failed: 'The phone server refused the credentials.',
  sip_registration_failed: 'The phone server did not accept the registration.',
  engine_unavailable: 'The phone engine is not running.',
  no_such_call: 'That call has already ended.',
  call_failed: 'The call failed.',
  call_busy: 'The call is still changing. Try again in a moment.',
  call_limit: 'You already have two calls. End one first.',
  hold_refused: "The caller's phone refused the hold. The call goes on.",
  invalid_transfer_target: 'Enter a phone number or a user name to transfer to.',
  transfer_refused: 'The transfer did not go through. You are still in the call.',
  dtmf_failed: 'The digits could not be sent.',
  bad_request: 'The request was malformed.',
  internal: 'Something went wrong inside the extension.',
};

export function describeError(code: ErrorCode, retryAfterSeconds?: number | null): string {
  const base = ERROR_TEXT[code];
  if (code === 'too_many_attempts' && retryAfterSeconds != null) {
    return `${base} Try again in ${retryAfterSeconds} s.`;
  }
  return base;
}

const STATE_TEXT: Record<RegistrationState, string> = {
  off: 'Softphone is off. Calls go to your other routes.',
  registering: 'Connecting to the phone server…',
  registered: 'Ready to receive calls',
  recovering: 'Connection lost. Reconnecting…',
  unreachable: 'Cannot receive calls',
  'mic-needed': 'Microphone access needed',
  'session-expired': 'Session expired. Sign in again.',
};

export function describeRegistration(state: RegistrationState): string {
  return STATE_TEXT[state];
}

const END_TEXT: Record<CallEndReason, string> = {
  declined: 'Declined. The call went on to your other routes.',
  missed: 'Missed call.',
  'answered-elsewhere': 'Answered on your forwarding phone.',
  'remote-hangup': 'The caller hung up.',
  'local-hangup': 'Call ended.',
  transferred: 'Transferred.',
  failed: 'The call failed.',
};

export function describeCallEnd(reason: CallEndReason): string {
  return END_TEXT[reason];
}

/** Where a call to the agent's number goes while it cannot ring here (rules R2, R4, R5). */
export function whereCallsGo(routing: RoutingSummary | null, meanwhile = true): string {
  const m = meanwhile ? ' meanwhile' : '';
  if (!routing) return `Calls go to your other routes${m}.`;
  const forwarding = routing.forwardingEnabled && routing.forwardingNumber;
  if (forwarding && routing.voicemailEnabled) return meanwhile ? `Calls ring ${routing.forwardingNumber}, then voicemail, meanwhile.` : `Calls ring ${routing.forwardingNumber}, then voicemail.`;
  if (forwarding) return `Calls ring ${routing.forwardingNumber}${m}.`;
  if (routing.voicemailEnabled) return `Calls go straight to voicemail${m}.`;
  return `Callers cannot reach you${m}.`;
}

/** A caller line for notifications and the popup: "Name (number)", or the number alone. */
/**
 * The incoming-call notification's words and buttons (Answer first: the
 * button index is the action). Shown by the engine, or by the worker when the
 * engine cannot: the same words either way.
 */
export function callNotification(call: Pick<CallView, 'remoteName' | 'remoteNumber' | 'lineTest'>, waiting: boolean) {
  const who = callerOf(call);
  return {
    title: waiting ? 'Call waiting' : 'Incoming call',
    message: callerLabel(who.name, who.number),
    buttons: waiting ? ['Hold & answer', 'Decline'] : ['Answer', 'Decline'],
    requireInteraction: true,
    priority: 2 as const,
  };
}

const DEVICE_NAMES: Record<AudioDeviceKind, string> = { microphone: 'microphone', speaker: 'speaker', ringer: 'ringer output' };

/** A chosen device is missing: what the agent is told (the call, if any, goes on). */
export function describeDeviceFallback(kind: AudioDeviceKind): { title: string; message: string } {
  const name = DEVICE_NAMES[kind];
  return { title: `Your ${name} is not connected`, message: `Using the default ${name} instead. Calls go on; choose another in the extension's options.` };
}

/** The provider's "Test my line" call is shown as such, whatever its caller data says. */
export const LINE_TEST_CALLER = 'Line test';

/** Who a call is from, as shown (a line test by its name alone). */
export function callerOf(call: Pick<CallView, 'remoteName' | 'remoteNumber' | 'lineTest'>): { name: string; number: string } {
  return call.lineTest ? { name: LINE_TEST_CALLER, number: '' } : { name: call.remoteName, number: call.remoteNumber };
}

export function callerLabel(name: string, number: string): string {
  const n = name.trim();
  if (n === '' || n === number) return number || 'Unknown caller';
  return number ? `${n} (${number})` : n;
}

const NOTICE_TEXT: Record<CallNotice, string> = {
  'hold-refused': "The caller's phone refused the hold. The call goes on, not on hold.",
  'resume-refused': "The caller's phone refused to resume. The call is still on hold.",
  'hold-busy': 'The call was still changing. Try again in a moment.',
  'transfer-refused': 'The transfer did not go through. You are still in the call.',
  'dtmf-failed': 'The digits could not be sent.',
};

export function describeCallNotice(notice: CallNotice): string {
  return NOTICE_TEXT[notice];
}

const QUALITY_TEXT: Record<QualityIssue, string> = {
  latency: 'Long delay on the line: you may talk over each other.',
  jitter: 'The audio is uneven: words may sound choppy.',
  loss: 'Audio is breaking up: parts of words are lost.',
};

/** One sentence per quality issue, in an agent's words; null when the line is good. */
export function describeQuality(issues: QualityIssue[]): string | null {
  return issues.length === 0 ? null : issues.map((i) => QUALITY_TEXT[i]).join(' ');
}

/** What a call is doing right now, in one line. */
export function describeCallStatus(call: Pick<CallView, 'phase' | 'held' | 'remoteHeld' | 'muted' | 'transfer'>): string {
  if (call.phase === 'ringing') return 'Incoming call';
  if (call.phase === 'answering') return 'Connecting…';
  if (call.phase === 'ended') return 'Call ended';
  if (call.transfer) return `Transferring to ${call.transfer.target}…`;
  if (call.held && call.remoteHeld) return 'On hold (both sides)';
  if (call.held) return 'On hold';
  if (call.remoteHeld) return 'On hold by the caller';
  return call.muted ? 'On a call, muted' : 'On a call';
}
