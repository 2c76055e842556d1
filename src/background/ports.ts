/**
 * What the background logic needs from the outside world, as interfaces. The
 * entry file wires the real platform (src/platform/); unit tests pass in-memory
 * fakes (test/fakes/). No mocks of SIP anywhere: the engine port is a message
 * channel to the real phone engine.
 */
import type { CallPreferences } from '../shared/engine-types';
import type { AudioPreferences } from '../shared/audio-preferences';
import type { RecentCall } from '../shared/recent-calls';
import type { LoginGrant, LoginOutcome } from '../shared/login-contract';
import type { ApiOf, ResponseOf, TypeOf } from '../shared/protocol';
import type { AccountSummary, RoutingSummary, Snapshot } from '../shared/snapshot';
import type { PhoneTuning } from '../shared/tuning';
import type { TimelineEntry } from '../shared/timeline-types';

/** storage.local: survives browser restarts. Never holds the agent's password. */
export interface LocalState {
  session: StoredSession;
  /** The agent's on/off choice, per account, kept across sign-out and expiry. */
  softphoneIntent: { accountKey: string; enabled: boolean };
  phoneIdentity: PhoneIdentity;
  lastLogin: { server: string; username: string };
  /** Shorter periods for tests (see shared/tuning.ts); absent in production. */
  tuning: Partial<PhoneTuning>;
  timeline: TimelineEntry[];
  /** Call events (rang, notified, ended), bounded apart from the connection timeline. */
  callLog: TimelineEntry[];
  /** The agent's recent calls (popup), newest last, bounded; cleared at sign-out. */
  recentCalls: RecentCall[];
  /** Call waiting and the DTMF transport (options page). */
  callPreferences: CallPreferences;
  /** Devices, ringtone and ring volume (options page). */
  audioPreferences: AudioPreferences;
}

/** storage.session: survives worker restarts within one browser session. */
export interface SessionState {
  snapshot: Snapshot;
  /** The "cannot receive calls" notice on screen, and since when calls could not ring here. */
  connectionNotice: { since: number };
}

export interface StoredSession {
  account: AccountSummary;
  routing: RoutingSummary;
  /** The time-limited SIP credential, kept until `expiresAt` or sign-out. */
  sip: LoginGrant['sip'];
  /** The bearer token for the routing API (same lifetime), or null: routing is then read-only. */
  api: LoginGrant['api'];
}

export function accountKey(account: { server: string; id: string }): string {
  return `${account.server}|${account.id}`;
}

export interface PhoneIdentity {
  instanceId: string;
  contactUser: string;
}

export interface KeyValueStore<S extends object> {
  get<K extends keyof S>(key: K): Promise<S[K] | undefined>;
  set(values: Partial<S>): Promise<void>;
  remove(...keys: (keyof S & string)[]): Promise<void>;
}

type OffscreenReq<K extends TypeOf<'offscreen'>> = ApiOf<'offscreen'>[K] extends { req: infer R } ? R : never;

/** The channel to the phone engine in the offscreen document. */
export interface EnginePort {
  /** Makes sure the document exists; true when it was just created (push the config). */
  ensure(): Promise<boolean>;
  exists(): Promise<boolean>;
  close(): Promise<void>;
  request<K extends TypeOf<'offscreen'>>(type: K, payload: OffscreenReq<K>): Promise<ResponseOf<'offscreen', K>>;
}

export interface NotifierPort {
  show(
    id: string,
    spec: { title: string; message: string; buttons?: string[]; requireInteraction?: boolean; priority?: -2 | -1 | 0 | 1 | 2; silent?: boolean },
  ): Promise<void>;
  clear(id: string): Promise<void>;
}

export interface UiPort {
  publish(snapshot: Snapshot): void;
  setBadge(spec: { text: string; color: string; title: string }): Promise<void>;
  openPermissionPage(): Promise<void>;
  /** The incoming-call window (optional, the options page turns it on): brought to the front, or closed. */
  callWindow(open: boolean): Promise<void>;
}

export interface Ports {
  local: KeyValueStore<LocalState>;
  session: KeyValueStore<SessionState>;
  engine: EnginePort;
  notifier: NotifierPort;
  ui: UiPort;
  login(server: string, username: string, password: string): Promise<LoginOutcome>;
  now(): number;
  randomId(): string;
}
