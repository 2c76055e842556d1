/**
 * The one message protocol shared by every context.
 *
 * Every message names its `target` context and a `type`; each target has a map
 * from request type to payload and response. Contexts ignore messages for other
 * targets (runtime messages are broadcast to every extension page, the offscreen
 * document included), and each receiver validates the shape and the sender at
 * its boundary before acting.
 */
import { DTMF_TONES, MAX_TRANSFER_TARGET, type CallOp, type CallPreferences, type CallStats, type EngineFact, type EngineSettings, type EngineState } from './engine-types';
import type { ErrorCode, Result } from './errors';
import type { RecentCall } from './recent-calls';
import { isMessageId } from './voicemail';
import { isAudioPreferences, type AudioPreferences } from './audio-preferences';
import type { RoutingDraft } from './routing-contract';
import type { Snapshot } from './snapshot';
import type { TimelineEntry } from './timeline-types';

export type Target = 'background' | 'offscreen' | 'ui';

export type AudioResult = { ok: true; contentType: string; data: string } | { ok: false; error: ErrorCode };

/** Requests the service worker answers (from pages, notifications and the engine). */
export interface BackgroundApi {
  'get-snapshot': { req: Record<string, never>; res: Snapshot };
  login: { req: { server: string; username: string; password: string }; res: Result };
  logout: { req: Record<string, never>; res: Result };
  'set-softphone': { req: { enabled: boolean }; res: Result };
  /** Everything the agent does to a call (answer, decline/hang up, mute, hold, digits, transfer). */
  'call-op': { req: { callId: string; op: CallOp }; res: Result };
  /** The options page's call settings (call waiting, DTMF transport). */
  'set-call-preferences': { req: { preferences: CallPreferences }; res: Result };
  'get-call-preferences': { req: Record<string, never>; res: CallPreferences };
  /** The options page's audio settings (devices, ringtone, volume): applied live. */
  'set-audio-preferences': { req: { preferences: AudioPreferences }; res: Result };
  'get-audio-preferences': { req: Record<string, never>; res: AudioPreferences };
  /** The permission page says the microphone was granted (or refused). */
  'mic-result': { req: { granted: boolean }; res: Result };
  /** "Reconnect now" / "Allow microphone": the one action that can fix the connection. */
  'fix-connection': { req: Record<string, never>; res: Result };
  /** Audio counters and levels of one call (the in-call meter, diagnostics, tests). */
  'get-call-stats': { req: { callId: string }; res: CallStats | null };
  /** The engine's own state (diagnostics), or null when no phone engine runs. */
  'get-engine-state': { req: Record<string, never>; res: EngineState | null };
  /** The connection timeline, oldest first (options page, support export). */
  'get-timeline': { req: Record<string, never>; res: TimelineEntry[] };
  /** Call events (rang, notified, ended), oldest first: kept apart from the connection timeline. */
  'get-call-log': { req: Record<string, never>; res: TimelineEntry[] };
  /** Re-read the routing from the provider (a page opened). */
  'refresh-routing': { req: Record<string, never>; res: Result };
  /** Change the routing; a refusal names the field it belongs to. */
  'save-routing': { req: { routing: RoutingDraft }; res: Result & { field?: 'forwardingNumber' } };
  /** Re-read the voicemail list (a page opened). */
  'refresh-voicemail': { req: Record<string, never>; res: Result };
  /** One message's audio, as base64 (the token stays in the worker). */
  'voicemail-audio': { req: { id: string }; res: AudioResult };
  'voicemail-heard': { req: { id: string }; res: Result };
  /** The greeting callers hear now. */
  'greeting-audio': { req: Record<string, never>; res: AudioResult };
  /** A recorded greeting (base64), or null: back to the default. */
  'set-greeting': { req: { recording: { contentType: string; data: string } | null }; res: Result };
  /** "Test my line": the result comes in the snapshot's `lineTest`. */
  'start-line-test': { req: Record<string, never>; res: Result };
  /** The engine asks for the SIP credential (never pushed: a push would reach every page). */
  'get-sip-credential': { req: Record<string, never>; res: { authorizationUser: string; password: string } | null };
  /** The agent's recent calls, oldest first (the popup shows the newest first). */
  'get-recent-calls': { req: Record<string, never>; res: RecentCall[] };
  /** The popup opened: the agent has seen the missed calls. */
  'missed-seen': { req: Record<string, never>; res: Result };
  /** A fact from the phone engine. */
  'engine-fact': { req: { fact: EngineFact }; res: Result };
}

/** Commands the offscreen phone engine executes for the worker. */
export interface OffscreenApi {
  /** Everything but the SIP password, which the engine asks for itself ('get-sip-credential'). */
  'engine-configure': { req: { config: EngineSettings }; res: Result };
  'engine-enable': { req: Record<string, never>; res: Result };
  'engine-disable': { req: Record<string, never>; res: Result };
  /** One command for a call; hangup is 486 Busy Here while it rings, BYE once answered. */
  'engine-call': { req: { callId: string; op: CallOp }; res: Result };
  'engine-state': { req: Record<string, never>; res: EngineState };
  'engine-recover': { req: Record<string, never>; res: Result };
  'engine-stats': { req: { callId: string }; res: CallStats | null };
}

/** Pushes to the pages (no response expected). */
export interface UiApi {
  snapshot: { req: { snapshot: Snapshot }; res: void };
}

interface Apis {
  background: BackgroundApi;
  offscreen: OffscreenApi;
  ui: UiApi;
}

