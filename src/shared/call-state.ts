import { IllegalTransitionError } from './errors';

/**
 * One inbound call as the agent sees it: a phase, changed only by
 * `reduceCall` through the table below, and flags (muted, held, held by the
 * caller, a transfer, a notice, quality warnings) that are not phases.
 *
 * ```
 *  ringing ──answer──▶ answering ──confirmed──▶ active ──hangup / ended──▶ ended
 *     │                    │                                                ▲
 *     ├──decline───────────┼──────────────────────────────────────────────▶─┤
 *     └──ended (cancelled / answered elsewhere / failed) ───────────────────┘
 * ```
 */
export type CallPhase = 'ringing' | 'answering' | 'active' | 'ended';

export type CallEndReason =
  | 'declined' // the agent declined (486 Busy Here: the other routes go on)
  | 'missed' // the caller gave up or the ring timeout moved the call on
  | 'answered-elsewhere' // CANCEL with Reason: SIP;cause=200 (the forwarding phone took it)
  | 'remote-hangup'
  | 'local-hangup'
  | 'transferred' // a blind transfer was accepted by the caller's phone
  | 'failed';

export type CallEvent = 'answer' | 'confirmed' | 'decline' | 'hangup' | 'ended';

/**
 * Something the agent must be told about a call that goes on: a control that
 * did not work, so the popup says what happened instead of guessing.
 */
export type CallNotice =
  | 'hold-refused' // the caller's phone answered the hold re-INVITE with an error
  | 'resume-refused'
  | 'hold-busy' // a re-INVITE was still pending (JsSIP refuses a second)
  | 'transfer-refused' // the REFER was refused, or the caller's phone could not reach the target
  | 'dtmf-failed';

export type QualityIssue = 'latency' | 'jitter' | 'loss';

export type TransferState = { target: string; status: 'trying' } | null;

/** A call in the engine, the snapshot and the popup. Caller text is untrusted: render as text only. */
export interface CallView {
  /** Our own id (crypto.randomUUID()), never the caller's Call-ID. */
  id: string;
  phase: CallPhase;
  remoteName: string;
  remoteNumber: string;
  startedAt: number;
  answeredAt: number | null;
  endReason: CallEndReason | null;
  muted: boolean;
  /** Put on hold by the agent (a sendonly / inactive re-INVITE was accepted). */
  held: boolean;
  /** Put on hold by the caller. */
  remoteHeld: boolean;
  transfer: TransferState;
  notice: CallNotice | null;
  quality: QualityIssue[];
  /** The provider's "Test my line" call (its X-Line-Test header): shown as such, never a missed call. */
  lineTest: boolean;
}

/** A call's notification id (chrome.notifications id, or the engine's web notification tag). */
export const CALL_NOTIFICATION_PREFIX = 'call:';
export const callNotificationId = (callId: string) => `${CALL_NOTIFICATION_PREFIX}${callId}`;

export function newCall(fields: Pick<CallView, 'id' | 'remoteName' | 'remoteNumber' | 'startedAt'> & { lineTest?: boolean }): CallView {
  return {
    lineTest: false,
    ...fields,
    phase: 'ringing',
    answeredAt: null,
    endReason: null,
    muted: false,
    held: false,
    remoteHeld: false,
    transfer: null,
    notice: null,
    quality: [],
  };
}

const TABLE: Record<CallPhase, Partial<Record<CallEvent, CallPhase>>> = {
  ringing: { answer: 'answering', decline: 'ended', hangup: 'ended', ended: 'ended' },
  answering: { confirmed: 'active', hangup: 'ended', ended: 'ended' },
  active: { hangup: 'ended', ended: 'ended', confirmed: 'active' },
  ended: { ended: 'ended' },
};

export function nextCallPhase(phase: CallPhase, event: CallEvent): CallPhase {
  const next = TABLE[phase][event];
  if (next === undefined) throw new IllegalTransitionError('call', phase, event);
  return next;
}

