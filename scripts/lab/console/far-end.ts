/**
 * What a call of the console sees the other side do once it is up: re-INVITEs
 * (hold and resume), DTMF by SIP INFO, REFER (blind transfer). These are the
 * probes end-to-end tests read to judge the extension's in-call controls by
 * what the far end receives, and the policies that let a test make the far
 * end refuse.
 */
import type { AnswerOptions, HoldEvent, IncomingDTMFEvent, OutgoingDTMFEvent, ReferEvent, ReInviteEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest } from 'jssip/lib/SIPMessage';
import type { FarEndPolicy } from './api';
import type { RecordFields } from './call-book';
import { audioDirection } from './sdp-direction';

export interface FarEndPolicies {
  reinvite: FarEndPolicy;
  refer: FarEndPolicy;
}

export interface FarEndHooks {
  record(type: string, fields: RecordFields): void;
  /** Read at each request, so a policy set mid-call applies to the next one. */
  policies(): FarEndPolicies;
  media(): AnswerOptions;
  /** JsSIP created the call to the Refer-To target (not sent yet). */
  onTransferCall(session: RTCSession): void;
}

/** JsSIP's in-dialog request entry point and its reply(); not in its type declarations. */
interface RequestReceiver {
  receiveRequest(request: ReplyableRequest): void;
}

type ReplyableRequest = IncomingRequest & { reply(code: number, reason?: string): void };

export function watchFarEnd(session: RTCSession, hooks: FarEndHooks): void {
  session.on('reinvite', (event: ReInviteEvent) => onReinvite(event, hooks));
  session.on('hold', (event: HoldEvent) => {
    if (String(event.originator) === 'remote') hooks.record('hold', {});
  });
  session.on('unhold', (event: HoldEvent) => {
    if (String(event.originator) === 'remote') hooks.record('unhold', {});
  });
  session.on('newDTMF', (event: IncomingDTMFEvent | OutgoingDTMFEvent) => {
    // JsSIP emits our own sent tones here too (originator 'local').
    if (String(event.originator) !== 'remote') return;
    hooks.record('dtmf', { detail: event.dtmf.tone, transport: 'INFO' });
  });
  session.on('refer', (event: ReferEvent) => {
    hooks.record('refer', { detail: referTarget(event.request.getHeader('Refer-To')), status: 202 });
    event.accept((transferSession: RTCSession) => hooks.onTransferCall(transferSession), hooks.media());
  });
  declineRefersWhenAsked(session, hooks);
}

function onReinvite(event: ReInviteEvent, hooks: FarEndHooks): void {
  const body = event.request.body;
  const detail = body ? (audioDirection(body) ?? 'no-audio') : 'no-sdp';
  if (hooks.policies().reinvite === 'reject') {
    // JsSIP then leaves the session as it was: no hold, no new description.
    event.reject({ status_code: 488, reason_phrase: 'Not Acceptable Here' });
    hooks.record('reinvite', { detail, status: 488 });
    return;
  }
  hooks.record('reinvite', { detail });
}

/**
 * JsSIP answers every REFER with 202 before its 'refer' event, and its
 * reject() only sends a NOTIFY with 603. To refuse the REFER itself (the
 * answer a transferor sees at once), catch it before JsSIP does.
 */
function declineRefersWhenAsked(session: RTCSession, hooks: FarEndHooks): void {
  const receiver = session as unknown as RequestReceiver;
  const receive = receiver.receiveRequest.bind(session);
  receiver.receiveRequest = (request: ReplyableRequest): void => {
    if (request.method === 'REFER' && hooks.policies().refer === 'reject' && session.isEstablished()) {
      request.reply(603, 'Declined');
      hooks.record('refer', { detail: referTarget(request.getHeader('Refer-To')), status: 603 });
      return;
    }
    receive(request);
  };
}

/** The URI of a Refer-To header value ('"Name" <sip:x@y;p>;param' or a bare URI). */
export function referTarget(header: string | undefined): string {
  if (!header) return '';
  const bracketed = /<([^>]*)>/.exec(header);
  return (bracketed?.[1] ?? header.split(';')[0] ?? '').trim();
}
