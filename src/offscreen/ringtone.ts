/**
 * A ringtone synthesised with Web Audio (North American ring: 440 + 480 Hz,
 * 2 s on, 4 s off), so there is no asset to load before the first ring.
 */
const ON_SECONDS = 2;
const PERIOD_SECONDS = 6;
const LEVEL = 0.12;

export class Ringtone {
  private context: AudioContext | null = null;
  private stopCurrent: (() => void) | null = null;

  /**
   * Creates the audio context ahead of the first call (it takes tens of
   * milliseconds), suspended so it holds no audio device meanwhile.
   */
  prepare(): void {
    if (this.context) return;
    this.context = new AudioContext();
    void this.context.suspend();
  }

  /** Starts ringing; resolves once the audio clock is running. */
  async start(): Promise<void> {
    if (this.stopCurrent) return;
    this.prepare();
    const ctx = this.context as AudioContext;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    const oscillators = [440, 480].map((frequency) => {
      const osc = ctx.createOscillator();
      osc.frequency.value = frequency;
      osc.connect(gain);
      osc.start();
      return osc;
    });
    // Schedule the cadence a few minutes ahead; a ring never lasts that long
    // (the server moves the call on after the ring timeout).
    const t0 = ctx.currentTime;
    for (let t = t0; t < t0 + 300; t += PERIOD_SECONDS) {
      gain.gain.setValueAtTime(LEVEL, t);
      gain.gain.setValueAtTime(0, t + ON_SECONDS);
    }
    this.stopCurrent = () => {
      oscillators.forEach((o) => o.stop());
      gain.disconnect();
    };
    if (ctx.state !== 'running') await ctx.resume();
  }

  stop(): void {
    this.stopCurrent?.();
    this.stopCurrent = null;
    // Suspend so the audio device is released between calls.
    void this.context?.suspend();
  }

  get playing(): boolean {
    return this.stopCurrent !== null && this.context?.state === 'running';
  }
}
