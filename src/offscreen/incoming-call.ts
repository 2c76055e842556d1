/**
 * One inbound call in the engine: its JsSIP session, the microphone taken
 * while it rings, its own speaker (an audio element), its own operation queue
 * (hold is a re-INVITE and JsSIP refuses a second while one is pending), and
 * every control the agent has: answer, decline / hang up, mute, hold, digits,
 * blind transfer. Its view changes only through `reduceCall` (src/shared).
 * The engine decides which calls to take and owns what outlives a call.
 */
import { C as JsSIPConstants } from 'jssip';
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import { endReasonFor, isAnsweredElsewhere, newCall, reduceCall, type CallChange, type CallEndReason, type CallView } from '../shared/call-state';
import { qualityIssues, type QualitySample } from '../shared/call-quality';
import { sanitizeDisplayName, sanitizeNumber } from '../shared/caller-id';
import { isLineTestId } from '../shared/line-test';
import type { CallStats, DtmfTransport } from '../shared/engine-types';
import { fail, ok, type Result } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { SerialQueue } from '../shared/serial-queue';
import { audioStats } from './call-stats';
import { reoffer } from './hold-control';
import { releaseStream, type MicResult } from './microphone';

const log = createLogger('call');

/** Answering never waits for a slow ICE gathering (a STUN server that never answers). */
const ICE_GATHERING_CAP_MS = 300;

export interface CallEvents {
  /** The call's view changed (report it). */
  changed(call: IncomingCall): void;
  ended(call: IncomingCall, reason: CallEndReason, cause: string): void;
}

export interface CallEnvironment {
  now(): number;
  newId(): string;
  /** Where the caller is heard; one element per call so a held call can be silenced alone. */
  createSpeaker(): HTMLAudioElement;
  /** The microphone to take (the agent's choice, or the default when it is missing). */
  microphone(): Promise<MicResult>;
  /** The output the call plays on ('' = default). */
  speakerId(): Promise<string>;
  /** Take the microphone while the call rings (Answer is faster), or only on Answer. */
  micWhileRinging(): boolean;
}

export class IncomingCall {
  private current: CallView;
  /** The microphone: taken on Answer (or, with the `micWhileRinging` lever, while ringing). */
  private mic: Promise<MicResult>;
  private declinedLocally = false;
  private transferred = false;
  private readonly queue = new SerialQueue();
  private readonly speaker: HTMLAudioElement;
  private lastSample: QualitySample | null = null;

  constructor(
    private readonly session: RTCSession,
    request: IncomingRequest,
    private readonly events: CallEvents,
    private readonly env: CallEnvironment,
  ) {
    this.current = newCall({
      id: env.newId(),
      // Caller identity is untrusted input.
      remoteName: sanitizeDisplayName(request.from.display_name),
      remoteNumber: sanitizeNumber(request.from.uri.user),
      startedAt: env.now(),
      // The provider's line test names itself; the header is as untrusted as the rest (a well-formed id only).
      lineTest: isLineTestId(request.getHeader('X-Line-Test')),
    });
    this.speaker = env.createSpeaker();
    this.speaker.autoplay = true;
    void env.speakerId().then((id) => this.setSpeaker(id));
    // Only during calls by default: taking it while ringing saved 7 ms of Answer (npm run bench) and
    // lit the system's microphone indicator for every caller.
    this.mic = env.micWhileRinging() ? env.microphone() : Promise.resolve({ ok: false, error: 'mic_unavailable' });
    session.on('peerconnection', ({ peerconnection }) => {
      peerconnection.addEventListener('track', (ev: RTCTrackEvent) => {
        this.speaker.srcObject = ev.streams[0] ?? new MediaStream([ev.track]);
        this.speaker.play().catch((err: unknown) => log.warn('remote audio did not start', err));
      });
    });
    session.on('confirmed', () => this.change({ type: 'confirmed', at: this.env.now() }));
    session.on('hold', (e: { originator: string }) => {
      if (e.originator === 'remote' && this.answered) this.change({ type: 'remote-held', on: true });
    });
    session.on('unhold', (e: { originator: string }) => {
      if (e.originator === 'remote' && this.answered) this.change({ type: 'remote-held', on: false });
    });
    session.on('ended', (e) => this.end(e.originator, e.cause, e.message));
    session.on('failed', (e) => this.end(e.originator, e.cause, e.message));
  }

  get view(): CallView {
    return this.current;
  }

