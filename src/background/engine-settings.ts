/**
 * What the phone engine is configured from, read from storage.local: the
 * session's SIP account, the phone's stable identity, the tuning, and the
 * agent's call and audio preferences. Pure assembly (`engineConfigFor`) and
 * the readers; the supervisor decides when to push it.
 */
import { DEFAULT_AUDIO, isAudioPreferences, type AudioPreferences } from '../shared/audio-preferences';
import { DEFAULT_CALL_PREFERENCES, type CallPreferences, type EngineSettings } from '../shared/engine-types';
import { tuningFrom, WORKER_HEARTBEAT_SECONDS, type PhoneTuning } from '../shared/tuning';
import type { KeyValueStore, LocalState, PhoneIdentity, Ports, StoredSession } from './ports';
import { callAlertWords } from '../shared/text';

/** Registration expiry asked of the server; short so a lost binding cannot linger. */
export const REGISTER_EXPIRES_SECONDS = 120;

export function engineConfigFor(
  session: StoredSession,
  identity: PhoneIdentity,
  tuning: PhoneTuning,
  calls: CallPreferences = DEFAULT_CALL_PREFERENCES,
  audio: AudioPreferences = DEFAULT_AUDIO,
): EngineSettings {
  return {
    wsUris: session.sip.wsUris,
    uri: session.sip.uri,
    authorizationUser: session.sip.authorizationUser,
    displayName: session.sip.displayName,
    iceServers: session.sip.iceServers,
    instanceId: identity.instanceId,
    contactUser: identity.contactUser,
    registerExpiresSeconds: REGISTER_EXPIRES_SECONDS,
    refreshSeconds: tuning.refreshSeconds,
    registerDeadlineMs: tuning.registerDeadlineMs,
    connectTimeoutMs: tuning.connectTimeoutMs,
    keepAliveSeconds: tuning.keepAliveSeconds,
    keepAliveDeadlineMs: tuning.keepAliveDeadlineMs,
    calls,
    engineNotifies: tuning.engineNotifies === 1,
    ...(tuning.engineNotifies === 1 ? { alertWords: callAlertWords() } : {}),
    micWhileRinging: tuning.micWhileRinging === 1,
    workerHeartbeatSeconds: tuning.workerSleeps === 1 ? 0 : WORKER_HEARTBEAT_SECONDS,
    audio,
  };
}

type Local = KeyValueStore<LocalState>;

export function readTuning(local: Local): Promise<PhoneTuning> {
  return local.get('tuning').then(tuningFrom);
}

export async function readCallPreferences(local: Local): Promise<CallPreferences> {
  return { ...DEFAULT_CALL_PREFERENCES, ...(await local.get('callPreferences')) };
}

export async function readAudioPreferences(local: Local): Promise<AudioPreferences> {
  const stored = await local.get('audioPreferences');
  return isAudioPreferences(stored) ? stored : DEFAULT_AUDIO;
}

/** The SIP instance id and contact user, made once and kept: a recovery replaces the binding instead of leaving a ghost. */
export async function phoneIdentity(ports: Pick<Ports, 'local' | 'randomId'>): Promise<PhoneIdentity> {
  const existing = await ports.local.get('phoneIdentity');
  if (existing) return existing;
  const identity: PhoneIdentity = {
    // JsSIP adds the "urn:uuid:" prefix itself (RFC 5626 +sip.instance).
    instanceId: ports.randomId(),
    contactUser: ports.randomId().replace(/-/g, '').slice(0, 12),
  };
  await ports.local.set({ phoneIdentity: identity });
  return identity;
}

/** The engine's whole configuration for this session (without the SIP password: the engine asks for it). */
export async function engineSettings(ports: Pick<Ports, 'local' | 'randomId'>, session: StoredSession): Promise<EngineSettings> {
  const [identity, tuning, calls, audio] = await Promise.all([phoneIdentity(ports), readTuning(ports.local), readCallPreferences(ports.local), readAudioPreferences(ports.local)]);
  return engineConfigFor(session, identity, tuning, calls, audio);
}
