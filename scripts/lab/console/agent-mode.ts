/**
 * /console?agent=<user>: registers one agent UA, the way the extension does,
 * so tests can check the parallel fork (R2) and declines (R4) without the
 * extension. `ttl` (seconds) asks for a credential of that lifetime. It can
 * also do what the extension's in-call controls do (mute, hold, DTMF, REFER),
 * so the lab's far-end probes can be tested without the extension.
 */
import type { IncomingRTCSessionEvent, RTCSessionEvent } from 'jssip/lib/UA';
import type { LabAgentApi } from './api';
import type { CallBook } from './call-book';
import type { EventLog } from './event-log';
import { SipPeer } from './sip-peer';

export interface AgentMode {
  api: LabAgentApi;
  peers: SipPeer[];
}

export function startAgentMode(
  user: string,
  ttl: number | undefined,
  log: EventLog,
  calls: CallBook,
  onChange: () => void,
): AgentMode {
  const peers: SipPeer[] = [];
  const ready = SipPeer.create('agent', user, log, onChange, ttl).then(async (agent) => {
    peers.push(agent);
    agent.ua.on('newRTCSession', (event: RTCSessionEvent) => {
      if (String(event.originator) !== 'remote') return;
      const incoming = event as IncomingRTCSessionEvent;
      calls.trackIncoming('agent', incoming.session, incoming.request);
    });
    onChange();
    await agent.registered;
  });

  const api: LabAgentApi = {
    ready,
    user,
    events: log.events,
    answer() {
      const ringing = calls.ringing('agent');
      // Like the extension, the agent answers with the grant's ICE servers (the lab's are [] unless told otherwise).
      const media = calls.mediaFor('agent');
      ringing?.session.answer({ ...media, pcConfig: { ...media.pcConfig, iceServers: peers[0]?.iceServers ?? [] } });
      return ringing?.id ?? null;
    },
    decline(statusCode = 486) {
      const ringing = calls.ringing('agent');
      ringing?.session.terminate({ status_code: statusCode, reason_phrase: statusCode === 486 ? 'Busy Here' : 'Declined' });
      return ringing?.id ?? null;
    },
    calls: () => calls.list(),
    hangup: (id) => calls.hangup(id),
    stats: (id) => calls.stats(id),
    audioLevel: (id, windowMs) => calls.audioLevel(id, windowMs),
    mute: (id, on) => calls.mute(id, on),
    hold: (id, on) => calls.hold(id, on),
    sendDtmf: (id, tones, transport) => calls.sendDtmf(id, tones, transport),
    refer: (id, target) => calls.refer(id, target),
  };
  return { api, peers };
}
