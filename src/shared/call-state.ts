import { IllegalTransitionError } from './errors';

/**
 * One inbound call as the agent sees it.
 *
 * ```
 *  ringing ──answer──▶ answering ──confirmed──▶ active ──hangup / remote-ended──▶ ended
 *     │                    │                                                       ▲
 *     ├──decline───────────┼─────────────────────────────────────────────────────▶─┤
 *     └──cancelled / answered-elsewhere / failed ──────────────────────────────────┘
 * ```
 */
export type CallPhase = 'ringing' | 'answering' | 'active' | 'ended';

export type CallEndReason =
  | 'declined' // the agent declined (486 Busy Here: the other routes go on)
  | 'missed' // the caller gave up or the ring timeout moved the call on
  | 'answered-elsewhere' // CANCEL with Reason: SIP;cause=200 (the forwarding phone took it)
  | 'remote-hangup'
  | 'local-hangup'
  | 'failed';

export type CallEvent = 'answer' | 'confirmed' | 'decline' | 'hangup' | 'ended';

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
}): CallEndReason {
  if (fact.answeredElsewhere) return 'answered-elsewhere';
  if (fact.declinedLocally) return 'declined';
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
