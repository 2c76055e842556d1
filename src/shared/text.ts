/**
 * Words for codes. The engine reports codes (the offscreen document has no
 * chrome.i18n); the worker and the pages turn them into these sentences. One
 * table keeps the notification, the badge tooltip and the popup saying the same.
 */
import type { CallEndReason } from './call-state';
import type { ErrorCode } from './errors';
import type { RegistrationState } from './registration-state';
import type { RoutingSummary } from './snapshot';

const ERROR_TEXT: Record<ErrorCode, string> = {
  invalid_credentials: 'Wrong username or password.',
  account_locked: 'This account is locked. Contact your administrator.',
  too_many_attempts: 'Too many sign-in attempts.',
  server_unreachable: 'Cannot reach the server. Check the address and your connection.',
  invalid_server_url: 'The server address must start with https:// (http:// only for localhost).',
  bad_response: 'The server sent an answer this extension does not understand.',
  session_expired: 'Your session expired. Sign in again to receive calls.',
  not_signed_in: 'Sign in first.',
  mic_not_granted: 'Microphone access is needed to take calls.',
  mic_denied: 'Microphone access is blocked for this extension.',
  mic_unavailable: 'No microphone was found.',
  sip_transport_error: 'Lost connection to the phone server.',
  sip_auth_failed: 'The phone server refused the credentials.',
  sip_registration_failed: 'The phone server did not accept the registration.',
  engine_unavailable: 'The phone engine is not running.',
  no_such_call: 'That call has already ended.',
  call_failed: 'The call failed.',
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
  failed: 'The call failed.',
};

export function describeCallEnd(reason: CallEndReason): string {
  return END_TEXT[reason];
}

/** Where a call to the agent's number goes while it cannot ring here (rules R2, R4, R5). */
export function whereCallsGo(routing: RoutingSummary | null): string {
  if (!routing) return 'Calls go to your other routes meanwhile.';
  const forwarding = routing.forwardingEnabled && routing.forwardingNumber;
  if (forwarding && routing.voicemailEnabled) return `Calls ring ${routing.forwardingNumber}, then voicemail, meanwhile.`;
  if (forwarding) return `Calls ring ${routing.forwardingNumber} meanwhile.`;
  if (routing.voicemailEnabled) return 'Calls go straight to voicemail meanwhile.';
  return 'Callers cannot reach you meanwhile.';
}

/** A caller line for notifications and the popup: "Name (number)", or the number alone. */
export function callerLabel(name: string, number: string): string {
  const n = name.trim();
  if (n === '' || n === number) return number || 'Unknown caller';
  return number ? `${n} (${number})` : n;
}
