/**
 * /console: the lab's own phones. The caller places calls, the cell phone
 * behind the forwarding number rings until someone "presses 1" (R3),
 * voicemail answers every call at once and hangs up by itself, and the
 * colleague (a transfer target) rings until answered. The caller is the far
 * end of the extension's calls: what it sees in a call (hold, DTMF, REFER)
 * is in the event log (far-end.ts).
 */
import type { IncomingRTCSessionEvent, RTCSessionEvent } from 'jssip/lib/UA';
import type { LabConsoleApi, PeerName } from './api';
import type { CallBook } from './call-book';
import type { EventLog } from './event-log';
import { SipPeer } from './sip-peer';

const VOICEMAIL_MESSAGE_MS = 20_000;

export interface PeersMode {
  api: LabConsoleApi;
  /** Filled once the peers' credentials arrived; for the page's status line. */
  peers: SipPeer[];
}

export function startPeersMode(log: EventLog, calls: CallBook, onChange: () => void): PeersMode {
  const peers: SipPeer[] = [];
  const ready = Promise.all([
    SipPeer.create('caller', 'caller', log, onChange),
    SipPeer.create('cell', 'cell', log, onChange),
    SipPeer.create('voicemail', 'voicemail', log, onChange),
    SipPeer.create('colleague', 'colleague', log, onChange),
  ]).then(async ([caller, cell, voicemail, colleague]) => {
    peers.push(caller, cell, voicemail, colleague);
    onIncoming(caller, (event) => event.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' }));
    onIncoming(cell, (event) => calls.trackIncoming('cell', event.session, event.request));
    onIncoming(voicemail, (event) => answerAsVoicemail(calls, event));
    onIncoming(colleague, (event) => calls.trackIncoming('colleague', event.session, event.request));
    onChange();
    await Promise.all(peers.map((peer) => peer.registered));
  });

  const api: LabConsoleApi = {
    ready,
    events: log.events,
    call(number, opts) {
      const caller = peers[0];
      if (!caller?.isRegistered) throw new Error('the caller is not registered yet: await lab.ready');
      const session = caller.ua.call(number, { ...calls.mediaFor('caller'), fromDisplayName: opts?.displayName });
      return calls.trackOutgoing('caller', session);
    },
    calls: () => calls.list(),
    hangup: (id) => calls.hangup(id),
    cellAccept: () => answerOldest(calls, 'cell'),
    colleagueAnswer: () => answerOldest(calls, 'colleague'),
    stats: (id) => calls.stats(id),
    audioLevel: (id, windowMs) => calls.audioLevel(id, windowMs),
    setReinvitePolicy: (policy) => calls.setPolicy('caller', 'reinvite', policy),
    setReferPolicy: (policy) => calls.setPolicy('caller', 'refer', policy),
  };
  return { api, peers };
}

function answerOldest(calls: CallBook, who: PeerName): string | null {
  const ringing = calls.ringing(who);
  ringing?.session.answer(calls.mediaFor(who));
  return ringing?.id ?? null;
}

function onIncoming(peer: SipPeer, handle: (event: IncomingRTCSessionEvent) => void): void {
  peer.ua.on('newRTCSession', (event: RTCSessionEvent) => {
    // JsSIP also announces the peer's own outgoing calls here.
    if (String(event.originator) === 'remote') handle(event as IncomingRTCSessionEvent);
  });
}

/** The fake microphone is the greeting; the "message" ends after a while. */
function answerAsVoicemail(calls: CallBook, event: IncomingRTCSessionEvent): void {
  calls.trackIncoming('voicemail', event.session, event.request);
  event.session.answer(calls.mediaFor('voicemail'));
  const hangUp = setTimeout(() => {
    if (!event.session.isEnded()) event.session.terminate();
  }, VOICEMAIL_MESSAGE_MS);
  event.session.on('ended', () => clearTimeout(hangUp));
  event.session.on('failed', () => clearTimeout(hangUp));
}
