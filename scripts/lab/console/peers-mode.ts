/**
 * /console: the lab's own phones. The caller places calls, the cell phone
 * behind the forwarding number rings until someone "presses 1" (R3; other
 * modes in cell-peer.ts), voicemail answers every call at once, plays the
 * greeting and records a message (voicemail-peer.ts), the colleague (a
 * transfer target) rings until answered, and the line-test phone places the
 * provider's line tests (line-test-caller.ts) when the login service asks
 * over its event stream (lab-channel.ts). The caller is the far end of the
 * extension's calls: what it sees in a call (hold, DTMF, REFER) is in the
 * event log (far-end.ts).
 */
import type { RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRTCSessionEvent, RTCSessionEvent } from 'jssip/lib/UA';
import type { LabConsoleApi, PeerName } from './api';
import type { CallBook } from './call-book';
import type { EventLog } from './event-log';
import { answerAsCell, setCellMode } from './cell-peer';
import { openLabChannel } from './lab-channel';
import { LineTestCaller } from './line-test-caller';
import { SipPeer } from './sip-peer';
import { answerAsVoicemail } from './voicemail-peer';

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
    SipPeer.create('line-test', 'line-test', log, onChange),
  ]).then(async ([caller, cell, voicemail, colleague, lineTest]) => {
    peers.push(caller, cell, voicemail, colleague, lineTest);
    const busy = (event: IncomingRTCSessionEvent): void => event.session.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
    onIncoming(caller, busy);
    onIncoming(cell, (event) => answerAsCell(calls, log, event));
    onIncoming(voicemail, (event) => answerAsVoicemail(calls, log, event));
    onIncoming(colleague, (event) => calls.trackIncoming('colleague', event.session, event.request));
    onIncoming(lineTest, busy);
    onChange();
    await Promise.all(peers.map((peer) => peer.registered));
    // Only now can the login service hand this page line tests.
    const lineTests = new LineTestCaller(lineTest, calls);
    openLabChannel({ lineTest: (id, number) => lineTests.place(id, number) });
  });

  const api: LabConsoleApi = {
    ready,
    events: log.events,
    call(number, opts) {
      const caller = peers[0];
      if (!caller?.isRegistered) throw new Error('the caller is not registered yet: await lab.ready');
      const session = caller.ua.call(number, { ...calls.mediaFor('caller'), fromDisplayName: opts?.displayName });
      if (opts?.bareOffer) stripCandidatesFromOffer(session);
      return calls.trackOutgoing('caller', session);
    },
    calls: () => calls.list(),
    hangup: (id) => calls.hangup(id),
    cellAccept: () => answerOldest(calls, 'cell'),
    colleagueAnswer: () => answerOldest(calls, 'colleague'),
    setCellMode,
    stats: (id) => calls.stats(id),
    audioLevel: (id, windowMs) => calls.audioLevel(id, windowMs),
    setReinvitePolicy: (policy) => calls.setPolicy('caller', 'reinvite', policy),
    setReferPolicy: (policy) => calls.setPolicy('caller', 'refer', policy),
  };
  return { api, peers };
}

/**
 * The first offer leaves without a=candidate lines. A callee that gets no
 * candidate has no connectivity check to finish its ICE gathering early
 * (Chromium stops gathering at its first working pair): its answer waits for
 * the gathering, e.g. for a STUN server that never answers (README).
 */
function stripCandidatesFromOffer(session: RTCSession): void {
  let done = false;
  session.on('sdp', (event) => {
    if (done || String(event.originator) !== 'local' || event.type !== 'offer') return;
    done = true;
    event.sdp = event.sdp
      .split('\r\n')
      .filter((line) => !line.startsWith('a=candidate:') && line !== 'a=end-of-candidates')
      .join('\r\n');
  });
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
