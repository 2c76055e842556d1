/**
 * Calls as the worker sees them: the engine's call facts become the snapshot's
 * call view and the Answer / Decline notification; the agent's intents (popup,
 * notification buttons, keyboard shortcuts) go to the engine.
 */
import type { EngineFact } from '../shared/engine-types';
import { fail, type Result } from '../shared/errors';
import { createLogger } from '../shared/logger';
import type { CallView } from '../shared/snapshot';
import { callerLabel, describeCallEnd } from '../shared/text';
import { SerialQueue } from '../shared/serial-queue';
import type { Ports } from './ports';
import type { SnapshotStore } from './snapshot-store';

const log = createLogger('calls');

export const CALL_NOTIFICATION_PREFIX = 'call:';
const MISSED_NOTIFICATION_PREFIX = 'missed:';

export const callNotificationId = (callId: string) => `${CALL_NOTIFICATION_PREFIX}${callId}`;

export class CallHandler {
  /** One engine operation at a time: a double-click on Answer must not answer twice. */
  private readonly queue = new SerialQueue();

  constructor(
    private readonly ports: Ports,
    private readonly store: SnapshotStore,
    /** Told when the call notification is on screen (the timeline records it). */
    private readonly onNotified: (callId: string, at: number) => void = () => undefined,
  ) {}

  onCallFact(fact: EngineFact): void {
    switch (fact.kind) {
      case 'call-incoming': {
        const view: CallView = { ...fact.call, endReason: null };
        // The notification first: it is what the agent hears and sees when the
        // popup is closed; the snapshot, storage and badge follow.
        void this.ports.notifier
          .show(callNotificationId(view.id), {
            title: 'Incoming call',
            message: callerLabel(view.remoteName, view.remoteNumber),
            buttons: ['Answer', 'Decline'],
            requireInteraction: true,
            priority: 2,
          })
          .then(() => this.onNotified(view.id, this.ports.now()))
          .catch((err: unknown) => log.error('could not show the call notification', err));
        this.store.update((s) => ({ ...s, call: view }));
        return;
      }
      case 'call-phase':
        this.store.update((s) => {
          if (s.call?.id !== fact.callId) return s;
          const answeredAt = fact.phase === 'active' ? (s.call.answeredAt ?? fact.at) : s.call.answeredAt;
          return { ...s, call: { ...s.call, phase: fact.phase, answeredAt } };
        });
        if (fact.phase !== 'ringing') void this.ports.notifier.clear(callNotificationId(fact.callId));
        return;
      case 'call-ended': {
        const ended = this.store.get().call;
        this.store.update((s) => {
          if (s.call?.id !== fact.callId) return s;
          return { ...s, call: null, lastCall: { ...s.call, phase: 'ended', endReason: fact.reason } };
        });
        void this.ports.notifier.clear(callNotificationId(fact.callId));
        if (fact.reason === 'missed' && ended?.id === fact.callId) {
          void this.ports.notifier.show(`${MISSED_NOTIFICATION_PREFIX}${fact.callId}`, {
            title: describeCallEnd('missed'),
            message: callerLabel(ended.remoteName, ended.remoteNumber),
          });
        }
        return;
      }
      default:
        return;
    }
  }

  answer(callId: string): Promise<Result> {
    return this.queue.run(async () => {
      const call = this.store.get().call;
      if (call?.id !== callId) return fail('no_such_call');
      if (call.phase !== 'ringing') return { ok: true as const }; // Already answering: idempotent.
      return this.ports.engine.request('engine-answer', { callId });
    });
  }

  /**
   * Decline and Hang up are one engine command: it answers 486 while the call
   * rings (so the fork's other legs go on) and sends BYE once it is answered.
   */
  decline(callId: string): Promise<Result> {
    return this.hangup(callId);
  }

  hangup(callId: string): Promise<Result> {
    return this.queue.run(async () => {
      const call = this.store.get().call;
      if (call?.id !== callId) return fail('no_such_call');
      return this.ports.engine.request('engine-hangup', { callId });
    });
  }

  /** The ringing call, for keyboard shortcuts. */
  ringingCallId(): string | null {
    const call = this.store.get().call;
    return call?.phase === 'ringing' ? call.id : null;
  }

  /** A notification button: 0 is Answer, 1 is Decline. */
  onNotificationButton(notificationId: string, buttonIndex: number): void {
    if (!notificationId.startsWith(CALL_NOTIFICATION_PREFIX)) return;
    const callId = notificationId.slice(CALL_NOTIFICATION_PREFIX.length);
    const action = buttonIndex === 0 ? this.answer(callId) : this.decline(callId);
    void action.then((r) => {
      if (!r.ok) log.warn('notification action failed', r.error);
    });
  }
}
