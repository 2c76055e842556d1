import type { AudioDeviceKind, AudioPreferences } from './audio-preferences';
import type { CallEndReason, CallView } from './call-state';
import type { IceServer } from './login-contract';
import type { ErrorCode } from './errors';

/** What the worker pushes to the phone engine: everything it needs to register. */
export interface EngineConfig {
  wsUris: string[];
  uri: string;
  authorizationUser: string;
  /** Time-limited SIP credential from the login service (never the agent's password). */
  password: string;
  displayName: string;
  iceServers: IceServer[];
  /** `+sip.instance`: kept across document recreation so a recovery replaces the binding. */
  instanceId: string;
  /** The Contact user part, kept stable for the same reason. */
  contactUser: string;
  registerExpiresSeconds: number;
  /** How often the phone re-registers to catch a silently lost binding. */
  refreshSeconds: number;
  /** A REGISTER without a final answer after this long means the transport is dead. */
  registerDeadlineMs: number;
  /** A WebSocket that has not opened after this long is given up and retried. */
  connectTimeoutMs: number;
  /** Nothing heard from the server for this long: a keep-alive OPTIONS checks the link. */
  keepAliveSeconds: number;
  /** A keep-alive without any answer after this long means the link is dead. */
  keepAliveDeadlineMs: number;
  /** How calls behave; changing these never restarts the user agent. */
  calls: CallPreferences;
  /** The engine shows each call's notification itself (else the worker does); never restarts the user agent. */
  engineNotifies: boolean;
  /** The notification's words in the agent's language (the engine has no chrome.i18n); set with `engineNotifies`. */
  alertWords?: CallAlertWords;
  /** Devices and ringtone, applied live (a device change never re-registers nor drops a call). */
  audio: AudioPreferences;
  /** Open the microphone while a call rings (7 ms faster Answer), or only on Answer (the default: only during calls). */
  micWhileRinging: boolean;
  /** While the softphone is on, keep the worker up with a beat this often (0: let it sleep); see engine-liveness.ts. */
  workerHeartbeatSeconds: number;
}

/** The incoming-call notification's words, for the engine to show it itself. */
export interface CallAlertWords {
  incoming: string;
  waiting: string;
  answer: string;
  holdAndAnswer: string;
  decline: string;
  unknownCaller: string;
  lineTest: string;
}

/** What the worker pushes: the configuration without the SIP password (the engine asks for it). */
export type EngineSettings = Omit<EngineConfig, 'password'>;

export type DtmfTransport = 'rfc4733' | 'info';

export interface CallPreferences {
  /** A second call while in one rings softly (call waiting); off: it gets 486 at once. */
  callWaiting: boolean;
  /** A small window comes to the front when a call rings (for desktops that hide notification buttons). */
  callWindow?: boolean;
  /** RFC 4733 telephone-events in the media (default), or SIP INFO application/dtmf-relay. */
  dtmfTransport: DtmfTransport;
}

export const DEFAULT_CALL_PREFERENCES: CallPreferences = { callWaiting: true, dtmfTransport: 'rfc4733' };

/** At most this many calls at once (one live, one held or waiting); the next gets 486. */
export const MAX_CALLS = 2;

/** What the agent can do to one call: one engine command, one guard (see protocol.ts). */
export type CallOp =
  | { kind: 'answer' }
  | { kind: 'hangup' }
  | { kind: 'mute'; on: boolean }
  | { kind: 'hold'; on: boolean }
  | { kind: 'dtmf'; tones: string }
  | { kind: 'transfer'; target: string };

export const DTMF_TONES = /^[0-9*#]{1,32}$/;
/** A transfer target as typed: a number or a SIP user (checked again in the engine). */
export const MAX_TRANSFER_TARGET = 256;

export type MicStatus = 'granted' | 'denied' | 'prompt' | 'unknown';

export type EngineRegistration = 'unregistered' | 'registering' | 'registered' | 'failed';

/** The engine's view of a call is the agent's: one type everywhere. */
export type EngineCall = CallView;

/** The engine's own view, asked for after a worker restart to resync. */
export interface EngineState {
  /** The authorization user of the pushed config (not secret), or null before any config. */
  configuredFor: string | null;
  enabled: boolean;
  registration: EngineRegistration;
  transportConnected: boolean;
  mic: MicStatus;
  calls: EngineCall[];
  lastRegisteredAt: number | null;
  /** How late this document's timers and the ticker worker's ticks fire (diagnostics). */
  timers: TimerHealth | null;
  /** SIP signalling since the engine started: bytes both ways, keep-alives sent. */
  traffic: { bytesIn: number; bytesOut: number; keepAlives: number };
}

export interface TimerStats {
  ticks: number;
  maxLateMs: number;
  /** Ticks more than 5 s late. */
  lateTicks: number;
}

export interface TimerHealth {
  sinceMs: number;
  hidden: boolean;
  document: TimerStats;
  worker: TimerStats;
}

export interface CallStats {
  bytesSent: number;
  bytesReceived: number;
  packetsSent: number;
  packetsReceived: number;
  packetsLost: number;
  /** The agent's microphone as sent (media-source audioLevel, 0..1; 0 while muted). */
  micLevel: number;
  /** What arrives from the caller (inbound-rtp audioLevel, 0..1). */
  remoteLevel: number;
  /** Cumulative inbound audio energy and duration (RMS over a window = sqrt(dE / dT)). */
  inboundEnergy: number;
  inboundDuration: number;
  roundTripMs: number | null;
  jitterMs: number | null;
  /** The devices this call uses now: the microphone track's label, the output's id ('' = default). */
  microphoneLabel: string;
  speakerId: string;
}

/** Facts the engine reports; the worker turns them into state. */
export type EngineFact =
  | { kind: 'registered'; at: number }
  | { kind: 'unregistered'; at: number }
  | { kind: 'registration-failed'; at: number; error: ErrorCode; cause: string; status: number | null; reason: string | null }
  | { kind: 'transport'; at: number; connected: boolean }
  | { kind: 'mic'; at: number; status: MicStatus }
  /** `engineNotifies`: the engine shows the call's notification itself ('call-notified' follows); else the worker does. */
  | { kind: 'call-incoming'; at: number; call: EngineCall; waiting: boolean; engineNotifies: boolean }
  /** The engine's notification for a call is on screen (`shown`), or could not be shown: the worker shows its own. */
  | { kind: 'call-notified'; at: number; callId: string; shown: boolean }
  | { kind: 'call-ringtone'; at: number; callId: string }
  /** A chosen audio device is missing (unplugged): the default is used instead, the call goes on. */
  | { kind: 'device-fallback'; at: number; device: AudioDeviceKind }
  /** The call changed (phase or flags): the whole call, so the worker never merges. */
  | { kind: 'call-updated'; at: number; call: EngineCall }
  | { kind: 'call-ended'; at: number; callId: string; reason: CallEndReason; cause: string };
