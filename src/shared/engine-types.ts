import type { CallPhase } from './call-state';
import type { CallEndReason } from './call-state';
import type { ErrorCode } from './errors';

/** What the worker pushes to the phone engine: everything it needs to register. */
export interface EngineConfig {
  wsUris: string[];
  uri: string;
  authorizationUser: string;
  /** Time-limited SIP credential from the login service (never the agent's password). */
  password: string;
  displayName: string;
  iceServers: RTCIceServer[];
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
}

export type MicStatus = 'granted' | 'denied' | 'prompt' | 'unknown';

export type EngineRegistration = 'unregistered' | 'registering' | 'registered' | 'failed';

export interface EngineCall {
  id: string;
  phase: CallPhase;
  remoteName: string;
  remoteNumber: string;
  startedAt: number;
  answeredAt: number | null;
}

/** The engine's own view, asked for after a worker restart to resync. */
export interface EngineState {
  /** The authorization user of the pushed config (not secret), or null before any config. */
  configuredFor: string | null;
  enabled: boolean;
  registration: EngineRegistration;
  transportConnected: boolean;
  mic: MicStatus;
  call: EngineCall | null;
  lastRegisteredAt: number | null;
  /** How late this document's timers and the ticker worker's ticks fire (diagnostics). */
  timers: TimerHealth | null;
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
}

/** Facts the engine reports; the worker turns them into state. */
export type EngineFact =
  | { kind: 'registered'; at: number }
  | { kind: 'unregistered'; at: number }
  | { kind: 'registration-failed'; at: number; error: ErrorCode; cause: string; status: number | null; reason: string | null }
  | { kind: 'transport'; at: number; connected: boolean }
  | { kind: 'mic'; at: number; status: MicStatus }
  | { kind: 'call-incoming'; at: number; call: EngineCall }
  | { kind: 'call-ringtone'; at: number; callId: string }
  | { kind: 'call-phase'; at: number; callId: string; phase: CallPhase }
  | { kind: 'call-ended'; at: number; callId: string; reason: CallEndReason; cause: string };
