import { IllegalTransitionError } from './errors';

/**
 * Whether a call to the agent's vPhone number would ring here: the state the agent
 * sees. The service worker owns it; the offscreen engine only reports facts that
 * become events here.
 *
 * ```
 *  off ──enable──▶ registering ──registered──▶ registered ──lost / failed──▶ recovering
 *   ▲                │    ▲                       ▲  (refresh ok loops)         │
 *   │          failed│    │enable                 └──────── registered ─────────┤
 *   │                ▼    │                                                     │ failed
 *   │              unreachable ◀─────────────────────────────────────────────────┘
 *   │                (keeps retrying; registered ──▶ registered)
 *   │
 *   │   any live state ──mic-missing──▶ mic-needed ──mic-granted──▶ registering
 *   │   any state ──expired──▶ session-expired;  off ──registered (a resync adopts a registered engine)──▶ registered
 *   └── disable (from any state)
 * ```
 *
 * `mic-needed` means the microphone was never granted or was revoked: the engine
 * cannot answer a call, so the phone does not stay registered (a phone that rings
 * but cannot answer would steal calls from the forwarding number and voicemail).
 */
export const REGISTRATION_STATES = [
  'off',
  'registering',
  'registered',
  'recovering',
  'unreachable',
  'mic-needed',
  'session-expired',
] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

export function isRegistrationState(v: unknown): v is RegistrationState {
  return typeof v === 'string' && (REGISTRATION_STATES as readonly string[]).includes(v);
}

export type RegistrationEvent =
  | 'enable'
  | 'disable'
  | 'registered'
  | 'lost'
  | 'failed'
  | 'mic-missing'
  | 'mic-granted'
  | 'expired';

type Table = Record<RegistrationState, Partial<Record<RegistrationEvent, RegistrationState>>>;

const TABLE: Table = {
  // From off: a resync adopts an engine that is already registered, and the
  // login can expire with the softphone off; neither passes through registering.
  off: { enable: 'registering', disable: 'off', registered: 'registered', expired: 'session-expired' },
  registering: {
    enable: 'registering',
    disable: 'off',
    registered: 'registered',
    lost: 'registering',
    failed: 'unreachable',
    'mic-missing': 'mic-needed',
    'mic-granted': 'registering',
    expired: 'session-expired',
  },
  registered: {
    enable: 'registered',
    disable: 'off',
    registered: 'registered',
    lost: 'recovering',
    failed: 'recovering',
    'mic-missing': 'mic-needed',
    'mic-granted': 'registered',
    expired: 'session-expired',
  },
  recovering: {
    enable: 'recovering',
    disable: 'off',
    registered: 'registered',
    lost: 'recovering',
    failed: 'unreachable',
    'mic-missing': 'mic-needed',
    'mic-granted': 'recovering',
    expired: 'session-expired',
  },
  unreachable: {
    enable: 'registering',
    disable: 'off',
    registered: 'registered',
    lost: 'unreachable',
    failed: 'unreachable',
    'mic-missing': 'mic-needed',
    'mic-granted': 'unreachable',
    expired: 'session-expired',
  },
  'mic-needed': {
    enable: 'mic-needed',
    disable: 'off',
    'mic-missing': 'mic-needed',
    'mic-granted': 'registering',
    // A registration that was already in flight may still complete; the
    // supervisor unregisters it right away, so we stay here.
    registered: 'mic-needed',
    lost: 'mic-needed',
    failed: 'mic-needed',
    expired: 'session-expired',
  },
  'session-expired': {
    disable: 'off',
    enable: 'session-expired',
    expired: 'session-expired',
    lost: 'session-expired',
    failed: 'session-expired',
    registered: 'session-expired',
    'mic-missing': 'session-expired',
    'mic-granted': 'session-expired',
  },
};

/** The one transition function. Throws on a move the table does not allow. */
export function nextRegistrationState(state: RegistrationState, event: RegistrationEvent): RegistrationState {
  const next = TABLE[state][event];
  if (next === undefined) throw new IllegalTransitionError('registration', state, event);
  return next;
}

/** True when a call to the agent's number would ring in this browser. */
export function canReceiveCalls(state: RegistrationState): boolean {
  return state === 'registered';
}
