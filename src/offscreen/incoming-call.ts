/**
 * One inbound call in the engine: its JsSIP session, the microphone taken
 * while it rings, answering (with a cap on ICE gathering), declining with 486,
 * hanging up, its audio counters, and why it ended. The engine decides which
 * calls to take and owns what outlives a call (ringtone, speaker, the UA).
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import { endReasonFor, isAnsweredElsewhere, type CallEndReason, type CallPhase } from '../shared/call-state';
import { sanitizeDisplayName, sanitizeNumber } from '../shared/caller-id';
import type { CallStats, EngineCall } from '../shared/engine-types';
import { fail, ok, type Result } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { audioStats } from './call-stats';
import { acquireMicrophone, releaseStream, type MicResult } from './microphone';

const log = createLogger('call');

/** Answering never waits for a slow ICE gathering (a STUN server that never answers). */
const ICE_GATHERING_CAP_MS = 300;

export interface CallEvents {
  phase(call: IncomingCall, phase: CallPhase): void;
  ended(call: IncomingCall, reason: CallEndReason, cause: string): void;
  remoteAudio(stream: MediaStream): void;
}

export class IncomingCall {
  readonly view: EngineCall;
  /** The microphone, taken while ringing so Answer does not wait for it. */
  private mic: Promise<MicResult>;
  private declinedLocally = false;

  constructor(
    private readonly session: RTCSession,
    request: IncomingRequest,
    private readonly events: CallEvents,
    private readonly now: () => number,
  ) {
    this.view = {
      id: session.id,
      phase: 'ringing',
      // Caller identity is untrusted input.
      remoteName: sanitizeDisplayName(request.from.display_name),
      remoteNumber: sanitizeNumber(request.from.uri.user),
      startedAt: now(),
      answeredAt: null,
    };
    this.mic = acquireMicrophone();
    session.on('peerconnection', ({ peerconnection }) => {
      peerconnection.addEventListener('track', (ev: RTCTrackEvent) => this.events.remoteAudio(ev.streams[0] ?? new MediaStream([ev.track])));
    });
    session.on('confirmed', () => this.setPhase('active'));
    session.on('ended', (e) => this.end(e.originator, e.cause, e.message));
    session.on('failed', (e) => this.end(e.originator, e.cause, e.message));
  }

  get id(): string {
    return this.view.id;
  }

  get phase(): CallPhase {
    return this.view.phase;
  }

  /** Answers with the microphone taken while ringing (taken again if that failed). */
  async answer(iceServers: RTCIceServer[]): Promise<Result> {
    if (this.view.phase !== 'ringing') return ok;
    let mic = await this.mic;
    if (!mic.ok) {
      this.mic = acquireMicrophone();
      mic = await this.mic;
      if (!mic.ok) return fail(mic.error);
    }
    if (this.view.phase !== 'ringing') return fail('no_such_call'); // Cancelled meanwhile.
    this.setPhase('answering');
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
  }

  /** Decline while ringing (486, so the fork's other legs go on), else hang up. */
  hangUpOrDecline(): void {
    if (this.view.phase === 'ringing') {
      this.declinedLocally = true;
      // 486, not 6xx: a 6xx would cancel every branch, the forwarding leg included.
      this.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
    } else {
      this.session.terminate();
    }
  }

  async stats(): Promise<CallStats | null> {
    const pc = this.session.connection;
    return pc ? audioStats(pc) : null;
  }

  private setPhase(phase: CallPhase): void {
    if (this.view.phase === phase || this.view.phase === 'ended') return;
    this.view.phase = phase;
    if (phase === 'active') this.view.answeredAt = this.now();
    this.events.phase(this, phase);
  }

  private end(originator: string, cause: string, message: IncomingRequest | IncomingResponse | null): void {
    if (this.view.phase === 'ended') return;
    void this.mic.then((mic) => mic.ok && releaseStream(mic.stream));
    const cancel = message && 'method' in message && message.method === 'CANCEL' ? message : null;
    const reason = endReasonFor({
      originator: originator === 'local' || originator === 'remote' ? originator : 'system',
      phaseWhenEnded: this.view.phase,
      cause,
      answeredElsewhere: cancel !== null && isAnsweredElsewhere(cancel.getHeader('Reason')),
      declinedLocally: this.declinedLocally,
    });
    this.view.phase = 'ended';
    this.events.ended(this, reason, cause);
  }
}
