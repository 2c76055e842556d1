/**
 * Every call of the page under a short id ('caller-1', 'cell-2', ...), with
 * its JsSIP events written to the event log, and what the far end does in
 * the call (hold, DTMF, REFER) recorded for tests (far-end.ts).
 */
import type { AnswerOptions, IncomingEvent, OutgoingEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import type { AudioLevel, CallStats, CallSummary, DtmfTransport, FarEndPolicy, LabEvent, PeerName } from './api';
import type { EventLog } from './event-log';
import { watchFarEnd, type FarEndPolicies } from './far-end';
import { callStats, measureAudioLevel } from './media-probe';
import { RemoteAudio } from './remote-audio';
import { canTapTelephoneEvents, TAPPED_PC_CONFIG, tapTelephoneEvents } from './telephone-event-tap';

export interface CallEntry {
  id: string;
  who: PeerName;
  session: RTCSession;
  incoming: boolean;
}

export type RecordFields = Partial<Pick<LabEvent, 'cause' | 'status' | 'detail' | 'transport'>>;

/** Media for every call: the page's (fake) microphone, and no ICE servers on loopback. */
export function callMedia(): AnswerOptions {
  return { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } };
}

type EndMessage = IncomingRequest | IncomingResponse | null | undefined;

export interface CallBookOptions {
  /** Hears RFC 4733 DTMF on these peers' calls (telephone-event-tap.ts). */
  telephoneEventsFor: readonly PeerName[];
}

export class CallBook {
  private readonly calls = new Map<string, CallEntry>();
  private readonly policies = new Map<PeerName, FarEndPolicies>();
  private counter = 0;

  private readonly tapped: ReadonlySet<PeerName>;

  constructor(
    private readonly log: EventLog,
    private readonly onChange: () => void,
    options: CallBookOptions,
  ) {
    const canTap = canTapTelephoneEvents();
    if (!canTap && options.telephoneEventsFor.length > 0) console.warn('lab console: this browser cannot hear RFC 4733 DTMF');
    this.tapped = new Set(canTap ? options.telephoneEventsFor : []);
  }

  /** Media options for a call (placed or answered) of `who`. */
  mediaFor(who: PeerName): AnswerOptions {
    const media = callMedia();
    if (!this.tapped.has(who)) return media;
    return { ...media, pcConfig: { ...media.pcConfig, ...TAPPED_PC_CONFIG } as RTCConfiguration };
  }

  /** How `who`'s calls answer the far end's re-INVITEs and REFERs from now on. */
  setPolicy(who: PeerName, kind: keyof FarEndPolicies, policy: FarEndPolicy): void {
    if (policy !== 'accept' && policy !== 'reject') throw new TypeError(`policy must be 'accept' or 'reject', got ${String(policy)}`);
    this.policies.set(who, { ...this.policiesOf(who), [kind]: policy });
  }

  trackOutgoing(who: PeerName, session: RTCSession): string {
    const entry = this.add(who, session, false);
    // The INVITE leaves now (JsSIP sends it after getUserMedia and ICE gathering).
    session.on('sending', () => this.record(entry, 'sending', {}));
    session.on('progress', (event: IncomingEvent | OutgoingEvent) => {
      const status = 'response' in event ? event.response.status_code : undefined;
      this.record(entry, 'progress', { status });
      if (status === 180 || status === 183) this.record(entry, 'ringing', { status });
    });
    session.on('accepted', (event: IncomingEvent | OutgoingEvent) => {
      this.record(entry, 'accepted', { status: 'response' in event ? event.response.status_code : undefined });
    });
    return entry.id;
  }

  /** `detail` for the 'incoming' event: who is calling (the From display name). */
  trackIncoming(who: PeerName, session: RTCSession, request: IncomingRequest): string {
    const entry = this.add(who, session, true);
    this.record(entry, 'incoming', { detail: session.remote_identity.display_name || session.remote_identity.uri.toString() });
    session.on('accepted', () => {
      this.record(entry, 'answered', { detail: request.getHeader('X-Voicemail-For') || undefined });
    });
    return entry.id;
  }

  find(id: string): CallEntry {
    const entry = this.calls.get(id);
    if (!entry) throw new Error(`unknown call id ${id}`);
    return entry;
  }

  /** Oldest call of `who` that still waits for an answer. */
  ringing(who: PeerName): CallEntry | undefined {
    return [...this.calls.values()].find((entry) => entry.who === who && summaryStatus(entry) === 'ringing' && entry.incoming);
  }

  active(): CallEntry[] {
    return [...this.calls.values()].filter((entry) => !entry.session.isEnded());
  }

  list(): CallSummary[] {
    return [...this.calls.values()].map((entry) => ({
      id: entry.id,
      who: entry.who,
      incoming: entry.incoming,
      status: summaryStatus(entry),
      remote: entry.session.remote_identity.uri.toString(),
    }));
  }

  hangup(id: string): void {
    const { session } = this.find(id);
    if (!session.isEnded()) session.terminate();
  }

  stats(id: string): Promise<CallStats> {
    return callStats(this.connectionOf(id));
  }

  audioLevel(id: string, windowMs?: number): Promise<AudioLevel> {
    return measureAudioLevel(this.connectionOf(id), windowMs);
  }