/** Everything that can happen to a call; the only way a CallView changes. */
export type CallChange =
  | { type: 'answer' }
  | { type: 'confirmed'; at: number }
  | { type: 'ended'; reason: CallEndReason }
  | { type: 'muted'; on: boolean }
  | { type: 'held'; on: boolean }
  | { type: 'remote-held'; on: boolean }
  | { type: 'transfer'; transfer: TransferState }
  | { type: 'notice'; notice: CallNotice | null }
  | { type: 'quality'; issues: QualityIssue[] };

/** Flags exist only on an answered call; changing one on a ringing or ended call is a bug. */
function requireAnswered(call: CallView, change: CallChange['type']): void {
  if (call.phase !== 'answering' && call.phase !== 'active') throw new IllegalTransitionError('call', call.phase, change);
}

/** Pure: the call after `change`. Throws IllegalTransitionError on an illegal move. */
export function reduceCall(call: CallView, change: CallChange): CallView {
  switch (change.type) {
    case 'answer':
      return { ...call, phase: nextCallPhase(call.phase, 'answer') };
    case 'confirmed':
      return { ...call, phase: nextCallPhase(call.phase, 'confirmed'), answeredAt: call.answeredAt ?? change.at };
    case 'ended':
      return { ...call, phase: nextCallPhase(call.phase, 'ended'), endReason: change.reason, transfer: null };
    case 'muted':
      requireAnswered(call, change.type);
      return { ...call, muted: change.on };
    case 'held':
      requireAnswered(call, change.type);
      return { ...call, held: change.on };
    case 'remote-held':
      requireAnswered(call, change.type);
      return { ...call, remoteHeld: change.on };
    case 'transfer':
      requireAnswered(call, change.type);
      return { ...call, transfer: change.transfer };
    case 'notice':
      return { ...call, notice: change.notice };
    case 'quality':
      return sameIssues(call.quality, change.issues) ? call : { ...call, quality: [...change.issues] };
  }
}

function sameIssues(a: QualityIssue[], b: QualityIssue[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A call the agent is in or answering (not ringing, not over). */
export function isLive(call: CallView): boolean {
  return call.phase === 'answering' || call.phase === 'active';
}

/** Maps the engine's end-of-call facts to what the agent should be told. */
export function endReasonFor(fact: {
  originator: 'local' | 'remote' | 'system';
  phaseWhenEnded: CallPhase;
  /** JsSIP's cause string (JsSIP.C.causes), e.g. "Canceled", "Terminated". */
  cause: string;
  /** A CANCEL carrying `Reason: SIP;cause=200`: another leg of the fork answered. */
  answeredElsewhere: boolean;
  /** The agent pressed Decline. */
  declinedLocally: boolean;
  /** The agent's call ended because its blind transfer was accepted. */
  transferred?: boolean;
}): CallEndReason {
  if (fact.answeredElsewhere) return 'answered-elsewhere';
  if (fact.declinedLocally) return 'declined';
  if (fact.transferred) return 'transferred';
  if (fact.phaseWhenEnded === 'ringing') {
    return fact.originator !== 'local' && (fact.cause === 'Canceled' || fact.cause === 'No Answer' || fact.cause === 'Request Timeout')
      ? 'missed'
      : 'failed';
  }
  if (fact.phaseWhenEnded === 'answering') return 'failed';
  if (fact.originator === 'local') return 'local-hangup';
  if (fact.originator === 'remote' && fact.cause === 'Terminated') return 'remote-hangup';
  return fact.originator === 'remote' ? 'remote-hangup' : 'failed';
}

/** True when a CANCEL's Reason header says another branch answered (RFC 3326, cause 200). */
export function isAnsweredElsewhere(reasonHeader: string | undefined | null): boolean {
  if (!reasonHeader) return false;
  return reasonHeader
    .split(',')
    .some((part) => /^\s*SIP\s*;/i.test(part) && /;\s*cause\s*=\s*200\b/i.test(part));
}