  get id(): string {
    return this.current.id;
  }

  get phase(): CallView['phase'] {
    return this.current.phase;
  }

  private get answered(): boolean {
    return this.current.phase === 'answering' || this.current.phase === 'active';
  }

  private change(change: CallChange): void {
    if (this.current.phase === 'ended' && change.type !== 'ended') return; // Late JsSIP events.
    const next = reduceCall(this.current, change);
    if (next === this.current) return;
    this.current = next;
    this.events.changed(this);
  }

  /** Answers with the microphone (taken now, unless it was taken while ringing). */
  answer(iceServers: RTCIceServer[]): Promise<Result> {
    return this.queue.run(async () => {
      if (this.current.phase !== 'ringing') return ok;
      let mic = await this.mic;
      if (!mic.ok) {
        this.mic = this.env.microphone();
        mic = await this.mic;
        if (!mic.ok) return fail(mic.error);
      }
      if (this.current.phase !== 'ringing') return fail('no_such_call'); // Cancelled meanwhile.
      this.change({ type: 'answer' });
      let capped = false;
      this.session.on('icecandidate', ({ ready }) => {
        if (capped) return;
        capped = true;
        setTimeout(ready, ICE_GATHERING_CAP_MS);
      });
      try {
        this.session.answer({ mediaStream: mic.stream, pcConfig: { iceServers }, mediaConstraints: { audio: true, video: false } });
      } catch (err) {
        log.error('answer failed', err);
        return fail('call_failed');
      }
      return ok;
    });
  }

  /**
   * Decline while ringing (486, so the fork's other legs go on), else hang up.
   * Not queued: ending a call must work while a re-INVITE is pending.
   */
  hangUpOrDecline(): void {
    if (this.session.isEnded()) return;
    if (this.current.phase === 'ringing') {
      this.declinedLocally = true;
      // 486, not 6xx: a 6xx would cancel every branch, the forwarding leg included.
      this.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
    } else {
      this.session.terminate();
    }
  }

  /** Plays the caller on another output, live ('' = the default). */
  async setSpeaker(sinkId: string): Promise<void> {
    const el = this.speaker as HTMLAudioElement & { setSinkId?(id: string): Promise<void>; sinkId?: string };
    if (!el.setSinkId || el.sinkId === sinkId) return;
    await el.setSinkId(sinkId).catch((err: unknown) => log.warn('could not switch the speaker', err));
  }

  /**
   * Another microphone, live: the new track replaces the old one in the call
   * (no re-INVITE, the caller hears no gap worth noticing), keeping the mute.
   */
  async switchMicrophone(): Promise<void> {
    if (this.current.phase === 'ended') return;
    // A ringing call takes the microphone on Answer (unless the lever says while ringing): a device change must not open it now.
    if (this.current.phase === 'ringing' && !this.env.micWhileRinging()) return;
    const next = await this.env.microphone();
    if (!next.ok) return; // Keep what works.
    const previous = this.mic;
    this.mic = Promise.resolve(next);
    const track = next.stream.getAudioTracks()[0];
    const sender = this.session.connection?.getSenders().find((s) => s.track?.kind === 'audio');
    if (track && sender) {
      track.enabled = !this.current.muted && !this.current.held;
      await sender.replaceTrack(track).catch((err: unknown) => log.warn('could not switch the microphone', err));
    }
    void previous.then((mic) => mic.ok && releaseStream(mic.stream));
  }

  /** The transport that brought this ringing call is gone: end it here, as failed. */
  abandon(): void {
    if (this.current.phase !== 'ringing' || this.session.isEnded()) return;
    this.session.terminate({ status_code: 480, reason_phrase: 'Temporarily Unavailable' });
  }

  /**
   * The caller hears silence while packets keep flowing: JsSIP disables the
   * sending track (`track.enabled = false`), which makes the encoder send
   * silence frames, so the far end cannot tell a mute from a dead line.
   */
  setMuted(on: boolean): Result {
    if (!this.answered) return fail('no_such_call');
    if (on) this.session.mute({ audio: true });
    else this.session.unmute({ audio: true });
    this.change({ type: 'muted', on });
    return ok;
  }