export type ApiOf<T extends Target> = Apis[T];
export type TypeOf<T extends Target> = keyof Apis[T] & string;

type ReqPart<T extends Target, K extends TypeOf<T>> = ApiOf<T>[K] extends { req: infer R } ? R : never;
export type ResponseOf<T extends Target, K extends TypeOf<T>> = ApiOf<T>[K] extends { res: infer R } ? R : never;

export type Message<T extends Target, K extends TypeOf<T> = TypeOf<T>> = K extends TypeOf<T>
  ? { target: T; type: K } & ReqPart<T, K>
  : never;

export type BackgroundMessage = Message<'background'>;
export type OffscreenMessage = Message<'offscreen'>;
export type UiMessage = Message<'ui'>;

export function message<T extends Target, K extends TypeOf<T>>(
  target: T,
  type: K,
  payload: ReqPart<T, K>,
): Message<T, K> {
  return { target, type, ...(payload as object) } as Message<T, K>;
}

// ---------------------------------------------------------------------------
// Guards. Payload checks are shallow on purpose: they reject what could make a
// handler misbehave (wrong types, missing ids), and nothing more.

type Check = (m: Record<string, unknown>) => boolean;

const str = (v: unknown) => typeof v === 'string';
// Our own call ids are UUIDs; anything longer is not one of ours.
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 64;
const bool = (v: unknown) => typeof v === 'boolean';
const none: Check = () => true;
const callId: Check = (m) => nonEmpty(m.callId);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** The one guard for what can be done to a call. */
export function isCallOp(v: unknown): v is CallOp {
  if (!isObject(v)) return false;
  switch (v.kind) {
    case 'answer':
    case 'hangup':
      return true;
    case 'mute':
    case 'hold':
      return bool(v.on);
    case 'dtmf':
      return typeof v.tones === 'string' && DTMF_TONES.test(v.tones);
    case 'transfer':
      return typeof v.target === 'string' && v.target.trim().length > 0 && v.target.length <= MAX_TRANSFER_TARGET;
    default:
      return false;
  }
}

const isCallPreferences = (v: unknown): v is CallPreferences =>
  isObject(v) && bool(v.callWaiting) && (v.dtmfTransport === 'rfc4733' || v.dtmfTransport === 'info') && (v.callWindow === undefined || bool(v.callWindow));
const callOp: Check = (m) => callId(m) && isCallOp(m.op);

const backgroundChecks: Record<TypeOf<'background'>, Check> = {
  'get-snapshot': none,
  login: (m) => str(m.server) && str(m.username) && str(m.password),
  logout: none,
  'set-softphone': (m) => bool(m.enabled),
  'call-op': callOp,
  'set-call-preferences': (m) => isCallPreferences(m.preferences),
  'get-call-preferences': none,
  'set-audio-preferences': (m) => isAudioPreferences(m.preferences),
  'get-audio-preferences': none,
  'mic-result': (m) => bool(m.granted),
  'fix-connection': none,
  'get-call-stats': callId,
  'get-timeline': none,
  'get-call-log': none,
  'missed-seen': none,
  'get-recent-calls': none,
  'refresh-routing': none,
  'save-routing': (m) =>
    isObject(m.routing) &&
    (m.routing.forwardingNumber === null || (typeof m.routing.forwardingNumber === 'string' && m.routing.forwardingNumber.length <= 64)) &&
    bool(m.routing.forwardingEnabled) &&
    bool(m.routing.voicemailEnabled),
  'get-sip-credential': none,
  'get-engine-state': none,
  'refresh-voicemail': none,
  'voicemail-audio': (m) => isMessageId(m.id),
  'voicemail-heard': (m) => isMessageId(m.id),
  'greeting-audio': none,
  // A greeting is at most 2 MB (base64: 4/3 of that); the worker checks the decoded size again.
  'set-greeting': (m) =>
    m.recording === null ||
    (isObject(m.recording) && typeof m.recording.contentType === 'string' && /^audio\/[a-z0-9.+-]+(;[ a-z0-9=.,-]*)?$/i.test(m.recording.contentType) && typeof m.recording.data === 'string' && m.recording.data.length <= 2_800_000),
  'start-line-test': none,
  // Shallow here; the worker's router checks every field (src/shared/schemas.ts),
  // so that valibot is bundled only where facts arrive.
  'engine-fact': (m) => isObject(m.fact) && str(m.fact.kind) && typeof m.fact.at === 'number',
};

const offscreenChecks: Record<TypeOf<'offscreen'>, Check> = {
  'engine-configure': (m) => isObject(m.config) && Array.isArray(m.config.wsUris) && str(m.config.uri),
  'engine-enable': none,
  'engine-disable': none,
  'engine-call': callOp,
  'engine-state': none,
  'engine-recover': none,
  'engine-stats': callId,
};

const uiChecks: Record<TypeOf<'ui'>, Check> = {
  snapshot: (m) => isObject(m.snapshot),
};

const checks: { [T in Target]: Record<string, Check> } = {
  background: backgroundChecks,
  offscreen: offscreenChecks,
  ui: uiChecks,
};

/** True when `value` is a well-formed message for `target`. */
export function isMessageFor<T extends Target>(target: T, value: unknown): value is Message<T> {
  if (!isObject(value) || value.target !== target || typeof value.type !== 'string') return false;
  const check = Object.hasOwn(checks[target], value.type) ? checks[target][value.type] : undefined;
  return check !== undefined && check(value);
}
