/**
 * Recent calls, as the agent sees them: who, when, how long, and one word for
 * what happened. Pure: the worker records one entry per finished call.
 */
import { callerOf } from './text';
import type { CallEndReason, CallView } from './call-state';

export type RecentOutcome = 'Missed' | 'Answered' | 'Declined' | 'Answered elsewhere';

export interface RecentCall {
  id: string;
  name: string;
  number: string;
  /** When it started ringing (ms since epoch). */
  at: number;
  /** How long the conversation lasted; null when it was never answered here. */
  durationMs: number | null;
  outcome: RecentOutcome;
}

export const RECENT_CALLS_LIMIT = 200;

export function outcomeFor(reason: CallEndReason, answered: boolean): RecentOutcome {
  switch (reason) {
    case 'declined':
      return 'Declined';
    case 'answered-elsewhere':
      return 'Answered elsewhere'; // A CANCEL with Reason: SIP;cause=200: the forwarding phone took it.
    case 'missed':
      return 'Missed';
    case 'remote-hangup':
    case 'local-hangup':
    case 'transferred':
      return 'Answered';
    case 'failed':
      return answered ? 'Answered' : 'Missed';
  }
}

export function recentCallFor(call: CallView, reason: CallEndReason, endedAt: number): RecentCall {
  return {
    id: call.id,
    ...callerOf(call),
    at: call.startedAt,
    durationMs: call.answeredAt === null ? null : Math.max(0, endedAt - call.answeredAt),
    outcome: outcomeFor(reason, call.answeredAt !== null),
  };
}