  /** Hold (a sendonly re-INVITE; inactive when the caller holds too) or resume. */
  setHeld(on: boolean): Promise<Result> {
    return this.queue.run(async () => {
      if (this.current.phase !== 'active') return fail('no_such_call');
      if (this.current.held === on) return ok;
      // Silence the caller at once; a refused hold turns it back on.
      if (on) this.speaker.muted = true;
      const outcome = await reoffer(this.session, on);
      switch (outcome) {
        case 'ok':
          this.speaker.muted = on;
          this.change({ type: 'notice', notice: null });
          this.change({ type: 'held', on });
          return ok;
        case 'busy':
          this.speaker.muted = this.current.held;
          this.change({ type: 'notice', notice: 'hold-busy' });
          return fail('call_busy');
        case 'refused':
          this.speaker.muted = this.current.held;
          this.change({ type: 'notice', notice: on ? 'hold-refused' : 'resume-refused' });
          return fail('hold_refused');
        case 'ended':
          return fail('no_such_call');
      }
    });
  }

  /** Digits to the far end: RFC 4733 telephone-events by default, or SIP INFO. */
  sendDtmf(tones: string, transport: DtmfTransport): Result {
    if (this.current.phase !== 'active') return fail('no_such_call');
    try {
      // JsSIP's default is SIP INFO; RFC 4733 (its "RFC2833") must be asked for.
      this.session.sendDTMF(tones, { transportType: transport === 'info' ? JsSIPConstants.DTMF_TRANSPORT.INFO : JsSIPConstants.DTMF_TRANSPORT.RFC2833, duration: 120, interToneGap: 70 });
      return ok;
    } catch (err) {
      log.warn('DTMF failed', err);
      this.change({ type: 'notice', notice: 'dtmf-failed' });
      return fail('dtmf_failed');
    }
  }

  /**
   * Blind transfer (REFER): the caller's phone is asked to call `targetUri`.
   * Our leg ends once the caller's phone reports the new call answered
   * (NOTIFY 200); a refused REFER or a failed new call leaves us in the call.
   */
  transfer(targetUri: string, label: string): Result {
    if (this.current.phase !== 'active') return fail('no_such_call');
    if (this.current.transfer) return fail('call_busy');
    const refused = () => {
      if (this.current.phase === 'ended') return;
      this.change({ type: 'transfer', transfer: null });
      this.change({ type: 'notice', notice: 'transfer-refused' });
    };
    try {
      this.session.refer(targetUri, {
        eventHandlers: {
          requestFailed: refused,
          failed: refused,
          accepted: () => {
            this.transferred = true;
            this.hangUpOrDecline();
          },
        },
      });
    } catch (err) {
      log.warn('REFER could not be sent', err);
      return fail('invalid_transfer_target');
    }
    this.change({ type: 'notice', notice: null });
    this.change({ type: 'transfer', transfer: { target: label, status: 'trying' } });
    return ok;
  }

  async stats(): Promise<CallStats | null> {
    const pc = this.session.connection;
    if (!pc) return null;
    const stats = await audioStats(pc);
    return { ...stats, speakerId: (this.speaker as HTMLAudioElement & { sinkId?: string }).sinkId ?? '' };
  }

  /** One getStats sample; updates the quality warnings when they change. */
  async sampleQuality(): Promise<void> {
    if (this.current.phase !== 'active') return;
    const stats = await this.stats();
    if (!stats) return;
    const sample: QualitySample = {
      roundTripMs: stats.roundTripMs,
      jitterMs: stats.jitterMs,
      packetsReceived: stats.packetsReceived,
      packetsLost: stats.packetsLost,
    };
    // While either side holds, nothing arrives on purpose: not a quality problem.
    const issues = this.current.held || this.current.remoteHeld ? [] : qualityIssues(this.lastSample, sample);
    this.lastSample = sample;
    this.change({ type: 'quality', issues });
  }

  private end(originator: string, cause: string, message: IncomingRequest | IncomingResponse | null): void {
    if (this.current.phase === 'ended') return;
    void this.mic.then((mic) => mic.ok && releaseStream(mic.stream));
    this.speaker.srcObject = null;
    const cancel = message && 'method' in message && message.method === 'CANCEL' ? message : null;
    const reason = endReasonFor({
      originator: originator === 'local' || originator === 'remote' ? originator : 'system',
      phaseWhenEnded: this.current.phase,
      cause,
      answeredElsewhere: cancel !== null && isAnsweredElsewhere(cancel.getHeader('Reason')),
      declinedLocally: this.declinedLocally,
      transferred: this.transferred,
    });
    this.current = reduceCall(this.current, { type: 'ended', reason });
    this.events.ended(this, reason, cause);
  }
}
