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
import { callById, hasAnyCall, hasLiveCall, liveCalls, ringingCall, type CallView, type Snapshot } from '../shared/snapshot';
import { callAlertWords, callerLabel, callerOf, callNotification, describeDeviceFallback } from '../shared/text';
import { listOf, plural, t } from '../shared/i18n';
import { CALL_NOTIFICATION_PREFIX, callNotificationId } from '../shared/call-state';
import { recentCallFor, type RecentCall } from '../shared/recent-calls';
import { SerialQueue } from '../shared/serial-queue';
import type { Ports } from './ports';
import type { SnapshotStore } from './snapshot-store';

const log = createLogger('calls');

/** An audio device that went missing (one at a time, replaced). */
export const DEVICE_NOTIFICATION = 'device';
/** One notification for all missed calls ("3 missed calls"), not one per call. */
export const MISSED_NOTIFICATION = 'missed';
/** A caller ringing and hanging up in a loop updates the missed-calls notification at most this often. */
const MISSED_UPDATE_MS = 5000;
const MISSED_RECENT = 3;

export { CALL_NOTIFICATION_PREFIX, callNotificationId };

/** Replaces the call with the same id, or appends it. */
function withCall(s: Snapshot, call: CallView): Snapshot {
  const i = s.calls.findIndex((c) => c.id === call.id);
  const calls = i === -1 ? [...s.calls, call] : s.calls.map((c, j) => (j === i ? call : c));
  return { ...s, calls };
}

export class CallHandler {
  /** One engine operation per call at a time: a double-click on Answer must not answer twice. */
  private readonly queues = new Map<string, SerialQueue>();
  private missedShownAt = 0;
  /** The last calls that ended (a stale resync must not revive them). */
  private ended: string[] = [];
  private missedTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ports: Ports,
    private readonly store: SnapshotStore,
    /** Told when the call notification is on screen (the timeline records it). */
    private readonly onNotified: (callId: string, at: number) => void = () => undefined,
    /** Told when a call is over (the recent calls record it). */
    private readonly onEnded: (call: RecentCall) => void = () => undefined,
  ) {}

  onCallFact(fact: EngineFact): void {
    switch (fact.kind) {
      case 'call-incoming': {
        const call = fact.call;
        // The notification first: it is what the agent hears and sees when the
        // popup is closed; the snapshot, storage and badge follow. The engine
        // shows it itself when it can (no hop, no worker start on the ring path).
        if (!fact.engineNotifies) this.notifyCall(call, fact.waiting);
        this.store.update((s) => withCall(s, call));
        // The incoming-call window, if the agent asked for it (options page): to the front.
        void this.ports.local.get('callPreferences').then((p) => (p?.callWindow ? this.ports.ui.callWindow(true) : undefined)).catch(() => undefined);
        return;
      }
      case 'device-fallback':
        // Told once per disappearance (the engine de-duplicates); one notification id, replaced.
        void this.ports.notifier.show(DEVICE_NOTIFICATION, { ...describeDeviceFallback(fact.device), priority: 1 });
        return;
      case 'call-notified': {
        // The engine could not show it: the worker's own, while the call still rings.
        const call = callById(this.store.get(), fact.callId);
        if (!fact.shown && call?.phase === 'ringing') this.notifyCall(call, hasLiveCall(this.store.get()));
        return;
      }
      case 'call-updated':
        this.store.update((s) => (callById(s, fact.call.id) ? withCall(s, fact.call) : s));
        if (fact.call.phase !== 'ringing') void this.ports.notifier.clear(callNotificationId(fact.call.id));
        return;
      case 'call-ended': {
        this.ended = [fact.callId, ...this.ended].slice(0, 20);
        const ended = callById(this.store.get(), fact.callId);
        this.queues.delete(fact.callId);
        // A line test nobody answered is the test's result, not a missed call.
        const missed = fact.reason === 'missed' && ended !== null && !ended.lineTest;
        this.store.update((s) => {
          if (!ended) return s;
          const next = { ...s, calls: s.calls.filter((c) => c.id !== fact.callId), lastCall: { ...ended, phase: 'ended' as const, endReason: fact.reason } };
          if (!missed) return next;
          const recent = [callerLabel(callerOf(ended).name, callerOf(ended).number), ...s.missed.recent].slice(0, MISSED_RECENT);
          return { ...next, missed: { count: s.missed.count + 1, recent } };
        });
        void this.ports.notifier.clear(callNotificationId(fact.callId));
        // A line test is the test's result (its own region), not one of the agent's calls.
        if (ended && !ended.lineTest) this.onEnded(recentCallFor(ended, fact.reason, fact.at));
        if (missed) this.showMissedSoon();
        // The calls are over: the incoming-call window (if one is open) goes too.
        if (!hasAnyCall(this.store.get())) void this.ports.ui.callWindow(false).catch(() => undefined);
        return;
      }
      default:
        return;
    }
  }

  private notifyCall(call: CallView, waiting: boolean): void {
    void this.ports.notifier
      .show(callNotificationId(call.id), callNotification(call, waiting, callAlertWords()))
      .then(() => this.onNotified(call.id, this.ports.now()))
      .catch((err: unknown) => log.error('could not show the call notification', err));
  }

  /**
   * The missed-calls notification says how many and who, and stays until
   * seen; updated at most every few seconds (a caller ringing in a loop must
   * not make the notification centre flicker), the last update always shown.
   */
  private showMissedSoon(): void {
    if (this.missedTimer !== null) return;
    const wait = Math.max(0, this.missedShownAt + MISSED_UPDATE_MS - this.ports.now());
    const show = () => {
      this.missedTimer = null;
      this.missedShownAt = this.ports.now();
      const { count, recent } = this.store.get().missed;
      if (count === 0) return;
      const more = count - recent.length;
      void this.ports.notifier.show(MISSED_NOTIFICATION, {
        title: plural(count, { one: 'missedTitleOne', other: 'missedCallsOther' }),
        message: more > 0 ? t('namesAndMore', recent.join(', '), more) : listOf(recent),
        requireInteraction: true,
        priority: 1,
      });
    };
    if (wait === 0) show();
    else this.missedTimer = setTimeout(show, wait);
  }

  /** The agent opened the popup: missed calls are seen. */
  missedSeen(): void {
    if (this.store.get().missed.count === 0) return;
    this.store.update((s) => ({ ...s, missed: { count: 0, recent: [] } }));
    void this.ports.notifier.clear(MISSED_NOTIFICATION);
  }

  /** Replaces the worker's calls with the engine's (after a worker restart). */
  resync(reported: CallView[]): void {
    // A state asked for before a call ended must not bring it back (facts and a
    // resync may cross while the worker starts).
    const engineCalls = reported.filter((c) => !this.ended.includes(c.id));
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
