/**
 * A ringtone synthesised with Web Audio, so there is no asset to load before
 * the first ring: the North American ring (440 + 480 Hz, 2 s on, 4 s off), and
 * during a call a soft call-waiting tone (440 Hz, two short beeps every 5 s,
 * quiet enough to talk over).
 */
import type { RingtoneStyle } from '../shared/audio-preferences';

export type RingKind = 'ring' | 'waiting';

interface Cadence {
  frequencies: number[];
  level: number;
  /** [start, end] offsets within one period, in seconds. */
  bursts: [number, number][];
  period: number;
}

/** The ring, by the agent's choice of style; call waiting is always the soft double beep. */
const RINGS: Record<RingtoneStyle, Cadence> = {
  classic: { frequencies: [440, 480], level: 0.12, bursts: [[0, 2]], period: 6 },
  // Two short trills, quieter: an open-plan office.
  soft: { frequencies: [523, 659], level: 0.08, bursts: [[0, 0.4], [0.6, 1]], period: 4 },
  // A bright, insistent chirp that cuts through a headset's noise cancelling.
  bright: { frequencies: [880, 1320], level: 0.1, bursts: [[0, 0.15], [0.25, 0.4], [0.5, 0.65]], period: 2.5 },
};
const WAITING: Cadence = { frequencies: [440], level: 0.04, bursts: [[0, 0.2], [0.4, 0.6]], period: 5 };

/** Chromium's AudioContext can choose its output (not in every TypeScript DOM library yet). */
type OutputContext = AudioContext & { setSinkId?(id: string): Promise<void>; sinkId?: string };

export class Ringtone {
  private context: OutputContext | null = null;
  private stopCurrent: (() => void) | null = null;
  private kind: RingKind | null = null;
  private style: RingtoneStyle = 'classic';
  private volume = 0.8;
  private sinkId = '';

  /** The agent's ringtone and volume (0..1), from the next ring on. */
  configure(style: RingtoneStyle, volume: number): void {
    this.style = style;
    this.volume = Math.min(1, Math.max(0, volume));
  }

  /** The output the ring plays on ('' = the system default), at once if it rings now. */
  async setOutput(sinkId: string): Promise<void> {
    this.sinkId = sinkId;
    const ctx = this.context;
    if (ctx?.setSinkId) await ctx.setSinkId(sinkId);
  }

  /**
   * Creates the audio context ahead of the first call (it takes tens of
   * milliseconds), suspended so it holds no audio device meanwhile.
   */
  prepare(): void {
    // No audio device at all (a unit test in Node): nothing to prepare.
    if (this.context || typeof AudioContext === 'undefined') return;
    this.context = new AudioContext();
    void this.context.suspend();
  }

  /** Starts ringing (or switches the tone); resolves once the audio clock is running. */
  async start(kind: RingKind = 'ring'): Promise<void> {
    if (this.stopCurrent && this.kind === kind) return;
    this.stopSound();
    this.kind = kind;
    const cadence = kind === 'waiting' ? WAITING : RINGS[this.style];
    const level = cadence.level * (kind === 'waiting' ? 1 : this.volume / 0.8);
    this.prepare();
    const ctx = this.context as OutputContext;
    if (ctx.setSinkId && (ctx.sinkId ?? '') !== this.sinkId) await ctx.setSinkId(this.sinkId).catch(() => undefined);
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    const oscillators = cadence.frequencies.map((frequency) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start();
      return osc;
    });
    // Schedule the cadence a few minutes ahead; a ring never lasts that long
    // (the server moves the call on after the ring timeout).
    const t0 = ctx.currentTime;
    for (let t = t0; t < t0 + 300; t += cadence.period) {
      for (const [on, off] of cadence.bursts) {
        gain.gain.setValueAtTime(level, t + on);
        gain.gain.setValueAtTime(0, t + off);
      }
    }
    this.stopCurrent = () => {
      oscillators.forEach((o) => o.stop());
      gain.disconnect();
    };
    if (ctx.state !== 'running') await ctx.resume();
  }

  /** What is sounding now, if anything. */
  get sounding(): RingKind | null {
    return this.stopCurrent ? this.kind : null;
  }

  private stopSound(): void {
    this.stopCurrent?.();
    this.stopCurrent = null;
    this.kind = null;
  }

  stop(): void {
    if (!this.stopCurrent) return;
    this.stopSound();
    // Suspend so the audio device is released between calls.
    void this.context?.suspend();
  }

  get playing(): boolean {
    return this.stopCurrent !== null && this.context?.state === 'running';
  }
}
