/**
 * Which audio devices the engine uses: the agent's choice when it is plugged
 * in, else the system default — and the agent is told once when a chosen
 * device is missing (unplugged during a call, or gone since it was chosen).
 * The media devices are injected, so the fallback is unit-tested with a fake.
 */
import type { AudioDeviceKind, AudioPreferences } from '../shared/audio-preferences';

export type DeviceLister = Pick<MediaDevices, 'enumerateDevices'> & { addEventListener(type: 'devicechange', listener: () => void): void };

const KIND_OF: Record<AudioDeviceKind, MediaDeviceKind> = { microphone: 'audioinput', speaker: 'audiooutput', ringer: 'audiooutput' };
const FIELD: Record<AudioDeviceKind, 'microphoneId' | 'speakerId' | 'ringerId'> = { microphone: 'microphoneId', speaker: 'speakerId', ringer: 'ringerId' };

export class AudioDevices {
  private chosen: Pick<AudioPreferences, 'microphoneId' | 'speakerId' | 'ringerId'> = { microphoneId: null, speakerId: null, ringerId: null };
  /** Kinds whose chosen device is missing now (told once per disappearance). */
  private missing = new Set<AudioDeviceKind>();
  private listeners: ((kind: AudioDeviceKind, deviceId: string | null) => void)[] = [];

  constructor(
    private readonly media: DeviceLister | null,
    /** A chosen device is missing: the default is used instead (the agent is told). */
    private readonly onFallback: (kind: AudioDeviceKind) => void,
  ) {
    media?.addEventListener('devicechange', () => void this.recheck());
  }

  /** The device in use for `kind` changed (a new choice, a fallback, a device back): apply it live. */
  onChange(listener: (kind: AudioDeviceKind, deviceId: string | null) => void): void {
    this.listeners.push(listener);
  }

  /** The agent's choices; what changed is applied at once. */
  set(prefs: Pick<AudioPreferences, 'microphoneId' | 'speakerId' | 'ringerId'>): void {
    const before = this.chosen;
    this.chosen = { microphoneId: prefs.microphoneId, speakerId: prefs.speakerId, ringerId: prefs.ringerId };
    for (const kind of ['microphone', 'speaker', 'ringer'] as const) {
      if (before[FIELD[kind]] === this.chosen[FIELD[kind]]) continue;
      this.missing.delete(kind);
      void this.use(kind).then((id) => this.listeners.forEach((l) => l(kind, id)));
    }
  }

  /** The device id to use for `kind` now: the chosen one if present, else null (the default). */
  async use(kind: AudioDeviceKind): Promise<string | null> {
    const id = this.chosen[FIELD[kind]];
    if (id === null || !this.media) return id;
    const present = await this.present(kind, id);
    if (present) {
      this.missing.delete(kind);
      return id;
    }
    if (!this.missing.has(kind)) {
      this.missing.add(kind);
      this.onFallback(kind);
    }
    return null;
  }

  private async present(kind: AudioDeviceKind, id: string): Promise<boolean> {
    try {
      const devices = await (this.media as DeviceLister).enumerateDevices();
      return devices.some((d) => d.kind === KIND_OF[kind] && d.deviceId === id);
    } catch {
      return true; // Cannot tell: keep the choice (getUserMedia / setSinkId will say).
    }
  }

  /** A device came or went: every chosen device is checked, and what changed is applied. */
  private async recheck(): Promise<void> {
    for (const kind of ['microphone', 'speaker', 'ringer'] as const) {
      if (this.chosen[FIELD[kind]] === null) continue;
      const wasMissing = this.missing.has(kind);
      const id = await this.use(kind);
      if (wasMissing !== (id === null)) this.listeners.forEach((l) => l(kind, id));
    }
  }
}