  /** JsSIP's mute: the microphone track's `enabled` goes false; RTP keeps flowing, silent. */
  mute(id: string, on: boolean): void {
    const { session } = this.find(id);
    if (on) session.mute({ audio: true });
    else session.unmute({ audio: true });
  }

  hold(id: string, on: boolean): boolean {
    const { session } = this.find(id);
    return on ? session.hold() : session.unhold();
  }

  sendDtmf(id: string, tones: string, transport: DtmfTransport): void {
    if (transport !== 'INFO' && transport !== 'RFC2833') throw new TypeError(`DTMF transport must be INFO or RFC2833, got ${String(transport)}`);
    // JsSIP types the option as a const enum whose values are these very strings.
    this.find(id).session.sendDTMF(tones, { transportType: transport as unknown as DTMF_TRANSPORT });
  }

  /** Blind transfer; what the transferee answers and reports comes back as 'refer-response' / 'refer-notify'. */
  refer(id: string, target: string): void {
    const entry = this.find(id);
    const notify = ({ status_line }: { status_line: { status_code: number } }): void =>
      this.record(entry, 'refer-notify', { status: Number(status_line.status_code) });
    entry.session.refer(target, {
      eventHandlers: {
        requestSucceeded: ({ response }: { response: IncomingResponse }) => this.record(entry, 'refer-response', { status: response.status_code }),
        requestFailed: ({ response, cause }: { response: IncomingResponse | null; cause: string }) =>
          this.record(entry, 'refer-response', { status: response?.status_code, cause }),
        trying: notify,
        progress: notify,
        accepted: notify,
        failed: notify,
      },
    });
  }

  private connectionOf(id: string): RTCPeerConnection | undefined {
    return this.find(id).session.connection as RTCPeerConnection | undefined;
  }

  private policiesOf(who: PeerName): FarEndPolicies {
    return this.policies.get(who) ?? { reinvite: 'accept', refer: 'accept' };
  }

  private add(who: PeerName, session: RTCSession, incoming: boolean): CallEntry {
    this.counter += 1;
    const entry: CallEntry = { id: `${who}-${this.counter}`, who, session, incoming };
    this.calls.set(entry.id, entry);
    this.watchEnd(entry);
    this.watchMedia(entry);
    session.on('confirmed', () => this.record(entry, 'confirmed', {}));
    watchFarEnd(session, {
      record: (type, fields) => this.record(entry, type, fields),
      policies: () => this.policiesOf(who),
      media: () => this.mediaFor(who),
      // The transferee's new call is one of ours: tests find it by the 'transfer-call' event.
      onTransferCall: (transferSession) => {
        const transferId = this.trackOutgoing(who, transferSession);
        this.log.add({ who, type: 'transfer-call', id: transferId, detail: entry.id });
        this.onChange();
      },
    });
    return entry;
  }

  private watchEnd(entry: CallEntry): void {
    entry.session.on('ended', (event) => {
      this.record(entry, 'ended', { cause: event.cause, detail: String(event.originator) });
    });
    entry.session.on('failed', (event) => {
      const message = event.message as EndMessage;
      if (entry.incoming && String(event.originator) === 'remote' && event.cause === 'Canceled') {
        // The CANCEL's Reason tells "answered elsewhere" (cause=200) from a caller hang-up.
        this.record(entry, 'cancelled', { cause: event.cause, detail: message?.getHeader('Reason') || undefined });
        return;
      }
      const status = message && 'status_code' in message ? message.status_code : undefined;
      this.record(entry, 'failed', { cause: event.cause, status, detail: String(event.originator) });
    });
  }

  /** Plays the far end's audio and, where asked, listens for its RFC 4733 digits. */
  private watchMedia(entry: CallEntry): void {
    const speaker = new RemoteAudio();
    const watch = (connection: RTCPeerConnection): void => {
      if (this.tapped.has(entry.who)) {
        tapTelephoneEvents(connection, (digit) => this.record(entry, 'dtmf', { detail: digit, transport: 'RFC4733' }));
      }
      connection.addEventListener('track', (event: RTCTrackEvent) => {
        if (event.track.kind === 'audio') speaker.play(event.track, event.streams[0]);
      });
    };
    // An outgoing call's connection exists as soon as JsSIP returns the session
    // (its 'peerconnection' event has already fired, its microphone is not added
    // yet); an incoming one's comes on answer.
    const existing = entry.session.connection as RTCPeerConnection | undefined;
    if (existing) watch(existing);
    else entry.session.on('peerconnection', ({ peerconnection }) => watch(peerconnection));
    entry.session.on('ended', () => speaker.stop());
    entry.session.on('failed', () => speaker.stop());
  }

  private record(entry: CallEntry, type: string, fields: RecordFields): void {
    this.log.add({ who: entry.who, type, id: entry.id, ...fields });
    this.onChange();
  }
}

function summaryStatus(entry: CallEntry): CallSummary['status'] {
  const { session } = entry;
  if (session.isEnded()) return 'ended';
  if (session.isEstablished()) return 'in call';
  if (entry.incoming && session.status === session.C.STATUS_WAITING_FOR_ANSWER) return 'ringing';
  if (!entry.incoming && session.status === session.C.STATUS_1XX_RECEIVED) return 'ringing';
  return 'setting up';
}
