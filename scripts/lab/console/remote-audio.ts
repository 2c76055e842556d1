/**
 * Plays each call's far-end audio in an element of its own. Not only for
 * ears: Chromium fills the inbound audio level stats (media-probe.ts) only
 * for audio that is played out, unmuted.
 */
export class RemoteAudio {
  private readonly element = new Audio();

  constructor() {
    this.element.autoplay = true;
  }

  play(track: MediaStreamTrack, stream: MediaStream | undefined): void {
    this.element.srcObject = stream ?? new MediaStream([track]);
    // An autoplay refusal leaves the call working; only its level reads 0.
    this.element.play().catch((error: unknown) => console.warn('lab console: remote audio does not play:', error));
  }

  stop(): void {
    this.element.pause();
    this.element.srcObject = null;
  }
}
