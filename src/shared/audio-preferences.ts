/**
 * The agent's audio choices: which microphone, which speaker for the call,
 * which output rings (a separate one, so the ring can sound on the laptop
 * while the call plays in the headset), the ringtone and its volume. Device
 * ids are those of `enumerateDevices()` for the extension's origin (the
 * options page and the offscreen document share them); null is the system
 * default. Applied live by the engine, never by a new user agent.
 */
export type RingtoneStyle = 'classic' | 'soft' | 'bright';
export const RINGTONE_STYLES: readonly RingtoneStyle[] = ['classic', 'soft', 'bright'];

export interface AudioPreferences {
  microphoneId: string | null;
  speakerId: string | null;
  ringerId: string | null;
  ringtone: RingtoneStyle;
  /** 0..1 */
  ringVolume: number;
}

export type AudioDeviceKind = 'microphone' | 'speaker' | 'ringer';

export const DEFAULT_AUDIO: AudioPreferences = { microphoneId: null, speakerId: null, ringerId: null, ringtone: 'classic', ringVolume: 0.8 };

const deviceId = (v: unknown): v is string | null => v === null || (typeof v === 'string' && v.length > 0 && v.length <= 256);

export function isAudioPreferences(v: unknown): v is AudioPreferences {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    deviceId(p.microphoneId) &&
    deviceId(p.speakerId) &&
    deviceId(p.ringerId) &&
    typeof p.ringtone === 'string' &&
    (RINGTONE_STYLES as readonly string[]).includes(p.ringtone) &&
    typeof p.ringVolume === 'number' &&
    Number.isFinite(p.ringVolume) &&
    p.ringVolume >= 0 &&
    p.ringVolume <= 1
  );
}
