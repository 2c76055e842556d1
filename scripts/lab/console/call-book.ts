/**
 * Every call of the page under a short id ('caller-1', 'cell-2', ...), with
 * its JsSIP events written to the event log.
 */
import type { AnswerOptions, IncomingEvent, OutgoingEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import type { CallStats, PeerName } from './api';
import type { EventLog } from './event-log';

export interface CallEntry {
  id: string;
  who: PeerName;
  session: RTCSession;
  incoming: boolean;
}

/** Media for every call: the page's (fake) microphone, and no ICE servers on loopback. */
export function callMedia(): AnswerOptions {
  return { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } };
}

type EndMessage = IncomingRequest | IncomingResponse | null | undefined;

export class CallBook {
  private readonly calls = new Map<string, CallEntry>();
  private counter = 0;

  constructor(
    private readonly log: EventLog,
    private readonly onChange: () => void,
    /** Where the remote audio of the person's own calls plays. */
    private readonly speaker: HTMLAudioElement,
  ) {}

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
    return [...this.calls.values()].find(
      (entry) => entry.who === who && entry.incoming && entry.session.status === entry.session.C.STATUS_WAITING_FOR_ANSWER,
    );
  }

  active(): CallEntry[] {
    return [...this.calls.values()].filter((entry) => !entry.session.isEnded());
  }

  hangup(id: string): void {
    const { session } = this.find(id);
    if (!session.isEnded()) session.terminate();
  }

  async stats(id: string): Promise<CallStats> {
    const connection = this.find(id).session.connection as RTCPeerConnection | undefined;
    const totals = { bytesSent: 0, bytesReceived: 0 };
    if (!connection) return totals;
    (await connection.getStats()).forEach((report: { type: string; kind?: string; bytesSent?: number; bytesReceived?: number }) => {
      if (report.kind !== 'audio') return;
      if (report.type === 'outbound-rtp') totals.bytesSent += report.bytesSent ?? 0;
      if (report.type === 'inbound-rtp') totals.bytesReceived += report.bytesReceived ?? 0;
    });
    return totals;
  }

  private add(who: PeerName, session: RTCSession, incoming: boolean): CallEntry {
    this.counter += 1;
    const entry: CallEntry = { id: `${who}-${this.counter}`, who, session, incoming };
    this.calls.set(entry.id, entry);
    this.watchEnd(entry);
    if (who === 'caller' || who === 'agent') this.playRemoteAudio(session);
    session.on('confirmed', () => this.record(entry, 'confirmed', {}));
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

  private playRemoteAudio(session: RTCSession): void {
    session.on('peerconnection', ({ peerconnection }) => {
      peerconnection.addEventListener('track', (event: RTCTrackEvent) => {
        const stream = event.streams[0];
        if (stream) this.speaker.srcObject = stream;
      });
    });
  }

  private record(entry: CallEntry, type: string, fields: { cause?: string; status?: number; detail?: string }): void {
    this.log.add({ who: entry.who, type, id: entry.id, ...fields });
    this.onChange();
  }
}
