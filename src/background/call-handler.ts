/**
 * Calls as the worker sees them: the engine's call facts become the snapshot's
 * `calls` and the Answer / Decline notification; the agent's intents (popup,
 * notification buttons, keyboard shortcuts) go to the engine as one command.
 * The engine's call is the truth: a fact carries the whole call and replaces
 * the worker's copy, never merged.
 */
import { isLive } from '../shared/call-state';
import type { CallOp, EngineFact } from '../shared/engine-types';
import { fail, ok, type Result } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { callById, hasLiveCall, liveCalls, ringingCall, type CallView, type Snapshot } from '../shared/snapshot';
import { callerLabel, describeCallEnd } from '../shared/text';
import { SerialQueue } from '../shared/serial-queue';
import type { Ports } from './ports';
import type { SnapshotStore } from './snapshot-store';

const log = createLogger('calls');

export const CALL_NOTIFICATION_PREFIX = 'call:';
const MISSED_NOTIFICATION_PREFIX = 'missed:';

export const callNotificationId = (callId: string) => `${CALL_NOTIFICATION_PREFIX}${callId}`;

/** Replaces the call with the same id, or appends it. */
function withCall(s: Snapshot, call: CallView): Snapshot {
  const i = s.calls.findIndex((c) => c.id === call.id);
  const calls = i === -1 ? [...s.calls, call] : s.calls.map((c, j) => (j === i ? call : c));
  return { ...s, calls };
}

export class CallHandler {
  /** One engine operation per call at a time: a double-click on Answer must not answer twice. */
  private readonly queues = new Map<string, SerialQueue>();

  constructor(
    private readonly ports: Ports,
    private readonly store: SnapshotStore,
    /** Told when the call notification is on screen (the timeline records it). */
    private readonly onNotified: (callId: string, at: number) => void = () => undefined,
  ) {}

  onCallFact(fact: EngineFact): void {
    switch (fact.kind) {
      case 'call-incoming': {
        const call = fact.call;
        // The notification first: it is what the agent hears and sees when the
        // popup is closed; the snapshot, storage and badge follow.
        void this.ports.notifier
          .show(callNotificationId(call.id), {
            title: fact.waiting ? 'Call waiting' : 'Incoming call',
            message: callerLabel(call.remoteName, call.remoteNumber),
            buttons: fact.waiting ? ['Hold & answer', 'Decline'] : ['Answer', 'Decline'],
            requireInteraction: true,
            priority: 2,
          })
          .then(() => this.onNotified(call.id, this.ports.now()))
          .catch((err: unknown) => log.error('could not show the call notification', err));
        this.store.update((s) => withCall(s, call));
        return;
      }
      case 'call-updated':
        this.store.update((s) => (callById(s, fact.call.id) ? withCall(s, fact.call) : s));
        if (fact.call.phase !== 'ringing') void this.ports.notifier.clear(callNotificationId(fact.call.id));
        return;
      case 'call-ended': {
        const ended = callById(this.store.get(), fact.callId);
        this.queues.delete(fact.callId);
        this.store.update((s) => {
          if (!ended) return s;
          return { ...s, calls: s.calls.filter((c) => c.id !== fact.callId), lastCall: { ...ended, phase: 'ended', endReason: fact.reason } };
        });
        void this.ports.notifier.clear(callNotificationId(fact.callId));
        if (fact.reason === 'missed' && ended) {
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

  /** Replaces the worker's calls with the engine's (after a worker restart). */
  resync(engineCalls: CallView[]): void {
    this.store.update((s) => {
      const same = s.calls.length === engineCalls.length && s.calls.every((c, i) => JSON.stringify(c) === JSON.stringify(engineCalls[i]));
      return same ? s : { ...s, calls: engineCalls };
    });
  }

  /** Everything the agent does to a call goes to the engine, one operation per call at a time. */
  op(callId: string, op: CallOp): Promise<Result> {
    let queue = this.queues.get(callId);
    if (!queue) {
      queue = new SerialQueue();
      this.queues.set(callId, queue);
    }
    return queue.run(async () => {
      const call = callById(this.store.get(), callId);
      if (!call) return fail('no_such_call');
      if (op.kind === 'answer' && call.phase !== 'ringing') return ok; // Already answering: idempotent.
      return this.ports.engine.request('engine-call', { callId, op });
    });
  }

  /** The ringing call, for keyboard shortcuts. */
  ringingCallId(): string | null {
    return ringingCall(this.store.get())?.id ?? null;
  }

  /** The call the agent is talking in (answered, not on hold), for keyboard shortcuts. */
  currentCall(): CallView | null {
    const live = liveCalls(this.store.get());
    return live.find((c) => !c.held) ?? live[live.length - 1] ?? null;
  }

  /** A keyboard shortcut: answer the ringing call (holding the current one), hang up, or mute. */
  onCommand(command: string): void {
    const s = this.store.get();
    const ringing = ringingCall(s);
    const current = this.currentCall();
    let action: Promise<Result> | null = null;
    if (command === 'answer-call' && ringing) action = this.op(ringing.id, { kind: 'answer' });
    // Hang up ends the call the agent talks in; with none, it declines the ringing one.
    if (command === 'hangup-call') {
      const target = current ?? ringing;
      if (target) action = this.op(target.id, { kind: 'hangup' });
    }
    if (command === 'toggle-mute' && current && isLive(current)) action = this.op(current.id, { kind: 'mute', on: !current.muted });
    void action?.then((r) => {
      if (!r.ok) log.warn('shortcut failed', command, r.error);
    });
  }

  /** A notification button: 0 is Answer (Hold & answer during a call), 1 is Decline. */
  onNotificationButton(notificationId: string, buttonIndex: number): void {
    if (!notificationId.startsWith(CALL_NOTIFICATION_PREFIX)) return;
    const callId = notificationId.slice(CALL_NOTIFICATION_PREFIX.length);
    const action = this.op(callId, { kind: buttonIndex === 0 ? 'answer' : 'hangup' });
    void action.then((r) => {
      if (!r.ok) log.warn('notification action failed', r.error);
    });
  }

  hasLiveCall(): boolean {
    return hasLiveCall(this.store.get());
  }
}
