/**
 * What a lab phone says into a call instead of the fake microphone: WebAudio
 * into a MediaStreamAudioDestinationNode whose track is the call's outgoing
 * audio (JsSIP's `mediaStream` option). Silence until something plays.
 * One AudioContext for the whole page (a flood of two dozen voicemail calls
 * must not open two dozen audio devices); a destination per call.
 */

/** Bounded waits: a page whose audio is blocked must not hang a call. */
const RESUME_WAIT_MS = 1000;
const CONNECT_WAIT_MS = 3000;

let shared: AudioContext | null = null;

export class AudioOut {
  private readonly context: AudioContext;
  private readonly destination: MediaStreamAudioDestinationNode;
  private readonly playing = new Set<AudioScheduledSourceNode>();

  constructor() {
    shared ??= new AudioContext();
    this.context = shared;
    this.destination = this.context.createMediaStreamDestination();
  }

  get stream(): MediaStream {
    return this.destination.stream;
  }

  /**
   * Starts the audio clock. Headless Chromium lets it run without a user
   * gesture; a headed browser's autoplay policy may not (the call then
   * carries silence), so this waits a moment and warns.
   */
  async start(): Promise<void> {
    if (this.context.state !== 'running') await Promise.race([this.context.resume(), sleep(RESUME_WAIT_MS)]);
    if (this.context.state !== 'running') console.warn('lab console: audio is blocked until the page is clicked; calls carry silence');
  }

  decode(bytes: ArrayBuffer): Promise<AudioBuffer> {
    return this.context.decodeAudioData(bytes);
  }

  /** Plays the buffer into the call; resolves when it has played (bounded by its length). */
  play(buffer: AudioBuffer): Promise<void> {
    const source = this.context.createBufferSource();
    source.buffer = buffer;
    source.connect(this.destination);
    return this.run(source, buffer.duration * 1000);
  }

  /** A sine tone of `hz` for `ms` at `gain`, faded in and out. */
  tone(hz: number, ms: number, gain = 0.5): Promise<void> {
    const oscillator = this.context.createOscillator();
    oscillator.frequency.value = hz;
    const level = this.context.createGain();
    const now = this.context.currentTime;
    level.gain.setValueAtTime(0, now);
    level.gain.linearRampToValueAtTime(gain, now + 0.01);
    level.gain.setValueAtTime(gain, now + ms / 1000 - 0.01);
    level.gain.linearRampToValueAtTime(0, now + ms / 1000);
    oscillator.connect(level).connect(this.destination);
    return this.run(oscillator, ms);
  }

  /** Stops what plays and ends the call's track; the page's context stays for the next call. */
  close(): void {
    for (const node of this.playing) {
      try {
        node.stop();
      } catch {
        // Never started: nothing to stop.
      }
    }
    this.destination.disconnect();
    for (const track of this.destination.stream.getTracks()) track.stop();
  }

  private run(node: AudioScheduledSourceNode, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(fallback);
        this.playing.delete(node);
        node.disconnect();
        resolve();
      };
      // 'ended' never fires while the context is suspended.
      const fallback = setTimeout(done, ms + 500);
      node.addEventListener('ended', done, { once: true });
      this.playing.add(node);
      node.start();
      node.stop(this.context.currentTime + ms / 1000);
    });
  }
}

/** Resolves once the connection's media is up (DTLS done), or after a bounded wait. */
export async function mediaConnected(connection: RTCPeerConnection | undefined): Promise<void> {
  if (!connection) return;
  const deadline = Date.now() + CONNECT_WAIT_MS;
  while (connection.connectionState !== 'connected' && Date.now() < deadline) await sleep(50);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
